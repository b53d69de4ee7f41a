// Custom models and GPUs as the user entered them, and their storage format: one
// versioned JSON string small enough for Office document settings. Models are
// stored as their inputs (config.json, index total_size, name/id, stated
// params, a GGUF's tensor byte totals), never as derived numbers, so a reload
// re-derives them with the current estimator. Everything read back is validated entry by entry: nothing
// half-valid is ever registered, one bad entry never keeps the others from
// loading, and an entry that does not load is kept verbatim, so saving never
// loses what the workbook held.
import "./zodConfig";
import * as z from "zod/mini";
import { checkCustomEntries, setCustomEntries, type CustomEntries, type ModelEntry } from "./catalog";
import { gpuRecordSchema, type GpuRecord } from "./catalogSchema";
import { importModel, safeJsonObject, safetensorsTotalSize, slugId, type ConfigImportInput } from "./configImport";
import { fail, isFitError } from "./errors";
import { fileWeightsSchema } from "./fileWeights";
import { hasUnprintable, UNPRINTABLE } from "./names";
import { GiB } from "./units";

export const CUSTOM_STORE_VERSION = 1;
/** Office document settings hold about 2 MB in all; custom entries keep well under it. */
export const MAX_STORE_CHARS = 1_000_000;
export const MAX_CUSTOM_MODELS = 100;
export const MAX_CUSTOM_GPUS = 100;

const text = (max: number) => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(max, `must be at most ${max} characters`), z.refine((s) => !hasUnprintable(s), "must not contain control characters"));
const positiveUpTo = (max: number) => z.number().check(z.positive(), z.maximum(max));

/** A custom model as stored: the import inputs, with config.json parsed and the index reduced to its total_size. */
export const customModelInputSchema = z.strictObject({
  config: z.record(z.string(), z.unknown()),
  safetensorsBytes: z.optional(z.number().check(z.int(), z.positive(), z.maximum(1e14))),
  name: z.optional(text(120)),
  id: z.optional(text(120)),
  hfId: z.optional(text(200)),
  statedParams: z.optional(positiveUpTo(1e14)),
  contextWindow: z.optional(z.number().check(z.int(), z.positive(), z.maximum(1e9))),
  /** Exact weights read from the model's GGUF file(s): facts of the file, not derived numbers. */
  gguf: z.optional(fileWeightsSchema),
});
export type CustomModelInput = z.infer<typeof customModelInputSchema>;

/** A custom GPU as the user describes it: memory in GiB as the driver reports it, bandwidth in GB/s. */
export const customGpuInputSchema = z.strictObject({
  name: text(120),
  id: z.optional(text(120)),
  /** Memory the driver reports (nvidia-smi MiB / 1024), GiB. */
  memoryGiB: z.number().check(z.minimum(0.25, "must be at least 0.25 GiB"), z.maximum(16_384, "must be at most 16,384 GiB")),
  bandwidthGBs: z.number().check(z.minimum(1, "must be at least 1 GB/s"), z.maximum(100_000, "must be at most 100,000 GB/s")),
  bf16Tflops: z.optional(z.nullable(positiveUpTo(100_000))),
  fp8Tflops: z.optional(z.nullable(positiveUpTo(100_000))),
  vendor: z.optional(z.enum(["NVIDIA", "AMD", "Apple", "Intel", "Google", "Custom"])),
  unifiedMemory: z.optional(z.boolean()),
});
export type CustomGpuInput = z.infer<typeof customGpuInputSchema>;

/** A stored entry that did not load: shown with its reason, and written back unchanged on save. */
export interface UnloadedEntry {
  /** A model or GPU entry, or "store" when the setting as a whole could not be read. */
  kind: "model" | "gpu" | "store";
  /** The stored JSON value, as read. */
  raw: unknown;
  /** How the list names it (from its stored name, when it has one). */
  label: string;
  reason: string;
}

/** What the user has added: the inputs of every custom model and GPU, and what was stored but did not load. */
export interface CustomInputs {
  models: CustomModelInput[];
  gpus: CustomGpuInput[];
  /** Stored entries that did not load; kept so that saving never drops them. */
  unloaded?: UnloadedEntry[];
}

const storeSchema = z.strictObject({
  version: z.literal(CUSTOM_STORE_VERSION),
  models: z.array(customModelInputSchema).check(z.maxLength(MAX_CUSTOM_MODELS)),
  gpus: z.array(customGpuInputSchema).check(z.maxLength(MAX_CUSTOM_GPUS)),
});

function issueText(e: z.core.$ZodError, what: string): string {
  const i = e.issues[0];
  return `${what}: ${i?.path.length ? `${i.path.join(".")} ` : ""}${i?.message ?? "is invalid"}.`;
}

/** Turns raw import input (config text or object, optional index text or object) into a storable model input. */
export function customModelInput(input: ConfigImportInput): CustomModelInput {
  const config = safeJsonObject(input.config, "config.json");
  const safetensorsBytes = input.index !== undefined && input.index !== null ? safetensorsTotalSize(input.index) : input.safetensorsBytes;
  const candidate = { config, safetensorsBytes, name: input.name, id: input.id, hfId: input.hfId, statedParams: input.statedParams, contextWindow: input.contextWindow, gguf: input.gguf };
  for (const k of Object.keys(candidate) as (keyof typeof candidate)[]) if (candidate[k] === undefined) delete candidate[k];
  const r = customModelInputSchema.safeParse(candidate);
  if (!r.success) fail("invalid", issueText(r.error, "Custom model"));
  importModel(r.data); // validates the config itself: a model that does not import is never stored
  return r.data;
}

/** Builds the GPU record of a custom GPU (vendor and class "Custom"/"custom" unless stated). */
export function customGpu(input: CustomGpuInput): GpuRecord {
  const r = customGpuInputSchema.safeParse(input);
  if (!r.success) fail("invalid", issueText(r.error, `Custom GPU${input && typeof input === "object" && typeof input.name === "string" ? ` '${input.name}'` : ""}`));
  const g = r.data;
  const id = g.id ?? slugId(g.name);
  if (!/^[a-z0-9][a-z0-9.\-]*$/.test(id)) fail("invalid", `The GPU id '${id}' must be lowercase letters, digits, '.' and '-' (starting with a letter or digit).`);
  const vendor = g.vendor ?? "Custom";
  const memoryBytes = Math.round(g.memoryGiB * GiB);
  const record = {
    id,
    name: g.name,
    aliases: [],
    vendor,
    class: "custom",
    memoryBytes,
    memoryNote: `Custom GPU: ${g.memoryGiB} GiB as entered by the user (driver-reported memory).`,
    marketedMemoryGB: Math.round(memoryBytes / 1e7) / 100,
    bandwidthGBs: g.bandwidthGBs,
    bf16Tflops: g.bf16Tflops ?? null,
    fp8Tflops: g.fp8Tflops ?? null,
    unifiedMemory: g.unifiedMemory ?? vendor === "Apple",
    releaseYear: null,
    tdpWatts: null,
    sources: [],
    custom: true as const,
  };
  const parsed = gpuRecordSchema.safeParse(record);
  if (!parsed.success) fail("invalid", issueText(parsed.error, `Custom GPU '${g.name}'`));
  return parsed.data;
}

/** Builds every custom entry; throws a FitError naming the first one that fails. */
export function buildCustomEntries(inputs: CustomInputs): CustomEntries {
  const models: ModelEntry[] = inputs.models.map((m, i) => {
    try {
      return importModel(m);
    } catch (e) {
      if (!isFitError(e)) throw e;
      return fail(e.kind, `Custom model ${m.name ?? m.id ?? `#${i + 1}`}: ${e.message}`);
    }
  });
  return { models, gpus: inputs.gpus.map(customGpu) };
}

/** Builds the entries and registers them (catalog names are never shadowed); returns what was registered. */
export function registerCustom(inputs: CustomInputs): CustomEntries {
  const entries = buildCustomEntries(inputs);
  setCustomEntries(entries);
  return entries;
}

/**
 * The stored form: `{ version: 1, models: [...], gpus: [...] }` as one JSON
 * string, the entries that did not load written back as they were read. Refused
 * while the stored setting as a whole could not be read: writing would replace it.
 */
export function serializeCustom(inputs: CustomInputs): string {
  const unloaded = inputs.unloaded ?? [];
  const unreadable = unloaded.find((u) => u.kind === "store");
  if (unreadable) fail("invalid", `The custom entries stored in this workbook could not be read (${unreadable.reason}); saving would overwrite them. Remove them first, or keep them and save nothing.`);
  const r = storeSchema.safeParse({ version: CUSTOM_STORE_VERSION, models: inputs.models, gpus: inputs.gpus });
  if (!r.success) fail("invalid", issueText(r.error, "Custom entries"));
  buildCustomEntries(r.data);
  const kept = (kind: UnloadedEntry["kind"]) => unloaded.filter((u) => u.kind === kind).map((u) => u.raw);
  const stored = { version: CUSTOM_STORE_VERSION, models: [...r.data.models, ...kept("model")], gpus: [...r.data.gpus, ...kept("gpu")] };
  if (stored.models.length > MAX_CUSTOM_MODELS || stored.gpus.length > MAX_CUSTOM_GPUS) fail("invalid", `A workbook holds at most ${MAX_CUSTOM_MODELS} custom models and ${MAX_CUSTOM_GPUS} GPUs, counting those that did not load. Remove some.`);
  const json = JSON.stringify(stored);
  if (json.length > MAX_STORE_CHARS) fail("invalid", `Custom entries take ${json.length.toLocaleString("en-US")} characters; the workbook holds at most ${MAX_STORE_CHARS.toLocaleString("en-US")}. Remove some models.`);
  return json;
}

/** Custom entries read back from a workbook: what loaded (validated and built, not yet registered) and what did not. */
export interface StoredCustom {
  inputs: CustomInputs;
  entries: CustomEntries;
}

/** Time limits of reading stored entries; the clock is injectable for tests. */
export interface ReadLimits {
  /** An entry whose import takes longer is not registered (kept, with the reason): every FIT call would pay for it again. */
  entryMs?: number;
  /** No further entry is started after this long; the rest are kept, unloaded. */
  totalMs?: number;
  now?: () => number;
}

/** Each entry's import is bounded by construction (every count in a config is capped); these catch what slips through. */
const ENTRY_MS = 2_000;
const TOTAL_MS = 5_000;

/** How the list names a stored entry: its name or id when it has a usable one. */
function entryLabel(kind: "model" | "gpu", raw: unknown, index: number): string {
  const o = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(o, k) && typeof o[k] === "string" && (o[k] as string).trim() ? (o[k] as string).trim() : undefined);
  const config = Object.prototype.hasOwnProperty.call(o, "config") && o.config !== null && typeof o.config === "object" ? (o.config as Record<string, unknown>) : {};
  const type = Object.prototype.hasOwnProperty.call(config, "model_type") && typeof config.model_type === "string" ? config.model_type : undefined;
  const name = own("name") ?? own("id") ?? type;
  const shown = name === undefined ? `#${index + 1}` : `'${name.replace(UNPRINTABLE, "?").slice(0, 60)}${name.length > 60 ? "…" : ""}'`;
  return `${kind === "model" ? "Model" : "GPU"} ${shown}`;
}

/** Why a thrown value stopped an entry: a FitError's message, else what went wrong inside. */
const reasonOf = (e: unknown): string => (isFitError(e) ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`);

/**
 * Reads a stored value back, entry by entry. Never throws: a setting that cannot
 * be read at all is one "store" entry; a model or GPU that does not validate,
 * import, fit the time limits or keep clear of catalog and earlier names is
 * unloaded with its reason. Registers nothing.
 */
export function readCustom(stored: unknown, limits: ReadLimits = {}): StoredCustom {
  const none = (unloaded: UnloadedEntry[] = []): StoredCustom => ({ inputs: { models: [], gpus: [], unloaded }, entries: { models: [], gpus: [] } });
  const unreadable = (reason: string) => none([{ kind: "store", raw: stored, label: "All custom entries stored in this workbook", reason }]);
  if (stored === null || stored === undefined || stored === "") return none();
  if (typeof stored !== "string") return unreadable("they are not a JSON string");
  if (stored.length > MAX_STORE_CHARS) return unreadable(`they are ${stored.length.toLocaleString("en-US")} characters; at most ${MAX_STORE_CHARS.toLocaleString("en-US")} are read`);
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch (e) {
    return unreadable(`they are not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return unreadable("they are not a JSON object");
  const top = json as Record<string, unknown>;
  if (top.version !== CUSTOM_STORE_VERSION) return unreadable(`they have version ${JSON.stringify(top.version) ?? "none"}; this add-in reads version ${CUSTOM_STORE_VERSION}`);
  const extra = Object.keys(top).filter((k) => !["version", "models", "gpus"].includes(k));
  if (extra.length) return unreadable(`they hold keys this add-in does not know (${extra.slice(0, 3).map((k) => JSON.stringify(k)).join(", ")})`);
  if (!Array.isArray(top.models) || !Array.isArray(top.gpus)) return unreadable("models and gpus must be lists");

  const now = limits.now ?? (() => Date.now());
  const entryMs = limits.entryMs ?? ENTRY_MS;
  const stopAt = now() + (limits.totalMs ?? TOTAL_MS);
  const out = none().inputs;
  const unloaded = out.unloaded!;
  const built: CustomEntries = { models: [], gpus: [] };
  /** Validates, builds and name-checks one entry against those already accepted; returns the reason it did not load. */
  const take = (kind: "model" | "gpu", raw: unknown, index: number, max: number): void => {
    const label = entryLabel(kind, raw, index);
    const skip = (reason: string) => void unloaded.push({ kind, raw, label, reason });
    if (index >= max) return skip(`a workbook holds at most ${max} custom ${kind === "model" ? "models" : "GPUs"}`);
    if (now() > stopAt) return skip("loading stopped: the entries before it took too long (it is kept; reopen the workbook to try again)");
    const t0 = now();
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return skip("it is not a JSON object");
    try {
      const plain = safeJsonObject(raw, `Stored custom ${kind}`);
      if (kind === "model") {
        const r = customModelInputSchema.safeParse(plain);
        if (!r.success) return skip(issueText(r.error, "Stored custom model").replace(/\.$/, ""));
        const entry = importModel(r.data);
        if (now() - t0 > entryMs) return skip(`its import took ${((now() - t0) / 1000).toFixed(1)} s, over the ${entryMs / 1000} s allowed per entry`);
        checkCustomEntries({ models: [...built.models, entry], gpus: built.gpus });
        built.models.push(entry);
        out.models.push(r.data);
      } else {
        const r = customGpuInputSchema.safeParse(plain);
        if (!r.success) return skip(issueText(r.error, "Stored custom GPU").replace(/\.$/, ""));
        const gpu = customGpu(r.data);
        checkCustomEntries({ models: built.models, gpus: [...built.gpus, gpu] });
        built.gpus.push(gpu);
        out.gpus.push(r.data);
      }
    } catch (e) {
      skip(reasonOf(e));
    }
  };
  top.models.forEach((raw, i) => take("model", raw, i, MAX_CUSTOM_MODELS));
  top.gpus.forEach((raw, i) => take("gpu", raw, i, MAX_CUSTOM_GPUS));
  return { inputs: out, entries: built };
}
