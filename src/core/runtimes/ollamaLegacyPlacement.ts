// How Ollama chose its GPU layers before v0.30, when it still picked
// --n-gpu-layers (and --tensor-split) itself instead of leaving placement to
// llama-server's --fit. Pure functions over byte sizes: Ollama's own view of
// the model (per-layer sizes read from the GGUF header, its KV rule, its graph
// reserve formulas) and of the GPUs (free memory as the driver reports it).
//
// Sources: github.com/ollama/ollama, read from git at the commits cited below.
// Three algorithms, by release:
//  - "pooled": llm/memory.go EstimateGPULayers before v0.1.45 (as at d4a8610,
//    v0.1.41): the free memory of all GPUs is pooled; the first GPU's minimum,
//    blk.0, the graph times the GPU count are reserved; blocks are counted from
//    blk.0 up while they fit, and the output layer only if everything does.
//  - "estimate": llm/memory.go EstimateGPULayers. Used from v0.1.45 until
//    v0.12.10 for models on the llama.cpp runner, and until v0.11.4 for models
//    on Ollama's own Go engine. Every GPU reserves its minimum (457 MiB, Metal
//    512 MiB), OLLAMA_GPU_OVERHEAD, the larger graph and one spare layer; blocks
//    are then dealt out round-robin (block i to GPU i mod j) to the GPUs that
//    still have room; a GPU that refuses a block is dropped for good; the output
//    layer is placed last, only while some GPU still has room.
//  - "layout": llm/server.go buildLayout / assignLayers / findBestFit /
//    greedyFit. Used from v0.12.11 (f560bd077) for every model and from v0.11.5
//    (d5a0d8d90) for Ollama-engine models. GPUs keep their minimum, the overhead
//    and the graph free; layers are packed from the output layer backwards onto
//    the fewest GPUs (a binary search on a capacity factor evens them out); when
//    not everything fits, the output layer is dropped and only blocks are placed.
import type { ModelEntry } from "../catalog";
import type { EngineVersion } from "../engineVersion";
import { compareVersion } from "../engineVersion";
import { hasState, stateElements } from "../layerKinds";
import { tensorBitsFn, type QuantFormat } from "../quant";
import { MiB } from "../units";
import { weightBytes } from "../weightBytes";
import { modelTensors } from "../weights";

const at = (v: EngineVersion, major: number, minor: number, patch = 0) => compareVersion(v, major, minor, patch) >= 0;

/** Where a GPU's memory comes from, as Ollama labels it (Metal has no separate partial-offload graph and a 512 MiB minimum). */
export type OllamaLibrary = "cuda" | "rocm" | "metal";

/** One GPU as Ollama sees it: free memory when the model is scheduled, and the minimum it always leaves free. */
export interface LegacyGpu {
  free: number;
  minimum: number;
}

/** Ollama's per-GPU minimum on Metal (discover/gpu_darwin.go metalMinimumMemory); CUDA and ROCm keep 457 MiB (the catalog's minimumFreeBytes). */
export const METAL_MINIMUM_BYTES = 512 * MiB;

/** The rules of one release, each switched on by the commit (and first release) that introduced it. */
export interface OllamaLegacyRules {
  /** Releases covered, for notes. */
  label: string;
  method: "pooled" | "estimate" | "layout";
  /** The model runs on Ollama's own Go engine (its architecture is in OllamaEngineRequired for the release). */
  ollamaEngine: boolean;
  /** OLLAMA_GPU_OVERHEAD is reserved per GPU (b05c9e83d, v0.3.10). */
  gpuOverhead: boolean;
  /** The spare layer every GPU reserves: blk.0 + its KV, or the largest tensor group + blk.0's KV (0478d440f, v0.7.0 only; 3fe74fba4 went back to blk.0 in v0.7.1). */
  spareLayer: "blk0" | "largest";
  /** Blocks are dealt from the last one down (0478d440f, v0.7.0); before, from blk.0 up. */
  lastBlockFirst: boolean;
  /** A vision tower inside the model file is placed with the output layer (d75557747, v0.7.1); before, it was reserved on the first GPU. */
  visionWithOutput: boolean;
  /** A vision tower inside the model file is counted at all (VisionGraphSize, 1fdb351c3, v0.6.0). */
  visionInModel: boolean;
  /** A full fit is looked for on the fewest GPUs, 1, 2, … by free memory (ea7657b54, v0.11.5); before, on one GPU, then on all. */
  fewestGpus: boolean;
  /** OLLAMA_KV_CACHE_TYPE sizes the estimate's KV when flash attention is on (1bdab9fdb, v0.5.0). */
  kvTypes: boolean;
}

/**
 * GGUF architectures that ran on Ollama's own engine, by the first release whose OllamaEngineRequired
 * (fs/ggml/ggml.go) lists them, read tag by tag (v0.5.0 … v0.29).
 */
const OLLAMA_ENGINE: Array<[string, [number, number, number]]> = [
  ["gemma3", [0, 6, 0]],
  ["mistral3", [0, 6, 5]],
  ["llama4", [0, 6, 7]],
  ["mllama", [0, 7, 0]],
  ["qwen25vl", [0, 7, 0]],
  ["gemma3n", [0, 9, 3]],
  ["gptoss", [0, 11, 0]],
  ["qwen3", [0, 12, 0]],
  ["qwen3moe", [0, 12, 2]],
  ["qwen3vl", [0, 12, 7]],
  ["qwen3vlmoe", [0, 12, 7]],
  ["deepseek2", [0, 13, 0]],
  ["olmo3", [0, 13, 4]],
  ["glm4moelite", [0, 14, 3]],
  ["lfm2", [0, 14, 3]],
  ["qwen3next", [0, 15, 5]],
  ["qwen35", [0, 17, 1]],
  ["qwen35moe", [0, 17, 1]],
  ["nemotron_h", [0, 17, 1]],
  ["nemotron_h_moe", [0, 17, 1]],
  ["gemma4", [0, 20, 0]],
];

/** Does this GGUF architecture run on Ollama's own engine in release `v`? */
export function runsOnOllamaEngine(arch: string, v: EngineVersion): boolean {
  const hit = OLLAMA_ENGINE.find(([a]) => a === arch);
  return hit !== undefined && at(v, ...hit[1]);
}

/** The placement rules of an Ollama release before v0.30 for a model of this GGUF architecture. */
export function ollamaLegacyRules(v: EngineVersion, arch: string): OllamaLegacyRules {
  const ollamaEngine = runsOnOllamaEngine(arch, v);
  // f560bd077 (v0.12.11): "Use Ollama engine memory layouts for both old and new engines".
  // d5a0d8d90 (v0.11.5): "New memory management", for the Ollama engine only.
  const layout = at(v, 0, 12, 11) || (ollamaEngine && at(v, 0, 11, 5));
  const v070 = compareVersion(v, 0, 7, 0) === 0;
  return {
    label: !at(v, 0, 1, 45)
      ? "v0.1.33–v0.1.44 (llm/memory.go EstimateGPULayers at d4a8610; older releases are sized by the same rules)"
      : layout
      ? at(v, 0, 12, 11)
        ? "v0.12.11–v0.29 (llm/server.go buildLayout, f560bd077)"
        : "v0.11.5–v0.12.10, Ollama engine (llm/server.go createLayout, d5a0d8d90)"
      : v070
        ? "v0.7.0 (llm/memory.go EstimateGPULayers at 0478d440f)"
        : at(v, 0, 7, 1)
          ? "v0.7.1–v0.12.10 (llm/memory.go EstimateGPULayers, 3fe74fba4)"
          : at(v, 0, 3, 10)
            ? "v0.3.10–v0.6.8 (llm/memory.go EstimateGPULayers, b05c9e83d)"
            : "v0.1.45–v0.3.9 (llm/memory.go EstimateGPULayers, 6fd04ca92)",
    // 6fd04ca92 (v0.1.45): "Improve multi-gpu handling at the limit" replaced the pooled estimate.
    method: !at(v, 0, 1, 45) ? "pooled" : layout ? "layout" : "estimate",
    ollamaEngine,
    gpuOverhead: at(v, 0, 3, 10),
    spareLayer: v070 ? "largest" : "blk0",
    lastBlockFirst: at(v, 0, 7, 0),
    visionWithOutput: at(v, 0, 7, 1),
    visionInModel: at(v, 0, 6, 0),
    fewestGpus: at(v, 0, 11, 5),
    kvTypes: at(v, 0, 5, 0),
  };
}

// ---- Ollama's view of the model -----------------------------------------------------------

/** The numbers Ollama reads from a GGUF header that its estimate uses. */
export interface GgufFacts {
  /** general.architecture as Ollama's code switches on it. */
  arch: string;
  blockCount: number;
  embedding: number;
  /** attention.head_count (the largest, when it varies by layer). */
  heads: number;
  /** attention.head_count_kv per block (0 for blocks without attention). */
  headsKV: number[];
  /** attention.key_length and value_length (embedding / heads when absent). */
  headDimK: number;
  headDimV: number;
  /** Entries of tokenizer.ggml.tokens. */
  vocab: number;
  feedForward: number;
  /** Bytes of blk.0.ffn_gate_exps (merged-expert MoE GGUFs), 0 when absent. */
  gateExpsBytes: number;
  /** attention.sliding_window (Gemma 3), 0 when absent. */
  slidingWindow: number;
  /** Recurrent state bytes per block (F32 conv + SSM), 0 for attention blocks. */
  recurrent: number[];
}

/** The KV bytes per element Ollama assumes for a cache type (fs/ggml/ggml.go kvCacheBytesPerElement). */
export function kvBytesPerElement(cacheType: string): number {
  if (cacheType === "q8_0") return 1;
  if (cacheType === "q4_0") return 0.5;
  if (cacheType === "f32") return 4;
  return 2;
}

/**
 * The KV type Ollama's estimate sizes: OLLAMA_KV_CACHE_TYPE (q8_0, q4_0) only from v0.5.0, only with flash
 * attention on, and only for models whose K and V heads have one width (SupportsFlashAttention); else f16.
 */
export function estimateKvType(rules: OllamaLegacyRules, g: GgufFacts, requested: string, flashAttention: boolean): string {
  const supported = g.headDimK > 0 && g.headDimK === g.headDimV;
  return rules.kvTypes && flashAttention && supported && (requested === "q8_0" || requested === "q4_0") ? requested : "f16";
}

/** GraphSize's result: KV bytes per block and the compute-graph reserve for partial and full offload (0 = use the fallback). */
export interface GraphSize {
  kv: number[];
  partial: number;
  full: number;
}

const fl = Math.floor;

/**
 * Ollama's GraphSize (fs/ggml/ggml.go; llm/ggml.go before v0.6.0) for release `v`: per-block KV at
 * `context` cells (num_ctx × parallel) and the graph reserve by architecture, then the caller's fallback
 * (gqa × KV / 6) when the architecture has no formula. `batch` is min(num_ctx × parallel, num_batch).
 */
export function ollamaGraphSize(g: GgufFacts, v: EngineVersion, context: number, batch: number, parallel: number, bytesPerElement: number, flashAttention: boolean): GraphSize {
  const { embedding, heads, vocab } = g;
  const headsKV = Math.max(...g.headsKV, 1);
  const embeddingHeads = heads > 0 ? fl(embedding / heads) : 0;
  const hk = g.headDimK;
  const hv = g.headDimV;
  const n = g.blockCount;
  const kvOf = (cells: number, kvHeads: number) => fl(cells * (hk + hv) * kvHeads * bytesPerElement);
  let kv: number[];
  if (!at(v, 0, 1, 45)) {
    // Before v0.1.45 (8e0641a9b): 2 × 2 B × cells × blocks × embedding / heads × KV heads, head widths ignored.
    const total = fl((4 * context * n * embedding) / Math.max(heads, 1)) * headsKV;
    kv = new Array<number>(n).fill(fl(total / n));
  } else if (at(v, 0, 6, 3)) {
    // f66216e39 (v0.6.3): one KV size per block; 7b91c9ce5 (v0.11.11): blocks without attention hold recurrent state.
    kv = g.headsKV.map((h, i) => (h > 0 || !at(v, 0, 11, 11) ? kvOf(context, h > 0 ? h : headsKV) : g.recurrent[i]));
  } else {
    // Before v0.6.3: one total over every block (2 B per element, or the KV type's from v0.5.0), split evenly.
    const total = fl(context * n * (hk + hv) * headsKV * bytesPerElement);
    kv = new Array<number>(n).fill(fl(total / n));
  }
  let partial = 0;
  let full = 0;
  const b = batch;
  const c = context;
  switch (g.arch) {
    case "llama":
    case "llama4": {
      // f0c66e6de (v0.6.7) added llama4 to the llama formula.
      if (g.arch === "llama4" && !at(v, 0, 6, 7)) break;
      const fullAttn = 4 * b * (1 + 4 * embedding + c * (1 + heads));
      // 2003d6015 (v0.3.10): the output logits count for full offload too.
      full = at(v, 0, 3, 10) ? Math.max(fullAttn, 4 * b * (embedding + vocab)) : fullAttn;
      partial =
        4 * b * embedding +
        Math.max(4 * b * (1 + embedding + Math.max(c, embedding)) + fl((embedding * embedding * 9) / 16) + 4 * c * (b * heads + embeddingHeads * headsKV), 4 * b * (embedding + vocab) + fl((embedding * vocab * 105) / 128));
      if (g.gateExpsBytes > 0) {
        // Merged-expert MoE (Mixtral 8x22B and later GGUFs).
        partial = Math.max(3 * g.gateExpsBytes + 4 * b * (2 * g.feedForward + headsKV + embedding + c + embeddingHeads * headsKV), 4 * (c * b * heads + c * embeddingHeads * headsKV + b * 1024 + embeddingHeads * headsKV * b));
      }
      break;
    }
    case "gemma":
    case "gemma2":
    case "gemma3": {
      // de2163daf (v0.1.48) gave gemma2 a formula and replaced gemma's logits-only one; gemma3 joined in v0.6.0.
      if (g.arch === "gemma2" && !at(v, 0, 1, 48)) break;
      if (g.arch === "gemma3" && !at(v, 0, 6, 0)) break;
      if (g.arch === "gemma" && !at(v, 0, 1, 48)) {
        full = 4 * b * (embedding + vocab);
        partial = 4 * b * (2 * embedding + vocab + 1) + fl((embedding * vocab * 105) / 128);
        break;
      }
      full = Math.max(4 * b * (embedding + vocab), 4 * b * (2 + c + c * heads + 2 * embedding + 2 * hk * heads));
      partial = Math.max(4 * embedding * b + fl((embedding * vocab * 105) / 128) + 4 * vocab * b, 4 * b * (2 * embedding + 1 + 2 * hk * heads + c + c * heads) + 4 * hk * c * 8 + fl((embedding * hk * heads * 9) / 16));
      if (g.arch === "gemma3" && at(v, 0, 6, 3) && g.slidingWindow > 0) {
        // Five of every six Gemma 3 blocks are local: parallel × window + batch cells.
        const window = parallel * g.slidingWindow + b;
        kv = kv.map((x, i) => ((i + 1) % 6 !== 0 ? kvOf(window, g.headsKV[i] || headsKV) : x));
      }
      break;
    }
    case "command-r":
      full = Math.max(4 * b * (embedding + vocab), 4 * b * (2 + 4 * embedding + c * (1 + heads)));
      partial = Math.max(4 * b * (embedding + vocab) + fl((embedding * vocab * 105) / 128), 4 * b * (1 + 2 * embedding + c * (1 + heads)) + 4 * embedding * c + fl((embedding * embedding * 9) / 16));
      break;
    case "qwen2":
      full = Math.max(4 * b * (embedding + vocab), 4 * b * (1 + 2 * embedding + c + c * heads));
      partial = Math.max(4 * b * (embedding + vocab) + fl((embedding * vocab * 105) / 128), 4 * (b * (1 + 2 * embedding + c * (1 + heads)) + embedding * (1 + c)));
      break;
    case "phi2":
      full = Math.max(4 * b * (embedding + vocab), 4 * b * (1 + 4 * embedding + c + c * heads));
      partial = Math.max(4 * b * (2 * embedding + vocab) + fl((embedding * vocab * 105) / 128), 4 * b * (2 + 3 * embedding + c + c * heads));
      break;
    case "stablelm":
      full = 4 * b * (c * (1 + heads) + 3 * embedding + 2);
      partial = Math.max(4 * b * (vocab + 2 * embedding), full);
      break;
    case "deepseek2":
      // e873841cb (v0.1.45).
      if (!at(v, 0, 1, 45)) break;
      full = Math.max(4 * b * (3 * embedding + vocab), 4 * b * (3 * embedding + 2 + c * (1 + headsKV) + 2 * hk * headsKV));
      partial = Math.max(4 * b * (3 * embedding + vocab) + fl((embedding * vocab * 105) / 128), 4 * b * (2 * embedding + 1 + 2 * hk * headsKV + c + c * headsKV) + 4 * hk * c * headsKV + fl((embedding * hk * headsKV * 9) / 16));
      break;
    case "gptoss":
      if (at(v, 0, 11, 0)) {
        // fa7776fd2 (v0.11.0): even blocks are sliding (parallel × 4096 + batch cells), odd blocks full.
        const kvTotal = kv.reduce((s, x) => s + x, 0);
        kv = kv.map((_, i) => (i % 2 === 0 ? kvOf(parallel * 4096 + b, headsKV) : kvOf(c, headsKV)));
        const minKv = Math.max(1, Math.min(...g.headsKV.filter((h) => h > 0)));
        const base = fl((fl(heads / minKv) * kvTotal) / 6);
        if (at(v, 0, 11, 5)) {
          partial = 2 * base;
          if (flashAttention && at(v, 0, 11, 8)) partial = (4 * parallel + (c >> 10) + 110) * MiB;
        } else {
          full = 4 * base;
          // fcec04bf4 (v0.11.3) took the partial graph down from twice the full one to the same.
          partial = at(v, 0, 11, 3) ? full : 2 * full;
        }
      }
      break;
  }
  return { kv, partial, full };
}

/** What Ollama places, in its own terms: block sizes, KV, the output layer, the spare layer and the graph reserve. */
export interface OllamaModelSizes {
  /** Weights of blk.i. */
  blocks: number[];
  /** KV bytes of blk.i (Ollama's estimate). */
  kv: number[];
  /** output_norm + output (or token_embd when the model has no output tensor). */
  output: number;
  /** The largest tensor group of the file (a block, token_embd or output): v0.7.0's spare layer. */
  largestGroup: number;
  /** Vision tower: its weights, its graph, and whether it sits in the model file (Ollama engine) or in a separate projector file. */
  projector: { weights: number; graph: number; inModel: boolean };
  graphPartial: number;
  graphFull: number;
}

/** The graph reserves after the fallback every release applies when an architecture has no formula (gqa × total KV / 6). */
export function withGraphFallback(g: GgufFacts, v: EngineVersion, gs: GraphSize): { partial: number; full: number } {
  let partial = gs.partial;
  let full = gs.full;
  if (partial === 0) {
    const kvTotal = gs.kv.reduce((s, x) => s + x, 0);
    const attn = g.headsKV.filter((h) => h > 0);
    // Before v0.11.4 the ratio is head_count / head_count_kv (first values); from v0.11.4, the largest head count over the smallest KV head count.
    const kvHeads = at(v, 0, 11, 4) ? Math.max(1, Math.min(...attn)) : Math.max(1, attn[0] ?? 1);
    partial = fl((fl(g.heads / kvHeads) * kvTotal) / 6);
  }
  if (full === 0) full = partial;
  return { partial, full };
}

// ---- The "pooled" algorithm (llm/memory.go before v0.1.45) ---------------------------------

/**
 * EstimateGPULayers as at d4a8610 (v0.1.41): one pool of every GPU's free memory. The first GPU's minimum,
 * a separate projector and blk.0 are reserved with the graph (once per GPU); blocks are taken from blk.0 up
 * while they fit; the output layer (and every block) only when the whole model fits; no layer when even
 * the reserve does not. On Metal the output layer is preallocated (mmap) and counted up front.
 */
export function pooledGpuLayers(s: OllamaModelSizes, gpus: LegacyGpu[], library: OllamaLibrary, numGpu = -1): EstimateResult {
  const n = s.blocks.length;
  const available = gpus.reduce((t, g) => t + g.free, 0);
  const minimum = (gpus[0]?.minimum ?? 0) + (s.projector.inModel ? 0 : s.projector.weights) + (s.blocks[0] ?? 0);
  const graphFull = s.graphFull * gpus.length;
  const graphPartial = library === "metal" ? graphFull : s.graphPartial * gpus.length;
  const output = library === "metal" ? s.output : 0;
  let total = minimum + graphFull + output;
  let partial = minimum + graphPartial + output;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const layer = s.blocks[i] + s.kv[i];
    total += layer;
    if ((numGpu >= 0 && count + 1 <= numGpu) || (numGpu < 0 && available > partial + layer)) {
      partial += layer;
      count++;
    }
  }
  if (library !== "metal") total += s.output;
  if ((numGpu >= 0 && count + 1 <= numGpu) || (numGpu < 0 && available > total)) {
    count = n + 1;
    partial = total;
  }
  if (partial > available) return { layers: 0, split: gpus.map(() => 0), allocations: gpus.map(() => 0), fullyLoaded: false };
  return { layers: count, split: gpus.map(() => 0), allocations: gpus.map((_, i) => (i === 0 ? partial : 0)), fullyLoaded: count === n + 1 };
}

// ---- The "estimate" algorithm (llm/memory.go) ----------------------------------------------

export interface EstimateResult {
  /** Layers on GPUs, counting the output layer. */
  layers: number;
  /** Layers per GPU, in the order the GPUs were given (Ollama's --tensor-split). */
  split: number[];
  /** Bytes Ollama expects on each GPU. */
  allocations: number[];
  fullyLoaded: boolean;
}

/**
 * EstimateGPULayers for one set of GPUs of one library. `numGpu` < 0 = automatic.
 * Reproduces llm/memory.go at v0.2.8 (c0648233f), v0.7.0 (bd68d3ae5), v0.7.1 (884d26093) and v0.12.0 (9f3a37fd3) as the
 * rules select: spare layer, dealing order, where an in-file vision tower goes.
 */
export function estimateGpuLayers(rules: OllamaLegacyRules, s: OllamaModelSizes, gpus: LegacyGpu[], library: OllamaLibrary, overheadBytes: number, numGpu = -1): EstimateResult {
  const n = s.blocks.length;
  const overhead = rules.gpuOverhead ? overheadBytes : 0;
  let graphPartial = s.graphPartial;
  let graphFull = s.graphFull;
  // Metal has no partial-offload overhead; several GPUs always use the partial graph.
  if (library === "metal") graphPartial = graphFull;
  else if (gpus.length > 1) graphFull = graphPartial;
  const graph = Math.max(graphPartial, graphFull);
  const p = s.projector;
  // A separate projector file, or (v0.6.0–v0.7.0) a vision tower in the model file, is reserved on the first GPU with room.
  const gpuZero = !p.inModel ? p.weights + p.graph : rules.visionInModel && !rules.visionWithOutput ? p.weights + p.graph : 0;
  const lastExtra = p.inModel && rules.visionWithOutput ? p.weights + p.graph : 0;
  let layerSize = (rules.spareLayer === "largest" ? s.largestGroup : s.blocks[0] ?? 0) + (s.kv[0] ?? 0);
  const alloc = new Array<number>(gpus.length).fill(0);
  const split = new Array<number>(gpus.length).fill(0);
  let withSpace: number[] = [];
  for (let i = 0; i < gpus.length; i++) {
    const gzo = withSpace.length === 0 ? gpuZero : 0;
    // Only GPUs that hold the graph, their minimum, the spare layer and one more layer take part.
    if (gpus[i].free < overhead + gzo + graph + gpus[i].minimum + 2 * layerSize) continue;
    withSpace.push(i);
    alloc[i] += gpus[i].minimum + layerSize;
  }
  if (withSpace.length) alloc[withSpace[0]] += gpuZero;
  let count = 0;
  for (let k = 0; k < n; k++) {
    const i = rules.lastBlockFirst ? n - 1 - k : k;
    layerSize = s.blocks[i] + s.kv[i];
    if (numGpu >= 0 && count >= numGpu) continue;
    // Block i goes to GPU i mod j of those with room; a GPU without room for it is dropped.
    for (let j = withSpace.length; j > 0; j--) {
      const at = i % j;
      const g = withSpace[at];
      if (gpus[g].free > overhead + alloc[g] + graph + layerSize) {
        alloc[g] += layerSize;
        split[g]++;
        count++;
        break;
      }
      withSpace = [...withSpace.slice(0, at), ...withSpace.slice(at + 1)];
    }
  }
  let fullyLoaded = count >= n;
  const last = s.output + lastExtra;
  if (last > 0) {
    if (numGpu < 0 || count < numGpu) {
      for (let j = withSpace.length; j > 0; j--) {
        const g = withSpace[count % j];
        if (gpus[g].free > overhead + alloc[g] + graph + last) {
          alloc[g] += last;
          split[g]++;
          count++;
          break;
        }
      }
    }
    if (count < n + 1) fullyLoaded = false;
  }
  for (let i = 0; i < gpus.length; i++) if (split[i] > 0) alloc[i] += fullyLoaded ? graphFull : graphPartial;
  return { layers: count, split, allocations: alloc, fullyLoaded };
}

/** Is this a full fit (every layer, or every requested layer)? server/sched.go / llm/memory.go PredictServerFit. */
const fullFit = (e: EstimateResult, blocks: number, numGpu: number) => e.layers > 0 && (numGpu < 0 ? e.layers >= blocks + 1 : e.layers >= numGpu);

/**
 * The scheduler's choice of GPUs, then EstimateGPULayers on them: a full fit on one GPU (the one with most
 * free memory first), else on all of them (from v0.11.5, on the fewest GPUs by free memory), else a partial
 * load over all of them. The split is returned per GPU as given, zeros for GPUs left out.
 */
export function chooseEstimate(rules: OllamaLegacyRules, s: OllamaModelSizes, gpus: LegacyGpu[], library: OllamaLibrary, overheadBytes: number, numGpu = -1): EstimateResult {
  const order = gpus.map((_, i) => i).sort((x, y) => gpus[y].free - gpus[x].free);
  const on = (idx: number[]): EstimateResult => {
    const set = idx.map((i) => gpus[i]);
    const e = rules.method === "pooled" ? pooledGpuLayers(s, set, library, numGpu) : estimateGpuLayers(rules, s, set, library, overheadBytes, numGpu);
    const split = new Array<number>(gpus.length).fill(0);
    const allocations = new Array<number>(gpus.length).fill(0);
    idx.forEach((g, k) => {
      split[g] = e.split[k];
      allocations[g] = e.allocations[k];
    });
    return { ...e, split, allocations };
  };
  const n = s.blocks.length;
  const subsets: number[][] = rules.fewestGpus ? order.map((_, k) => order.slice(0, k + 1)) : [...order.map((g) => [g]), ...(gpus.length > 1 ? [order] : [])];
  for (const idx of subsets) {
    const e = on(idx);
    if (fullFit(e, n, numGpu)) return e;
  }
  return on(gpus.map((_, i) => i));
}

// ---- The "layout" algorithm (llm/server.go, v0.11.5 onwards) --------------------------------

/** One GPU's share of a layout: the layer indices it holds (the output layer is index = number of blocks). */
export interface GpuLayers {
  gpu: number;
  layers: number[];
}

const f32 = Math.fround;
const sum = (l: GpuLayers[]) => l.reduce((s, g) => s + g.layers.length, 0);

/** greedyFit: from the last layer down, fill the last GPU, then spill to the one before. `free` is in layout order (most free first). */
export function greedyFit(layers: number[], free: number[], gpuIds: number[], capacity: number, requested: number): GpuLayers[] {
  let device = free.length - 1;
  const out: GpuLayers[] = [{ gpu: gpuIds[device], layers: [] }];
  let space = fl(f32(f32(free[device]) * f32(capacity)));
  for (let i = layers.length - 1; i >= 0; i--) {
    if (requested >= 0 && layers.length - 1 - i >= requested) break;
    for (;;) {
      if (layers[i] <= space) {
        out[0].layers.unshift(i);
        space -= layers[i];
        break;
      }
      device--;
      if (device < 0) return out;
      out.unshift({ gpu: gpuIds[device], layers: [] });
      space = fl(f32(f32(free[device]) * f32(capacity)));
    }
  }
  return out;
}

/** findBestFit: the smallest capacity factor that still places as many layers as factor 1 does (it evens out the GPUs). */
export function findBestFit(layers: number[], free: number[], gpuIds: number[], requested: number, force: boolean): GpuLayers[] {
  let high = requested >= 0 && force ? 1000 : 1;
  let low = 0;
  let best = greedyFit(layers, free, gpuIds, high, requested);
  const most = sum(best);
  if (most === 0) return best;
  while (high - low > 1e-6) {
    const mid = f32((low + high) / 2);
    const a = greedyFit(layers, free, gpuIds, mid, requested);
    if (sum(a) === most) {
      high = mid;
      best = a;
    } else low = mid;
  }
  return best;
}

/** assignLayers: the fewest GPUs (from `lastUsed`) that take every layer; failing that, every block without the output layer. */
export function assignLayers(layers: number[], free: number[], gpuIds: number[], requested: number, lastUsed: number): GpuLayers[] {
  let ls = layers;
  let out: GpuLayers[] = [];
  let req = requested;
  for (let round = 0; round < 2; round++) {
    req = req < 0 ? req : Math.min(ls.length, req);
    for (let i = lastUsed; i < free.length; i++) {
      out = findBestFit(ls, free.slice(0, i + 1), gpuIds.slice(0, i + 1), req, i === free.length - 1);
      if (sum(out) === ls.length || sum(out) === req) break;
    }
    if (sum(out) === ls.length) return out;
    ls = ls.slice(0, -1);
  }
  return out;
}

export interface LayoutInput {
  /** Sizes of the blocks and, last, of the output layer. */
  layers: number[];
  /** Bytes taken off every GPU before layers are placed (the llama.cpp runner's spare blk.0 + KV). */
  spare: number;
  /** Graph reserve on a GPU that holds layers. */
  graph: number;
  overhead: number;
  numGpu: number;
}

/**
 * The layout loop (llamaServer.Load from f560bd077): place layers with no graph reserved, reserve the graph
 * on the GPUs used, and place again until the number of GPUs stops growing. Split per GPU as given.
 */
export function layoutGpuLayers(x: LayoutInput, gpus: LegacyGpu[]): EstimateResult {
  const order = gpus.map((_, i) => i).sort((a, b) => gpus[b].free - gpus[a].free);
  const graphOn = new Array<number>(gpus.length).fill(0);
  let result: GpuLayers[] = [];
  for (let round = 0; round <= gpus.length; round++) {
    const prev = result;
    let lastUsed = 0;
    const free = order.map((g, k) => {
      if (graphOn[g] !== 0) lastUsed = k;
      const f = Math.max(0, gpus[g].free - x.spare);
      const reserved = gpus[g].minimum + x.overhead + graphOn[g];
      return f > reserved ? f - reserved : 0;
    });
    result = assignLayers(x.layers, free, order, x.numGpu, lastUsed);
    if (result.length > prev.length) for (const gl of result) graphOn[gl.gpu] = x.graph;
    else break;
  }
  const split = new Array<number>(gpus.length).fill(0);
  const allocations = new Array<number>(gpus.length).fill(0);
  for (const gl of result) {
    split[gl.gpu] += gl.layers.length;
    allocations[gl.gpu] += gl.layers.reduce((s, i) => s + x.layers[i], 0);
  }
  for (let g = 0; g < gpus.length; g++) if (split[g] > 0) allocations[g] += x.spare + gpus[g].minimum + x.overhead + x.graph;
  const layers = sum(result);
  return { layers, split, allocations, fullyLoaded: layers === x.layers.length };
}

// ---- Ollama's view of one of our models ----------------------------------------------------

/** The GGUF architecture name Ollama's code switches on, from the checkpoint's config. */
export function ggufArchOf(m: ModelEntry): string {
  const outer = String((m.record.config as Record<string, unknown>).model_type ?? "");
  const byOuter: Record<string, string> = { gemma3: "gemma3", mistral3: "mistral3", qwen2_5_vl: "qwen25vl", llama4: "llama4", qwen3_vl: "qwen3vl", qwen3_vl_moe: "qwen3vlmoe", gemma4: "gemma4", qwen3_5: "qwen35", qwen3_5_moe: "qwen35moe", mllama: "mllama" };
  if (byOuter[outer]) return byOuter[outer];
  const byType: Record<string, string> = {
    llama: "llama",
    mistral: "llama",
    mixtral: "llama",
    llama4_text: "llama4",
    ministral3: "mistral3",
    qwen2: "qwen2",
    qwen2_moe: "qwen2moe",
    qwen3: "qwen3",
    qwen3_moe: "qwen3moe",
    qwen3_next: "qwen3next",
    qwen3_5_text: "qwen35",
    qwen3_5_moe_text: "qwen35moe",
    gemma: "gemma",
    gemma2: "gemma2",
    gemma3_text: "gemma3",
    gemma4_text: "gemma4",
    cohere: "command-r",
    deepseek_v2: "deepseek2",
    deepseek_v3: "deepseek2",
    deepseek_v32: "deepseek2",
    kimi_k2: "deepseek2",
    gpt_oss: "gptoss",
    glm4_moe: "glm4moe",
    phi3: "phi3",
    nemotron_h: "nemotron_h",
  };
  return byType[m.arch.modelType] ?? m.arch.modelType;
}

/** The header numbers Ollama's estimate reads, derived from our architecture (an old-style GGUF: MLA stored as full per-head K and V). */
export function ggufFacts(m: ModelEntry, q: QuantFormat): GgufFacts {
  const a = m.arch;
  let heads = 0;
  let headDimK = 0;
  let headDimV = 0;
  let slidingWindow = 0;
  const headsKV: number[] = [];
  const recurrent: number[] = [];
  for (const l of a.layers) {
    let kvHeads = 0;
    let state = 0;
    for (const x of l.mixers) {
      if (x.kind === "full" || x.kind === "sliding" || x.kind === "chunked") {
        heads = Math.max(heads, x.heads);
        kvHeads = Math.max(kvHeads, x.kvHeads);
        if (!headDimK) [headDimK, headDimV] = [x.headDimK, x.headDimV];
        if (x.kind === "sliding" && !slidingWindow) slidingWindow = x.window;
      } else if (x.kind === "mla") {
        heads = Math.max(heads, x.heads);
        kvHeads = Math.max(kvHeads, x.heads);
        if (!headDimK) [headDimK, headDimV] = [x.nopeDim + x.ropeDim, x.vHeadDim];
      } else if (hasState(x)) {
        const e = stateElements(x);
        state += (e.conv + e.ssm) * 4;
      }
    }
    headsKV.push(kvHeads);
    recurrent.push(state);
  }
  const moe = a.layers.find((l) => l.ffn.kind === "moe")?.ffn;
  const dense = a.layers.find((l) => l.ffn.kind === "dense")?.ffn;
  const feedForward = moe && moe.kind === "moe" ? moe.expertIntermediate : dense && dense.kind === "dense" ? dense.intermediate : 0;
  const bits = tensorBitsFn(q, { arch: a, checkpoint: m.record.checkpoint.dtype });
  const gate = modelTensors(a, { includeMtp: false }).find((t) => t.layer === 0 && t.role === "ffn_gate_exps");
  return {
    arch: ggufArchOf(m),
    blockCount: a.layers.length,
    embedding: a.hidden,
    heads: heads || a.attentionHeads,
    headsKV,
    headDimK: headDimK || (heads ? fl(a.hidden / heads) : 0),
    headDimV: headDimV || (heads ? fl(a.hidden / heads) : 0),
    vocab: a.vocab,
    feedForward,
    gateExpsBytes: gate && q.kind !== "file" ? fl((gate.params * bits(gate)) / 8) : 0,
    slidingWindow,
    recurrent,
  };
}

/** Vision towers Ollama's own engine loads from the model file, with VisionGraphSize's formula from the release that added it. */
function visionGraph(m: ModelEntry, arch: string, v: EngineVersion): number {
  const vc = ((m.record.config as Record<string, unknown>).vision_config ?? {}) as Record<string, number | undefined>;
  const patch = vc.patch_size ?? 0;
  const heads = vc.num_heads ?? vc.num_attention_heads ?? 0;
  const width = vc.hidden_size ?? 0;
  const channels = vc.num_channels ?? vc.in_chans ?? 3;
  if (!patch) return 0;
  if ((arch === "gemma3" && at(v, 0, 6, 1)) || (arch === "mistral3" && at(v, 0, 6, 5))) {
    // a422ba39c (v0.6.1), 6bd0a983c (v0.6.5): image, patch embedding and one layer's attention scores.
    const image = vc.image_size ?? 0;
    const patches = fl(image / patch) ** 2;
    return 4 * (image * image * channels + width * patch + patches * patches * heads);
  }
  if (arch === "qwen25vl" && at(v, 0, 7, 0)) {
    // bd68d3ae5 (v0.7.0): sized at vision.max_pixels (default 28 × 28 × 1280).
    const maxPixels = 28 * 28 * 1280;
    const patches = fl(maxPixels / (patch * patch));
    return 4 * (2 * maxPixels * channels + patches * channels * patch * patch + patches * patches * heads + width * patches);
  }
  return 0;
}

/** GGUF architectures whose vision tower lives in the model file (Ollama's engine); others use a separate projector file. */
const VISION_IN_MODEL = new Set(["gemma3", "mistral3", "llama4", "mllama", "qwen25vl", "qwen3vl", "qwen3vlmoe", "gemma4", "qwen35", "qwen35moe"]);

export interface OllamaViewInput {
  model: ModelEntry;
  quant: QuantFormat;
  version: EngineVersion;
  /** num_ctx × parallel: the cells the estimate sizes. */
  context: number;
  /** min(num_ctx × parallel, num_batch). */
  batch: number;
  parallel: number;
  /** OLLAMA_KV_CACHE_TYPE when the estimate honours it (flash attention on), else "f16". */
  kvType: string;
  flashAttention: boolean;
  /** The header numbers, when already derived (ggufFacts). */
  facts?: GgufFacts;
}

/** Ollama's sizes for a model at a context, as its estimate (GraphSize and the GGUF's tensor groups) gives them. */
export function ollamaModelSizes(x: OllamaViewInput): { facts: GgufFacts; sizes: OllamaModelSizes } {
  const facts = x.facts ?? ggufFacts(x.model, x.quant);
  const wb = weightBytes(x.model, x.quant);
  const gs = ollamaGraphSize(facts, x.version, x.context, x.batch, x.parallel, kvBytesPerElement(x.kvType), x.flashAttention);
  const { partial, full } = withGraphFallback(facts, x.version, gs);
  const inModel = VISION_IN_MODEL.has(facts.arch);
  const visionWeights = wb.byGroup.vision;
  return {
    facts,
    sizes: {
      blocks: wb.perLayer.map(fl),
      kv: gs.kv,
      output: fl(wb.outputLayer),
      largestGroup: fl(Math.max(...wb.perLayer, wb.tokenEmbd, wb.output)),
      projector: { weights: fl(visionWeights), graph: visionWeights > 0 && inModel ? visionGraph(x.model, facts.arch, x.version) : 0, inModel },
      graphPartial: partial,
      graphFull: full,
    },
  };
}
