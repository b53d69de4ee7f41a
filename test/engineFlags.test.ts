// The engine's own flags as input: each engine's memory flags set the setting
// they name and change the estimate the way the engine does; ports and keys are
// accepted and ignored; flags we do not model are errors that name them; whole
// serve commands give the engine, the model, its format and the workload.
import { parseCommand, parseEngineArgs, shellWords } from "../src/core/engineFlags";
import { FitError } from "../src/core/errors";
import { estimate, prepare } from "../src/core/estimate";
import { commandInput, quantFromName } from "../src/core/serveCommand";
import { main } from "../src/cli/cli";
import { GiB } from "../src/core/units";

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(argv, (s) => (out += s + "\n"), (s) => (err += s + "\n"));
  return { code, out, err };
}

describe("shell words", () => {
  test.each([
    [`--a 1 --b "two words" --c 'it''s'`, ["--a", "1", "--b", "two words", "--c", "its"]],
    [`vllm serve x \\\n  --max-num-seqs 8`, ["vllm", "serve", "x", "--max-num-seqs", "8"]],
    [`--speculative-config '{"method": "mtp", "num_speculative_tokens": 3}'`, ["--speculative-config", '{"method": "mtp", "num_speculative_tokens": 3}']],
    [`-c "a\\"b"`, ["-c", 'a"b']],
  ])("%s", (text, words) => expect(shellWords(text)).toEqual(words));
  test("an unclosed quote and an overlong line are errors", () => {
    expect(() => shellWords(`--a "x`)).toThrow(/unclosed double quote/);
    expect(() => shellWords("x".repeat(5000))).toThrow(/at most 4,000 characters/);
  });
});

describe("vLLM flags", () => {
  test.each([
    ["--max-model-len 32768", { maxModelLen: 32768 }],
    ["--max-model-len 32k", { maxModelLen: 32768 }],
    ["--gpu-memory-utilization=0.85", { memoryFraction: 0.85 }],
    ["-tp 4", { tensorParallel: 4 }],
    ["--max-num-seqs 64 --max-num-batched-tokens 4096", { maxNumSeqs: 64, maxNumBatchedTokens: 4096 }],
    ["--enable-prefix-caching", { prefixCaching: true }],
    ["--no-enable-prefix-caching", { prefixCaching: false }],
    ["--enforce-eager", { enforceEager: true }],
    ["--kv-cache-dtype fp8_e4m3", { kvCacheDtype: "fp8" }],
    ["--block-size 32", { blockSize: 32 }],
    [`--limit-mm-per-prompt '{"image": 0, "video": 0}'`, { textOnly: true }],
    ["--limit-mm-per-prompt image=0,video=0", { textOnly: true }],
    [`--limit-mm-per-prompt '{"image": 2}'`, { textOnly: false }],
    [`--speculative-config '{"method": "mtp", "num_speculative_tokens": 2}'`, { speculativeTokens: 2 }],
    ["--kv-cache-memory-bytes 8GiB", { kvCacheMemoryBytes: 8 * GiB }],
    ["--max_num_seqs 16", { maxNumSeqs: 16 }],
  ])("%s", (flags, settings) => expect(parseEngineArgs("vllm", flags).settings).toEqual(settings));
  test("ports, keys and names are accepted and ignored", () => {
    const a = parseEngineArgs("vllm", "--port 8000 --host 0.0.0.0 --api-key secret --served-model-name q --trust-remote-code --max-num-seqs 8");
    expect(a.settings).toEqual({ maxNumSeqs: 8 });
    expect(a.ignored).toEqual(["--port 8000", "--host 0.0.0.0", "--api-key secret", "--served-model-name q", "--trust-remote-code"]);
  });
  test.each([
    ["--max-num-seqz 8", /vLLM flag '--max-num-seqz' is not one FitMyGPU knows/],
    ["--enable-lora", /--enable-lora is not modelled: LoRA/],
    ["--compilation-config {}", /not modelled: it changes which CUDA graphs/],
    ["-pp 2", /pipeline parallelism is not modelled/],
    ["--max-model-len auto", /max context/],
    ["--gpu-memory-utilization 1.5", /fraction between 0 and 1/],
    ["--max-num-seqs", /needs a value/],
    ["--enforce-eager yes", /Unexpected 'yes'/],
    [`--speculative-config '{"method": "eagle", "num_speculative_tokens": 2}'`, /FitMyGPU models MTP drafters/],
    ["--kv-cache-dtype nvfp4", /not a KV cache type FitMyGPU models/],
  ])("%s is an error that says why", (flags, message) => {
    expect(() => parseEngineArgs("vllm", flags)).toThrow(FitError);
    expect(() => parseEngineArgs("vllm", flags)).toThrow(message);
  });
  test("control characters in a refused flag are shown escaped", () => {
    expect(() => parseEngineArgs("vllm", "--bad\u001b[31m 1")).toThrow(/--bad\\u001b\[31m/);
  });
});

describe("vLLM flags change the estimate as vLLM does", () => {
  const base = { model: "llama-3.1-8b-instruct", runtime: "vllm", gpu: "h100 sxm", ctx: 8192 };
  test("--enforce-eager drops the CUDA-graph estimate", () => {
    const e = estimate(base);
    const eager = estimate({ ...base, engineArgs: "--enforce-eager" });
    expect(e.perGpu.overheadBytes - eager.perGpu.overheadBytes).toBe(32 * 21 * 2 ** 20);
    expect(eager.engineSettings.enforce_eager).toBe(true);
  });
  test("--kv-cache-dtype fp8 halves the KV cache and doubles the tokens", () => {
    const e = estimate(base);
    const fp8 = estimate({ ...base, engineArgs: "--kv-cache-dtype fp8" });
    expect(fp8.perGpu.kvCacheBytes * 2).toBe(e.perGpu.kvCacheBytes);
    expect(fp8.kvDtype).toBe("fp8");
    expect(fp8.kvCapacityTokens! / e.kvCapacityTokens!).toBeCloseTo(2, 2);
  });
  test("--max-num-batched-tokens and --max-num-seqs size the profile run", () => {
    const small = estimate({ ...base, engineArgs: "--max-num-batched-tokens 2048 --max-num-seqs 16" });
    const big = estimate({ ...base, engineArgs: "--max-num-batched-tokens 16384 --max-num-seqs 1024" });
    expect(big.perGpu.activationBytes).toBeGreaterThan(small.perGpu.activationBytes);
    expect(small.engineSettings.max_num_seqs).toBe(16);
    expect(small.engineSettings.max_num_batched_tokens).toBe(2048);
  });
  test("--gpu-memory-utilization sets the budget; an explicit gpuUtil wins", () => {
    expect(estimate({ ...base, engineArgs: "--gpu-memory-utilization 0.8" }).budgetBytes).toBeCloseTo(0.8 * estimate(base).vramBytes!, 0);
    expect(estimate({ ...base, engineArgs: "--gpu-memory-utilization 0.8", gpuUtil: 0.7 }).budgetBytes).toBeCloseTo(0.7 * estimate(base).vramBytes!, 0);
  });
  test("-tp splits the model; an explicit gpus wins", () => {
    expect(estimate({ ...base, engineArgs: "-tp 2" }).gpus).toBe(2);
    expect(estimate({ ...base, engineArgs: "-tp 2", gpus: 4 }).gpus).toBe(4);
  });
  test("--max-model-len is the context unless ctx is given", () => {
    expect(estimate({ model: "qwen3-8b", runtime: "vllm", engineArgs: "--max-model-len 16384" }).ctx).toBe(16384);
    expect(estimate({ model: "qwen3-8b", runtime: "vllm", engineArgs: "--max-model-len 16384", ctx: 2048 }).ctx).toBe(2048);
  });
  test("--block-size rounds each request's KV to its blocks", () => {
    const e = estimate({ model: "qwen3-8b", runtime: "vllm", ctx: 1000, engineArgs: "--block-size 256" });
    expect(e.perGpu.kvCacheBytes).toBe(36 * 1024 * 4096);
  });
  test("--kv-cache-memory-bytes fixes the pool", () => {
    const e = estimate({ ...base, engineArgs: "--kv-cache-memory-bytes 10GiB" });
    expect(e.kvPoolBytes).toBe(10 * GiB);
    expect(e.kvCapacityTokens).toBe(Math.floor((10 * GiB) / (16 * 131072)) * 16);
  });
  test("a text-only run of a vision model skips the vision tower from v0.15", () => {
    const vl = { model: "gemma-3-27b-it", runtime: "vllm", gpu: "h100 sxm" };
    const full = estimate(vl);
    const text = estimate({ ...vl, engineArgs: `--limit-mm-per-prompt '{"image": 0}'` });
    expect(full.perGpu.weightsBytes - text.perGpu.weightsBytes).toBeGreaterThan(0.5 * GiB);
    expect(estimate({ ...vl, engineArgs: `--limit-mm-per-prompt '{"image": 0}'`, engineVersion: "0.14.1" }).perGpu.weightsBytes).toBe(full.perGpu.weightsBytes);
  });
  test("the settings used are echoed in vLLM's vocabulary", () => {
    const e = estimate({ ...base, engineArgs: "--max-num-seqs 32 --enable-prefix-caching" });
    expect(e.engineSettings).toMatchObject({ gpu_memory_utilization: 0.92, tensor_parallel_size: 1, max_num_seqs: 32, max_num_batched_tokens: 8192, block_size: 16, enable_prefix_caching: true, enforce_eager: false, kv_cache_dtype: "auto" });
  });
  test("flags are part of the prepared-setup cache key", () => {
    expect(prepare({ ...base, engineArgs: "--max-num-seqs 8" })).not.toBe(prepare({ ...base, engineArgs: "--max-num-seqs 16" }));
    expect(prepare({ ...base, engineArgs: "--max-num-seqs 8" })).toBe(prepare({ ...base, engineArgs: "--max-num-seqs 8" }));
  });
});

describe("llama.cpp, Ollama, SGLang, Transformers and MLX flags", () => {
  test("llama.cpp -c over -np slots: each slot's context and the slot count", () => {
    const e = estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", engineArgs: "-c 65536 -np 2" });
    expect([e.ctx, e.batch]).toEqual([32768, 2]);
    expect(e.perGpu.kvCacheBytes).toBe(2 * 36 * 32768 * 8 * 256 * 2);
  });
  test("llama.cpp -ctk/-ctv set the K and V types; a quantized V needs flash attention", () => {
    const f16 = estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", ctx: 8192 });
    const q8 = estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", ctx: 8192, engineArgs: "-ctk q8_0 -ctv q8_0" });
    expect(q8.perGpu.kvCacheBytes / f16.perGpu.kvCacheBytes).toBeCloseTo(34 / 64, 9);
    const kOnly = estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", ctx: 8192, engineArgs: "-ctk q8_0" });
    expect(kOnly.perGpu.kvCacheBytes / f16.perGpu.kvCacheBytes).toBeCloseTo((34 / 32 + 2) / 4, 9);
    expect(() => estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", engineArgs: "-ctv q4_0 -fa off" })).toThrow(/needs flash attention for a quantized V cache/);
  });
  test("llama.cpp -fa off keeps the F32 attention scores in the compute buffer", () => {
    const on = estimate({ model: "mistral-7b-instruct-v0.3", runtime: "llama.cpp", quant: "q4_k_m", ctx: 32768, engineArgs: "-fa on" });
    const off = estimate({ model: "mistral-7b-instruct-v0.3", runtime: "llama.cpp", quant: "q4_k_m", ctx: 32768, engineArgs: "-fa off" });
    expect(off.perGpu.activationBytes).toBeGreaterThan(10 * on.perGpu.activationBytes);
    expect(off.engineSettings.flash_attn).toBe(false);
  });
  test("llama.cpp --mmproj loads the vision projector", () => {
    const text = estimate({ model: "gemma-3-27b-it", runtime: "llama.cpp", quant: "q4_k_m" });
    const mm = estimate({ model: "gemma-3-27b-it", runtime: "llama.cpp", quant: "q4_k_m", engineArgs: "--mmproj mmproj-F16.gguf" });
    expect(mm.perGpu.weightsBytes).toBeGreaterThan(text.perGpu.weightsBytes);
  });
  test("Ollama settings as NAME=value: num_ctx per slot, OLLAMA_NUM_PARALLEL slots, KV type", () => {
    const e = estimate({ model: "qwen3-8b", runtime: "ollama", quant: "q4_k_m", engineArgs: "OLLAMA_NUM_PARALLEL=2 num_ctx=8192 OLLAMA_KV_CACHE_TYPE=q8_0 OLLAMA_HOST=0.0.0.0" });
    expect([e.ctx, e.batch, e.kvDtype]).toEqual([8192, 2, "q8_0"]);
    expect(() => parseEngineArgs("ollama", "OLLAMA_NUM_PARALEL=2")).toThrow(/Ollama flag 'OLLAMA_NUM_PARALEL' is not one FitMyGPU knows/);
  });
  test("SGLang flags: context, static fraction, TP, chunked prefill, CUDA graphs, fixed pool", () => {
    const e = estimate({ model: "qwen3-8b", runtime: "sglang", gpu: "h100 sxm", engineArgs: "--context-length 16384 --mem-fraction-static 0.8 --tp 2 --chunked-prefill-size 4096 --disable-cuda-graph" });
    expect(e.ctx).toBe(16384);
    expect(e.gpus).toBe(2);
    expect(e.engineSettings).toMatchObject({ mem_fraction_static: 0.8, tp_size: 2, chunked_prefill_size: 4096, disable_cuda_graph: true });
    expect(estimate({ model: "qwen3-8b", runtime: "sglang", gpu: "h100 sxm", engineArgs: "--max-total-tokens 100000" }).kvCapacityTokens).toBe(100000);
  });
  test("Transformers: a static cache holds prompt + max_new_tokens from the start; eager attention adds the scores", () => {
    const dyn = estimate({ model: "qwen3-8b", runtime: "transformers", ctx: 4096, engineArgs: "max_new_tokens=1024" });
    const stat = estimate({ model: "qwen3-8b", runtime: "transformers", ctx: 4096, engineArgs: "max_new_tokens=1024 cache_implementation=static" });
    expect(stat.perGpu.kvCacheBytes).toBe(36 * (4096 + 1023) * 8 * 256 * 2);
    expect(dyn.perGpu.kvCacheBytes).toBe(36 * (4096 + 1024) * 8 * 256 * 2);
    const eager = estimate({ model: "qwen3-8b", runtime: "transformers", ctx: 4096, engineArgs: "attn_implementation=eager" });
    const sdpa = estimate({ model: "qwen3-8b", runtime: "transformers", ctx: 4096, engineArgs: "attn_implementation=sdpa" });
    expect(eager.perGpu.activationBytes - sdpa.perGpu.activationBytes).toBe(32 * 4096 * 4096 * 8);
  });
  test("MLX: --max-kv-size caps the cache, --kv-bits 4 quantizes it", () => {
    const e = estimate({ model: "qwen3-8b", runtime: "mlx", ctx: 32768, engineArgs: "--max-kv-size 4096" });
    expect(e.perGpu.kvCacheBytes).toBe(36 * 4096 * 8 * 256 * 2);
    expect(estimate({ model: "qwen3-8b", runtime: "mlx", ctx: 4096, engineArgs: "--kv-bits 4" }).kvDtype).toBe("q4_0");
  });
});

describe("serve commands", () => {
  test.each([
    ["vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2 --gpu-memory-utilization 0.85 --max-num-seqs 64", "vllm", "Qwen/Qwen3-8B"],
    ["python -m vllm.entrypoints.openai.api_server --model meta-llama/Llama-3.1-8B-Instruct", "vllm", "meta-llama/Llama-3.1-8B-Instruct"],
    ["python3 -m sglang.launch_server --model-path Qwen/Qwen3-8B --tp 2", "sglang", "Qwen/Qwen3-8B"],
    ["llama-server -m ./models/Qwen3-8B-Q4_K_M.gguf -c 65536 -np 2 -fa on -ctk q8_0", "llama.cpp", "./models/Qwen3-8B-Q4_K_M.gguf"],
    ["OLLAMA_NUM_PARALLEL=2 ollama run qwen3:8b num_ctx=8192", "ollama", "qwen3:8b"],
    ["mlx_lm.generate --model mlx-community/Qwen3-4B-4bit --max-tokens 256", "mlx", "mlx-community/Qwen3-4B-4bit"],
  ])("%s", (text, runtime, model) => {
    const c = parseCommand(text);
    expect(c.runtime).toBe(runtime);
    expect(c.model).toBe(model);
  });
  test.each([
    ["Qwen3-8B-Q4_K_M.gguf", "q4_k_m"],
    ["Qwen3-30B-A3B-UD-IQ3_XXS-00001-of-00002.gguf", "iq3_xxs"],
    ["Qwen/Qwen3-8B-AWQ", "awq"],
    ["Qwen/Qwen2.5-7B-Instruct-GPTQ-Int8", "gptq-int8"],
    ["RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic", "fp8"],
    ["mlx-community/Qwen3-4B-4bit", "mlx-4bit"],
    ["qwen3:8b-q8_0", "q8_0"],
    ["Qwen/Qwen3-8B", undefined],
  ])("the name %s implies %s", (name, quant) => expect(quantFromName(name)).toBe(quant));
  test("a command names the model, its format and the flags; an Ollama tag defaults to Q4_K_M", () => {
    expect(commandInput("llama-server -m /models/Qwen3-8B-Q4_K_M.gguf -c 8192")).toMatchObject({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", engineArgs: "-m /models/Qwen3-8B-Q4_K_M.gguf -c 8192" });
    expect(commandInput("ollama run qwen3:8b")).toMatchObject({ model: "qwen3-8b", runtime: "ollama", quant: "q4_k_m" });
    expect(commandInput("vllm serve Qwen/Qwen3-8B --port 8000")).toMatchObject({ model: "qwen3-8b", runtime: "vllm", quant: undefined, engineArgs: "--port 8000" });
  });
  test("an unknown program, a missing model or an unknown model is a clear error", () => {
    expect(() => parseCommand("docker run vllm")).toThrow(/Cannot tell the engine/);
    expect(() => commandInput("llama-server -c 8192")).toThrow(/names no model/);
    expect(() => commandInput("vllm serve acme/NotAModel-9B")).toThrow(/Unknown model 'acme\/NotAModel-9B'/);
  });
  test("CLI --command takes everything from the command; explicit options win", () => {
    const j = JSON.parse(cli(["estimate", "--command", "vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2 --gpu-memory-utilization 0.85 --max-num-seqs 64", "--gpu", "h100 sxm", "--json"]).out);
    expect([j.model, j.runtime, j.ctx, j.gpus]).toEqual(["qwen3-8b", "vllm", 32768, 2]);
    expect(j.engineSettings).toMatchObject({ gpu_memory_utilization: 0.85, max_num_seqs: 64, tensor_parallel_size: 2 });
    const k = JSON.parse(cli(["estimate", "--command", "vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2", "--ctx", "4096", "--gpus", "1", "--json"]).out);
    expect([k.ctx, k.gpus]).toEqual([4096, 1]);
    const l = JSON.parse(cli(["estimate", "--command", "llama-server -m Qwen3-8B-Q4_K_M.gguf -c 65536 -np 2 -fa on -ctk q8_0", "--json"]).out);
    expect([l.runtime, l.quant, l.ctx, l.batch, l.kvDtype]).toEqual(["llama.cpp", "q4_k_m", 32768, 2, "q8_0"]);
  });
  test("CLI --engine-args on estimate and fit; a mismatched --runtime is refused", () => {
    expect(cli(["estimate", "qwen3-8b", "--runtime", "vllm", "--engine-args", "--max-num-seqs 8", "--gpu", "rtx 4090", "--json"]).code).toBe(0);
    expect(cli(["fit", "qwen3-8b", "--runtime", "llama.cpp", "--quant", "q4_k_m", "--engine-args", "-c 16384"]).code).toBe(0);
    const r = cli(["estimate", "--command", "vllm serve Qwen/Qwen3-8B", "--runtime", "sglang"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/disagrees with the command/);
  });
});
