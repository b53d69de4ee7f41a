// Ollama: llama.cpp with Ollama's defaults — KvSize = num_ctx × OLLAMA_NUM_PARALLEL,
// 457 MiB kept free per GPU, one slot for hybrid families.
import { findRuntime } from "../catalog";
import type { RuntimeProfile } from "../runtimeProfile";
import { prepareLlamaCpp } from "./llamacpp";

interface OllamaDefaults {
  minimumFreeBytes: number;
  singleSlotModelTypes: string[];
}

export const ollama: RuntimeProfile = {
  id: "ollama",
  prepare(s) {
    const d = s.runtime.defaults as unknown as OllamaDefaults;
    const llamaRuntime = { ...s.runtime, defaults: findRuntime("llama.cpp").defaults };
    const run = prepareLlamaCpp({ ...s, runtime: llamaRuntime }, "Ollama", d.minimumFreeBytes, true);
    const singleSlot = d.singleSlotModelTypes.includes(s.model.arch.modelType);
    return {
      ...run,
      notes: [
        ...run.notes,
        s.kv.blockQuantized ? `Set OLLAMA_FLASH_ATTENTION=1 and OLLAMA_KV_CACHE_TYPE=${s.kv.id}: Ollama ignores a quantized KV type unless flash attention is explicitly on.` : "Ollama's default KV type is f16.",
        ...(singleSlot ? ["Ollama forces OLLAMA_NUM_PARALLEL to 1 for this model family."] : []),
      ],
      ...(singleSlot ? { maxBatch: { value: 1, reason: `Ollama runs ${s.model.record.name} with one slot (it forces OLLAMA_NUM_PARALLEL=1 for this family); use batch 1 or another engine.` } } : {}),
    };
  },
};
