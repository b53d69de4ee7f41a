// The model and GPU spec tables: one field list shared by the CLI, FIT.MODEL /
// FIT.GPU, the task pane's model page and the inserted spec tables.
import type { ModelEntry } from "./catalog";
import type { GpuRecord } from "./catalogSchema";
import { fail } from "./errors";
import { defaultPrice, purchasePrice } from "./prices";
import { formatCount, formatParams, toGiB } from "./units";

/** How a field is shown: parameter counts in billions, counts with separators, dates as dates, Hub repo ids as links. */
export type FieldFormat = "text" | "params" | "count" | "date" | "gib" | "number" | "bool" | "repo";

export interface SpecField<T> {
  /** Excel field name (FIT.MODEL(model, "total_params")). */
  key: string;
  /** Key in the CLI's --json output. */
  jsonKey: string;
  /** Left out of `model --json`, whose keys are a fixed contract (FIT.MODEL and the pane still show it). */
  notInJson?: boolean;
  label: string;
  /** The label for one record where it differs from the column label (MLA's head dim). */
  labelFor?: (x: T) => string;
  format: FieldFormat;
  value: (x: T) => string | number | boolean | null;
}

function attention(m: ModelEntry) {
  const mixers = m.arch.layers.flatMap((l) => l.mixers);
  return {
    attn: mixers.find((x) => x.kind === "full" || x.kind === "sliding" || x.kind === "chunked"),
    mla: mixers.find((x) => x.kind === "mla"),
  };
}

const isKvLayer = (k: string) => k === "full" || k === "sliding" || k === "chunked" || k === "mla";

export const MODEL_FIELDS: readonly SpecField<ModelEntry>[] = [
  { key: "id", jsonKey: "id", label: "Id", format: "text", value: (m) => m.record.id },
  { key: "name", jsonKey: "name", label: "Name", format: "text", value: (m) => m.record.name },
  { key: "company", jsonKey: "company", label: "Company", format: "text", value: (m) => m.record.company },
  { key: "family", jsonKey: "family", label: "Family", format: "text", value: (m) => m.record.family },
  { key: "release_date", jsonKey: "releaseDate", label: "Release date", format: "date", value: (m) => m.record.releaseDate },
  { key: "architecture_label", jsonKey: "architectureLabel", label: "Architecture", format: "text", notInJson: true, value: (m) => m.record.architectureLabel ?? null },
  { key: "architecture", jsonKey: "architecture", label: "Layout", format: "text", value: (m) => m.record.architecture },
  { key: "license", jsonKey: "license", label: "License", format: "text", value: (m) => m.record.license },
  { key: "modality", jsonKey: "modality", label: "Modality", format: "text", value: (m) => m.record.modality },
  { key: "modality_scope", jsonKey: "modalityScope", label: "Modality scope of the estimate", format: "text", notInJson: true, value: (m) => m.record.modalityScope ?? null },
  { key: "context_window", jsonKey: "contextWindow", label: "Context window (native, tokens)", format: "count", value: (m) => m.record.contextWindow },
  { key: "extended_context_window", jsonKey: "extendedContextWindow", label: "Extended context window (tokens)", format: "count", value: (m) => m.record.extendedContextWindow?.tokens ?? null },
  { key: "extended_context_method", jsonKey: "extendedContextMethod", label: "Extended context method", format: "text", notInJson: true, value: (m) => m.record.extendedContextWindow?.method ?? null },
  { key: "total_params", jsonKey: "totalParams", label: "Total parameters", format: "params", value: (m) => m.params.total },
  { key: "active_params", jsonKey: "activeParams", label: "Active parameters", format: "params", value: (m) => m.params.active },
  { key: "layers", jsonKey: "layers", label: "Layers", format: "count", value: (m) => m.arch.layers.length },
  { key: "hidden_size", jsonKey: "hiddenSize", label: "Hidden size", format: "count", value: (m) => m.arch.hidden },
  { key: "attention_heads", jsonKey: "attentionHeads", label: "Attention heads", format: "count", value: (m) => m.arch.attentionHeads },
  {
    key: "kv_heads",
    jsonKey: "kvHeads",
    label: "KV heads",
    format: "count",
    // MLA caches one shared latent per token: one "KV head".
    value: (m) => {
      const { attn, mla } = attention(m);
      return attn && "kvHeads" in attn ? attn.kvHeads : mla ? 1 : null;
    },
  },
  {
    key: "head_dim",
    jsonKey: "headDim",
    label: "Head dim",
    // MLA caches one latent of kv_lora_rank + rope dims; say so only where that is what the number is.
    labelFor: (m) => (!attention(m).attn && attention(m).mla ? "Head dim (MLA: latent + rope)" : "Head dim"),
    format: "count",
    value: (m) => {
      const { attn, mla } = attention(m);
      return attn && "headDimK" in attn ? attn.headDimK : mla && mla.kind === "mla" ? mla.kvLoraRank + mla.ropeDim : null;
    },
  },
  { key: "kv_layers", jsonKey: "kvLayers", label: "KV-bearing layers", format: "count", value: (m) => m.arch.layers.filter((l) => l.mixers.some((x) => isKvLayer(x.kind))).length },
  { key: "vocab_size", jsonKey: "vocabSize", label: "Vocabulary", format: "count", value: (m) => m.arch.vocab },
  { key: "hf_id", jsonKey: "hfId", label: "Hugging Face repo", format: "repo", notInJson: true, value: (m) => m.record.checkpoint.repo },
  { key: "checkpoint_dtype", jsonKey: "checkpointDtype", label: "Checkpoint dtype", format: "text", notInJson: true, value: (m) => m.record.checkpoint.dtype },
];

export const GPU_FIELDS: readonly SpecField<GpuRecord>[] = [
  { key: "id", jsonKey: "id", label: "Id", format: "text", value: (g) => g.id },
  { key: "name", jsonKey: "name", label: "Name", format: "text", value: (g) => g.name },
  { key: "vendor", jsonKey: "vendor", label: "Vendor", format: "text", value: (g) => g.vendor },
  { key: "class", jsonKey: "class", label: "Class", format: "text", value: (g) => g.class },
  { key: "vram_gib", jsonKey: "vramGiB", label: "Memory (GiB, as the driver reports it)", format: "gib", value: (g) => toGiB(g.memoryBytes) },
  { key: "marketed_gb", jsonKey: "marketedMemoryGB", label: "Marketed memory (GB)", format: "number", value: (g) => g.marketedMemoryGB },
  { key: "bandwidth_gbs", jsonKey: "bandwidthGBs", label: "Memory bandwidth (GB/s)", format: "number", value: (g) => g.bandwidthGBs },
  { key: "compute_units", jsonKey: "computeUnits", label: "Parallel units (SMs, CUs or GPU cores)", format: "count", value: (g) => g.computeUnits ?? null },
  { key: "bf16_tflops", jsonKey: "bf16Tflops", label: "BF16 dense TFLOPS", format: "number", value: (g) => g.bf16Tflops },
  { key: "fp8_tflops", jsonKey: "fp8Tflops", label: "FP8 dense TFLOPS", format: "number", value: (g) => g.fp8Tflops },
  { key: "unified_memory", jsonKey: "unifiedMemory", label: "Unified memory", format: "bool", value: (g) => g.unifiedMemory },
  { key: "release_year", jsonKey: "releaseYear", label: "Release year", format: "count", value: (g) => g.releaseYear },
  { key: "tdp_watts", jsonKey: "tdpWatts", label: "TDP (W)", format: "count", value: (g) => g.tdpWatts },
  // Catalog prices are a starting point: the median of dated public quotes (src/core/prices.ts).
  { key: "price_per_hour", jsonKey: "pricePerHour", label: "Cloud price, median of on-demand quotes ($/GPU-hour)", format: "number", value: (g) => defaultPrice(g)?.usd ?? null },
  { key: "price_date", jsonKey: "priceDate", label: "Cloud price: oldest quote date", format: "date", value: (g) => defaultPrice(g)?.oldest ?? null },
  { key: "purchase_price", jsonKey: "purchasePrice", label: "Purchase price, median of quotes ($)", format: "number", value: (g) => purchasePrice(g)?.usd ?? null },
  { key: "purchase_price_date", jsonKey: "purchasePriceDate", label: "Purchase price: oldest quote date", format: "date", value: (g) => purchasePrice(g)?.oldest ?? null },
];

/** A field's value as text: params in billions, counts with separators, "—" for none. */
export function formatFieldValue(format: FieldFormat, v: string | number | boolean | null): string {
  if (v === null) return "—";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "string") return v;
  switch (format) {
    case "params":
      return formatParams(v);
    case "count":
      return formatCount(v);
    case "gib":
      return `${v.toFixed(2)} GiB`;
    default:
      return String(v);
  }
}

/** The Hugging Face page of a repo id, for surfaces that link it. */
export const hubRepoUrl = (repo: string): string => `https://huggingface.co/${repo.split("/").map(encodeURIComponent).join("/")}`;

function field<T>(fields: readonly SpecField<T>[], what: string, key: unknown): SpecField<T> {
  if (typeof key !== "string" || key.trim() === "") fail("invalid", `Name a ${what} field. Fields: ${fields.map((f) => f.key).join(", ")}.`);
  const k = key.trim().toLowerCase().replace(/[\s-]+/g, "_");
  const f = fields.find((x) => x.key === k || x.jsonKey.toLowerCase() === k.replace(/_/g, ""));
  if (!f) fail("invalid", `Unknown ${what} field '${key}'. Fields: ${fields.map((x) => x.key).join(", ")}.`);
  return f;
}

/** One field of a model's spec table, by Excel name ("total_params") or JSON key. */
export const modelField = (key: unknown): SpecField<ModelEntry> => field(MODEL_FIELDS, "model", key);
/** One field of a GPU's spec table. */
export const gpuField = (key: unknown): SpecField<GpuRecord> => field(GPU_FIELDS, "GPU", key);

/** The model's spec as a JSON object keyed by jsonKey (the CLI's `model --json`). */
export function modelSpecJson(m: ModelEntry): Record<string, string | number | boolean | null | string[]> {
  const out: Record<string, string | number | boolean | null | string[]> = {};
  for (const f of MODEL_FIELDS) if (!f.notInJson) out[f.jsonKey] = f.value(m);
  const r = m.record;
  out.hfIds = [r.checkpoint.repo, ...(r.hfIds.base ? [r.hfIds.base] : []), ...(r.hfIds.instruct ? [r.hfIds.instruct] : []), ...r.hfIds.quantized].filter((v, i, a) => a.indexOf(v) === i);
  return out;
}
