// Ollama: llama-server launched with Ollama's choices (since v0.30, June 2026):
// -c num_ctx × P -np P (one cache per slot), -b = -ub = Ollama's automatic
// num_batch, flash attention auto, the vision projector on GPU 0 for vision
// models, and llama.cpp's --fit margin of 1024 MiB per GPU (projector + 1 GiB
// when the projector is on the GPU). Families Ollama runs with one slot are
// capped at one. Sources: engine-facts §3 and the Ollama source notes (llm/llama_server.go,
// server/sched.go @ fb30760996871fa9460115c753afd2c60d4ab0f7).
import { findRuntime } from "../catalog";
import { compareVersion } from "../engineVersion";
import type { EngineSettings } from "../engineFlags";
import { b } from "../explainFormat";
import { defaultsOf } from "../runtimeDefaults";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { MiB, GiB } from "../units";
import { weightBytes } from "../weightBytes";
import { prepareLlamaCpp } from "./llamacpp";

/** Ollama's automatic num_batch (-b and -ub) from the context of all slots (automaticGenerationBatch, before any memory step-down). */
export function ollamaNumBatch(ctxAllSlots: number, flashAttention: boolean): number {
  if (!flashAttention) return 512;
  if (ctxAllSlots > 32768) return 2048;
  if (ctxAllSlots > 4096) return 1024;
  return 512;
}

export const ollama: RuntimeProfile = {
  id: "ollama",
  workload: (st) => ({ ctx: st.maxModelLen, batch: st.parallel }),
  prepare(s: Setup): PreparedRun {
    const d = defaultsOf(s.runtime, "ollama");
    const st = s.settings;
    const legacy = s.engineVersion !== undefined && compareVersion(s.engineVersion, 0, 30) < 0;
    const singleSlot = d.singleSlotModelTypes.includes(s.model.arch.modelType);
    const withProjector = s.model.arch.visionParams > 0;
    const llamaSettings: EngineSettings = { ...st };
    const llamaRuntime = { ...s.runtime, id: "llama.cpp" as const, defaults: findRuntime("llama.cpp").defaults };
    const fa = st.flashAttention ?? true;
    const run = prepareLlamaCpp({ ...s, runtime: llamaRuntime, settings: llamaSettings }, {
      engine: "Ollama",
      withProjector,
      extraNotes: [],
      // -b = -ub = Ollama's automatic num_batch (512 before v0.30).
      ubatch: legacy ? undefined : (ctxAll) => ollamaNumBatch(ctxAll, fa),
    });
    const projectorBytes = withProjector ? weightBytes(s.model, s.quant).byGroup.vision : 0;
    // Before v0.30 Ollama kept its own minimum free (457 MiB) on each GPU; since then llama.cpp's --fit
    // keeps 1024 MiB free (projector + 1 GiB when the projector sits on the GPU).
    const margin = legacy ? d.minimumFreeBytes + (st.gpuOverheadBytes ?? 0) : withProjector ? Math.max(1024 * MiB, projectorBytes + GiB) : 1024 * MiB;
    const notes = [
      ...run.notes,
      `Ollama runs llama-server with -c num_ctx × OLLAMA_NUM_PARALLEL and -np OLLAMA_NUM_PARALLEL (default 1): each slot has its own cache.`,
      legacy ? `Ollama ${s.engineVersion!.text} keeps ${b(margin)} free per GPU.` : `llama.cpp's --fit keeps ${b(margin)} free per GPU; a model that does not fit with that margin is offloaded in part.`,
      ...(st.ubatch || legacy ? [] : ["num_batch (-b/-ub) is Ollama's automatic choice from the context of all slots: 512 up to 4K, 1,024 up to 32K, 2,048 above (Ollama steps it down when memory is tight)."]),
      ...(singleSlot ? ["Ollama runs this model family with one slot (OLLAMA_NUM_PARALLEL is forced to 1)."] : []),
    ];
    return {
      ...run,
      notes,
      settings: { ...run.settings, num_parallel: singleSlot ? 1 : (st.parallel ?? 1), num_ctx: st.maxModelLen ?? null, kept_free_bytes: margin },
      budget: (v) => v - margin,
      capacity: (v, ctx) => run.capacity(v - margin, ctx),
      budgetText: (v) => `usable = ${b(v)} − ${b(margin)} kept free = ${b(v - margin)}`,
      ...(singleSlot ? { maxBatch: { value: 1, reason: `Ollama runs ${s.model.record.name} with one slot (it forces OLLAMA_NUM_PARALLEL=1 for this family); use batch 1 or another engine.` } } : {}),
    };
  },
};
