// Zod schemas for the catalog files. Data is validated once, at the boundary;
// inside core the parsed types are trusted.
import "./zodConfig";
import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, "expected YYYY-MM-DD (or YYYY-MM)");

export const sourceSchema = z.object({
  url: z.string().url(),
  date: isoDate,
  what: z.string().min(1),
});
export type Source = z.infer<typeof sourceSchema>;

/**
 * A source as users see it: "publisher: title (read date)". How it was read and
 * what it was used for (research notes) stay in `note`, which is never shown;
 * `shown: false` keeps a source that only backs a note out of the visible list.
 */
export const citedSourceSchema = z
  .object({
    title: z.string().min(1),
    publisher: z.string().min(1),
    url: z.string().url(),
    date: isoDate,
    note: z.string().min(1).optional(),
    shown: z.literal(false).optional(),
  })
  .strict();
export type CitedSource = z.infer<typeof citedSourceSchema>;

/** A context length published beyond the native window, and how it is reached (YaRN, …). */
export const extendedContextSchema = z.object({ tokens: z.number().int().positive(), method: z.string().min(1) }).strict();

const safeKey = (k: string) => k !== "__proto__" && k !== "constructor" && k !== "prototype";

/** A config.json object, copied verbatim from the checkpoint's repository. */
export const hfConfigSchema = z
  .record(z.string(), z.unknown())
  .refine((o) => Object.keys(o).every(safeKey), "config has a forbidden key")
  .refine((o) => typeof o.model_type === "string", "config.model_type is missing");

/** Custom (user-imported) records carry no sourced metadata: this marker stands in for dates and source URLs. */
export const CUSTOM = "custom";

export const modelRecordSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.\-]*$/, "ids are lowercase letters, digits, '.' and '-'"),
    name: z.string().min(1),
    aliases: z.array(z.string().min(1)).default([]),
    company: z.string().min(1),
    family: z.string().min(1),
    /** ISO date; "custom" on user-imported records. */
    releaseDate: z.union([isoDate, z.literal(CUSTOM)]),
    license: z.string().min(1),
    modality: z.enum(["text", "text+vision", "text+vision+video", "text+vision+audio", "text+vision+audio+video"]),
    /** What the model takes in, and what of it the estimate counts ("text+vision in; text-only estimate, vision tower resident"). */
    modalityScope: z.string().min(1).optional(),
    /** The detailed layout, in our words. */
    architecture: z.string().min(1),
    /** A short family-level label shown beside the layout ("Hybrid multimodal MoE transformer"). */
    architectureLabel: z.string().min(1).optional(),
    /** The native (trained / shipped-config) context length; over-the-window warnings use it. */
    contextWindow: z.number().int().positive(),
    /** A longer window the model card publishes with a method the shipped config does not enable; null when none is published. */
    extendedContextWindow: extendedContextSchema.nullable().optional(),
    hfIds: z.object({
      base: z.string().optional(),
      instruct: z.string().optional(),
      quantized: z.array(z.string()).default([]),
    }),
    checkpoint: z.object({
      /** The repository whose config.json is copied into `config`. */
      repo: z.string().min(1),
      /** The checkpoint's own weight format, used for the `native` quant. */
      dtype: z.enum(["bf16", "fp16", "fp32", "fp8", "mxfp4", "nvfp4", "w4a16-g32", "gguf"]),
      /** total_size from model.safetensors.index.json, when read. */
      safetensorsBytes: z.number().int().positive().optional(),
    }),
    params: z
      .object({
        total: z.number().positive(),
        active: z.number().positive().nullable(),
        /** A URL; "custom" on user-imported records. */
        source: z.union([z.string().url(), z.literal(CUSTOM)]),
        note: z.string().optional(),
        /** The published total counts the vision tower (default: yes, when the model has one). */
        includesVision: z.boolean().optional(),
        /** The published total counts the checkpoint's MTP/draft layers (default: no). */
        includesMtp: z.boolean().optional(),
        /** The published active count leaves out the input embedding, or both embedding and output head. */
        activeExcludes: z.enum(["input-embedding", "embeddings"]).optional(),
        /** The published figures are rounded to this many parameters (1e9 for "7B", 1e8 for "3.5B"). */
        roundedTo: z.number().positive().optional(),
        /** The published total alone is rounded more coarsely than the active count ("1T" total is 1e12, "32B" active 1e9). */
        totalRoundedTo: z.number().positive().optional(),
      })
      .strict(),
    config: hfConfigSchema,
    notes: z.string().min(1),
    /** Maintainers' provenance (how the config was obtained and cross-checked); never shown to users. */
    provenance: z.string().min(1).optional(),
    sources: z.array(citedSourceSchema),
    /** A model the user imported from a config.json (not part of the catalog). */
    custom: z.literal(true).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
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
  });
export type ModelRecord = z.infer<typeof modelRecordSchema>;

export const modelFileSchema = z.object({ models: z.array(modelRecordSchema).min(1) }).strict();

/**
 * One price of a GPU, with where and when it was read. "cloud-hourly" is an on-demand
 * (no commitment) rate per GPU-hour, already divided by the GPU count when the provider
 * prices a whole node; "purchase" is a price per card, or per system for Apple machines.
 */
export const gpuPriceSchema = z
  .object({
    kind: z.enum(["cloud-hourly", "purchase"]),
    usd: z.number().positive(),
    unit: z.enum(["per GPU-hour", "per card", "per system"]),
    provider: z.string().min(1),
    product: z.string().min(1),
    url: z.string().url(),
    /** When we read the source. */
    read: isoDate,
    /** When the price was current, as the source dates it; null when the source gives no date. */
    asOf: isoDate.nullable(),
    note: z.string().min(1),
  })
  .strict()
  .refine((p) => (p.kind === "cloud-hourly") === (p.unit === "per GPU-hour"), "cloud-hourly prices are per GPU-hour; purchase prices are per card or per system");
export type GpuPrice = z.infer<typeof gpuPriceSchema>;

export const gpuRecordSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.\-]*$/),
    name: z.string().min(1),
    aliases: z.array(z.string().min(1)).default([]),
    /** "Custom" and "custom" mark user-defined GPUs. */
    vendor: z.enum(["NVIDIA", "AMD", "Apple", "Intel", "Google", "Custom"]),
    class: z.enum(["datacenter", "workstation", "consumer", "apple", "edge", "accelerator", "custom"]),
    /** Memory as the driver reports it to the engine (CUDA/ROCm total), in bytes. */
    memoryBytes: z.number().int().positive(),
    /** How memoryBytes was obtained (driver report, or nominal × known ratio). */
    memoryNote: z.string().min(1),
    marketedMemoryGB: z.number().positive(),
    bandwidthGBs: z.number().positive(),
    /**
     * Peak dense FP16/BF16 matrix throughput with FP32 accumulate, in TFLOPS, as the vendor's
     * datasheet or whitepaper states it; the speed model uses it for prefill (time to first token).
     * Never the 2:4-sparse figure. GeForce cards: the whitepaper's "FP16 Tensor TFLOPS with FP32
     * Accumulate" (half the FP16-accumulate figure). AMD RDNA: the dense WMMA rate. Apple GPUs
     * (no matrix units before M5): the FP16 ALU rate, which equals the FP32 rate. null when no source
     * gives a figure under this convention. Full rules: catalog/README.md, "Compute: bf16Tflops".
     */
    bf16Tflops: z.number().positive().nullable(),
    /** Peak dense FP8 tensor throughput in TFLOPS, same rules as bf16Tflops; null where unsupported or unsourced. */
    fp8Tflops: z.number().positive().nullable(),
    unifiedMemory: z.boolean(),
    /** null on user-defined GPUs. */
    releaseYear: z.number().int().min(2015).max(2030).nullable(),
    tdpWatts: z.number().positive().nullable(),
    sources: z.array(sourceSchema),
    /** Cloud and purchase prices, each with its source and date (see src/core/prices.ts). */
    prices: z.array(gpuPriceSchema).default([]),
    /** A GPU the user defined (not part of the catalog). */
    custom: z.literal(true).optional(),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (new Set(g.prices.filter((p) => p.kind === "purchase").map((p) => p.unit)).size > 1) ctx.addIssue({ code: "custom", path: ["prices"], message: "a GPU's purchase prices share one unit (per card or per system)" });
    if (g.custom) return;
    if (g.sources.length === 0) ctx.addIssue({ code: "custom", path: ["sources"], message: "catalog records cite at least one source" });
    if (g.releaseYear === null) ctx.addIssue({ code: "custom", path: ["releaseYear"], message: "catalog GPUs state their release year" });
    if (g.vendor === "Custom" || g.class === "custom") ctx.addIssue({ code: "custom", path: ["vendor"], message: "only custom GPUs use the Custom vendor/class" });
  });
export type GpuRecord = z.infer<typeof gpuRecordSchema>;
export const gpuFileSchema = z.object({ gpus: z.array(gpuRecordSchema).min(1) }).strict();
