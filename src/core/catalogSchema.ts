// Zod schemas for the catalog files. Data is validated once, at the boundary;
// inside core the parsed types are trusted.
import "./zodConfig";
import * as z from "zod/mini";

const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}(-\d{2})?$/, "expected YYYY-MM-DD (or YYYY-MM)"));
const nonEmpty = () => z.string().check(z.minLength(1));
const positive = () => z.number().check(z.positive());
const positiveWhole = () => z.number().check(z.int(), z.positive());

export const sourceSchema = z.object({
  url: z.url(),
  date: isoDate,
  what: nonEmpty(),
});
export type Source = z.infer<typeof sourceSchema>;

/**
 * A source as users see it: "publisher: title (read date)". How it was read and
 * what it was used for (research notes) stay in `note`, which is never shown;
 * `shown: false` keeps a source that only backs a note out of the visible list.
 */
export const citedSourceSchema = z.strictObject({
  title: nonEmpty(),
  publisher: nonEmpty(),
  url: z.url(),
  date: isoDate,
  note: z.optional(nonEmpty()),
  shown: z.optional(z.literal(false)),
});
export type CitedSource = z.infer<typeof citedSourceSchema>;

/** A context length published beyond the native window, and how it is reached (YaRN, …). */
export const extendedContextSchema = z.strictObject({ tokens: positiveWhole(), method: nonEmpty() });

const safeKey = (k: string) => k !== "__proto__" && k !== "constructor" && k !== "prototype";

/** A config.json object, copied verbatim from the checkpoint's repository. */
export const hfConfigSchema = z.record(z.string(), z.unknown()).check(
  z.refine((o) => Object.keys(o).every(safeKey), "config has a forbidden key"),
  z.refine((o) => typeof o.model_type === "string", "config.model_type is missing"),
);

/** Custom (user-imported) records carry no sourced metadata: this marker stands in for dates and source URLs. */
export const CUSTOM = "custom";

export const modelRecordSchema = z
  .strictObject({
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9.\-]*$/, "ids are lowercase letters, digits, '.' and '-'")),
    name: nonEmpty(),
    aliases: z._default(z.array(nonEmpty()), []),
    company: nonEmpty(),
    family: nonEmpty(),
    /** ISO date; "custom" on user-imported records. */
    releaseDate: z.union([isoDate, z.literal(CUSTOM)]),
    license: nonEmpty(),
    modality: z.enum(["text", "text+vision", "text+vision+video", "text+vision+audio", "text+vision+audio+video"]),
    /** What the model takes in, and what of it the estimate counts ("text+vision in; text-only estimate, vision tower resident"). */
    modalityScope: z.optional(nonEmpty()),
    /** The detailed layout, in our words. */
    architecture: nonEmpty(),
    /** A short family-level label shown beside the layout ("Hybrid multimodal MoE transformer"). */
    architectureLabel: z.optional(nonEmpty()),
    /** The native (trained / shipped-config) context length; over-the-window warnings use it. */
    contextWindow: positiveWhole(),
    /** A longer window the model card publishes with a method the shipped config does not enable; null when none is published. */
    extendedContextWindow: z.optional(z.nullable(extendedContextSchema)),
    hfIds: z.object({
      base: z.optional(z.string()),
      instruct: z.optional(z.string()),
      quantized: z._default(z.array(z.string()), []),
    }),
    checkpoint: z.object({
      /** The repository whose config.json is copied into `config`. */
      repo: nonEmpty(),
      /** The checkpoint's own weight format, used for the `native` quant. */
      dtype: z.enum(["bf16", "fp16", "fp32", "fp8", "mxfp4", "nvfp4", "w4a16-g32", "gguf"]),
      /** total_size from model.safetensors.index.json, when read. */
      safetensorsBytes: z.optional(positiveWhole()),
    }),
    params: z.strictObject({
      total: positive(),
      active: z.nullable(positive()),
      /** A URL; "custom" on user-imported records. */
      source: z.union([z.url(), z.literal(CUSTOM)]),
      note: z.optional(z.string()),
      /** The published total counts the vision tower (default: yes, when the model has one). */
      includesVision: z.optional(z.boolean()),
      /** The published total counts the checkpoint's MTP/draft layers (default: no). */
      includesMtp: z.optional(z.boolean()),
      /** The published active count leaves out the input embedding, or both embedding and output head. */
      activeExcludes: z.optional(z.enum(["input-embedding", "embeddings"])),
      /** The published figures are rounded to this many parameters (1e9 for "7B", 1e8 for "3.5B"). */
      roundedTo: z.optional(positive()),
      /** The published total alone is rounded more coarsely than the active count ("1T" total is 1e12, "32B" active 1e9). */
      totalRoundedTo: z.optional(positive()),
    }),
    config: hfConfigSchema,
    notes: nonEmpty(),
    /** Maintainers' provenance (how the config was obtained and cross-checked); never shown to users. */
    provenance: z.optional(nonEmpty()),
    sources: z.array(citedSourceSchema),
    /** A model the user imported from a config.json (not part of the catalog). */
    custom: z.optional(z.literal(true)),
  })
  .check(
    z.superRefine((r, ctx) => {
      // Catalog records stay fully sourced; only custom records may use the marker.
      if (r.custom) return;
      if (r.checkpoint.dtype === "gguf") ctx.addIssue({ code: "custom", path: ["checkpoint", "dtype"], message: "catalog records describe checkpoints; 'gguf' marks a model read from a GGUF file by the user" });
      if (r.sources.length === 0) ctx.addIssue({ code: "custom", path: ["sources"], message: "catalog records cite at least one source" });
      if (r.releaseDate === CUSTOM) ctx.addIssue({ code: "custom", path: ["releaseDate"], message: "expected YYYY-MM-DD (or YYYY-MM)" });
      if (r.params.source === CUSTOM) ctx.addIssue({ code: "custom", path: ["params", "source"], message: "expected a source URL" });
      else if (!r.sources.some((s) => s.url === r.params.source)) ctx.addIssue({ code: "custom", path: ["params", "source"], message: "params.source must be one of the record's sources (so it is shown with a title)" });
      if (r.architectureLabel === undefined) ctx.addIssue({ code: "custom", path: ["architectureLabel"], message: "catalog records give a short architecture label" });
      if (r.modalityScope === undefined) ctx.addIssue({ code: "custom", path: ["modalityScope"], message: "catalog records say what the estimate covers of the model's modalities" });
      if (r.extendedContextWindow === undefined) ctx.addIssue({ code: "custom", path: ["extendedContextWindow"], message: "catalog records state the extended context window (null when none is published)" });
      else if (r.extendedContextWindow && r.extendedContextWindow.tokens <= r.contextWindow) ctx.addIssue({ code: "custom", path: ["extendedContextWindow", "tokens"], message: "an extended window is longer than the native one" });
    }),
  );
export type ModelRecord = z.infer<typeof modelRecordSchema>;

export const modelFileSchema = z.strictObject({ models: z.array(modelRecordSchema).check(z.minLength(1)) });

/**
 * One price of a GPU, with where and when it was read. "cloud-hourly" is an on-demand
 * (no commitment) rate per GPU-hour, already divided by the GPU count when the provider
 * prices a whole node; "purchase" is a price per card, or per system for Apple machines.
 */
export const gpuPriceSchema = z
  .strictObject({
    kind: z.enum(["cloud-hourly", "purchase"]),
    usd: positive(),
    unit: z.enum(["per GPU-hour", "per card", "per system"]),
    provider: nonEmpty(),
    product: nonEmpty(),
    url: z.url(),
    /** When we read the source. */
    read: isoDate,
    /** When the price was current, as the source dates it; null when the source gives no date. */
    asOf: z.nullable(isoDate),
    note: nonEmpty(),
  })
  .check(z.refine((p) => (p.kind === "cloud-hourly") === (p.unit === "per GPU-hour"), "cloud-hourly prices are per GPU-hour; purchase prices are per card or per system"));
export type GpuPrice = z.infer<typeof gpuPriceSchema>;

export const gpuRecordSchema = z
  .strictObject({
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9.\-]*$/)),
    name: nonEmpty(),
    aliases: z._default(z.array(nonEmpty()), []),
    /** "Custom" and "custom" mark user-defined GPUs. */
    vendor: z.enum(["NVIDIA", "AMD", "Apple", "Intel", "Google", "Custom"]),
    class: z.enum(["datacenter", "workstation", "consumer", "apple", "edge", "accelerator", "custom"]),
    /** Memory as the driver reports it to the engine (CUDA/ROCm total), in bytes. */
    memoryBytes: positiveWhole(),
    /** How memoryBytes was obtained (driver report, or nominal × known ratio). */
    memoryNote: nonEmpty(),
    marketedMemoryGB: positive(),
    bandwidthGBs: positive(),
    /**
     * Parallel units as the vendor configures this product: NVIDIA streaming multiprocessors, AMD compute
     * units, Apple GPU cores, Intel Xe cores. The speed model caps decode bandwidth at units × a fitted
     * per-unit rate (speed.ts). null when no source gives the count; absent on user-defined GPUs.
     */
    computeUnits: z.optional(z.nullable(positiveWhole())),
    /**
     * Peak dense FP16/BF16 matrix throughput with FP32 accumulate, in TFLOPS, as the vendor's
     * datasheet or whitepaper states it; the speed model uses it for prefill (time to first token).
     * Never the 2:4-sparse figure. GeForce cards: the whitepaper's "FP16 Tensor TFLOPS with FP32
     * Accumulate" (half the FP16-accumulate figure). AMD RDNA: the dense WMMA rate. Apple GPUs
     * (no matrix units before M5): the FP16 ALU rate, which equals the FP32 rate. null when no source
     * gives a figure under this convention. Full rules: catalog/README.md, "Compute: bf16Tflops".
     */
    bf16Tflops: z.nullable(positive()),
    /** Peak dense FP8 tensor throughput in TFLOPS, same rules as bf16Tflops; null where unsupported or unsourced. */
    fp8Tflops: z.nullable(positive()),
    unifiedMemory: z.boolean(),
    /** null on user-defined GPUs. */
    releaseYear: z.nullable(z.number().check(z.int(), z.minimum(2015), z.maximum(2030))),
    tdpWatts: z.nullable(positive()),
    sources: z.array(sourceSchema),
    /** Cloud and purchase prices, each with its source and date (see src/core/prices.ts). */
    prices: z._default(z.array(gpuPriceSchema), []),
    /** A GPU the user defined (not part of the catalog). */
    custom: z.optional(z.literal(true)),
  })
  .check(
    z.superRefine((g, ctx) => {
      if (new Set(g.prices.filter((p) => p.kind === "purchase").map((p) => p.unit)).size > 1) ctx.addIssue({ code: "custom", path: ["prices"], message: "a GPU's purchase prices share one unit (per card or per system)" });
      if (g.custom) return;
      if (g.sources.length === 0) ctx.addIssue({ code: "custom", path: ["sources"], message: "catalog records cite at least one source" });
      if (g.releaseYear === null) ctx.addIssue({ code: "custom", path: ["releaseYear"], message: "catalog GPUs state their release year" });
      if (g.computeUnits === undefined) ctx.addIssue({ code: "custom", path: ["computeUnits"], message: "catalog GPUs state their compute units (null when no source gives them)" });
      if (g.vendor === "Custom" || g.class === "custom") ctx.addIssue({ code: "custom", path: ["vendor"], message: "only custom GPUs use the Custom vendor/class" });
    }),
  );
export type GpuRecord = z.infer<typeof gpuRecordSchema>;
export const gpuFileSchema = z.strictObject({ gpus: z.array(gpuRecordSchema).check(z.minLength(1)) });

// ---- catalog/quants.json -----------------------------------------------------------

const bitsSchema = () => z.optional(z.number().check(z.positive()));
const countSchema = (min: number) => z.number().check(z.int(), z.minimum(min));

const formatSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["native", "float", "linear", "experts", "gguf", "file"]),
  bits: bitsSchema(),
  linearBits: bitsSchema(),
  expertBits: bitsSchema(),
  embedQuantized: z.optional(z.boolean()),
  ftype: z.optional(z.string()),
  note: z.optional(z.string()),
});

export const quantsFileSchema = z.strictObject({
  ggmlTypes: z.record(z.string(), z.strictObject({ id: countSchema(0), blockSize: countSchema(1), typeBytes: countSchema(1) })),
  formats: z.array(formatSchema),
  sources: z.array(sourceSchema).check(z.minLength(1)),
});

export type QuantFormat = z.infer<typeof formatSchema>;
/** catalog/quants.json as validated at build time. */
export type QuantsFile = z.infer<typeof quantsFileSchema>;
