// Behaviour of the estimator: invariants (property tests), inverse questions, errors.
import fc from "fast-check";
import { catalog } from "../src/core/catalog";
import { FitError } from "../src/core/errors";
import { MAX_BATCH, estimate, fitsAt, maxBatch, maxContext, minGpus, prepare, statusOf, speed, explain, setupNotes } from "../src/core/estimate";
import { architectureFromConfig } from "../src/core/architecture";
import { importModel } from "../src/core/configImport";
import { mambaStatePagesPerRequest } from "../src/core/runtimes/vllm";
import { quantFormats } from "../src/core/quant";
import { weightBytes } from "../src/core/weightBytes";
import { modelTensors } from "../src/core/weights";

const models = catalog().models.map((m) => m.record.id);
const runtimes = ["vllm", "llama.cpp", "ollama", "transformers", "sglang"];
const quantFor = (r: string) => (r === "llama.cpp" || r === "ollama" ? "q4_k_m" : "bf16");

const setup = fc.record({
  model: fc.constantFrom(...models),
  runtime: fc.constantFrom(...runtimes),
  ctx: fc.integer({ min: 1, max: 200_000 }),
  batch: fc.integer({ min: 1, max: 16 }),
});

const tryEstimate = (i: Parameters<typeof estimate>[0]) => {
  try {
    return estimate(i);
  } catch (e) {
    if (e instanceof FitError) return undefined;
    throw e;
  }
};

describe("invariants", () => {
  test("more context never needs less memory", () => {
    fc.assert(fc.property(setup, fc.integer({ min: 1, max: 50_000 }), (s, extra) => {
      const a = tryEstimate({ ...s, quant: quantFor(s.runtime) });
      const b = tryEstimate({ ...s, ctx: s.ctx + extra, quant: quantFor(s.runtime) });
      if (!a || !b) return true;
      return b.perGpu.totalBytes >= a.perGpu.totalBytes;
    }), { numRuns: 300 });
  });
  test("more concurrent requests never need less memory", () => {
    fc.assert(fc.property(setup, (s) => {
      const a = tryEstimate({ ...s, quant: quantFor(s.runtime) });
      const b = tryEstimate({ ...s, batch: s.batch + 1, quant: quantFor(s.runtime) });
      if (!a || !b) return true;
      return b.perGpu.totalBytes >= a.perGpu.totalBytes;
    }), { numRuns: 300 });
  });
  test("fewer bits per weight never grow the weights", () => {
    const ladder = ["q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k", "iq2_xxs", "iq1_s"];
    fc.assert(fc.property(fc.constantFrom(...models), (model) => {
      const w = ladder.map((q) => estimate({ model, quant: q, runtime: "llama.cpp" }).weightsBytes);
      return w.every((x, i) => i === 0 || x <= w[i - 1]);
    }), { numRuns: 60 });
    for (const model of models.slice(0, 30)) {
      const w = ["fp32", "bf16", "fp8", "awq"].map((q) => tryEstimate({ model, quant: q, runtime: "vllm" })?.weightsBytes ?? Infinity);
      expect(w[1]).toBeLessThanOrEqual(w[0]);
      expect(w[2]).toBeLessThanOrEqual(w[1]);
      expect(w[3]).toBeLessThanOrEqual(w[2]);
    }
  });
  // The model's memory (weights, KV, state) per GPU shrinks under TP; engines' own per-rank
  // reserves (NCCL buffers, SGLang's tp/8 GiB and larger graph batch) grow with TP by design.
  test("per-GPU model memory under tensor parallelism ≤ single GPU", () => {
    const model = (e: NonNullable<ReturnType<typeof tryEstimate>>) => e.perGpu.weightsBytes + e.perGpu.kvCacheBytes + e.perGpu.stateBytes;
    fc.assert(fc.property(setup, fc.constantFrom(2, 4, 8), (s, gpus) => {
      const one = tryEstimate({ ...s, quant: quantFor(s.runtime) });
      const many = tryEstimate({ ...s, quant: quantFor(s.runtime), gpus });
      if (!one || !many) return true;
      return model(many) <= model(one);
    }), { numRuns: 300 });
  });
  test("per-GPU total under TP ≤ single GPU once the model dominates the reserves", () => {
    for (const model of ["llama-3.1-70b-instruct", "qwen3-32b", "mixtral-8x7b-instruct-v0.1"])
      for (const runtime of ["vllm", "sglang", "llama.cpp"]) {
        const q = quantFor(runtime);
        const one = estimate({ model, runtime, quant: q, ctx: 8192 });
        for (const gpus of [2, 4, 8]) expect(estimate({ model, runtime, quant: q, ctx: 8192, gpus }).perGpu.totalBytes).toBeLessThanOrEqual(one.perGpu.totalBytes);
      }
  });
  test("maxContext and maxBatch agree with the forward estimate", () => {
    fc.assert(fc.property(setup, fc.constantFrom("nvidia-rtx-4090", "nvidia-h100-sxm-80gb", "nvidia-a100-sxm-80gb"), (s, gpu) => {
      const input = { model: s.model, runtime: s.runtime, quant: quantFor(s.runtime), gpu, batch: 1 };
      let p;
      try {
        p = prepare(input);
      } catch (e) {
        if (e instanceof FitError) return true;
        throw e;
      }
      const v = p.vramBytes!;
      const mc = maxContext(input);
      const window = p.setup.model.record.contextWindow;
      if (mc === 0) return !fitsAt(p, v, 1, 1);
      if (!fitsAt(p, v, mc, 1)) return false;
      if (mc < window && fitsAt(p, v, mc + 1, 1)) return false;
      const ctx = Math.min(s.ctx, mc);
      const mb = maxBatch({ ...input, ctx });
      return fitsAt(p, v, ctx, mb) && (mb === MAX_BATCH || !fitsAt(p, v, ctx, mb + 1));
    }), { numRuns: 400 });
  });
});

describe("engines and layer kinds", () => {
  test("hybrid linear-attention models charge KV only on attention layers, plus a fixed state", () => {
    const a = estimate({ model: "qwen3.5-35b-a3b", quant: "q4_k_m", runtime: "llama.cpp", ctx: 32768 });
    const b = estimate({ model: "qwen3.5-35b-a3b", quant: "q4_k_m", runtime: "llama.cpp", ctx: 65536 });
    // 10 full-attention layers × 2 KV heads × (256 + 256) × 2 B per cell.
    expect(b.kvCacheBytes - a.kvCacheBytes).toBe(32768 * 10 * 2 * 512 * 2);
    expect(a.stateBytes).toBe(b.stateBytes);
    expect(a.stateBytes).toBeGreaterThan(0);
  });
  test("MLA caches one latent of kv_lora_rank + rope dims per layer, replicated under TP", () => {
    const one = estimate({ model: "deepseek-v3", runtime: "vllm", ctx: 16384, quant: "native" });
    expect(one.perGpu.kvCacheBytes).toBe(61 * 16384 * 576 * 2);
    const eight = estimate({ model: "deepseek-v3", runtime: "vllm", ctx: 16384, quant: "native", gpus: 8 });
    expect(eight.perGpu.kvCacheBytes).toBe(one.perGpu.kvCacheBytes);
  });
  test("sliding-window layers hold the window, not the context (llama.cpp padding)", () => {
    const e = estimate({ model: "gpt-oss-20b", runtime: "llama.cpp", ctx: 131072 });
    // 12 full layers × 131072 cells + 12 SWA layers × PAD(128 + 512, 256) = 768 cells; 8 KV heads × 64 × 2 × 2 B.
    expect(e.kvCacheBytes).toBe((12 * 131072 + 12 * 768) * 8 * 64 * 2 * 2);
  });
  test("GQA KV heads are replicated once kv_heads < TP", () => {
    const tp8 = estimate({ model: "llama-3.1-70b-instruct", runtime: "vllm", ctx: 8192, gpus: 8 });
    const tp4 = estimate({ model: "llama-3.1-70b-instruct", runtime: "vllm", ctx: 8192, gpus: 4 });
    expect(tp8.perGpu.kvCacheBytes).toBe(tp4.perGpu.kvCacheBytes / 2);
    const qwen = estimate({ model: "qwen3-30b-a3b", runtime: "vllm", ctx: 8192, gpus: 8 });
    const qwen4 = estimate({ model: "qwen3-30b-a3b", runtime: "vllm", ctx: 8192, gpus: 4 });
    expect(qwen.perGpu.kvCacheBytes).toBe(qwen4.perGpu.kvCacheBytes); // 4 KV heads: replicated past TP 4
  });
  test("vLLM reports KV capacity from its pool and fits one request of ctx × batch", () => {
    const e = estimate({ model: "qwen3-8b", runtime: "vllm", ctx: 32768, gpu: "nvidia-rtx-4090" });
    expect(e.kvCapacityTokens! % 16).toBe(0);
    expect(e.fits).toBe(e.maxConcurrency! >= 1);
    expect(statusOf(e)).toMatch(/Fits|Tight|OOM/);
  });
  test("llama.cpp keeps input embeddings in host memory", () => {
    const e = estimate({ model: "llama-3.1-8b-instruct", quant: "q4_k_m", runtime: "llama.cpp" });
    expect(e.hostBytes).toBeGreaterThan(128256 * 4096 * 0.5);
  });
  test("min GPUs honours tensor-parallel divisibility", () => {
    const n = minGpus({ model: "llama-3.1-70b-instruct", quant: "bf16", runtime: "vllm", gpu: "nvidia-h100-sxm-80gb", ctx: 8192 });
    expect(n).toBeGreaterThanOrEqual(2);
    expect(64 % n).toBe(0);
    expect(estimate({ model: "llama-3.1-70b-instruct", quant: "bf16", runtime: "vllm", gpu: "nvidia-h100-sxm-80gb", ctx: 8192, gpus: n }).fits).toBe(true);
  });
  test("MoE speed reads active weights, not all of them", () => {
    const moe = speed({ model: "qwen3-30b-a3b", quant: "q4_k_m", runtime: "llama.cpp", gpu: "nvidia-rtx-4090" });
    const dense = speed({ model: "qwen3-32b", quant: "q4_k_m", runtime: "llama.cpp", gpu: "nvidia-rtx-4090" });
    expect(moe.perSequence).toBeGreaterThan(3 * dense.perSequence);
  });
  test("every term explains itself with numbers", () => {
    const ex = explain({ model: "qwen3.5-35b-a3b", quant: "awq", runtime: "vllm", ctx: 32768, gpu: "nvidia-rtx-4090" });
    for (const k of ["weights", "kvCache", "state", "activations", "overhead", "host"] as const) expect(ex[k]).toMatch(/\d/);
  });
});

describe("bad input gets a typed error, never a raw throw", () => {
  const cases: Array<[string, Parameters<typeof estimate>[0], RegExp]> = [
    ["unknown model with a suggestion", { model: "qwen35-35b-a3b" }, /Unknown model 'qwen35-35b-a3b'\. Did you mean .*qwen3\.5-35b-a3b/],
    ["negative ctx", { model: "qwen3-8b", ctx: -1 }, /ctx must be at least 1/],
    ["NaN ctx", { model: "qwen3-8b", ctx: NaN }, /ctx must be a number/],
    ["fractional batch", { model: "qwen3-8b", batch: 1.5 }, /batch must be a whole number/],
    ["absurd ctx", { model: "qwen3-8b", ctx: 1e12 }, /ctx must be at most/],
    ["zero GPUs", { model: "qwen3-8b", gpus: 0 }, /gpus must be at least 1/],
    ["unknown quant", { model: "qwen3-8b", quant: "q4_k_x" }, /Unknown quant/],
    ["unknown runtime", { model: "qwen3-8b", runtime: "vllmm" }, /Unknown runtime 'vllmm'.*vllm/],
    ["fp8 KV on llama.cpp", { model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", kvDtype: "fp8" }, /does not support a 'fp8' KV cache/],
    ["GGUF on vLLM", { model: "qwen3-8b", runtime: "vllm", quant: "q4_k_m" }, /does not run 'q4_k_m'/],
    ["gptq on MLX", { model: "qwen3-8b", runtime: "mlx", quant: "gptq" }, /does not run 'gptq'/],
    ["heads not divisible by TP", { model: "qwen3-8b", runtime: "vllm", gpus: 3 }, /divide evenly over 3 GPUs/],
    ["utilisation above 1", { model: "qwen3-8b", gpu: "nvidia-rtx-4090", gpuUtil: 1.5 }, /gpuUtil/],
    ["unknown GPU", { model: "qwen3-8b", gpu: "rtx 9090" }, /Unknown GPU 'rtx 9090'/],
  ];
  test.each(cases)("%s", (_name, input, message) => {
    expect(() => estimate(input)).toThrow(FitError);
    expect(() => estimate(input)).toThrow(message);
  });
  test("an unknown architecture is an error, not a dense guess", () => {
    expect(() => architectureFromConfig({ model_type: "rwkv7", hidden_size: 2048 })).toThrow(/Unsupported model_type 'rwkv7'/);
    expect(() => architectureFromConfig({ model_type: "llama", hidden_size: 4096 })).toThrow(/missing/);
    // Field types and bounds are checked at the boundary (a user's import; the catalog's build), before any parser runs.
    expect(() => importModel({ config: { model_type: "llama", hidden_size: 4096, num_hidden_layers: -3, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 1000, intermediate_size: 10 } })).toThrow(/num_hidden_layers \(-3\): must be at least 1/);
  });
  test("context above the window is computed with a warning", () => {
    const e = estimate({ model: "qwen3-8b", ctx: 1_000_000 });
    expect(e.warnings.join()).toMatch(/exceeds/);
  });
});

describe("vLLM by release (engineVersion)", () => {
  const llama = { model: "llama-3.1-8b-instruct", quant: "bf16", runtime: "vllm", ctx: 8192, vramGiB: 79.22, engineArgs: "--max-num-batched-tokens 8192 --max-num-seqs 1024" };
  // Sampler warm-up with top-k/top-p over [1024, vocab]: V0 and the V1 sort path (v0.8–v0.16) hold the bf16 logits
  // + 30 / + 26 B of temporaries per element; the Triton path (v0.17+) + 12 B, plus its [128, vocab] fp32 buffer.
  // V1 keeps the hidden states of the 8,192-token profile batch meanwhile.
  // Bytes of the parts of one term whose labels match, at 8,192 tokens and one sequence.
  const labelled = (input: Parameters<typeof prepare>[0], term: "activations" | "overhead", label: RegExp) =>
    prepare(input)
      .run.breakdown(8192, 1)
      .devices[0].terms[term].filter((x) => label.test(x.label))
      .reduce((sum, x) => sum + x.bytes, 0);
  const sampler = (version: string | undefined) => labelled({ ...llama, engineVersion: version }, "activations", /^(V0 sampler|sampler warm-up|Triton|hidden states)/);
  const overheadLabelled = (input: Parameters<typeof prepare>[0], label: RegExp) => labelled(input, "overhead", label);
  // The Triton sampler's buffer has one row per SM, up to next_pow2(max_num_seqs): 132 on an H100 SXM.
  test("Triton sampler buffer rows follow the named GPU's SM count", () => {
    expect(labelled({ ...llama, vramGiB: undefined, gpu: "h100 sxm", engineVersion: "0.19.0" }, "activations", /^Triton/)).toBe(132 * 128256 * 4);
  });
  test.each([
    ["0.6.3", 1024 * 128256 * 32],
    ["v0.7.3", 1024 * 128256 * 32],
    ["0.8.0", 1024 * 128256 * 28 + 8192 * 4096 * 2],
    ["0.16.0", 1024 * 128256 * 28 + 8192 * 4096 * 2],
    ["0.17.0", 1024 * 128256 * 14 + 128 * 128256 * 4 + 8192 * 4096 * 2],
    [undefined, 1024 * 128256 * 14 + 128 * 128256 * 4 + 8192 * 4096 * 2],
  ])("sampler warm-up of %s: %d bytes", (version, bytes) => {
    expect(sampler(version as string | undefined)).toBe(bytes);
  });
  const dsv2 = { model: "deepseek-v2-lite", quant: "awq", runtime: "vllm", ctx: 163840, vramGiB: 79.22 };
  // 576-element bf16 latent = 1152 B, rounded to 1280 B only between PR #12676 (v0.7.2) and V1's default (v0.8.0).
  test.each([
    ["0.7.1", 1152],
    ["0.7.2", 1280],
    ["0.7.3.post1", 1280],
    ["0.8.0", 1152],
    [undefined, 1152],
  ])("MLA cache entry under %s: %d B per token per layer", (version, perLayer) => {
    const e = estimate({ ...dsv2, engineVersion: version });
    expect(e.perGpu.kvCacheBytes).toBe(27 * 163840 * (perLayer as number));
  });
  // CUDA-graph memory (an estimate of 21 MiB per layer) is deducted from v0.21, not under --enforce-eager.
  test.each([
    ["0.19.0", "", 0],
    ["0.20.2", "", 0],
    ["0.21.0", "", 1],
    [undefined, "", 1],
    ["0.22.0", " --enforce-eager", 0],
  ])("CUDA-graph estimate under %s%s: deducted %d times", (version, flags, deducted) => {
    const e = { ...llama, engineArgs: llama.engineArgs + flags, engineVersion: version as string | undefined };
    expect(overheadLabelled(e, /^CUDA graphs/)).toBe((deducted as number) * 32 * 21 * 2 ** 20);
  });
  // What the sample graph captures leave outside PyTorch's pool is charged while they run inside the profiled
  // window: PR #30515 (v0.17.1) to PR #49208 (about v0.26); nothing is captured under --enforce-eager.
  test.each([
    ["0.17.0", "", false],
    ["0.17.1", "", true],
    ["0.19.0", "", true],
    ["0.25.1", "", true],
    ["0.26.0", "", false],
    [undefined, "", false],
    ["0.19.0", " --enforce-eager", false],
  ])("graph-sample residue under %s%s: charged %s", (version, flags, charged) => {
    const e = { ...llama, engineArgs: llama.engineArgs + flags, engineVersion: version as string | undefined };
    expect(overheadLabelled(e, /sample graph captures/)).toBe(charged ? 123 * 2 ** 20 : 0);
    expect(overheadLabelled(e, /^non-torch memory \(kernels/)).toBe(133 * 2 ** 20);
  });
  // gpu_memory_utilization 0.9 before v0.21.0, 0.92 from it (PR #38284).
  test.each([
    ["0.6.3", 0.9],
    ["0.20.2", 0.9],
    ["0.21.0", 0.92],
    [undefined, 0.92],
  ])("default gpu_memory_utilization of %s is %d", (version, util) => {
    const e = estimate({ model: "qwen3-8b", runtime: "vllm", gpu: "h100 sxm", engineVersion: version as string | undefined });
    expect(e.budgetBytes).toBeCloseTo((util as number) * e.vramBytes!, 0);
    expect(e.engineSettings.gpu_memory_utilization).toBe(util);
  });
  // max_num_batched_tokens and max_num_seqs defaults by release and GPU (engine-facts §4.15).
  test.each([
    ["0.6.3", "rtx 4090", 8192, 8192, 256],
    ["0.6.3", "rtx 4090", 65536, 512, 256],
    ["0.7.3", "rtx 4090", 65536, 2048, 256],
    ["0.8.0", "rtx 4090", 8192, 2048, 1024],
    ["0.8.4", "rtx 4090", 8192, 2048, 256],
    ["0.8.4", "h100 sxm", 8192, 8192, 1024],
    ["0.8.5", "a100 80gb sxm4", 8192, 8192, 1024],
    ["0.9.0", "a100 80gb sxm4", 8192, 2048, 256],
    [undefined, "h100 sxm", 8192, 8192, 1024],
    [undefined, "b200", 8192, 16384, 1024],
  ])("vLLM %s on %s at %d tokens: profile of %d tokens, %d sequences", (version, gpu, ctx, tokens, seqs) => {
    const p = prepare({ model: "llama-3.1-8b-instruct", runtime: "vllm", gpu: gpu as string, engineVersion: version as string | undefined });
    const forward = p.run.breakdown(ctx as number, 1).devices[0].terms.activations;
    const f0 = (label: RegExp) => forward.find((x) => label.test(x.label))?.factors?.[0].value;
    // Whichever of the forward pass and the sampler warm-up is larger is shown; both name the batch.
    expect(f0(/^profile forward pass/) ?? f0(/^hidden states/)).toBe(tokens);
    if (!/^v?0\.[67]\./.test(String(version))) {
      expect(p.run.settings.max_num_batched_tokens).toBe(tokens);
      expect(p.run.settings.max_num_seqs).toBe(seqs);
    } else expect(p.run.settings.max_num_seqs).toBe(256);
  });
  test.each(["latest", "v1", "0.6.3.4.5", "1.x.2", "0.7.4.dev474+g3556a414"])("junk version %j is a FitError", (version) => {
    expect(() => estimate({ ...llama, engineVersion: version })).toThrow(FitError);
    expect(() => estimate({ ...llama, engineVersion: version })).toThrow(/engineVersion must be a release number/);
  });
  test("a llama.cpp version is a build number", () => {
    expect(() => estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", engineVersion: "0.6.3" })).toThrow(/build number like "b6123"/);
    expect(estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", engineVersion: "b6123" }).runtime).toBe("llama.cpp");
  });
  test("the version is part of the prepared-setup cache key", () => {
    expect(prepare({ ...llama, engineVersion: "0.6.3" })).not.toBe(prepare({ ...llama, engineVersion: "0.9.0" }));
  });
});

describe("vLLM MTP speculative decoding (speculativeTokens)", () => {
  // Prefix caching off: "none" mode, 1 + k state pages (with it, the default for hybrids since about v0.26, 2 + k).
  const qwen = { model: "qwen3.6-27b", quant: "gptq", runtime: "vllm", kvDtype: "fp8_e5m2", ctx: 262144, gpu: "nvidia-rtx-3090", gpus: 2, engineArgs: "--no-enable-prefix-caching" };
  test("draft weights load, the draft layer holds KV, and conv states grow", () => {
    const off = estimate(qwen);
    const on = estimate({ ...qwen, speculativeTokens: 3 });
    expect(on.perGpu.weightsBytes).toBeGreaterThan(off.perGpu.weightsBytes);
    // 16 attention layers + 1 MTP layer (17/16), less a little block rounding as the state page changes.
    const ratio = on.perGpu.kvCacheBytes / off.perGpu.kvCacheBytes;
    expect(ratio).toBeGreaterThan(1.05);
    expect(ratio).toBeLessThan(17 / 16 + 1e-9);
    expect(on.perGpu.stateBytes).toBeGreaterThan(off.perGpu.stateBytes);
    expect(on.maxConcurrency!).toBeLessThan(off.maxConcurrency!);
  });
  test("a model without MTP layers is refused", () => {
    expect(() => estimate({ model: "qwen3-8b", runtime: "vllm", speculativeTokens: 2 })).toThrow(/no MTP layers/);
  });
  // MambaSpec.num_speculative_blocks = num_speculative_tokens; max_memory_usage_bytes = page × (1 + k) in the
  // default mamba_cache_mode "none" (engine-facts §4.12).
  test.each([
    [0, 1],
    [1, 2],
    [3, 4],
    [5, 6],
  ])("k = %i speculative tokens: %i state pages per request and recurrent layer", (k, pages) => {
    expect(mambaStatePagesPerRequest(k)).toBe(pages);
    // Prefix caching's "align" mode holds one more.
    expect(mambaStatePagesPerRequest(k, true)).toBe(pages + 1);
  });
  // Qwen3.6-27B at TP2, fp8 KV: attention 2 KV heads × (256 + 256) × 1 B = 1024 B per token and layer; GDN state per layer
  // = (3 + k) conv rows × 5120 × 2 B + 24 × 128 × 128 × 4 B, rounded up to a 16-token attention block; 48 GDN layers
  // padded to 51 (groups of 17 with the MTP layer).
  test.each([
    [1, 1584],
    [2, 1600],
    [3, 1600],
  ])("k = %i: state = 51 layers × (1 + k) pages of %i tokens × 1024 B per request", (k, blockTokens) => {
    const e = estimate({ ...qwen, speculativeTokens: k });
    expect(e.perGpu.stateBytes).toBe(51 * (1 + k) * blockTokens * 1024);
    expect(e.perGpu.kvCacheBytes).toBe(17 * Math.ceil(262144 / blockTokens) * blockTokens * 1024);
    // The concurrency divides the same pool by KV + (1 + k) state pages.
    const pool = e.budgetBytes! - e.perGpu.weightsBytes - e.perGpu.activationBytes - e.perGpu.overheadBytes;
    expect(e.maxConcurrency!).toBeCloseTo(pool / (e.perGpu.kvCacheBytes + e.perGpu.stateBytes), 9);
  });
  test("the speculative state pages scale with the batch and appear in the explanation", () => {
    const one = estimate({ ...qwen, speculativeTokens: 3 });
    const two = estimate({ ...qwen, speculativeTokens: 3, batch: 2 });
    expect(two.perGpu.stateBytes).toBe(2 * one.perGpu.stateBytes);
    expect(explain({ ...qwen, speculativeTokens: 3 }).state).toMatch(/51 layers × 4 pages × /);
    // Without MTP there is no padding layer and one page per request.
    expect(explain(qwen).state).toMatch(/^state pages of 48 recurrent layers: 48 layers × 1\.\d MiB = /);
    expect(setupNotes({ ...qwen, speculativeTokens: 3 }).join(" ")).toMatch(/4 state page\(s\) per recurrent layer \(1 \+ 3 speculative\)/);
    // Prefix caching ("align" mode) adds one page per request and layer.
    const align = estimate({ ...qwen, speculativeTokens: 3, engineArgs: "--enable-prefix-caching" });
    expect(align.perGpu.stateBytes / one.perGpu.stateBytes).toBeCloseTo(5 / 4, 9);
  });
});

// NVIDIA LatentMoE (Nemotron 3 Super, moe_latent_size 1024): the router and the shared expert read the
// 4096-wide hidden state; fc1_latent_proj (4096 → 1024) feeds 512 squared-ReLU experts (up 1024 → 2688,
// down 2688 → 1024, no gate) of which 22 run per token; fc2_latent_proj (1024 → 4096) brings their sum back
// (transformers modeling_nemotron_h.py NemotronHMoE / NemotronHExperts; vLLM nemotron_h.py NemotronHMoE).
describe("LatentMoE (Nemotron 3 Super)", () => {
  const m = catalog().models.find((x) => x.record.id === "nemotron-3-super-120b-a12b")!;
  const H = 4096, L = 1024, I = 2688, E = 512, K = 22, S = 5376, MOE = 40;
  test("the MoE blocks carry the latent width and the config's MTP step (attention + MoE)", () => {
    const moe = m.arch.layers.filter((l) => l.ffn.kind === "moe");
    expect(moe).toHaveLength(MOE);
    expect(moe[0].ffn).toMatchObject({ kind: "moe", experts: E, topK: K, expertIntermediate: I, sharedIntermediate: S, gated: false, latent: { size: L, bias: false } });
    expect(m.arch.mtp.layers.map((l) => (l.ffn.kind === "moe" ? "E" : "*"))).toEqual(["*", "E"]);
    expect(m.arch.mtp.extraParams).toBe(2 * H * H + 3 * H);
  });
  test("parameters per tensor group follow the modeling code", () => {
    const g = m.params.byGroup;
    expect(g.experts).toBe(MOE * E * 2 * L * I); // experts at the latent width: 112.74B
    expect(g.mlp).toBe(MOE * 2 * H * L); // fc1_latent_proj + fc2_latent_proj, the only dense FFN weights
    expect(g.shared).toBe(MOE * 2 * H * S); // shared expert at the full hidden width
    expect(g.router).toBe(MOE * (E * H + E)); // gate weight on the hidden state + e_score_correction_bias
    expect(m.params.total).toBe(120_669_035_520);
    expect(m.params.mtp).toBe(2_942_325_248); // with it, the checkpoint holds 123.61B
  });
  test("active parameters: 22 of 512 experts, plus the latent projections, router and shared expert", () => {
    expect(m.params.active).toBe(m.params.total - m.params.byGroup.experts + MOE * K * 2 * L * I);
    expect(m.params.active).toBe(12_770_565_120);
  });
  test("without moe_latent_size the same config has experts four times as wide and no latent projections", () => {
    const { moe_latent_size: _drop, ...plain } = m.record.config as Record<string, unknown>;
    const a = architectureFromConfig(plain);
    const t = modelTensors(a, { includeMtp: false });
    const sum = (role: string) => t.filter((x) => x.role === role).reduce((s, x) => s + x.params, 0);
    expect(sum("ffn_up_exps") + sum("ffn_down_exps")).toBe(MOE * E * 2 * H * I);
    expect(sum("ffn_latent_down") + sum("ffn_latent_up")).toBe(0);
  });
  test("latent tensors have their own roles and row lengths (GGUF block rules)", () => {
    const t = modelTensors(m.arch, { includeMtp: false }).filter((x) => x.layer === 1);
    const byRole = Object.fromEntries(t.map((x) => [x.role, x]));
    expect(byRole.ffn_latent_down).toMatchObject({ group: "mlp", params: H * L, cols: H });
    expect(byRole.ffn_latent_up).toMatchObject({ group: "mlp", params: L * H, cols: L });
    expect(byRole.ffn_up_exps).toMatchObject({ group: "experts", params: E * L * I, cols: L });
    expect(byRole.ffn_down_exps).toMatchObject({ group: "experts", params: E * I * L, cols: I });
    expect(byRole.ffn_gate_inp).toMatchObject({ group: "router", cols: H });
  });
  test("weight bytes: the native FP8 checkpoint quantizes experts and latent projections; routers stay 16-bit", () => {
    const fp8 = quantFormats().find((q) => q.id === "fp8")!;
    const wb = weightBytes(m, fp8);
    const bits = fp8.linearBits!;
    expect(wb.byGroup.experts).toBeCloseTo((MOE * E * 2 * L * I * bits) / 8, 0);
    expect(wb.byGroup.mlp).toBeCloseTo((MOE * 2 * H * L * bits) / 8, 0);
    expect(wb.byGroup.router).toBe(MOE * (E * H + E) * 2);
    // Over two GPUs the replicated tensors (norms, routers) are held twice.
    const native = weightBytes(m, quantFormats().find((q) => q.id === "native")!);
    expect(estimate({ model: m.record.id, runtime: "vllm", quant: "native", gpu: "nvidia-h100-sxm-80gb", gpus: 2, ctx: 8192 }).weightsBytes).toBeCloseTo(native.total + native.replicated, -6);
    // GGUF: the latent projections (rows of 4096 and 1024) take the file's base type, Q4_K (4.5 bits) for Q4_K_M.
    const q4 = weightBytes(m, quantFormats().find((q) => q.id === "q4_k_m")!);
    expect(q4.byGroup.mlp).toBe((MOE * 2 * H * L * 4.5) / 8);
  });
  test("every engine estimates it; vLLM MTP loads the attention + MoE draft step", () => {
    for (const [runtime, quant] of [["vllm", "native"], ["sglang", "native"], ["transformers", "bf16"], ["llama.cpp", "q4_k_m"], ["ollama", "q4_k_m"]] as const) {
      const e = estimate({ model: m.record.id, runtime, quant, gpu: "nvidia-h100-sxm-80gb", gpus: 2, ctx: 32768 });
      expect(e.weightsBytes).toBeGreaterThan(50e9);
      expect(e.kvCacheBytes).toBeGreaterThan(0);
      expect(e.stateBytes).toBeGreaterThan(0);
    }
    const off = estimate({ model: m.record.id, runtime: "vllm", quant: "native", gpu: "nvidia-h100-sxm-80gb", gpus: 2, ctx: 32768 });
    const on = estimate({ model: m.record.id, runtime: "vllm", quant: "native", gpu: "nvidia-h100-sxm-80gb", gpus: 2, ctx: 32768, speculativeTokens: 3 });
    expect(on.weightsBytes - off.weightsBytes).toBeGreaterThan(m.params.mtp * 0.99);
  });
});
