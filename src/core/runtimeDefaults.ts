// Each engine's defaults in catalog/runtimes.json, typed: one zod schema per
// engine, so a profile reads checked numbers instead of casting a loose record.
import "./zodConfig";
import { z } from "zod";
import { fail } from "./errors";
import type { RuntimeId } from "./runtimeIds";

const bytes = z.number().int().nonnegative();
const speedParams = z.object({ bandwidthEfficiency: z.number().gt(0).lte(1), layerOverheadSeconds: z.number().nonnegative().lt(0.01), computeEfficiency: z.number().gt(0).lte(1), prefillOverheadSeconds: z.number().nonnegative().lt(1) }).strict();
/** Speed parameters per backend (cuda, rocm, metal), fitted to measured speeds. */
const speed = z.object({ cuda: speedParams, rocm: speedParams.optional(), metal: speedParams.optional() }).strict();
const count = z.number().int().positive();

export const RUNTIME_DEFAULTS = {
  vllm: z
    .object({
      gpuMemoryUtilization: z.number().gt(0).lte(1),
      blockSize: count,
      largeGpuBytes: bytes,
      hugeGpuBytes: bytes,
      maxNumBatchedTokens: z.object({ huge: count, large: count, other: count }).strict(),
      maxNumSeqs: z.object({ large: count, other: count }).strict(),
      nonTorchBytes: bytes,
      ncclBytesPerRank: z.object({ nvlink: bytes, pcie: bytes }).strict(),
      cudaGraphBytesPerLayer: bytes,
      tritonSamplerRows: count,
      cudaContextBytes: bytes,
      speed,
    })
    .strict(),
  sglang: z.object({ cudaContextBytes: bytes, swaFullTokensRatio: z.number().gt(0).lte(1), hybridSwaModelTypes: z.array(z.string()), reqToTokenExtraTokens: z.number().int().nonnegative(), speed }).strict(),
  "llama.cpp": z
    .object({
      nUbatch: count,
      nBatch: count,
      ctxPad: count,
      flashAttention: z.boolean(),
      graphOverheadBytes: bytes,
      cudaContextBytes: bytes,
      speed,
    })
    .strict(),
  ollama: z
    .object({
      minimumFreeBytes: bytes,
      singleSlotModelTypes: z.array(z.string()),
      speed,
    })
    .strict(),
  transformers: z.object({ cudaContextBytes: bytes, speed }).strict(),
  mlx: z
    .object({
      workingSetFraction: z.number().gt(0).lte(1),
      kvStep: count,
      prefillStepSize: count,
      speed,
    })
    .strict(),
} as const;

export type RuntimeDefaults = { [K in RuntimeId]: z.infer<(typeof RUNTIME_DEFAULTS)[K]> };

/** The typed defaults of one engine (the runtime must be that engine). */
export function defaultsOf<K extends RuntimeId>(runtime: { id: RuntimeId; defaults: unknown }, id: K): RuntimeDefaults[K] {
  if (runtime.id !== id) fail("invalid", `Internal: ${runtime.id} defaults read as ${id}.`);
  return runtime.defaults as RuntimeDefaults[K];
}
