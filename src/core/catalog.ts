// The catalog for a runtime (Excel functions and task pane, CLI): the model
// entries built from the validated data (catalogData.ts), the registered custom
// models and GPUs, and one name index per kind.
import { architectureFromConfig, type Architecture } from "./architecture";
import { catalogData, type CatalogData } from "./catalogData";
import type { GpuRecord, ModelRecord } from "./catalogSchema";
import { fail } from "./errors";
import type { FileWeights } from "./fileWeights";
import { KV_ALIASES, KV_DTYPES, type KvDtype } from "./kvDtype";
import { buildIndex, normalizeName, resolve, type NameIndex } from "./names";
import type { QuantFormat } from "./quant";
import type { RuntimeInfo } from "./runtimeDefaults";
import { paramCounts, type ParamCounts } from "./weights";

export type { RuntimeId } from "./runtimeIds";
export type { RuntimeInfo } from "./runtimeDefaults";

/** A catalog (or imported) model with its parsed architecture and derived parameter counts. */
export interface ModelEntry {
  record: ModelRecord;
  arch: Architecture;
  params: ParamCounts;
  /** Exact weight bytes read from the model's GGUF file(s); absent for checkpoints sized by quant rules. */
  fileWeights?: FileWeights;
}

/** Builds a model entry from a validated record; throws a FitError if its config is not understood. */
export function modelEntry(record: ModelRecord): ModelEntry {
  const arch = architectureFromConfig(record.config as Record<string, unknown>);
  return { record, arch, params: paramCounts(arch) };
}

/**
 * A catalog model's entry, derived on first use: the build has already checked every config, so a
 * runtime that starts only parses catalog.json and indexes names; a model's layers and parameter
 * counts are worked out when a question first needs them.
 */
function catalogEntry(record: ModelRecord): ModelEntry {
  let entry: ModelEntry | undefined;
  const derived = (): ModelEntry => {
    if (entry) return entry;
    try {
      return (entry = modelEntry(record));
    } catch (e) {
      return fail("invalid", `Catalog model '${record.id}': ${(e as Error).message}`);
    }
  };
  return {
    record,
    get arch() {
      return derived().arch;
    },
    get params() {
      return derived().params;
    },
  };
}

export interface Catalog {
  models: ModelEntry[];
  gpus: GpuRecord[];
  quants: readonly QuantFormat[];
  runtimes: RuntimeInfo[];
  kvDtypes: readonly KvDtype[];
  index: {
    model: NameIndex<ModelEntry>;
    gpu: NameIndex<GpuRecord>;
    quant: NameIndex<QuantFormat>;
    runtime: NameIndex<RuntimeInfo>;
    kvDtype: NameIndex<KvDtype>;
  };
}

function modelNames(m: ModelEntry): string[] {
  const r = m.record;
  return [r.id, r.name, ...r.aliases, r.checkpoint.repo, ...(r.hfIds.instruct ? [r.hfIds.instruct] : [])];
}

/** Base and quantized repos may be shared by variants (3.1 and 3.2 share a base): first claim wins. */
function modelWeakNames(m: ModelEntry): string[] {
  const r = m.record;
  return [...(r.hfIds.base ? [r.hfIds.base] : []), ...r.hfIds.quantized];
}

interface BaseCatalog {
  models: ModelEntry[];
  gpus: GpuRecord[];
  runtimes: RuntimeInfo[];
  quants: readonly QuantFormat[];
  /** The catalog's own names, built on the first custom entry checked against them. */
  indexes?: { model: NameIndex<ModelEntry>; gpu: NameIndex<GpuRecord> };
}

let base: BaseCatalog | undefined;
let cached: Catalog | undefined;
let custom: CustomEntries = { models: [], gpus: [] };
let generation = 0;

const baseOf = (d: CatalogData): BaseCatalog => ({ models: d.models.map(catalogEntry), gpus: d.gpus, runtimes: d.runtimes, quants: d.quants.formats });

function baseCatalog(): BaseCatalog {
  if (!base) base = baseOf(catalogData());
  return base;
}

const modelIndex = (models: ModelEntry[]) => buildIndex("model", models, modelNames, (m) => m.record.id, modelWeakNames);
const gpuNames = (g: GpuRecord) => [g.id, g.name, ...g.aliases];
const gpuIndex = (gpus: GpuRecord[]) => buildIndex("GPU", gpus, gpuNames, (g) => g.id);
const kvAliases = (k: KvDtype) => [k.id, ...Object.entries(KV_ALIASES).filter(([, v]) => v === k.id).map(([a]) => a)];

/** The catalog of a base and custom entries: every name index built (a name claimed twice throws). */
function assemble(b: BaseCatalog, c: CustomEntries): Catalog {
  const models = [...b.models, ...c.models];
  const gpus = [...b.gpus, ...c.gpus];
  return {
    models,
    gpus,
    quants: b.quants,
    runtimes: b.runtimes,
    kvDtypes: KV_DTYPES,
    index: {
      model: modelIndex(models),
      gpu: gpuIndex(gpus),
      quant: buildIndex("quant", [...b.quants], (q) => [q.id, q.name], (q) => q.id),
      runtime: buildIndex("runtime", b.runtimes, (r) => [r.id, r.name, ...r.aliases], (r) => r.id),
      kvDtype: buildIndex("KV dtype", [...KV_DTYPES], kvAliases, (k) => k.id),
    },
  };
}

/** The catalog, built from its data on first use, with the registered custom models and GPUs appended. */
export function catalog(): Catalog {
  if (!cached) cached = assemble(baseCatalog(), custom);
  return cached;
}

/** The catalog a data set makes on its own: what the build checks (every config understood, every name claimed once). */
export const catalogOf = (d: CatalogData): Catalog => assemble(baseOf(d), { models: [], gpus: [] });

// ---- custom models and GPUs ---------------------------------------------------

/** Models imported from a config.json and GPUs the user defined, kept beside the catalog. */
export interface CustomEntries {
  models: ModelEntry[];
  gpus: GpuRecord[];
}

/** Throws when a custom entry answers to a name the catalog (or an earlier custom entry) already answers to. */
function checkNames<T>(kind: string, index: NameIndex<T>, items: T[], names: (x: T) => string[], id: (x: T) => string): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    for (const raw of names(item)) {
      const key = normalizeName(raw);
      const hit = index.map.get(key);
      if (hit !== undefined) fail("invalid", `Custom ${kind} '${id(item)}': the name '${raw}' already names the catalog ${kind} '${id(hit)}'. Choose another name.`);
      const other = seen.get(key);
      if (other !== undefined && other !== item) fail("invalid", `Custom ${kind}s '${id(other)}' and '${id(item)}' both answer to '${raw}'. Choose another name.`);
      seen.set(key, item);
    }
  }
}

/** Throws unless the entries could be registered together: all marked custom, no name shadowing the catalog or another entry. */
export function checkCustomEntries(entries: Partial<CustomEntries>): void {
  const b = baseCatalog();
  const models = entries.models ?? [];
  const gpus = entries.gpus ?? [];
  for (const m of models) if (m.record.custom !== true) fail("invalid", `'${m.record.id}' is not marked as a custom model.`);
  for (const g of gpus) if (g.custom !== true) fail("invalid", `'${g.id}' is not marked as a custom GPU.`);
  b.indexes ??= { model: modelIndex(b.models), gpu: gpuIndex(b.gpus) };
  checkNames("model", b.indexes.model, models, (m) => [...modelNames(m), ...modelWeakNames(m)], (m) => m.record.id);
  checkNames("GPU", b.indexes.gpu, gpus, gpuNames, (g) => g.id);
}

/**
 * Replaces the registered custom models and GPUs. A custom name may never shadow
 * a catalog name, so any collision rejects the whole set and keeps the old one.
 */
export function setCustomEntries(entries: Partial<CustomEntries>): void {
  checkCustomEntries(entries);
  const models = [...(entries.models ?? [])];
  const gpus = [...(entries.gpus ?? [])];
  custom = { models, gpus };
  cached = undefined;
  generation++;
}

/** The registered custom models and GPUs. */
export const customEntries = (): CustomEntries => ({ models: [...custom.models], gpus: [...custom.gpus] });

/** Removes every custom model and GPU. */
export const clearCustomEntries = (): void => setCustomEntries({});

/** Bumped whenever the set of names changes; caches keyed by names include it. */
export const catalogGeneration = (): number => generation;

/** Finds a model by id, name, HF repo id or alias. */
export const findModel = (name: unknown): ModelEntry => resolve(catalog().index.model, name);
/** Finds a GPU by id, name or alias. */
export const findGpu = (name: unknown): GpuRecord => resolve(catalog().index.gpu, name);
/** Finds a quant format by id. */
export const findQuant = (name: unknown): QuantFormat => resolve(catalog().index.quant, name);
/** Finds a runtime by id or alias. */
export const findRuntime = (name: unknown): RuntimeInfo => resolve(catalog().index.runtime, name);
/** Finds a KV cache dtype by id or alias. */
export const findKvDtype = (name: unknown): KvDtype => resolve(catalog().index.kvDtype, name);
