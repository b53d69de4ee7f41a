// The contract every engine profile implements: it turns layer-level numbers
// into what that engine allocates, per device, with the parts behind each term.
import type { Breakdown } from "./breakdown";
import type { ModelEntry, RuntimeInfo } from "./catalog";
import type { GpuRecord } from "./catalogSchema";
import type { EngineSettings } from "./engineFlags";
import type { KvDtype } from "./kvDtype";
import type { QuantFormat } from "./quant";
import type { EngineVersion } from "./engineVersion";

export type { TermName } from "./breakdown";

export interface Setup {
  model: ModelEntry;
  quant: QuantFormat;
  /** KV cache element type (K; V too unless `kvV` differs). */
  kv: KvDtype;
  /** V cache element type when the engine stores V apart (llama.cpp -ctv). */
  kvV?: KvDtype;
  runtime: RuntimeInfo;
  /** GPUs the model is split over: tensor parallel (vLLM, SGLang) or a layer split (llama.cpp, Ollama, Transformers). */
  tp: number;
  /** The GPU, when it is known by name: engines take defaults and kernels from it. */
  gpu?: GpuRecord;
  /** Memory of one GPU when known (the GPU's, or a size given by hand); engines size some defaults from it. */
  vramBytes?: number;
  /** The engine's settings from its flags and the explicit options; absent fields take the engine's defaults for the release. */
  settings: EngineSettings;
  /** The engine release; absent = the latest release. */
  engineVersion?: EngineVersion;
}

/** Per-GPU memory of one workload (ctx tokens per request, batch requests), on the fullest GPU. */
export interface Usage {
  kvCache: number;
  state: number;
  activations: number;
  overhead: number;
}

/** A setting as echoed back in the engine's own vocabulary (max_num_seqs, n_ubatch, mem_fraction_static). */
export type SettingValue = string | number | boolean | null;

/** A setup prepared once; evaluating a (ctx, batch) is then a few arithmetic operations. */
export interface PreparedRun {
  /** Weight bytes on one GPU (the fullest one). */
  weightsPerGpu: number;
  /** Weight bytes over all GPUs. */
  weightsTotal: number;
  /** Weight bytes the engine keeps in system RAM (llama.cpp's input embeddings, CPU layers and experts). */
  hostWeights: number;
  /** Bytes the engine keeps in system RAM at (ctx, batch): weights left on the host, their KV, host buffers. */
  hostBytes(ctx: number, batch: number): number;
  /** The fullest GPU's terms besides its weights. */
  usage(ctx: number, batch: number): Usage;
  /** Every device's terms, with the parts and factors behind them (the fullest GPU first, then the host). */
  breakdown(ctx: number, batch: number): Breakdown;
  /** Memory the engine lets itself use on one GPU of `vram` bytes. */
  budget(vram: number): number;
  /**
   * Bytes charged against that budget at a usage; absent = everything (weights + all terms).
   * SGLang's budget covers only its static pool (weights, KV, state); the rest must still fit the card.
   */
  budgeted?(u: Usage): number;
  /** How the budget is formed, with its numbers (for explanations). */
  budgetText?(vram: number): string;
  /** The KV pool the engine sizes on one GPU of `vram` bytes (vLLM's "Available KV cache memory", SGLang's K + V), for engines that preallocate one. */
  kvPool?(vram: number, ctx: number): number;
  /** The engine's own KV-pool answer: tokens it reports, and requests of `ctx` it can hold. */
  capacity(vram: number, ctx: number): { tokens: number; concurrency: number };
  /** The settings the engine runs with, in its own vocabulary, defaults resolved. */
  settings: Record<string, SettingValue>;
  /** Things the user should know about this setup (defaults assumed, caveats). */
  notes: string[];
  /** Where the layers are (engines that place layers on devices): repeating layers and the output layer on GPUs and on the CPU. */
  placement?: { gpuLayers: number; cpuLayers: number; cpuExpertBlocks: number };
  /**
   * The engine's own choice of layers on GPUs of `vram` bytes at (ctx, batch), when it makes one itself (Ollama before v0.30):
   * layers on the GPUs, counting the output layer, and over several GPUs the layers per GPU it passes as --tensor-split.
   */
  autoPlacement?(vram: number, ctx: number, batch: number): { gpuLayers: number; split?: number[] };
  /** Most concurrent sequences the engine runs for this model, when it caps them (Ollama's single-slot families, llama.cpp's -np). */
  maxBatch?: { value: number; reason: string };
}

/** The workload a flag set implies: the context of one request and the number of concurrent requests. */
export interface Workload {
  ctx?: number;
  batch?: number;
}

export interface RuntimeProfile {
  id: RuntimeInfo["id"];
  prepare(s: Setup): PreparedRun;
  /** The workload the engine's flags imply (llama.cpp: -c over -np slots; Ollama: num_ctx × OLLAMA_NUM_PARALLEL). */
  workload(settings: EngineSettings): Workload;
}
