// Custom models and GPUs as the user entered them, and their storage format: one
// versioned JSON string small enough for Office document settings. Models are
// stored as their inputs (config.json, index total_size, name/id, stated
// params), never as derived numbers, so a reload re-derives them with the
// current estimator. Everything read back is validated; nothing half-valid is
// ever registered.
import "./zodConfig";
import { z } from "zod";
import { setCustomEntries, type CustomEntries, type ModelEntry } from "./catalog";
import { gpuRecordSchema, type GpuRecord } from "./catalogSchema";
import { importModel, safeJsonObject, safetensorsTotalSize, slugId, type ConfigImportInput } from "./configImport";
import { fail, isFitError } from "./errors";
import { hasUnprintable } from "./names";
import { GiB } from "./units";

export const CUSTOM_STORE_VERSION = 1;
/** Office document settings hold about 2 MB in all; custom entries keep well under it. */
export const MAX_STORE_CHARS = 1_000_000;
export const MAX_CUSTOM_MODELS = 100;
export const MAX_CUSTOM_GPUS = 100;

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`).refine((s) => !hasUnprintable(s), "must not contain control characters");

/** A custom model as stored: the import inputs, with config.json parsed and the index reduced to its total_size. */
export const customModelInputSchema = z
  .object({
    config: z.record(z.string(), z.unknown()),
    safetensorsBytes: z.number().int().positive().max(1e14).optional(),
    name: text(120).optional(),
    id: text(120).optional(),
    hfId: text(200).optional(),
    statedParams: z.number().positive().max(1e14).optional(),
    contextWindow: z.number().int().positive().max(1e9).optional(),
  })
  .strict();
export type CustomModelInput = z.infer<typeof customModelInputSchema>;

/** A custom GPU as the user describes it: memory in GiB as the driver reports it, bandwidth in GB/s. */
export const customGpuInputSchema = z
  .object({
    name: text(120),
    id: text(120).optional(),
    /** Memory the driver reports (nvidia-smi MiB / 1024), GiB. */
    memoryGiB: z.number().min(0.25, "must be at least 0.25 GiB").max(16_384, "must be at most 16,384 GiB"),
    bandwidthGBs: z.number().min(1, "must be at least 1 GB/s").max(100_000, "must be at most 100,000 GB/s"),
    bf16Tflops: z.number().positive().max(100_000).nullable().optional(),
    fp8Tflops: z.number().positive().max(100_000).nullable().optional(),
    vendor: z.enum(["NVIDIA", "AMD", "Apple", "Intel", "Google", "Custom"]).optional(),
    unifiedMemory: z.boolean().optional(),
  })
  .strict();
export type CustomGpuInput = z.infer<typeof customGpuInputSchema>;

/** What the user has added: the inputs of every custom model and GPU. */
export interface CustomInputs {
  models: CustomModelInput[];
  gpus: CustomGpuInput[];
}

const storeSchema = z
  .object({
    version: z.literal(CUSTOM_STORE_VERSION),
    models: z.array(customModelInputSchema).max(MAX_CUSTOM_MODELS),
    gpus: z.array(customGpuInputSchema).max(MAX_CUSTOM_GPUS),
  })
  .strict();

function issueText(e: z.ZodError, what: string): string {
  const i = e.issues[0];
  return `${what}: ${i?.path.length ? `${i.path.join(".")} ` : ""}${i?.message ?? "is invalid"}.`;
}

/** Turns raw import input (config text or object, optional index text or object) into a storable model input. */
export function customModelInput(input: ConfigImportInput): CustomModelInput {
  const config = safeJsonObject(input.config, "config.json");
  const safetensorsBytes = input.index !== undefined && input.index !== null ? safetensorsTotalSize(input.index) : input.safetensorsBytes;
  const candidate = { config, safetensorsBytes, name: input.name, id: input.id, hfId: input.hfId, statedParams: input.statedParams, contextWindow: input.contextWindow };
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

/** The stored form: `{ version: 1, models: [...], gpus: [...] }` as one JSON string. */
export function serializeCustom(inputs: CustomInputs): string {
  const r = storeSchema.safeParse({ version: CUSTOM_STORE_VERSION, models: inputs.models, gpus: inputs.gpus });
  if (!r.success) fail("invalid", issueText(r.error, "Custom entries"));
  buildCustomEntries(r.data);
  const json = JSON.stringify(r.data);
  if (json.length > MAX_STORE_CHARS) fail("invalid", `Custom entries take ${json.length.toLocaleString("en-US")} characters; the workbook holds at most ${MAX_STORE_CHARS.toLocaleString("en-US")}. Remove some models.`);
  return json;
}

/** Parses a stored string back into inputs; bad, foreign or tampered data is a FitError. Builds each entry to validate it, registers nothing. */
export function parseCustom(stored: unknown): CustomInputs {
  if (typeof stored !== "string") fail("invalid", "Stored custom entries must be a JSON string.");
  if (stored.length > MAX_STORE_CHARS) fail("invalid", `Stored custom entries are ${stored.length.toLocaleString("en-US")} characters; at most ${MAX_STORE_CHARS.toLocaleString("en-US")} are read.`);
  const json = safeJsonObject(stored, "Stored custom entries");
  if (json.version !== CUSTOM_STORE_VERSION) fail("invalid", `Stored custom entries have version ${JSON.stringify(json.version) ?? "none"}; this add-in reads version ${CUSTOM_STORE_VERSION}.`);
  const r = storeSchema.safeParse(json);
  if (!r.success) fail("invalid", issueText(r.error, "Stored custom entries"));
  const inputs = { models: r.data.models, gpus: r.data.gpus };
  buildCustomEntries(inputs);
  return inputs;
}
