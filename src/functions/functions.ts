// The FIT.* custom functions: thin adapters over the core. The JSDoc of each
// function is the help Excel shows in AutoComplete and Insert Function, and the
// metadata plugin generates functions.json from it — so only `function`
// declarations (arrow functions are silently dropped), and ids never change.
// Arguments that a user may point at a column (model, gpu, ctx, …) are
// declared as ranges: a range spills one result per cell.
import "./catalogAsset";
import { catalog, findGpu, findModel, findRuntime } from "../core/catalog";
import { fail } from "../core/errors";
import { evaluate, fitsAt, headroomAt, maxBatchOf, maxContextOf, maxGpuLayersOf, minGpus, prepare, speedOf, statusAt, totalPerGpu, workloadOf } from "../core/estimate";
import { COMPARISON_COLUMNS, comparisonRows } from "../core/comparison";
import { comparePlans, noGpuServes, plan, type Plan, type PlanInput } from "../core/capacityPlan";
import { GPU_FIELDS, MODEL_FIELDS, gpuField, modelField } from "../core/spec";
import { toGiB } from "../core/units";
import { amount, count, isBlank, lift, requiredText, single, table, text, type Cell } from "./cellArgs";
import { batchOf, ctxOf, placedAt, quantForKv, setupInput } from "./setupArgs";

// Outside Office (the standalone calculator page without office.js) the
// plugin's appended CustomFunctions.associate calls must not break the page.
if (typeof CustomFunctions === "undefined") {
  (globalThis as unknown as { CustomFunctions: Pick<typeof CustomFunctions, "associate"> }).CustomFunctions = { associate: () => undefined };
}

type Table = Array<Array<string | number | boolean>>;

/**
 * GPU memory (GiB, 2^30 bytes) needed to serve a model: weights + KV cache + state + activations + engine overhead, per GPU. Example: =FIT.VRAM("qwen3-8b", "q4_k_m", 32768, 1, "llama.cpp").
 * @customfunction VRAM
 * @param model Model: catalog id, name or Hugging Face id, e.g. "qwen3-8b". A range spills one result per cell.
 * @param quant Weight format: native, bf16, fp8, awq, gptq, mxfp4, q4_k_m, q8_0, … (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine: vllm (default), sglang, llama.cpp, ollama, transformers, mlx.
 * @param [kv_dtype] KV cache type: auto (default), bf16, fp16, fp8, fp8_e5m2, q8_0, q4_0.
 * @param [gpus] GPUs the model is split over (tensor parallel; default 1). The result is per GPU.
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns GiB per GPU.
 */
export function vram(model: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, quant, ctx, batch, runtime, kv_dtype, gpus, engine_args], (a) => {
    const { p, ctx: c, batch: b } = placedAt(setupInput({ model: a(0), quant: a(1), runtime: a(4), kvDtype: a(5), gpus: a(6), engineArgs: a(7) }, false), a(2), a(3));
    return toGiB(totalPerGpu(p, c, b));
  });
}

/**
 * Memory (GiB) the model's weights take on one GPU, in a given format and engine. Example: =FIT.WEIGHTS("llama-3.1-70b", "awq").
 * @customfunction WEIGHTS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param quant Weight format: native, bf16, fp8, awq, gptq, q4_k_m, … (blank = native).
 * @param [runtime] Engine (default vllm); llama.cpp keeps the input embeddings in system RAM.
 * @param [gpus] GPUs the model is split over (default 1). The result is per GPU.
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns GiB per GPU.
 */
export function weights(model: any[][], quant: any[][], runtime?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, quant, runtime, gpus, engine_args], (a) => {
    const p = prepare(setupInput({ model: a(0), quant: a(1), runtime: a(2), gpus: a(3), engineArgs: a(4) }, false));
    return toGiB(p.run.weightsPerGpu);
  });
}

/**
 * KV cache memory (GiB) for a context and number of requests, per GPU, as the engine allocates it. Linear-attention/SSM state is separate (see FIT.BREAKDOWN). Example: =FIT.KVCACHE("qwen3-8b", 131072).
 * @customfunction KVCACHE
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [kv_dtype] KV cache type: auto (default), bf16, fp16, fp8, fp8_e5m2, q8_0, q4_0.
 * @param [runtime] Engine (default vllm).
 * @param [gpus] GPUs the model is split over (default 1). The result is per GPU.
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns GiB per GPU.
 */
export function kvcache(model: any[][], ctx?: any[][], batch?: any[][], kv_dtype?: any[][], runtime?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, ctx, batch, kv_dtype, runtime, gpus, engine_args], (a) => {
    const input = setupInput({ model: a(0), runtime: a(4), kvDtype: a(3), gpus: a(5), engineArgs: a(6) }, false);
    const { p, ctx: c, batch: b } = placedAt({ ...input, quant: quantForKv(input.model as string, input.runtime ?? undefined) }, a(1), a(2));
    return toGiB(evaluate(p, c, b, false).perGpu.kvCacheBytes);
  });
}

/**
 * Spills the memory breakdown (term, GiB per GPU): weights, KV cache, state, activations, overhead, total, and system RAM the engine also uses. Example: =FIT.BREAKDOWN("qwen3.5-35b-a3b", "q4_k_m", 32768, 1, "llama.cpp").
 * @customfunction BREAKDOWN
 * @param model Model: catalog id, name or Hugging Face id (one cell).
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] GPUs the model is split over (default 1). Terms are per GPU.
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns A two-column table: term, GiB.
 */
export function breakdown(model: string, quant: string, ctx?: number, batch?: number, runtime?: string, kv_dtype?: string, gpus?: number, engine_args?: string): any[][] {
  return table(() => {
    const input = setupInput({ model: single("model", model), quant: single("quant", quant), runtime, kvDtype: kv_dtype, gpus, engineArgs: engine_args }, false);
    const { p, ctx: c, batch: b } = placedAt(input, ctx, batch);
    const e = evaluate(p, c, b, false);
    const t = e.perGpu;
    const rows: Table = [
      ["Term", "GiB"],
      ["Weights", toGiB(t.weightsBytes)],
      ["KV cache", toGiB(t.kvCacheBytes)],
      ["State (linear attention / SSM)", toGiB(t.stateBytes)],
      ["Activations", toGiB(t.activationBytes)],
      ["Overhead (CUDA context, graphs, allocator)", toGiB(t.overheadBytes)],
      ["Total per GPU", toGiB(t.totalBytes)],
      ["System RAM (not GPU)", toGiB(t.hostBytes)],
    ];
    for (const w of e.warnings) rows.push(["Note", w]);
    return rows;
  });
}

/**
 * TRUE when the model fits the GPU under the engine's memory budget (vLLM: gpu_memory_utilization 0.9). Example: =FIT.FITS("qwen3-32b", "rtx 4090", "awq", 8192).
 * @customfunction FITS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name, e.g. "rtx-4090", "H100 SXM". A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (tensor parallel; default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns TRUE or FALSE.
 */
export function fits(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus, engine_args], (a) => {
    const { p, ctx: c, batch: b } = placedAt(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7), engineArgs: a(8) }, true), a(3), a(4));
    return fitsAt(p, p.vramBytes as number, c, b);
  });
}

/**
 * "Fits", "Tight" (fits with under 10% of the engine's budget to spare), "Fits with offload" (runs with some layers or experts in system RAM: Ollama's own split, -ngl, --n-cpu-moe, --cpu-offload-gb) or "OOM". Example: =FIT.STATUS("llama-3.1-8b", "rtx 3090", "bf16", 32768).
 * @customfunction STATUS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (tensor parallel; default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns Fits, Tight, Fits with offload or OOM.
 */
export function status(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus, engine_args], (a) => {
    const { p, ctx: c, batch: b } = placedAt(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7), engineArgs: a(8) }, true), a(3), a(4));
    return statusAt(p, c, b);
  });
}

/**
 * GiB left on each GPU under the engine's budget; negative is the deficit. Example: =FIT.HEADROOM("qwen3-8b", "rtx 4090", "bf16", 32768).
 * @customfunction HEADROOM
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (tensor parallel; default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns GiB per GPU (negative = short by that much).
 */
export function headroom(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus, engine_args], (a) => {
    const { p, ctx: c, batch: b } = placedAt(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7), engineArgs: a(8) }, true), a(3), a(4));
    return toGiB(headroomAt(p, p.vramBytes as number, c, b));
  });
}

/**
 * Longest context (tokens per request) that fits, up to the model's context window; 0 when even one token does not fit. Example: =FIT.MAXCTX("qwen3-8b", "rtx 4090", "q4_k_m", 1, "llama.cpp").
 * @customfunction MAXCTX
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [batch] Concurrent requests, each of that context (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (tensor parallel; default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns Tokens.
 */
export function maxctx(model: any[][], gpu: any[][], quant: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, batch, runtime, kv_dtype, gpus, engine_args], (a) => {
    const input = setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(4), kvDtype: a(5), gpus: a(6), engineArgs: a(7) }, true);
    const p = prepare(input);
    return maxContextOf(p, p.vramBytes as number, workloadOf({ ...input, batch: isBlank(a(3)) ? null : batchOf(a(3)) }, p).batch);
  });
}

/**
 * Most concurrent requests of a given context that fit at once; 0 when one does not fit. Example: =FIT.MAXBATCH("llama-3.1-8b", "h100 sxm", "bf16", 8192).
 * @customfunction MAXBATCH
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (tensor parallel; default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns Concurrent requests.
 */
export function maxbatch(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, runtime, kv_dtype, gpus, engine_args], (a) => {
    const input = setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(4), kvDtype: a(5), gpus: a(6), engineArgs: a(7) }, true);
    const p = prepare(input);
    return maxBatchOf(p, p.vramBytes as number, workloadOf({ ...input, ctx: isBlank(a(3)) ? null : ctxOf(a(3)) }, p).ctx);
  });
}

/**
 * Fewest GPUs of one kind that fit the setup (tensor parallel, honouring the engine's split rules); #N/A when no count up to 64 fits. Example: =FIT.MINGPUS("deepseek-v3", "h100 sxm", "fp8", 32768).
 * @customfunction MINGPUS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns Number of GPUs.
 */
export function mingpus(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, engine_args], (a) => {
    const input = setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), engineArgs: a(7) }, true);
    return minGpus({ ...input, ctx: isBlank(a(3)) ? null : ctxOf(a(3)), batch: isBlank(a(4)) ? null : batchOf(a(4)) });
  });
}

/**
 * Decode speed in tokens/s from the memory each step reads (weights, the experts a batch touches, KV cache) at the GPU's bandwidth, with efficiencies fitted to published benchmarks per engine and backend. Example: =FIT.TOKS("qwen3-8b", "rtx 4090", "q4_k_m", 4096, 1, "llama.cpp").
 * @customfunction TOKS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096); for "prefill", the prompt length.
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [gpus] Number of these GPUs (default 1): tensor parallel for vLLM/SGLang, a layer split for llama.cpp.
 * @param [measure] "total" (default): decode tokens/s of all requests together; "per_request": of one request; "prefill": prompt tokens/s.
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns Tokens per second.
 */
export function toks(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], gpus?: any[][], measure?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, gpus, measure, engine_args], (a) => {
    const { p, ctx: c, batch: b } = placedAt(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), gpus: a(6), engineArgs: a(8) }, true), a(3), a(4));
    const m = (text("measure", a(7), "total") ?? "total").trim().toLowerCase().replace(/[\s-]+/g, "_");
    if (!(m in SPEED_MEASURES)) fail("invalid", `Unknown measure '${String(a(7))}': use total, per_request or prefill.`);
    const sp = speedOf(p, c, b);
    const v = m === "total" ? sp.aggregate : m === "per_request" ? sp.perSequence : sp.prefillTokensPerSecond;
    if (!Number.isFinite(v)) fail("no-answer", `No bf16 compute figure for ${p.gpu!.name} in the catalog, so no prefill speed.`);
    return v;
  });
}

const SPEED_MEASURES = { total: true, per_request: true, prefill: true };

/**
 * Time to first token in seconds for one prompt of ctx tokens: prefill at the GPU's compute (fitted per engine), or streaming the weights once, whichever is longer. Example: =FIT.TTFT("llama-3.1-8b", "h100 sxm", "bf16", 8192).
 * @customfunction TTFT
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Prompt length in tokens (default 4096).
 * @param [runtime] Engine (default vllm).
 * @param [gpus] Number of these GPUs (default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns Seconds.
 */
export function ttft(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], runtime?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, runtime, gpus, engine_args], (a) => {
    const { p, ctx: c } = placedAt(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(4), gpus: a(5), engineArgs: a(6) }, true), a(3), 1);
    const t = speedOf(p, c, 1).ttftSeconds;
    if (!Number.isFinite(t)) fail("no-answer", `No bf16 compute figure for ${p.gpu!.name} in the catalog, so no time to first token.`);
    return t;
  });
}

/**
 * Most layers (counting the output layer) llama.cpp or Ollama can put on the GPUs for this context and batch; the rest run from system RAM. Use it as -ngl / num_gpu. Example: =FIT.GPULAYERS("llama-3.1-70b", "rtx 4090", "q4_k_m", 8192, 1, "llama.cpp").
 * @customfunction GPULAYERS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine: llama.cpp (default) or ollama; other engines do not split layers with the CPU.
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (a layer split; default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns Layers.
 */
export function gpulayers(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus, engine_args], (a) => {
    const input = { ...setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7), engineArgs: a(8) }, true), runtime: text("runtime", a(5), "llama.cpp") };
    const work = { ...input, ctx: isBlank(a(3)) ? null : ctxOf(a(3)), batch: isBlank(a(4)) ? null : batchOf(a(4)) };
    const p = prepare(input);
    if (!p.run.placement) fail("unsupported", `${p.setup.runtime.name} does not split layers between GPU and CPU; llama.cpp and Ollama do.`);
    const w = workloadOf(work, p);
    return maxGpuLayersOf(input, w.ctx, w.batch) as number;
  });
}

/**
 * Where the model runs, as `ollama ps` shows it: "100% GPU", "100% CPU" or "48%/52% CPU/GPU" (share of its memory in system RAM / on the GPUs). Ollama places layers itself; llama.cpp follows -ngl and --n-cpu-moe in engine_args. Example: =FIT.OFFLOAD("qwen3-30b-a3b", "rtx 4060 ti 16gb", "q4_k_m", 32768, 1, "ollama").
 * @customfunction OFFLOAD
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm; vLLM offloads with --cpu-offload-gb).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns The CPU/GPU split as text.
 */
export function offload(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][], engine_args?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus, engine_args], (a) => {
    const { p, ctx: c, batch: b } = placedAt(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7), engineArgs: a(8) }, true), a(3), a(4));
    const e = evaluate(p, c, b, false);
    if (!e.fits) fail("no-answer", `Does not fit: ${toGiB(e.perGpu.totalBytes).toFixed(2)} GiB needed per GPU, ${toGiB(e.budgetBytes as number).toFixed(2)} GiB budget${e.fitsRam === false ? ", and not enough system RAM" : ""}.`);
    return e.processorSplit;
  });
}

/**
 * GPUs needed to serve a workload: the smallest number of this GPU (replicas × GPUs per replica) that holds every user within the speed and wait targets. Example: =FIT.GPUSNEEDED("qwen3-8b", "H100 SXM", "fp8", 400, 2000, 300, 20).
 * @customfunction GPUSNEEDED
 * @param model Model: catalog id, name or Hugging Face id, e.g. "qwen3-8b". A range spills one result per cell.
 * @param gpu GPU to deploy on: catalog id or name, e.g. "H100 SXM", "L40S", "rtx 4090". A range spills one result per cell.
 * @param quant Weight format: native, bf16, fp8, awq, q4_k_m, … (blank = native).
 * @param users Concurrent users: requests being answered at the same moment (leave blank to give requests per minute instead).
 * @param prompt_tokens Tokens in each request's prompt (input), e.g. 2000.
 * @param output_tokens Tokens in each answer (output), e.g. 300.
 * @param [tokens_per_second_per_user] The slowest answer speed each user must see, in tokens per second (blank = no target).
 * @param [ttft_seconds] The longest acceptable wait for the first word of an answer, in seconds (blank = no target).
 * @param [runtime] Serving engine: vllm (default), sglang, llama.cpp, ollama, transformers, mlx.
 * @param [engine_args] The engine's own flags, e.g. "--max-num-seqs 64" or "--kv-cache-dtype fp8".
 * @param [requests_per_minute] Requests per minute, instead of concurrent users.
 * @returns Number of GPUs.
 */
export function gpusneeded(model: any[][], gpu: any[][], quant: any[][], users: any[][], prompt_tokens: any[][], output_tokens: any[][], tokens_per_second_per_user?: any[][], ttft_seconds?: any[][], runtime?: any[][], engine_args?: any[][], requests_per_minute?: any[][]): any[][] {
  return lift([model, gpu, quant, users, prompt_tokens, output_tokens, tokens_per_second_per_user, ttft_seconds, runtime, engine_args, requests_per_minute], (a) => plan(planInput(a, { tps: 6, ttft: 7, runtime: 8, engineArgs: 9, rpm: 10 })).totalGpus);
}

/**
 * Monthly cost in US dollars of the deployment that serves a workload: total GPUs × price per GPU-hour × hours per month. Prices are a starting point, not a quote. Example: =FIT.COSTMONTH("qwen3-8b", "H100 SXM", "fp8", 400, 2000, 300, 20, , 2.5).
 * @customfunction COSTMONTH
 * @param model Model: catalog id, name or Hugging Face id, e.g. "qwen3-8b". A range spills one result per cell.
 * @param gpu GPU to deploy on: catalog id or name, e.g. "H100 SXM", "L40S", "rtx 4090". A range spills one result per cell.
 * @param quant Weight format: native, bf16, fp8, awq, q4_k_m, … (blank = native).
 * @param users Concurrent users: requests being answered at the same moment (leave blank to give requests per minute instead).
 * @param prompt_tokens Tokens in each request's prompt (input), e.g. 2000.
 * @param output_tokens Tokens in each answer (output), e.g. 300.
 * @param [tokens_per_second_per_user] The slowest answer speed each user must see, in tokens per second (blank = no target).
 * @param [ttft_seconds] The longest acceptable wait for the first word of an answer, in seconds (blank = no target).
 * @param [price_per_gpu_hour] Your price per GPU per hour in US dollars; blank uses the catalog's median public on-demand price (dated; a starting point only).
 * @param [runtime] Serving engine: vllm (default), sglang, llama.cpp, ollama, transformers, mlx.
 * @param [engine_args] The engine's own flags, e.g. "--max-num-seqs 64" or "--kv-cache-dtype fp8".
 * @param [requests_per_minute] Requests per minute, instead of concurrent users.
 * @param [hours_per_month] Hours billed per month (default 730, i.e. always on).
 * @returns US dollars per month; #N/A when no price is known (give one).
 */
export function costmonth(model: any[][], gpu: any[][], quant: any[][], users: any[][], prompt_tokens: any[][], output_tokens: any[][], tokens_per_second_per_user?: any[][], ttft_seconds?: any[][], price_per_gpu_hour?: any[][], runtime?: any[][], engine_args?: any[][], requests_per_minute?: any[][], hours_per_month?: any[][]): any[][] {
  return lift([model, gpu, quant, users, prompt_tokens, output_tokens, tokens_per_second_per_user, ttft_seconds, price_per_gpu_hour, runtime, engine_args, requests_per_minute, hours_per_month], (a) =>
    priced(plan(planInput(a, { tps: 6, ttft: 7, price: 8, runtime: 9, engineArgs: 10, rpm: 11, hours: 12 })).costPerMonth),
  );
}

/**
 * Cost in US dollars per million output tokens of the deployment that serves a workload, at that load. Example: =FIT.COSTPERMTOK("qwen3-8b", "H100 SXM", "fp8", 400, 2000, 300, 20, , 2.5).
 * @customfunction COSTPERMTOK
 * @param model Model: catalog id, name or Hugging Face id, e.g. "qwen3-8b". A range spills one result per cell.
 * @param gpu GPU to deploy on: catalog id or name, e.g. "H100 SXM", "L40S", "rtx 4090". A range spills one result per cell.
 * @param quant Weight format: native, bf16, fp8, awq, q4_k_m, … (blank = native).
 * @param users Concurrent users: requests being answered at the same moment (leave blank to give requests per minute instead).
 * @param prompt_tokens Tokens in each request's prompt (input), e.g. 2000.
 * @param output_tokens Tokens in each answer (output), e.g. 300.
 * @param [tokens_per_second_per_user] The slowest answer speed each user must see, in tokens per second (blank = no target).
 * @param [ttft_seconds] The longest acceptable wait for the first word of an answer, in seconds (blank = no target).
 * @param [price_per_gpu_hour] Your price per GPU per hour in US dollars; blank uses the catalog's median public on-demand price (dated; a starting point only).
 * @param [runtime] Serving engine: vllm (default), sglang, llama.cpp, ollama, transformers, mlx.
 * @param [engine_args] The engine's own flags, e.g. "--max-num-seqs 64" or "--kv-cache-dtype fp8".
 * @param [requests_per_minute] Requests per minute, instead of concurrent users.
 * @returns US dollars per million output tokens; #N/A when no price is known (give one).
 */
export function costpermtok(model: any[][], gpu: any[][], quant: any[][], users: any[][], prompt_tokens: any[][], output_tokens: any[][], tokens_per_second_per_user?: any[][], ttft_seconds?: any[][], price_per_gpu_hour?: any[][], runtime?: any[][], engine_args?: any[][], requests_per_minute?: any[][]): any[][] {
  return lift([model, gpu, quant, users, prompt_tokens, output_tokens, tokens_per_second_per_user, ttft_seconds, price_per_gpu_hour, runtime, engine_args, requests_per_minute], (a) =>
    priced(plan(planInput(a, { tps: 6, ttft: 7, price: 8, runtime: 9, engineArgs: 10, rpm: 11 })).costPerMillionOutputTokens),
  );
}

/**
 * One answer of the capacity plan for a workload (field), or with no field the whole plan as (field, value) rows: GPUs per replica, replicas, total GPUs, requests per replica, what limits a replica (memory, throughput or latency), speeds, price used and its date, costs. Example: =FIT.PLAN("qwen3-8b", "H100 SXM", "fp8", 400, 2000, 300, "replicas", 20).
 * @customfunction PLAN
 * @param model Model: catalog id, name or Hugging Face id, e.g. "qwen3-8b". A range spills one result per cell.
 * @param gpu GPU to deploy on: catalog id or name, e.g. "H100 SXM", "L40S", "rtx 4090". A range spills one result per cell.
 * @param quant Weight format: native, bf16, fp8, awq, q4_k_m, … (blank = native).
 * @param users Concurrent users: requests being answered at the same moment (leave blank to give requests per minute instead).
 * @param prompt_tokens Tokens in each request's prompt (input), e.g. 2000.
 * @param output_tokens Tokens in each answer (output), e.g. 300.
 * @param [field] One of: gpus_per_replica, replicas, total_gpus, requests_per_replica, max_requests_per_replica, limited_by, tokens_per_second_per_user, replica_tokens_per_second, ttft_seconds, price_per_gpu_hour, price_source, price_date, cost_per_hour, cost_per_month, cost_per_million_output_tokens. Blank spills every field.
 * @param [tokens_per_second_per_user] The slowest answer speed each user must see, in tokens per second (blank = no target).
 * @param [ttft_seconds] The longest acceptable wait for the first word of an answer, in seconds (blank = no target).
 * @param [price_per_gpu_hour] Your price per GPU per hour in US dollars; blank uses the catalog's median public on-demand price (dated; a starting point only).
 * @param [runtime] Serving engine: vllm (default), sglang, llama.cpp, ollama, transformers, mlx.
 * @param [engine_args] The engine's own flags, e.g. "--max-num-seqs 64" or "--kv-cache-dtype fp8".
 * @param [requests_per_minute] Requests per minute, instead of concurrent users.
 * @param [hours_per_month] Hours billed per month (default 730, i.e. always on).
 * @returns The field's value, or the plan table.
 */
export function plantable(model: any[][], gpu: any[][], quant: any[][], users: any[][], prompt_tokens: any[][], output_tokens: any[][], field?: any[][], tokens_per_second_per_user?: any[][], ttft_seconds?: any[][], price_per_gpu_hour?: any[][], runtime?: any[][], engine_args?: any[][], requests_per_minute?: any[][], hours_per_month?: any[][]): any[][] {
  const args = [model, gpu, quant, users, prompt_tokens, output_tokens, field, tokens_per_second_per_user, ttft_seconds, price_per_gpu_hour, runtime, engine_args, requests_per_minute, hours_per_month];
  const at = { tps: 7, ttft: 8, price: 9, runtime: 10, engineArgs: 11, rpm: 12, hours: 13 };
  if (omitted(field)) {
    return table(() => {
      const p = plan(planInput((i) => single(PLAN_ARG_NAMES[i], args[i]), at));
      return [["Field", "Value"], ...PLAN_FIELDS.map((f) => [f.key, cellValue(f.value(p))])];
    });
  }
  return lift(args, (a) => {
    const f = planField(a(6));
    return cellValue(f.value(plan(planInput(a, at))));
  });
}

/**
 * Every catalog GPU that can serve a workload, cheapest per million output tokens first: GPUs per replica, replicas, total GPUs, what limits a replica, price per GPU-hour and its date, cost per month and per million output tokens. Prices are catalog medians of public on-demand quotes: a starting point. Example: =FIT.PLANCOMPARE("qwen3-8b", "fp8", 400, 2000, 300, 20).
 * @customfunction PLANCOMPARE
 * @param model Model: catalog id, name or Hugging Face id (one cell).
 * @param quant Weight format (blank = native).
 * @param users Concurrent users: requests being answered at the same moment (blank to give requests per minute instead).
 * @param prompt_tokens Tokens in each request's prompt (input).
 * @param output_tokens Tokens in each answer (output).
 * @param [tokens_per_second_per_user] The slowest answer speed each user must see, in tokens per second (blank = no target).
 * @param [ttft_seconds] The longest acceptable wait for the first word of an answer, in seconds (blank = no target).
 * @param [runtime] Serving engine: vllm (default), sglang, llama.cpp, ollama, transformers, mlx.
 * @param [engine_args] The engine's own flags, e.g. "--max-num-seqs 64" or "--kv-cache-dtype fp8".
 * @param [requests_per_minute] Requests per minute, instead of concurrent users.
 * @param [hours_per_month] Hours billed per month (default 730, i.e. always on).
 * @returns A table with a header row and one row per GPU that can serve the workload.
 */
export function plancompare(model: string, quant: string, users: number, prompt_tokens: number, output_tokens: number, tokens_per_second_per_user?: number, ttft_seconds?: number, runtime?: string, engine_args?: string, requests_per_minute?: number, hours_per_month?: number): any[][] {
  return table(() => {
    const args: unknown[] = [model, null, quant, users, prompt_tokens, output_tokens, tokens_per_second_per_user, ttft_seconds, runtime, engine_args, requests_per_minute, hours_per_month];
    const input = planInput((i) => single(PLAN_ARG_NAMES[i], args[i] as any), { tps: 6, ttft: 7, runtime: 8, engineArgs: 9, rpm: 10, hours: 11 }, false);
    const all = comparePlans(input);
    const rows = all.filter((r) => r.plan);
    if (!rows.length) fail("no-answer", noGpuServes(all));
    const money = (x: number | null) => (x === null ? "" : x);
    return [
      ["GPU", "GPUs per replica", "Replicas", "Total GPUs", "Limited by", "Price per GPU-hour", "Price date", "Cost per month", "Cost per 1M output tokens"],
      ...rows.map((r) => {
        const p = r.plan!;
        return [r.gpu.name, p.gpusPerReplica, p.replicas, p.totalGpus, p.limitedBy, money(p.pricePerGpuHour), p.priceDate ?? "", money(p.costPerMonth), money(p.costPerMillionOutputTokens)];
      }),
    ];
  });
}

/**
 * One field of a model's spec (e.g. "total_params", "active_params", "layers", "kv_heads", "context_window", "license", "release_date"); with no field, spills the whole spec table. Example: =FIT.MODEL("qwen3-8b", "total_params").
 * @customfunction MODEL
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param [field] Field name; blank spills every field as (field, value) rows.
 * @returns The field's value, or the spec table.
 */
export function model(model: any[][], field?: any[][]): any[][] {
  if (omitted(field)) {
    return table(() => {
      const m = findModel(requiredText("model", single("model", model)));
      return [["Field", "Value"], ...MODEL_FIELDS.map((f) => [f.key, cellValue(f.value(m))])];
    });
  }
  return lift([model, field], (a) => cellValue(modelField(a(1)).value(findModel(requiredText("model", a(0))))));
}

/**
 * One field of a GPU's spec (e.g. "vram_gib" as the driver reports it, "bandwidth_gbs", "bf16_tflops", "class", "vendor"); with no field, spills the whole spec table. Example: =FIT.GPU("rtx 4090", "vram_gib").
 * @customfunction GPU
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param [field] Field name; blank spills every field as (field, value) rows.
 * @returns The field's value, or the spec table.
 */
export function gpu(gpu: any[][], field?: any[][]): any[][] {
  if (omitted(field)) {
    return table(() => {
      const g = findGpu(requiredText("gpu", single("gpu", gpu)));
      return [["Field", "Value"], ...GPU_FIELDS.map((f) => [f.key, cellValue(f.value(g))])];
    });
  }
  return lift([gpu, field], (a) => cellValue(gpuField(a(1)).value(findGpu(requiredText("gpu", a(0))))));
}

/**
 * Spills the ids of the catalog's models (and the workbook's custom models), optionally filtered by id, name, company or family; usable as a data-validation source. Example: =FIT.MODELS("qwen").
 * @customfunction MODELS
 * @param [filter] Text the id, name, company or family must contain (blank = all).
 * @returns One column of model ids.
 */
export function models(filter?: string): any[][] {
  return table(() => {
    const f = (text("filter", filter) ?? "").trim().toLowerCase();
    const ids = catalog().models.filter((m) => !f || [m.record.id, m.record.name, m.record.company, m.record.family].some((s) => s.toLowerCase().includes(f))).map((m) => [m.record.id]);
    if (!ids.length) fail("not-found", `No model matches '${filter}'.`);
    return ids;
  });
}

/**
 * Spills the ids of the catalog's GPUs, optionally filtered by id, name, vendor or class (datacenter, workstation, consumer, apple); usable as a data-validation source. Example: =FIT.GPUS("nvidia").
 * @customfunction GPUS
 * @param [filter] Text the id, name, vendor or class must contain (blank = all).
 * @returns One column of GPU ids.
 */
export function gpus(filter?: string): any[][] {
  return table(() => {
    const f = (text("filter", filter) ?? "").trim().toLowerCase();
    const ids = catalog().gpus.filter((g) => !f || [g.id, g.name, g.vendor, g.class].some((s) => s.toLowerCase().includes(f))).map((g) => [g.id]);
    if (!ids.length) fail("not-found", `No GPU matches '${filter}'.`);
    return ids;
  });
}

/**
 * Spills the weight formats (quant ids), optionally only those an engine runs. Example: =FIT.QUANTS("llama.cpp").
 * @customfunction QUANTS
 * @param [runtime] Engine whose formats to list (blank = all formats).
 * @returns One column of quant ids.
 */
export function quants(runtime?: string): any[][] {
  return table(() => {
    const name = text("runtime", runtime);
    const rt = name === undefined ? undefined : findRuntime(name);
    return catalog().quants.filter((q) => !rt || rt.quants.includes(q.id)).map((q) => [q.id]);
  });
}

/**
 * Spills the engine ids the estimator models: vllm, sglang, llama.cpp, ollama, transformers, mlx. Example: =FIT.RUNTIMES().
 * @customfunction RUNTIMES
 * @returns One column of runtime ids.
 */
export function runtimes(): any[][] {
  return table(() => catalog().runtimes.map((r) => [r.id]));
}

/**
 * Spills the GPU comparison grid for one setup: every catalog GPU with its memory, the GiB required, status, headroom, max concurrency and tokens/s. Example: =FIT.COMPARE("qwen3-32b", "awq", 8192).
 * @customfunction COMPARE
 * @param model Model: catalog id, name or Hugging Face id (one cell).
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of each GPU (tensor parallel; default 1).
 * @param [engine_args] The engine's own flags as on its command line, e.g. "--max-num-seqs 64 --enforce-eager" (vLLM) or "-c 32768 -np 4 -ngl 30" (llama.cpp). Blank ctx, batch, quant, KV type and GPUs are then taken from them.
 * @returns A table with a header row and one row per GPU.
 */
export function compare(model: string, quant: string, ctx?: number, batch?: number, runtime?: string, kv_dtype?: string, gpus?: number, engine_args?: string): any[][] {
  return table(() => {
    const input = setupInput({ model: single("model", model), quant: single("quant", quant), runtime, kvDtype: kv_dtype, gpus, engineArgs: engine_args }, false);
    const rows = comparisonRows({ ...input, ctx: isBlank(ctx) ? null : ctxOf(ctx), batch: isBlank(batch) ? null : batchOf(batch) });
    // Blank cells where the engine cannot run on a GPU (its status says "Unsupported").
    return [COMPARISON_COLUMNS.map((c) => c.label), ...rows.map((r) => COMPARISON_COLUMNS.map((c) => r[c.key] ?? ""))];
  });
}

/** An optional argument left out, or a single blank cell. */
function omitted(a: any[][] | null | undefined): boolean {
  return a === null || a === undefined || (a.length === 1 && a[0].length === 1 && isBlank(a[0][0]));
}

/** A spec value as a cell: null (not applicable) shows as an empty string. */
function cellValue(v: string | number | boolean | null): string | number | boolean {
  return v === null ? "" : v;
}

/** Argument names of the plan functions, in the order planInput reads them (for messages). */
const PLAN_ARG_NAMES = ["model", "gpu", "quant", "users", "prompt_tokens", "output_tokens", "field", "tokens_per_second_per_user", "ttft_seconds", "price_per_gpu_hour", "runtime", "engine_args", "requests_per_minute", "hours_per_month"];

/** Where each optional plan argument sits in a function's argument list. */
interface PlanSlots {
  tps: number;
  ttft: number;
  price?: number;
  runtime: number;
  engineArgs: number;
  rpm: number;
  hours?: number;
}

/** The capacity-plan input at one cell position: positions 0–5 are model, gpu, quant, users, prompt and output tokens. */
function planInput(a: (i: number) => Cell, at: PlanSlots, needGpu = true): PlanInput {
  const setup = setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(at.runtime), engineArgs: a(at.engineArgs) }, needGpu);
  const opt = (name: string, v: Cell) => (isBlank(v) ? null : amount(name, v));
  return {
    setup: { ...setup, gpus: undefined } as PlanInput["setup"],
    workload: {
      users: isBlank(a(3)) ? null : count("users", a(3), 0),
      requestsPerMinute: opt("requests_per_minute", a(at.rpm)),
      promptTokens: isBlank(a(4)) ? fail("invalid", "prompt_tokens is required.") : count("prompt_tokens", a(4), 0),
      outputTokens: isBlank(a(5)) ? fail("invalid", "output_tokens is required.") : count("output_tokens", a(5), 0),
      tokensPerSecondPerUser: opt("tokens_per_second_per_user", a(at.tps)),
      ttftSeconds: opt("ttft_seconds", a(at.ttft)),
    },
    pricePerGpuHour: at.price === undefined ? null : opt("price_per_gpu_hour", a(at.price)),
    hoursPerMonth: at.hours === undefined ? null : opt("hours_per_month", a(at.hours)),
  };
}

/** A money figure, or #N/A saying a price is needed. */
function priced(x: number | null): number {
  if (x === null) fail("no-answer", "No price for this GPU in the catalog: give price_per_gpu_hour.");
  return x;
}

/** The plan's fields as FIT.PLAN names them. */
const PLAN_FIELDS: ReadonlyArray<{ key: string; value: (p: Plan) => string | number | null }> = [
  { key: "gpus_per_replica", value: (p) => p.gpusPerReplica },
  { key: "replicas", value: (p) => p.replicas },
  { key: "total_gpus", value: (p) => p.totalGpus },
  { key: "requests_per_replica", value: (p) => p.concurrencyPerReplica },
  { key: "max_requests_per_replica", value: (p) => p.maxConcurrencyPerReplica },
  { key: "limited_by", value: (p) => p.limitedBy },
  { key: "tokens_per_second_per_user", value: (p) => p.decodeTokensPerSecondPerUser },
  { key: "replica_tokens_per_second", value: (p) => p.throughputTokensPerSecond },
  { key: "ttft_seconds", value: (p) => p.ttftSeconds },
  { key: "price_per_gpu_hour", value: (p) => p.pricePerGpuHour },
  { key: "price_source", value: (p) => p.priceSource },
  { key: "price_date", value: (p) => p.priceDate },
  { key: "cost_per_hour", value: (p) => p.costPerHour },
  { key: "cost_per_month", value: (p) => p.costPerMonth },
  { key: "cost_per_million_output_tokens", value: (p) => p.costPerMillionOutputTokens },
];

function planField(v: Cell) {
  const name = requiredText("field", v).trim().toLowerCase();
  const f = PLAN_FIELDS.find((x) => x.key === name);
  if (!f) fail("invalid", `Unknown plan field '${String(v).slice(0, 40)}'. Fields: ${PLAN_FIELDS.map((x) => x.key).join(", ")}.`);
  return f;
}
