// Each engine's defaults in catalog/runtimes.json, typed: one zod schema per
// engine, so a profile reads checked numbers instead of casting a loose record.
import "./zodConfig";
import { z } from "zod";
import { sourceSchema } from "./catalogSchema";
import { fail } from "./errors";
import { RUNTIME_IDS, type RuntimeId } from "./runtimeIds";

const bytes = z.number().int().nonnegative();
const speedParams = z.object({ bandwidthEfficiency: z.number().gt(0).lte(1), unitBandwidthGBs: z.number().positive().nullable(), layerOverheadSeconds: z.number().nonnegative().lt(0.01), computeEfficiency: z.number().gt(0).lte(1), prefillOverheadSeconds: z.number().nonnegative().lt(1) }).strict();
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

/** One engine of catalog/runtimes.json; its defaults are checked against the engine's own schema above. */
export const runtimeInfoSchema = z
  .object({
    id: z.enum(RUNTIME_IDS),
    name: z.string(),
    aliases: z.array(z.string()),
    kvDtypes: z.array(z.enum(["auto", "bf16", "fp16", "fp8", "fp8_e5m2", "q8_0", "q4_0"])),
    quants: z.array(z.string()),
    /** Checked against the engine's own schema (RUNTIME_DEFAULTS). */
    defaults: z.record(z.string(), z.unknown()),
    /** Defaults that are estimates rather than values read from the engine's source, and what each rests on. */
    estimates: z.record(z.string(), z.string()),
    notes: z.string(),
    sources: z.array(sourceSchema).min(1),
  })
  .strict()
  .superRefine((r, ctx) => {
    const parsed = RUNTIME_DEFAULTS[r.id].safeParse(r.defaults);
    if (!parsed.success) ctx.addIssue({ code: "custom", path: ["defaults", ...parsed.error.issues[0].path.map(String)], message: `${r.id} defaults: ${parsed.error.issues[0].message}` });
  });
export type RuntimeInfo = z.infer<typeof runtimeInfoSchema>;

/** catalog/runtimes.json. */
export const runtimesFileSchema = z.object({ runtimes: z.array(runtimeInfoSchema) }).strict();
