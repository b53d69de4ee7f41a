// The schema of catalog/runtimes.json: each engine's defaults typed by one zod
// schema per engine, so a profile reads checked numbers instead of casting a
// loose record. Checked when catalog.json is built (catalogBuild.ts); runtimes
// read the result as trusted data (runtimeDefaults.ts).
import "./zodConfig";
import * as z from "zod/mini";
import { sourceSchema } from "./catalogSchema";
import { RUNTIME_IDS } from "./runtimeIds";

const bytes = z.number().check(z.int(), z.nonnegative());
/** A share: more than 0, at most 1. */
const share = () => z.number().check(z.gt(0), z.lte(1));
/** Seconds, from 0 up to (not including) a bound. */
const seconds = (below: number) => z.number().check(z.nonnegative(), z.lt(below));
/** Peak bandwidth per parallel unit (SM, CU, GPU core) in GB/s; null where the fit found no unit limit. */
const unitRate = () => z.nullable(z.number().check(z.positive()));
const speedParams = z.strictObject({ bandwidthEfficiency: share(), unitBandwidthGBs: unitRate(), layerOverheadSeconds: seconds(0.01), computeEfficiency: share(), prefillOverheadSeconds: seconds(1) });
/** Speed parameters per backend (cuda, rocm, metal), fitted to measured speeds. */
const speed = z.strictObject({ cuda: speedParams, rocm: z.optional(speedParams), metal: z.optional(speedParams) });
const count = z.number().check(z.int(), z.positive());

export const RUNTIME_DEFAULTS = {
  vllm: z.strictObject({
    gpuMemoryUtilization: share(),
    blockSize: count,
    largeGpuBytes: bytes,
    hugeGpuBytes: bytes,
    maxNumBatchedTokens: z.strictObject({ huge: count, large: count, other: count }),
    maxNumSeqs: z.strictObject({ large: count, other: count }),
    nonTorchBytes: bytes,
    graphSampleResidueBytes: bytes,
    ncclBytesPerRank: z.strictObject({ nvlink: bytes, pcie: bytes }),
    cudaGraphBytesPerLayer: bytes,
    tritonSamplerRows: count,
    cudaContextBytes: bytes,
    speed,
  }),
  sglang: z.strictObject({ cudaContextBytes: bytes, swaFullTokensRatio: share(), hybridSwaModelTypes: z.array(z.string()), reqToTokenExtraTokens: bytes, speed }),
  "llama.cpp": z.strictObject({
    nUbatch: count,
    nBatch: count,
    ctxPad: count,
    flashAttention: z.boolean(),
    graphOverheadBytes: bytes,
    cudaContextBytes: bytes,
    speed,
  }),
  ollama: z.strictObject({
    minimumFreeBytes: bytes,
    singleSlotModelTypes: z.array(z.string()),
    speed,
  }),
  transformers: z.strictObject({ cudaContextBytes: bytes, speed }),
  mlx: z.strictObject({
    workingSetFraction: share(),
    kvStep: count,
    prefillStepSize: count,
    speed,
  }),
} as const;

/** One engine of catalog/runtimes.json; its defaults are checked against the engine's own schema above. */
export const runtimeInfoSchema = z
  .strictObject({
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
    sources: z.array(sourceSchema).check(z.minLength(1)),
  })
  .check(
    z.superRefine((r, ctx) => {
      const parsed = RUNTIME_DEFAULTS[r.id].safeParse(r.defaults);
      if (!parsed.success) ctx.addIssue({ code: "custom", path: ["defaults", ...parsed.error.issues[0].path.map(String)], message: `${r.id} defaults: ${parsed.error.issues[0].message}` });
    }),
  );

/** catalog/runtimes.json. */
export const runtimesFileSchema = z.strictObject({ runtimes: z.array(runtimeInfoSchema) });
