// Ollama: llama-server launched with Ollama's choices (since v0.30, June 2026):
// -c num_ctx × P -np P (one cache per slot), -b = -ub = Ollama's automatic
// num_batch, flash attention auto, the vision projector on GPU 0 for vision
// models, and llama.cpp's --fit margin of 1024 MiB per GPU (projector + 1 GiB
// when the projector is on the GPU). Families Ollama runs with one slot are
// capped at one. Sources: engine-facts §3 and the Ollama source notes (llm/llama_server.go,
// server/sched.go @ fb30760996871fa9460115c753afd2c60d4ab0f7).
// Before v0.30 (--engine-version below 0.30) Ollama ran its own runners and chose
// the GPU layers itself: prepareLegacy below, with the choice in ollamaLegacyPlacement.ts.
import { findKvDtype, findRuntime } from "../catalog";
import { compareVersion, type EngineVersion } from "../engineVersion";
import type { EngineSettings } from "../engineFlags";
import { b } from "../explainFormat";
import { defaultsOf } from "../runtimeDefaults";
import type { CacheRule } from "../layerKinds";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { MiB, GiB } from "../units";
import { weightBytes } from "../weightBytes";
import { prepareLlamaCpp } from "./llamacpp";
import { chooseEstimate, estimateKvType, ggufArchOf, ggufFacts, layoutGpuLayers, METAL_MINIMUM_BYTES, ollamaLegacyRules, ollamaModelSizes, type EstimateResult, type OllamaLibrary } from "./ollamaLegacyPlacement";

/** Ollama's automatic num_batch (-b and -ub) from the context of all slots (automaticGenerationBatch, before any memory step-down). */
export function ollamaNumBatch(ctxAllSlots: number, flashAttention: boolean): number {
  if (!flashAttention) return 512;
  if (ctxAllSlots > 32768) return 2048;
  if (ctxAllSlots > 4096) return 1024;
  return 512;
}

const METHOD_TEXT = {
  pooled: "the free memory of all GPUs pooled, less the first GPU's minimum, blk.0 and the graph, filled with blocks from the first one; the output layer only when everything fits",
  estimate: "blocks dealt round-robin to the GPUs after each keeps its minimum, the graph and a spare layer; the output layer last",
  layout: "layers packed from the output layer down onto the fewest GPUs, each keeping its minimum and the graph; the output layer is dropped first",
} as const;

const atLeast = (v: EngineVersion, major: number, minor: number, patch = 0) => compareVersion(v, major, minor, patch) >= 0;

/**
 * Flash attention when OLLAMA_FLASH_ATTENTION is not set, before v0.30: off, except for the families Ollama
 * turned it on for (fs/ggml FlashAttention(): gpt-oss 85ccf7354 v0.11.8, qwen3/qwen3moe 0bda72892 v0.12.4,
 * gemma3 c3c85aa06 v0.12.6, qwen3vl 75e75d9af v0.12.8) and, from v0.14.0, "auto" (on) for the llama.cpp runner.
 */
function legacyFlashAttention(arch: string, v: EngineVersion, ollamaEngine: boolean): boolean {
  if (arch === "gptoss" && atLeast(v, 0, 11, 8)) return true;
  if ((arch === "qwen3" || arch === "qwen3moe") && atLeast(v, 0, 12, 4)) return true;
  if (arch === "gemma3" && atLeast(v, 0, 12, 6)) return true;
  if ((arch === "qwen3vl" || arch === "qwen3vlmoe") && atLeast(v, 0, 12, 8)) return true;
  return !ollamaEngine && atLeast(v, 0, 14, 0);
}

/**
 * Tokens a sliding-window layer of Ollama's engine keeps per sequence at least, by GGUF architecture: the memory
 * size passed to kvcache.NewSWAMemCache (gpt-oss 4096 from its first release, v0.11.0, 4183bb057; gemma4 4096,
 * model/models/gemma4/model.go @ 8d0dcf4b6daf8d7833c8b55108e5b45063795e57, v0.20.7, unchanged to v0.24). The other
 * windowed models (gemma2, gemma3, gemma3n, olmo3) use NewSWACache and keep just their window.
 */
const SWA_MEMORY: Record<string, number> = { gptoss: 4096, gemma4: 4096 };

/**
 * How Ollama's own engine (runner/ollamarunner, v0.6.0–v0.29) sizes its KV cache: one kvcache.Causal for all
 * OLLAMA_NUM_PARALLEL sequences, Init(backend, dtype, maxSequences = parallel, capacity = num_ctx, maxBatch = num_batch)
 * (runner/ollamarunner/cache.go; kvcache/causal.go @ 8d0dcf4b6daf8d7833c8b55108e5b45063795e57, unchanged to v0.24.0):
 * - full layers hold roundUp(parallel × num_ctx, CachePadding) cells;
 * - sliding-window layers roundUp(parallel × swaMemorySize + num_batch, CachePadding), swaMemorySize = max(window,
 *   the model's memory size), or the full cache once swaMemorySize ≥ num_ctx; with several sequences at least
 *   window + 1 (1fc35f126, v0.12.4). Before v0.6.3 (1feff6197) every layer held the whole cache; the memory size
 *   arrived with 4183bb057 (v0.11.0);
 * - chunked attention (llama4, NewChunkedAttentionCache) keeps the full cache and limits only the mask;
 * - CachePadding is 256 with flash attention, 32 without until 7837a5bc7 (v0.13.2) made it 256 always (ml/backend/ggml/ggml.go CacheConfig).
 */
export function ollamaEngineCacheRule(v: EngineVersion, arch: string, flashAttention: boolean, numBatch: number): CacheRule {
  return {
    pad: flashAttention || atLeast(v, 0, 13, 2) ? 256 : 32,
    windowExtra: numBatch,
    windowExtraBlocks: 0,
    statePages: 1,
    sharedCache: true,
    windowMemory: !atLeast(v, 0, 6, 3) ? Infinity : atLeast(v, 0, 11, 0) ? (SWA_MEMORY[arch] ?? 0) : 0,
    stopToken: atLeast(v, 0, 12, 4),
    chunkedFull: true,
  };
}

/**
 * Ollama before v0.30: its own runners with --n-gpu-layers and --tensor-split of its own choosing
 * (ollamaLegacyPlacement.ts), and 457 MiB (Metal: 512 MiB) plus OLLAMA_GPU_OVERHEAD kept free per GPU.
 * Memory terms are llama.cpp's for the layers chosen; the choice itself is Ollama's arithmetic.
 */
function prepareLegacy(s: Setup): PreparedRun {
  const d = defaultsOf(s.runtime, "ollama");
  const st = s.settings;
  const v = s.engineVersion!;
  const arch = ggufArchOf(s.model);
  const rules = ollamaLegacyRules(v, arch);
  const library: OllamaLibrary = s.gpu?.vendor === "Apple" ? "metal" : s.gpu?.vendor === "AMD" ? "rocm" : "cuda";
  const minimum = library === "metal" ? METAL_MINIMUM_BYTES : d.minimumFreeBytes;
  const requestedOverhead = st.gpuOverheadBytes ?? 0;
  const overhead = rules.gpuOverhead ? requestedOverhead : 0;
  const fa = st.flashAttention ?? legacyFlashAttention(arch, v, rules.ollamaEngine);
  // A quantized OLLAMA_KV_CACHE_TYPE needs flash attention (and v0.5.0); otherwise Ollama logs a warning and keeps f16.
  const quantizedKv = s.kv.id === "q8_0" || s.kv.id === "q4_0";
  const kvKept = quantizedKv && !(fa && atLeast(v, 0, 5, 0));
  const kv = kvKept ? findKvDtype("fp16") : s.kv;
  const singleSlot = d.singleSlotModelTypes.includes(s.model.arch.modelType);
  // Ollama's engine keeps a vision tower with the output layer (ml/backend/ggml: v.* and mm.* tensors go to the output's device);
  // the llama.cpp runner loads a separate projector on the GPU whenever any layer is there. With no layer on a GPU, Ollama runs on the CPU.
  const nLayer = s.model.arch.layers.length;
  const withProjector = s.model.arch.visionParams > 0 && st.gpuLayers !== 0 && (!rules.ollamaEngine || st.gpuLayers === undefined || st.gpuLayers > nLayer);
  const llamaRuntime = { ...s.runtime, id: "llama.cpp" as const, defaults: findRuntime("llama.cpp").defaults };
  // Ollama's engine keeps one KV cache for all slots, sized by kvcache.Causal (ollamaEngineCacheRule); the llama.cpp runner, llama.cpp's cells.
  // Its compute graph is reserved by building the worst case (runner/ollamarunner/runner.go reserveWorstCaseGraph, from
  // dbb149e6f, v0.6.6; @ 8d0dcf4b6 for v0.20.7): num_batch tokens with batch.Outputs = one row per slot, so the
  // output layer computes logits for OLLAMA_NUM_PARALLEL rows, not a whole batch.
  const engineCache = rules.ollamaEngine
    ? {
        outputsPerSlot: true,
        cacheRule: (ub: number) => ollamaEngineCacheRule(v, arch, fa, ub),
        cacheNote: `Ollama's engine keeps one cache for all slots: PAD(num_ctx × slots, ${ollamaEngineCacheRule(v, arch, fa, 0).pad}) cells in full-attention layers${atLeast(v, 0, 6, 3) ? `, PAD(slots × ${SWA_MEMORY[arch] && atLeast(v, 0, 11, 0) ? `max(window, ${SWA_MEMORY[arch]})` : "window"} + num_batch) in sliding-window layers` : ", sliding-window layers included"}`,
      }
    : {};
  const run = prepareLlamaCpp({ ...s, kv, kvV: undefined, runtime: llamaRuntime, settings: { ...st, flashAttention: fa } }, { engine: "Ollama", withProjector, extraNotes: [], outputLast: true, ...engineCache });
  const margin = minimum + overhead;
  const facts = ggufFacts(s.model, s.quant);
  const kvType = estimateKvType(rules, facts, s.kv.id, fa);

  /** Ollama's choice at (ctx = num_ctx, batch = OLLAMA_NUM_PARALLEL) on `tp` GPUs with `vram` bytes free each. */
  const place = (vram: number, ctx: number, batch: number): EstimateResult => {
    const parallel = singleSlot ? 1 : batch;
    // 10a8e04a8 (v0.9.3): num_ctx is clamped to the model's training context.
    const numCtx = atLeast(v, 0, 9, 3) ? Math.min(ctx, s.model.record.contextWindow) : ctx;
    const context = numCtx * parallel;
    const gpus = Array.from({ length: s.tp }, () => ({ free: vram, minimum }));
    if (rules.method === "layout" && rules.ollamaEngine) {
      // Ollama's engine measures each layer and the graph by allocating them; llama.cpp's buffers stand in for those measurements.
      const c = run.layerCosts(numCtx, parallel);
      return layoutGpuLayers({ layers: [...c.blocks, c.output], spare: 0, graph: c.compute, overhead, numGpu: -1 }, gpus);
    }
    const { sizes } = ollamaModelSizes({ model: s.model, quant: s.quant, version: v, context, batch: Math.min(context, st.ubatch ?? 512), parallel, kvType, flashAttention: fa, facts });
    if (rules.method !== "layout") return chooseEstimate(rules, sizes, gpus, library, overhead);
    // The llama.cpp runner's layout (f560bd077): GGUF sizes, blk.0 + its KV held back on every GPU, the larger graph on each GPU used.
    const graph = library === "metal" ? sizes.graphFull : Math.max(sizes.graphPartial, sizes.graphFull);
    return layoutGpuLayers({ layers: [...sizes.blocks.map((x, i) => x + sizes.kv[i]), sizes.output], spare: sizes.blocks[0] + sizes.kv[0], graph, overhead, numGpu: -1 }, gpus);
  };

  const visionOff = s.model.arch.visionParams > 0 && !withProjector;
  const notes = [
    // llama.cpp's advice to add --mmproj does not apply: Ollama loads the vision tower itself.
    ...run.notes.filter((n) => !n.startsWith("The vision projector")),
    ...(visionOff ? [`The vision tower stays in system RAM: ${rules.ollamaEngine && st.gpuLayers !== 0 ? "Ollama's engine keeps it with the output layer, which is on the CPU" : "no layer is on a GPU"}.`] : []),
    `Ollama ${v.text} runs its own runner with --ctx-size num_ctx × OLLAMA_NUM_PARALLEL and --parallel OLLAMA_NUM_PARALLEL (the estimate's batch; Ollama's automatic choice was 1 whenever the model did not fit whole).`,
    `Ollama ${v.text} chooses --n-gpu-layers itself: ${rules.label}, ${METHOD_TEXT[rules.method]}. --vram-gib is the memory free on each GPU when the model loads (memory.available in Ollama's log); a catalog GPU's full memory assumes nothing else uses it.`,
    `Ollama ${v.text} keeps ${b(margin)} free per GPU (its minimum${overhead ? " plus OLLAMA_GPU_OVERHEAD" : ""}); the memory terms are llama.cpp's buffers for the layers Ollama chose, so a choice Ollama got wrong shows as not fitting.`,
    ...(rules.method === "layout" && rules.ollamaEngine ? [`Ollama ${v.text} sizes layers for its own engine by allocating them; FitMyGPU uses llama.cpp's buffer sizes for that measurement.`] : []),
    ...(rules.ollamaEngine
      ? [`Ollama's engine reserves its compute graph by building the worst case (num_batch tokens, logits for one row per slot${s.model.arch.visionParams > 0 ? ", and the vision encoder on a 2048×2048 image" : ""}) and measuring it; FitMyGPU's compute term is llama.cpp's scratch estimate for that batch, not a model of that graph.`]
      : []),
    ...(requestedOverhead && !rules.gpuOverhead ? [`OLLAMA_GPU_OVERHEAD did not exist before v0.3.10; it is ignored.`] : []),
    ...(kvKept ? [`Ollama ${v.text} keeps an f16 KV cache: OLLAMA_KV_CACHE_TYPE=${s.kv.id} needs OLLAMA_FLASH_ATTENTION=1${atLeast(v, 0, 5, 0) ? "" : " and v0.5.0"}.`] : []),
  ];
  return {
    ...keptFree(run, s, margin, singleSlot, notes),
    ...(st.gpuLayers === undefined
      ? {
          autoPlacement: (vram: number, ctx: number, batch: number) => {
            const r = place(vram, ctx, batch);
            return { gpuLayers: r.layers, ...(s.tp > 1 ? { split: r.split } : {}) };
          },
        }
      : {}),
  };
}

/**
 * What every Ollama release adds to the llama.cpp run it starts: the memory it keeps free on each
 * GPU, its slots (one for the families it forces to a single slot) and the settings it passed.
 */
function keptFree(run: PreparedRun, s: Setup, margin: number, singleSlot: boolean, notes: string[]): PreparedRun {
  const st = s.settings;
  return {
    ...run,
    notes: [...notes, ...(singleSlot ? ["Ollama runs this model family with one slot (OLLAMA_NUM_PARALLEL is forced to 1)."] : [])],
    settings: { ...run.settings, num_parallel: singleSlot ? 1 : (st.parallel ?? 1), num_ctx: st.maxModelLen ?? null, kept_free_bytes: margin },
    budget: (vram) => vram - margin,
    capacity: (vram, ctx) => run.capacity(vram - margin, ctx),
    budgetText: (vram) => `usable = ${b(vram)} − ${b(margin)} kept free = ${b(vram - margin)}`,
    ...(singleSlot ? { maxBatch: { value: 1, reason: `Ollama runs ${s.model.record.name} with one slot (it forces OLLAMA_NUM_PARALLEL=1 for this family); use batch 1 or another engine.` } } : {}),
  };
}

export const ollama: RuntimeProfile = {
  id: "ollama",
  workload: (st) => ({ ctx: st.maxModelLen, batch: st.parallel }),
  prepare(s: Setup): PreparedRun {
    if (s.engineVersion !== undefined && compareVersion(s.engineVersion, 0, 30) < 0) return prepareLegacy(s);
    const d = defaultsOf(s.runtime, "ollama");
    const st = s.settings;
    const singleSlot = d.singleSlotModelTypes.includes(s.model.arch.modelType);
    const withProjector = s.model.arch.visionParams > 0;
    const llamaSettings: EngineSettings = { ...st };
    const llamaRuntime = { ...s.runtime, id: "llama.cpp" as const, defaults: findRuntime("llama.cpp").defaults };
    const fa = st.flashAttention ?? true;
    const run = prepareLlamaCpp({ ...s, runtime: llamaRuntime, settings: llamaSettings }, {
      engine: "Ollama",
      withProjector,
      extraNotes: [],
      // -b = -ub = Ollama's automatic num_batch.
      ubatch: (ctxAll) => ollamaNumBatch(ctxAll, fa),
    });
    const projectorBytes = withProjector ? weightBytes(s.model, s.quant).byGroup.vision : 0;
    // llama.cpp's --fit keeps 1024 MiB free (projector + 1 GiB when the projector sits on the GPU).
    const margin = withProjector ? Math.max(1024 * MiB, projectorBytes + GiB) : 1024 * MiB;
    const notes = [
      ...run.notes,
      `Ollama runs llama-server with -c num_ctx × OLLAMA_NUM_PARALLEL and -np OLLAMA_NUM_PARALLEL (default 1): each slot has its own cache.`,
      `llama.cpp's --fit keeps ${b(margin)} free per GPU; a model that does not fit with that margin is offloaded in part.`,
      ...(st.ubatch ? [] : ["num_batch (-b/-ub) is Ollama's automatic choice from the context of all slots: 512 up to 4K, 1,024 up to 32K, 2,048 above (Ollama steps it down when memory is tight)."]),
    ];
    return keptFree(run, s, margin, singleSlot, notes);
  },
};
