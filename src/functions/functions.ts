// The FIT.* custom functions: thin adapters over the core. The JSDoc of each
// function is the help Excel shows in AutoComplete and Insert Function, and the
// metadata plugin generates functions.json from it — so only `function`
// declarations (arrow functions are silently dropped), and ids never change.
// Arguments that a user may point at a column (model, gpu, ctx, …) are
// declared as ranges: a range spills one result per cell.
import "./catalogAsset";
import { catalog, findGpu, findModel, findRuntime } from "../core/catalog";
import { fail } from "../core/errors";
import { evaluate, fitsAt, maxBatchOf, maxContextOf, minGpus, prepare, speedOf, statusOf, totalPerGpu } from "../core/estimate";
import { COMPARISON_COLUMNS, comparisonRows } from "../core/comparison";
import { GPU_FIELDS, MODEL_FIELDS, gpuField, modelField } from "../core/spec";
import { toGiB } from "../core/units";
import { isBlank, lift, requiredText, single, table, text } from "./cellArgs";
import { batchOf, ctxOf, quantForKv, setupInput } from "./setupArgs";

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
 * @returns GiB per GPU.
 */
export function vram(model: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][]): any[][] {
  return lift([model, quant, ctx, batch, runtime, kv_dtype, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), quant: a(1), runtime: a(4), kvDtype: a(5), gpus: a(6) }, false));
    return toGiB(totalPerGpu(p, ctxOf(a(2)), batchOf(a(3))));
  });
}

/**
 * Memory (GiB) the model's weights take on one GPU, in a given format and engine. Example: =FIT.WEIGHTS("llama-3.1-70b", "awq").
 * @customfunction WEIGHTS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param quant Weight format: native, bf16, fp8, awq, gptq, q4_k_m, … (blank = native).
 * @param [runtime] Engine (default vllm); llama.cpp keeps the input embeddings in system RAM.
 * @param [gpus] GPUs the model is split over (default 1). The result is per GPU.
 * @returns GiB per GPU.
 */
export function weights(model: any[][], quant: any[][], runtime?: any[][], gpus?: any[][]): any[][] {
  return lift([model, quant, runtime, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), quant: a(1), runtime: a(2), gpus: a(3) }, false));
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
 * @returns GiB per GPU.
 */
export function kvcache(model: any[][], ctx?: any[][], batch?: any[][], kv_dtype?: any[][], runtime?: any[][], gpus?: any[][]): any[][] {
  return lift([model, ctx, batch, kv_dtype, runtime, gpus], (a) => {
    const input = setupInput({ model: a(0), runtime: a(4), kvDtype: a(3), gpus: a(5) }, false);
    const p = prepare({ ...input, quant: quantForKv(input.model as string, input.runtime ?? undefined) });
    return toGiB(evaluate(p, ctxOf(a(1)), batchOf(a(2)), false).perGpu.kvCacheBytes);
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
 * @returns A two-column table: term, GiB.
 */
export function breakdown(model: string, quant: string, ctx?: number, batch?: number, runtime?: string, kv_dtype?: string, gpus?: number): any[][] {
  return table(() => {
    const input = setupInput({ model: single("model", model), quant: single("quant", quant), runtime, kvDtype: kv_dtype, gpus }, false);
    const e = evaluate(prepare(input), ctxOf(ctx), batchOf(batch), false);
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
 * @returns TRUE or FALSE.
 */
export function fits(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7) }, true));
    return fitsAt(p, p.vramBytes as number, ctxOf(a(3)), batchOf(a(4)));
  });
}

/**
 * "Fits", "Tight" (fits with under 10% of the engine's budget to spare) or "OOM". Example: =FIT.STATUS("llama-3.1-8b", "rtx 3090", "bf16", 32768).
 * @customfunction STATUS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [kv_dtype] KV cache type (default auto).
 * @param [gpus] Number of these GPUs (tensor parallel; default 1).
 * @returns Fits, Tight or OOM.
 */
export function status(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7) }, true));
    return statusOf(evaluate(p, ctxOf(a(3)), batchOf(a(4)), false));
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
 * @returns GiB per GPU (negative = short by that much).
 */
export function headroom(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6), gpus: a(7) }, true));
    return toGiB(evaluate(p, ctxOf(a(3)), batchOf(a(4)), false).headroomBytes as number);
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
 * @returns Tokens.
 */
export function maxctx(model: any[][], gpu: any[][], quant: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][]): any[][] {
  return lift([model, gpu, quant, batch, runtime, kv_dtype, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(4), kvDtype: a(5), gpus: a(6) }, true));
    return maxContextOf(p, p.vramBytes as number, batchOf(a(3)));
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
 * @returns Concurrent requests.
 */
export function maxbatch(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], runtime?: any[][], kv_dtype?: any[][], gpus?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, runtime, kv_dtype, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(4), kvDtype: a(5), gpus: a(6) }, true));
    return maxBatchOf(p, p.vramBytes as number, ctxOf(a(3)));
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
 * @returns Number of GPUs.
 */
export function mingpus(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], kv_dtype?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, kv_dtype], (a) => {
    const input = setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), kvDtype: a(6) }, true);
    return minGpus({ ...input, ctx: ctxOf(a(3)), batch: batchOf(a(4)) });
  });
}

/**
 * Decode speed in tokens/s over all concurrent requests (divide by batch for one request), from the GPU's memory bandwidth; a roofline estimate, not a benchmark. Example: =FIT.TOKS("qwen3-8b", "rtx 4090", "q4_k_m", 4096, 1, "llama.cpp").
 * @customfunction TOKS
 * @param model Model: catalog id, name or Hugging Face id. A range spills one result per cell.
 * @param gpu GPU: catalog id or name. A range spills one result per cell.
 * @param quant Weight format (blank = native).
 * @param [ctx] Context length in tokens per request (default 4096).
 * @param [batch] Concurrent requests (default 1).
 * @param [runtime] Engine (default vllm).
 * @param [gpus] Number of these GPUs (tensor parallel; default 1).
 * @returns Tokens per second, all requests together.
 */
export function toks(model: any[][], gpu: any[][], quant: any[][], ctx?: any[][], batch?: any[][], runtime?: any[][], gpus?: any[][]): any[][] {
  return lift([model, gpu, quant, ctx, batch, runtime, gpus], (a) => {
    const p = prepare(setupInput({ model: a(0), gpu: a(1), quant: a(2), runtime: a(5), gpus: a(6) }, true));
    return speedOf(p, ctxOf(a(3)), batchOf(a(4))).aggregate;
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
 * @returns A table with a header row and one row per GPU.
 */
export function compare(model: string, quant: string, ctx?: number, batch?: number, runtime?: string, kv_dtype?: string, gpus?: number): any[][] {
  return table(() => {
    const input = setupInput({ model: single("model", model), quant: single("quant", quant), runtime, kvDtype: kv_dtype, gpus }, false);
    const rows = comparisonRows({ ...input, ctx: ctxOf(ctx), batch: batchOf(batch) });
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
