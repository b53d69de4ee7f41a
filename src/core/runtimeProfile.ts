// The contract every engine profile implements: it turns layer-level numbers
// into what that engine allocates, per GPU, with the formulas behind them.
import type { RuntimeInfo, ModelEntry } from "./catalog";
import type { KvDtype } from "./kvDtype";
import type { QuantFormat } from "./quant";
import type { EngineVersion } from "./runtimes/vllmVersion";

export type TermName = "weights" | "kvCache" | "state" | "activations" | "overhead" | "host";

export interface Setup {
  model: ModelEntry;
  quant: QuantFormat;
  kv: KvDtype;
  runtime: RuntimeInfo;
  /** Tensor-parallel size (GPUs). */
  tp: number;
  /** Memory of one GPU when known; engines size some defaults from it. */
  vramBytes?: number;
  /** vLLM gpu_memory_utilization / SGLang mem_fraction_static override. */
  gpuUtil?: number;
  /** vLLM: estimate CUDA-graph memory before sizing the KV pool (default since v0.21). */
  cudaGraphs?: boolean;
  /** vLLM max_num_batched_tokens / llama.cpp n_ubatch override. */
  batchedTokens?: number;
  /** vLLM max_num_seqs override. */
  maxSeqs?: number;
  /** llama.cpp flash attention (default on, as llama.cpp's "auto" resolves on CUDA). */
  flashAttention?: boolean;
  /** vLLM release the run uses; absent = the latest release. */
  engineVersion?: EngineVersion;
  /** vLLM MTP speculative decoding: num_speculative_tokens (absent or 0 = off). */
  speculativeTokens?: number;
}

/** Per-GPU memory of one workload (ctx tokens per request, batch requests). */
export interface Usage {
  kvCache: number;
  state: number;
  activations: number;
  overhead: number;
}

/** A setup prepared once; evaluating a (ctx, batch) is then a few arithmetic operations. */
export interface PreparedRun {
  /** Weight bytes on one GPU (the fullest one). */
  weightsPerGpu: number;
  /** Weight bytes over all GPUs. */
  weightsTotal: number;
  /** Bytes the engine keeps in system RAM (llama.cpp's input embeddings, output buffers). */
  hostBytes: number;
  usage(ctx: number, batch: number): Usage;
  /** Memory the engine lets itself use on one GPU of `vram` bytes. */
  budget(vram: number): number;
  /**
   * Bytes charged against that budget at a usage; absent = everything (weights + all terms).
   * SGLang's budget covers only its static pool (weights, KV, state); the rest must still fit the card.
   */
  budgeted?(u: Usage): number;
  /** The engine's own KV-pool answer: tokens it reports, and requests of `ctx` it can hold. */
  capacity(vram: number, ctx: number): { tokens: number; concurrency: number };
  /** The substituted formula behind each term. */
  explain(ctx: number, batch: number, vram?: number): Record<TermName, string>;
  /** Things the user should know about this setup (defaults assumed, caveats). */
  notes: string[];
  /** Most concurrent sequences the engine runs for this model, when it caps them (Ollama's single-slot families). */
  maxBatch?: { value: number; reason: string };
}

export interface RuntimeProfile {
  id: RuntimeInfo["id"];
  prepare(s: Setup): PreparedRun;
}
