// Public vLLM and SGLang startup logs (see publicRuns.ts).
// Each run is mapped to the estimator from facts the source states (model,
// quant, GPU, TP, flags, release); where a fact is assumed, the comment says
// so. Nothing here is tuned to make a row match.
import { estimate, type EstimateInput } from "../src/core/estimate";
import { GiB } from "../src/core/units";
import { cmp, type Comparison } from "./accuracyCases";
import type { PublicRun } from "./publicRuns";

const READ = "2026-11-29";

/** Available KV memory as vLLM computes it: budget − weights − activation peak − non-torch (and graphs). */
const kvPool = (e: ReturnType<typeof estimate>) => (e.budgetBytes! - e.perGpu.weightsBytes - e.perGpu.activationBytes - e.perGpu.overheadBytes) / GiB;

interface Measured {
  weightsGiB?: number;
  kvGiB?: number;
  kvTokens?: number;
  concurrency?: number;
}

/** The comparisons a run's log supports, engine vLLM or SGLang. */
function compareRun(id: string, engine: "vllm" | "sglang", input: EstimateInput, m: Measured): Comparison[] {
  const e = estimate(input);
  const out: Comparison[] = [];
  if (m.weightsGiB !== undefined) out.push(cmp(id, engine, "weights", e.perGpu.weightsBytes / GiB, m.weightsGiB, "GiB"));
  if (m.kvGiB !== undefined) out.push(cmp(id, engine, "kvCache", engine === "sglang" ? (e.budgetBytes! - e.perGpu.weightsBytes) / GiB : kvPool(e), m.kvGiB, "GiB"));
  if (m.kvTokens !== undefined) out.push(cmp(id, engine, "kvCapacityTokens", e.kvCapacityTokens!, m.kvTokens, "tokens"));
  if (m.concurrency !== undefined) out.push(cmp(id, engine, "maxConcurrency", e.maxConcurrency!, m.concurrency, "x"));
  return out;
}

const run = (id: string, url: string, quote: string, engine: "vllm" | "sglang", input: EstimateInput, m: Measured): PublicRun => ({
  id,
  url,
  quote,
  read: READ,
  compare: () => compareRun(id, engine, input, m),
});

export const VLLM_SGLANG_RUNS: PublicRun[] = [
  // Same user and card as the shared 20k row, a different run: max_model_len 29000.
  // V0 engine (~v0.6.4, Dec 2024): no chunked prefill, so the profile batch is max_model_len.
  // "GB" in "Loading model weights took" is GiB (bytes / 2^30) in that release.
  run(
    "vllm-issue-10517-llama31-8b-3090-29k",
    "https://github.com/vllm-project/vllm/issues/10517",
    `GPU: RTX 3090
MODEL: meta-llama/Llama-3.1-8B-Instruct
Loading model weights took 14.9888 GB
Memory profiling results: total_gpu_memory=23.58GiB initial_memory_usage=15.34GiB peak_torch_memory=17.98GiB memory_usage_post_profile=15.35GiB non_torch_memory=0.35GiB kv_cache_size=2.89GiB gpu_memory_utilization=0.90
# GPU blocks: 1478, # CPU blocks: 2048
Maximum concurrency for 29000 tokens per request: 0.82x`,
    "vllm",
    { model: "llama-3.1-8b-instruct", quant: "bf16", runtime: "vllm", engineVersion: "0.6.4", ctx: 29000, vramGiB: 23.58, gpuUtil: 0.9, batchedTokens: 29000, maxSeqs: 256 },
    { weightsGiB: 14.9888, kvGiB: 2.89, kvTokens: 1478 * 16, concurrency: 0.82 },
  ),
  // VLLM_USE_V1=0 on a v0.8.x build (May 2025): the V0 engine, modelled by giving a pre-0.8 release
  // (engine-facts §4.12). max_model_len is Qwen3-30B-A3B's default 40,960 > 32K, so V0 turns chunked
  // prefill on with the 2,048-token default budget (vllm/engine/arg_utils.py, _set_default_args_v0).
  // "w4a16" = int4 weight-only, group 128 (GPTQ/Marlin layout) on every linear layer incl. experts.
  run(
    "vllm-issue-17327-qwen3-30b-a3b-w4a16-3090-v0",
    "https://github.com/vllm-project/vllm/issues/17327",
    `VLLM_USE_V1=0 vllm serve <PATH>/nytopop_Qwen3-30B-A3B.w4a16 --gpu-memory-utilization 0.9 --disable-log-request --max-num-seqs 8
INFO 05-07 22:17:23 [model_runner.py:1140] Model loading took 15.6841 GiB and 17.586636 seconds
INFO 05-07 22:17:25 [worker.py:287] the current vLLM instance can use total_gpu_memory (23.56GiB) x gpu_memory_utilization (0.90) = 21.20GiB
INFO 05-07 22:17:25 [worker.py:287] model weights take 15.68GiB; non_torch_memory takes 0.06GiB; PyTorch activation peak memory takes 0.12GiB; the rest of the memory reserved for KV Cache is 5.34GiB.`,
    "vllm",
    { model: "qwen3-30b-a3b", quant: "gptq", runtime: "vllm", engineVersion: "0.7.3", ctx: 40960, vramGiB: 23.56, gpuUtil: 0.9, batchedTokens: 2048, maxSeqs: 8 },
    { weightsGiB: 15.6841, kvGiB: 5.34 },
  ),
  // vLLM side of the run whose SGLang side is in the shared set. Defaults: utilization 0.9,
  // max_model_len 40,960 (config). Issue of 2025-07-22: v0.9.2 was the current release (assumed).
  // H100 variant not stated: SXM assumed. The LMCache connector keeps the GPU KV layout.
  run(
    "vllm-issue-21348-qwen3-235b-fp8-tp4-h100",
    "https://github.com/vllm-project/vllm/issues/21348",
    `launched Qwen3-235B-A22B-FP8 on both vLLM and SGLang on 4xH100 GPUs. On vLLM is see these logs about KV Cache:
Available KV cache memory: 8.11 GiB
GPU KV cache size: 178,880 tokens
vllm serve /path/to/Qwen3-235B-A22B-FP8 \\
  --tensor-parallel-size 4 \\
  --kv-transfer-config '{"kv_connector":"LMCacheConnectorV1","kv_role":"kv_both"}'`,
    "vllm",
    { model: "qwen3-235b-a22b", quant: "fp8", runtime: "vllm", engineVersion: "0.9.2", ctx: 40960, gpu: "nvidia-h100-sxm-80gb", gpus: 4 },
    { kvGiB: 8.11, kvTokens: 178880 },
  ),
  // Same post and A100 as the shared gpt-oss-20b row (v0.19.0 in that log, one day later; assumed the
  // same install). --enforce-eager: no CUDA graphs.
  run(
    "vllm-blog-myoceane-gemma4-26b-a4b-a100-eager",
    "https://myoceane.fr/index.php/ai-vllm-a100-gemma-4/",
    `vllm serve google/gemma-4-26B-A4B --port 10000 --max-model-len 131072 --enforce-eager --enable-chunked-prefill --enable-auto-tool-choice --reasoning-parser gemma4 --tool-call-parser gemma4 --chat-template /home/vllm/examples/tool_chat_template_gemma4.jinja --gpu-memory-utilization 0.9
Model loading took 48.5 GiB memory and 10.090812 seconds
Available KV cache memory: 21.5 GiB`,
    "vllm",
    { model: "gemma-4-26b-a4b", runtime: "vllm", engineVersion: "0.19.0", ctx: 131072, gpu: "nvidia-a100-sxm-80gb", gpuUtil: 0.9, cudaGraphs: false },
    { weightsGiB: 48.5, kvGiB: 21.5 },
  ),
  // H100 80GB HBM3 (SXM) per the nvidia-smi. Comment of 2025-10-31: v0.11.0 was the
  // current release (assumed). Default max_model_len 131,072.
  run(
    "vllm-issue-27508-gptoss120b-h100-u095-bt1024",
    "https://github.com/vllm-project/vllm/issues/27508",
    `|   0  NVIDIA H100 80GB HBM3          On  | 00000000:C3:00.0 Off |                    0 |
I tried the provided command (\`vllm serve openai/gpt-oss-120b --gpu-memory-utilization 0.95 --max-num-batched-tokens 1024\`)
(EngineCore_DP0 pid=6880) INFO 10-31 15:07:49 [gpu_worker.py:298] Available KV cache memory: 1.71 GiB`,
    "vllm",
    { model: "gpt-oss-120b", runtime: "vllm", engineVersion: "0.11.0", ctx: 131072, gpu: "nvidia-h100-sxm-80gb", gpuUtil: 0.95, batchedTokens: 1024 },
    { kvGiB: 1.71 },
  ),
  // gpt-oss-120b on one H100 in August 2025; the log names the Marlin MXFP4 path.
  // Issue of 2025-08-20: v0.10.1 (assumed).
  run(
    "vllm-issue-23278-gptoss120b-h100-v0101",
    "https://github.com/vllm-project/vllm/issues/23278",
    `[Bug]: gpt-oss 120b does not work while gpt-oss 20b works on H100
(EngineCore_0 pid=5839) WARNING 08-20 18:04:08 [marlin_utils_fp4.py:196] Your GPU does not have native support for FP4 computation but FP4 quantization is being used. Weight-only FP4 compression will be used leveraging the Marlin kernel. This may degrade performance for compute-heavy workloads.
(EngineCore_0 pid=5839) INFO 08-20 18:04:10 [gpu_model_runner.py:2007] Model loading took 65.9651 GiB and 12.799889 seconds`,
    "vllm",
    { model: "gpt-oss-120b", runtime: "vllm", engineVersion: "0.10.1", ctx: 131072, gpu: "nvidia-h100-sxm-80gb" },
    { weightsGiB: 65.9651 },
  ),
];
