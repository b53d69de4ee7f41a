// Maps each measured run in calibration/measured.json to the same
// setup in the estimator and compares term by term. Settings come from the
// run itself (engine version, flags); nothing here is fitted to the rows.
import * as fs from "fs";
import * as path from "path";
import { estimate, prepare, type EstimateInput } from "../src/core/estimate";
import { findModel, findQuant } from "../src/core/catalog";
import { weightBytes } from "../src/core/weightBytes";
import { GiB, MiB } from "../src/core/units";

export type Term = "weights" | "kvCache" | "kvCapacityTokens" | "maxConcurrency" | "activations" | "nonTorch" | "compute";

export interface Comparison {
  id: string;
  engine: string;
  term: Term;
  estimate: number;
  measured: number;
  unit: string;
  /** Signed relative error (estimate − measured) / measured. */
  error: number;
}

interface Row {
  id: string;
  measured: Record<string, number | number[] | null>;
}

export function loadMeasured(): Row[] {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "calibration", "measured.json"), "utf8"));
}

/** One comparison of an estimate with a measured figure. */
export const cmp = (id: string, engine: string, term: Term, est: number, meas: number, unit: string): Comparison => ({ id, engine, term, estimate: est, measured: meas, unit, error: (est - meas) / meas });

/** Weight bytes of a catalog model's checkpoint or GGUF file under a quant (`textOnly` for GGUFs). */
export function fileBytes(model: string, quant: string, textOnly = false): number {
  const w = weightBytes(findModel(model), findQuant(quant));
  // A GGUF holds the text model only; the vision tower ships as a separate mmproj file.
  return textOnly ? w.total - w.byGroup.vision : w.total;
}

type CaseFn = (m: Record<string, number>) => Comparison[];

const vllmCase = (id: string, input: EstimateInput, f: (e: ReturnType<typeof estimate>, p: ReturnType<typeof prepare>, m: Record<string, number>) => Comparison[]): [string, CaseFn] => [
  id,
  (m) => {
    const e = estimate(input);
    return f(e, prepare(input), m);
  },
];

/** The cases: measured run id → comparisons. */
export const CASES: Array<[string, CaseFn]> = [
  // runtime_version: dev build between v0.6.4 and v0.6.5, V0 engine: chunked prefill off, so the profile batch is max_model_len (8192).
  vllmCase("vllm-pr10511-llama3-8b-tp1", { model: "llama-3.1-8b-instruct", quant: "bf16", runtime: "vllm", engineVersion: "0.6.4", ctx: 8192, vramGiB: 79.22, gpuUtil: 0.9, batchedTokens: 8192, maxSeqs: 256 }, (e, _p, m) => [
    cmp("vllm-pr10511-llama3-8b-tp1", "vllm", "weights", e.perGpu.weightsBytes / GiB, m.weights_gib, "GiB"),
    cmp("vllm-pr10511-llama3-8b-tp1", "vllm", "activations", e.perGpu.activationBytes / GiB, m.activation_peak_gib, "GiB"),
    cmp("vllm-pr10511-llama3-8b-tp1", "vllm", "nonTorch", e.perGpu.overheadBytes / GiB, m.non_torch_gib, "GiB"),
    cmp("vllm-pr10511-llama3-8b-tp1", "vllm", "kvCache", (e.budgetBytes! - e.perGpu.weightsBytes - e.perGpu.activationBytes - e.perGpu.overheadBytes) / GiB, m.kv_cache_gib, "GiB"),
  ]),
  vllmCase("vllm-pr10511-llama3-8b-tp2", { model: "llama-3.1-8b-instruct", quant: "bf16", runtime: "vllm", engineVersion: "0.6.4", ctx: 8192, vramGiB: 79.22, gpus: 2, gpuUtil: 0.9, batchedTokens: 8192, maxSeqs: 256 }, (e, _p, m) => [
    cmp("vllm-pr10511-llama3-8b-tp2", "vllm", "weights", e.perGpu.weightsBytes / GiB, m.weights_gib_per_gpu, "GiB"),
    cmp("vllm-pr10511-llama3-8b-tp2", "vllm", "nonTorch", e.perGpu.overheadBytes / GiB, m.non_torch_gib_per_gpu, "GiB"),
  ]),
  vllmCase("sglang-21348-qwen3-235b-fp8-tp4-h100", { model: "qwen3-235b-a22b", quant: "fp8", runtime: "sglang", ctx: 4096, gpu: "nvidia-h100-sxm-80gb", gpus: 4, gpuUtil: 0.93 }, (e, _p, m) => [
    cmp("sglang-21348-qwen3-235b-fp8-tp4-h100", "sglang", "kvCapacityTokens", e.kvCapacityTokens!, m.kv_tokens, "tokens"),
  ]),
  // runtime_version "~v0.6.4, V0" (weights "GB" = GiB); max_model_len 20000 is the profile batch.
  vllmCase("vllm-10517-llama31-8b-3090-20k", { model: "llama-3.1-8b-instruct", quant: "bf16", runtime: "vllm", engineVersion: "0.6.4", ctx: 20000, vramGiB: 23.58, gpuUtil: 0.9, batchedTokens: 20000, maxSeqs: 256 }, (e, _p, m) => [
    cmp("vllm-10517-llama31-8b-3090-20k", "vllm", "weights", e.perGpu.weightsBytes / GiB, m.weights_gb_printed, "GiB"),
    cmp("vllm-10517-llama31-8b-3090-20k", "vllm", "activations", e.perGpu.activationBytes / GiB, m.peak_torch_memory_gib - m.weights_gb_printed, "GiB"),
    cmp("vllm-10517-llama31-8b-3090-20k", "vllm", "kvCache", (e.budgetBytes! - e.perGpu.weightsBytes - e.perGpu.activationBytes - e.perGpu.overheadBytes) / GiB, m.kv_cache_gib, "GiB"),
    cmp("vllm-10517-llama31-8b-3090-20k", "vllm", "kvCapacityTokens", e.kvCapacityTokens!, m.gpu_blocks * 16, "tokens"),
    cmp("vllm-10517-llama31-8b-3090-20k", "vllm", "maxConcurrency", e.maxConcurrency!, m.max_concurrency, "x"),
  ]),
  ["vllm-33155-gptoss120b-h100-v0141", (m) => [cmp("vllm-33155-gptoss120b-h100-v0141", "vllm", "weights", estimate({ model: "gpt-oss-120b", runtime: "vllm", engineVersion: "0.14.1" }).perGpu.weightsBytes / GiB, m.weights_gib, "GiB")]],
  // runtime_version "~v0.7.x (Feb 2025), V0"; the log is of 2025-02-11, when v0.7.2 was the current release.
  // The worker's 8.69 GiB is a non-driver rank; rank 0 also profiles the sampler and sets the block count.
  vllmCase("vllm-13061-r1-distill-qwen14b-tp2-4090", { model: "deepseek-r1-distill-qwen-14b", quant: "bf16", runtime: "vllm", engineVersion: "0.7.2", ctx: 131072, vramGiB: 23.08 / 0.98, gpus: 2, gpuUtil: 0.98 }, (e, _p, m) => [
    cmp("vllm-13061-r1-distill-qwen14b-tp2-4090", "vllm", "weights", e.perGpu.weightsBytes / GiB, m.weights_gb_printed_per_gpu, "GiB"),
    cmp("vllm-13061-r1-distill-qwen14b-tp2-4090", "vllm", "activations", e.perGpu.activationBytes / GiB, m.activation_peak_gib, "GiB"),
    cmp("vllm-13061-r1-distill-qwen14b-tp2-4090", "vllm", "kvCache", (e.budgetBytes! - e.perGpu.weightsBytes - e.perGpu.activationBytes - e.perGpu.overheadBytes) / GiB, m.kv_cache_gib_per_gpu, "GiB"),
    cmp("vllm-13061-r1-distill-qwen14b-tp2-4090", "vllm", "kvCapacityTokens", e.kvCapacityTokens!, m.kv_tokens, "tokens"),
  ]),
  ["vllm-17469-qwen3-30b-a3b-tp4-a10", (m) => [cmp("vllm-17469-qwen3-30b-a3b-tp4-a10", "vllm", "weights", estimate({ model: "qwen3-30b-a3b", quant: "bf16", runtime: "vllm", engineVersion: "0.8.5", gpus: 4 }).perGpu.weightsBytes / GiB, m.weights_gib_per_gpu, "GiB")]],
  // DeepSeek-Coder-V2-Lite has DeepSeek-V2-Lite's architecture; an 80 GB card at the default 0.9.
  // runtime_version "PR #13109 dev (Feb 2025, ~v0.7.2), V0": inside the MLA 256-byte alignment window.
  vllmCase("vllm-pr13109-dscoder-v2-lite-awq-mla", { model: "deepseek-v2-lite", quant: "awq", runtime: "vllm", engineVersion: "0.7.2", ctx: 163840, vramGiB: 79.22, gpuUtil: 0.9 }, (e, _p, m) => [
    cmp("vllm-pr13109-dscoder-v2-lite-awq-mla", "vllm", "weights", e.perGpu.weightsBytes / GiB, m.weights_gib, "GiB"),
    cmp("vllm-pr13109-dscoder-v2-lite-awq-mla", "vllm", "kvCache", (e.budgetBytes! - e.perGpu.weightsBytes - e.perGpu.activationBytes - e.perGpu.overheadBytes) / GiB, m.kv_cache_gib, "GiB"),
    cmp("vllm-pr13109-dscoder-v2-lite-awq-mla", "vllm", "kvCapacityTokens", e.kvCapacityTokens!, m.gpu_blocks * 16, "tokens"),
    cmp("vllm-pr13109-dscoder-v2-lite-awq-mla", "vllm", "maxConcurrency", e.maxConcurrency!, m.max_concurrency, "x"),
  ]),
  // v0.19.0: vLLM did not yet deduct CUDA-graph memory before sizing the KV pool (default since v0.21, PR #30515).
  vllmCase("vllm-blog-gptoss20b-a100-u065", { model: "gpt-oss-20b", runtime: "vllm", engineVersion: "0.19.0", ctx: 131072, gpu: "nvidia-a100-sxm-80gb", gpuUtil: 0.65 }, (e, _p, m) => [
    cmp("vllm-blog-gptoss20b-a100-u065", "vllm", "weights", e.perGpu.weightsBytes / GiB, m.weights_gib, "GiB"),
    cmp("vllm-blog-gptoss20b-a100-u065", "vllm", "kvCache", (e.budgetBytes! - e.perGpu.weightsBytes - e.perGpu.activationBytes - e.perGpu.overheadBytes) / GiB, m.kv_cache_gib, "GiB"),
  ]),
  // runtime_version "~0.11.x (Nov 2025, V1)".
  vllmCase("vllm-28228-kimi-linear-48b-awq-tp2-3090", { model: "kimi-linear-48b-a3b-instruct", quant: "awq", runtime: "vllm", engineVersion: "0.11.0", ctx: 120000, gpu: "nvidia-rtx-3090", gpus: 2, gpuUtil: 0.95, batchedTokens: 64000, maxSeqs: 8 }, (e, _p, m) => [
    cmp("vllm-28228-kimi-linear-48b-awq-tp2-3090", "vllm", "maxConcurrency", e.maxConcurrency!, m.max_concurrency, "x"),
  ]),
  ["llamacpp-ollama16480-gptoss120b-kv-iswa", (m) => {
    const e = estimate({ model: "gpt-oss-120b", runtime: "llama.cpp", ctx: 131072, batch: 2, batchedTokens: 1024 });
    return [cmp("llamacpp-ollama16480-gptoss120b-kv-iswa", "llama.cpp", "kvCache", e.perGpu.kvCacheBytes / MiB, m.kv_buffer_nonswa_mib + m.kv_buffer_swa_mib, "MiB")];
  }],
  ["llamacpp-23321-qwen3-coder-next-kv-65k", (m) => {
    const e = estimate({ model: "qwen3-coder-next", quant: "q4_k_m", runtime: "llama.cpp", ctx: 32768, batch: 2 });
    return [cmp("llamacpp-23321-qwen3-coder-next-kv-65k", "llama.cpp", "kvCache", e.perGpu.kvCacheBytes / MiB, m.kv_buffer_mib, "MiB")];
  }],
  // 2024-era LLamaSharp build: flash attention off.
  ["llamacpp-llamasharp1099-qwen25-3b-4k", (m) => {
    const e = estimate({ model: "qwen2.5-3b-instruct", quant: "q4_k_m", runtime: "llama.cpp", ctx: 4096, flashAttention: false });
    return [
      cmp("llamacpp-llamasharp1099-qwen25-3b-4k", "llama.cpp", "kvCache", e.perGpu.kvCacheBytes / MiB, m.kv_buffer_mib, "MiB"),
      cmp("llamacpp-llamasharp1099-qwen25-3b-4k", "llama.cpp", "compute", e.perGpu.activationBytes / MiB, m.compute_buffer_cuda0_mib, "MiB"),
    ];
  }],
  ["file-gptoss20b-unsloth-gguf", (m) => [
    cmp("file-gptoss20b-unsloth-gguf", "file", "weights", fileBytes("gpt-oss-20b", "q4_k_m") / 1e9, m.Q4_K_M_file_gb, "GB"),
    cmp("file-gptoss20b-unsloth-gguf", "file", "weights", fileBytes("gpt-oss-20b", "native") / 1e9, m.F16_file_gb, "GB"),
  ]],
  ["file-llama31-8b-instruct-safetensors", (m) => [cmp("file-llama31-8b-instruct-safetensors", "file", "weights", fileBytes("llama-3.1-8b-instruct", "bf16") / 1e9, m.safetensors_total_gb, "GB")]],
  ["file-qwen25-3b-mradermacher-gguf", (m) =>
    (
      [
        ["q2_k", "Q2_K_file_gb"],
        ["q3_k_m", "Q3_K_M_file_gb"],
        ["q4_k_m", "Q4_K_M_file_gb"],
        ["q4_k_s", "Q4_K_S_file_gb"],
        ["q6_k", "Q6_K_file_gb"],
        ["q8_0", "Q8_0_file_gb"],
        ["fp16", "f16_file_gb"],
        ["iq3_m", "IQ3_M_file_gb"],
      ] as const
    ).map(([q, k]) => cmp("file-qwen25-3b-mradermacher-gguf", "file", "weights", fileBytes("qwen2.5-3b-instruct", q) / 1e9, m[k], "GB"))],
  ["file-mixtral-8x7b-gguf-bytes", (m) => [
    cmp("file-mixtral-8x7b-gguf-bytes", "file", "weights", fileBytes("mixtral-8x7b-instruct-v0.1", "q4_k_m"), m.Q4_K_M_instruct_bytes, "B"),
    cmp("file-mixtral-8x7b-gguf-bytes", "file", "weights", fileBytes("mixtral-8x7b-instruct-v0.1", "q2_k"), m.Q2_K_base_bytes, "B"),
    cmp("file-mixtral-8x7b-gguf-bytes", "file", "weights", fileBytes("mixtral-8x7b-instruct-v0.1", "q3_k_m"), m.Q3_K_M_base_bytes, "B"),
  ]],
  // AutoRound int4 is GPTQ-format 4-bit g128. Version not in the excerpt (June 2026, V1: latest assumed);
  // speculative_config {'method': 'mtp', 'num_speculative_tokens': 3} is in the source quote.
  vllmCase("vllm-club3090-294-qwen36-27b-int4-tp2-3090", { model: "qwen3.6-27b", quant: "gptq", runtime: "vllm", kvDtype: "fp8_e5m2", ctx: 262144, gpu: "nvidia-rtx-3090", gpus: 2, batchedTokens: 8192, maxSeqs: 2, speculativeTokens: 3 }, (e, _p, m) => [
    cmp("vllm-club3090-294-qwen36-27b-int4-tp2-3090", "vllm", "maxConcurrency", e.maxConcurrency!, m.max_concurrency, "x"),
    cmp("vllm-club3090-294-qwen36-27b-int4-tp2-3090", "vllm", "kvCapacityTokens", e.kvCapacityTokens!, m.kv_tokens, "tokens"),
  ]),
];

/** Runs every case whose measured row exists; returns comparisons and the ids that were skipped. */
export function runAccuracy(rows = loadMeasured()): { comparisons: Comparison[]; skipped: string[] } {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const comparisons: Comparison[] = [];
  for (const [id, fn] of CASES) {
    const row = byId.get(id);
    if (!row) continue;
    comparisons.push(...fn(row.measured as Record<string, number>));
  }
  const covered = new Set(CASES.map(([id]) => id));
  return { comparisons, skipped: rows.map((r) => r.id).filter((id) => !covered.has(id)) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
