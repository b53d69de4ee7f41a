// Public llama.cpp and Ollama logs (see publicRuns.ts). Each run's inputs are the facts the
// log states (model, GGUF type, n_ctx, n_seq, n_ubatch, flash attention, cache types); where a
// fact had to be inferred (e.g. the GGUF type from the token_embd type and the CPU buffer), the
// comment says so. Nothing here is adjusted to make a row match.
import { cmp, fileBytes, type Comparison } from "./accuracyCases";
import type { PublicRun } from "./publicRuns";
import { estimate } from "../src/core/estimate";
import { findModel, findQuant } from "../src/core/catalog";
import { weightBytes } from "../src/core/weightBytes";
import { GiB, MiB } from "../src/core/units";

const READ = "2026-11-29";

export const LLAMACPP_OLLAMA_RUNS: PublicRun[] = [
  {
    // llama.cpp ~b4700 (Feb 2025), llama-server, full offload, -c 16384, FA on, n_ubatch 512.
    // The GGUF type is not in the excerpt: token_embd is q4_K and the CPU_Mapped buffer
    // (417.66 MiB = 152064 × 5120 at 4.5 bits) is the Q4_K token embedding, as in Q4_K_M.
    id: "llamacpp-issue-11861-r1-distill-qwen32b-q4km-16k",
    url: "https://github.com/ggml-org/llama.cpp/issues/11861",
    quote: [
      "load_tensors: tensor 'token_embd.weight' (q4_K) (and 0 others) cannot be used with preferred buffer type CPU_AARCH64, using CPU instead",
      "load_tensors: offloaded 65/65 layers to GPU",
      "load_tensors:        CUDA0 model buffer size = 18508.35 MiB",
      "load_tensors:   CPU_Mapped model buffer size =   417.66 MiB",
      "llama_init_from_model: n_ctx         = 16384",
      "llama_init_from_model: flash_attn    = 1",
      "llama_kv_cache_init: kv_size = 16384, offload = 1, type_k = 'f16', type_v = 'f16', n_layer = 64, can_shift = 1",
    ].join("\n"),
    read: READ,
    compare: () => {
      const id = "llamacpp-issue-11861-r1-distill-qwen32b-q4km-16k";
      const e = estimate({ model: "deepseek-r1-distill-qwen-32b", quant: "q4_k_m", runtime: "llama.cpp", ctx: 16384, flashAttention: true });
      return [
        cmp(id, "llama.cpp", "weights", e.perGpu.weightsBytes / MiB, 18508.35, "MiB"),
        cmp(id, "llama.cpp", "weights", weightBytes(findModel("deepseek-r1-distill-qwen-32b"), findQuant("q4_k_m")).tokenEmbd / MiB, 417.66, "MiB"),
      ];
    },
  },
  {
    // Canonical's deepseek-r1 inference snap (llama.cpp, Oct 2025): 28 layers, Qwen2 vocabulary,
    // -c 4096. GGUF type inferred as Q4_K_M: the CPU_Mapped buffer is a Q4_K token embedding
    // (152064 × 3584 at 4.5 bits = 292.36 MiB).
    id: "llamacpp-snaps107-r1-distill-qwen7b-q4km-4k",
    url: "https://github.com/canonical/inference-snaps/issues/107",
    quote: [
      "deepseek-r1.server[213782]: load_tensors: offloaded 29/29 layers to GPU",
      "deepseek-r1.server[213782]: load_tensors:        CUDA0 model buffer size =  4168.09 MiB",
      "deepseek-r1.server[213782]: load_tensors:   CPU_Mapped model buffer size =   292.36 MiB",
      "deepseek-r1.server[213782]: llama_context: n_seq_max     = 1",
      "deepseek-r1.server[213782]: llama_context: n_ctx         = 4096",
    ].join("\n"),
    read: READ,
    compare: () => {
      const id = "llamacpp-snaps107-r1-distill-qwen7b-q4km-4k";
      const e = estimate({ model: "deepseek-r1-distill-qwen-7b", quant: "q4_k_m", runtime: "llama.cpp", ctx: 4096 });
      return [
        cmp(id, "llama.cpp", "weights", e.perGpu.weightsBytes / MiB, 4168.09, "MiB"),
        cmp(id, "llama.cpp", "weights", weightBytes(findModel("deepseek-r1-distill-qwen-7b"), findQuant("q4_k_m")).tokenEmbd / MiB, 292.36, "MiB"),
      ];
    },
  },
  {
    // An F16 GGUF of DeepSeek-R1-Distill-Qwen-7B (llama.cpp, early 2025): the loader's file size.
    id: "file-jamepeng1-r1-distill-qwen7b-f16",
    url: "https://github.com/JamePeng/llama-cpp-python/pull/1",
    quote: [
      "llama_model_loader: - type  f32:  141 tensors",
      "llama_model_loader: - type  f16:  198 tensors",
      "print_info: file type   = F16",
      "print_info: file size   = 14.19 GiB (16.00 BPW)",
    ].join("\n"),
    read: READ,
    compare: () => [cmp("file-jamepeng1-r1-distill-qwen7b-f16", "file", "weights", fileBytes("deepseek-r1-distill-qwen-7b", "fp16", true) / GiB, 14.19, "GiB")],
  },
  {
    // llama-server of Jan 2025 (Log Detective), flash attention off, n_ubatch 512, one slot.
    // A 32-layer model with 8 KV heads, rope base 1e6 and a 32K vocabulary (0.12 MiB output
    // buffer): Mistral 7B Instruct (v0.2 and v0.3 differ only in 768 vocabulary rows, which
    // neither the KV cache nor the KQ-dominated compute buffer depends on).
    id: "llamacpp-logdetective106-mistral7b-2k",
    url: "https://github.com/fedora-copr/logdetective/pull/106",
    quote: [
      "-llama_new_context_with_model: n_ctx      = 2048",
      " llama_new_context_with_model: n_ubatch   = 512",
      " llama_new_context_with_model: flash_attn = 0",
      " llama_new_context_with_model: freq_base  = 1000000.0",
      "-llama_kv_cache_init:      CUDA0 KV buffer size =   256.00 MiB",
      "-llama_new_context_with_model: KV self size  =  256.00 MiB, K (f16):  128.00 MiB, V (f16):  128.00 MiB",
      "-llama_new_context_with_model:  CUDA_Host  output buffer size =     0.12 MiB",
      "-llama_new_context_with_model:      CUDA0 compute buffer size =   164.00 MiB",
    ].join("\n"),
    read: READ,
    compare: () => {
      const id = "llamacpp-logdetective106-mistral7b-2k";
      const e = estimate({ model: "mistral-7b-instruct-v0.3", quant: "q4_k_m", runtime: "llama.cpp", ctx: 2048, flashAttention: false });
      return [cmp(id, "llama.cpp", "kvCache", e.perGpu.kvCacheBytes / MiB, 256, "MiB"), cmp(id, "llama.cpp", "compute", e.perGpu.activationBytes / MiB, 164, "MiB")];
    },
  },
  {
    // The same server after the PR: -c 32768.
    id: "llamacpp-logdetective106-mistral7b-32k",
    url: "https://github.com/fedora-copr/logdetective/pull/106",
    quote: [
      "+llama_new_context_with_model: n_ctx      = 32768",
      " llama_new_context_with_model: n_ubatch   = 512",
      " llama_new_context_with_model: flash_attn = 0",
      "+llama_kv_cache_init:      CUDA0 KV buffer size =  4096.00 MiB",
      "+llama_new_context_with_model: KV self size  = 4096.00 MiB, K (f16): 2048.00 MiB, V (f16): 2048.00 MiB",
      "+llama_new_context_with_model:      CUDA0 compute buffer size =  2144.00 MiB",
    ].join("\n"),
    read: READ,
    compare: () => {
      const id = "llamacpp-logdetective106-mistral7b-32k";
      const e = estimate({ model: "mistral-7b-instruct-v0.3", quant: "q4_k_m", runtime: "llama.cpp", ctx: 32768, flashAttention: false });
      return [cmp(id, "llama.cpp", "kvCache", e.perGpu.kvCacheBytes / MiB, 4096, "MiB"), cmp(id, "llama.cpp", "compute", e.perGpu.activationBytes / MiB, 2144, "MiB")];
    },
  },
  {
    // Ollama (Sep 2024) loading Meta Llama 3.1 70B Instruct in Q4_0:
    // llm_load_print_meta's model size is the GGUF's tensor bytes.
    id: "file-ollama6279-llama31-70b-q4_0",
    url: "https://github.com/ollama/ollama/pull/6279",
    quote: [
      "Sep 11 01:16:15 lena ollama[1884]: llm_load_print_meta: model type       = 70B",
      "Sep 11 01:16:15 lena ollama[1884]: llm_load_print_meta: model ftype      = Q4_0",
      "Sep 11 01:16:15 lena ollama[1884]: llm_load_print_meta: model params     = 70.55 B",
      "Sep 11 01:16:15 lena ollama[1884]: llm_load_print_meta: model size       = 37.22 GiB (4.53 BPW)",
      "Sep 11 01:16:15 lena ollama[1884]: llm_load_print_meta: general.name     = Meta Llama 3.1 70B Instruct",
    ].join("\n"),
    read: READ,
    compare: () => [cmp("file-ollama6279-llama31-70b-q4_0", "file", "weights", fileBytes("llama-3.1-70b-instruct", "q4_0", true) / GiB, 37.22, "GiB")],
  },
  {
    // llama-box (llama.cpp, 2025) loading a 3-part Q4_K_M of a Qwen2.5-14B-architecture model
    // (48 layers, n_embd 5120, 8 KV heads, 131072 context): Qwen's own split GGUF layout.
    id: "file-gpustack1681-qwen25-14b-q4km",
    url: "https://github.com/gpustack/gpustack/issues/1681",
    quote: [
      "llama_model_loader: - kv  27:                                split.count u16              = 3",
      "llama_model_loader: - type  f32:  241 tensors",
      "llama_model_loader: - type q4_K:  289 tensors",
      "llama_model_loader: - type q6_K:   49 tensors",
      "print_info: file type   = Q4_K - Medium",
      "print_info: file size   = 8.37 GiB (4.87 BPW)",
      "print_info: arch             = qwen2",
      "print_info: n_embd           = 5120",
      "print_info: n_layer          = 48",
    ].join("\n"),
    read: READ,
    compare: () => [cmp("file-gpustack1681-qwen25-14b-q4km", "file", "weights", fileBytes("qwen2.5-14b-instruct", "q4_k_m", true) / GiB, 8.37, "GiB")],
  },
  {
    // llama-bench (May 2025) on Gemma 3 12B Q4_K_M: "size" is the text model's tensor bytes
    // (11.77 B parameters: the vision tower is a separate mmproj file).
    id: "file-llamacpp13194-gemma3-12b-q4km",
    url: "https://github.com/ggml-org/llama.cpp/pull/13194",
    quote: "| gemma3 12B Q4_K - Medium       |   6.79 GiB |    11.77 B | CUDA       |  99 |      64 |   pp512 @ d8192 |      1635.10 ± 13.66 |",
    read: READ,
    compare: () => [cmp("file-llamacpp13194-gemma3-12b-q4km", "file", "weights", fileBytes("gemma-3-12b-it", "q4_k_m", true) / GiB, 6.79, "GiB")],
  },
];

/** Comparisons of every llama.cpp / Ollama public run. */
export function llamacppPublicComparisons(): Comparison[] {
  return LLAMACPP_OLLAMA_RUNS.flatMap((r) => r.compare());
}
