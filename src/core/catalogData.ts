// The catalog as data: one JSON document (catalog.json) built from catalog/ and
// validated when the add-in is built (catalogBuild.ts), so a runtime only parses
// it. Each surface says where its copy comes from, once:
//   - the Excel runtime (functions and pane, one shared copy) fetches catalog.json
//     and installs it with installCatalog; until then catalogPending() is true;
//   - Node (CLI, scripts: the JSON bundled into their build) and jest (catalog/
//     read and validated from disk) give a synchronous source with useCatalogSource.
// Everything else reads catalogData() synchronously and trusts it.
import { fail, FitError } from "./errors";
import type { GpuRecord, ModelRecord } from "./catalogSchema";
import type { QuantsFile } from "./quant";
import type { RuntimeInfo } from "./runtimeDefaults";
import type { PageRecord } from "./pageSchema";

/** The shape of catalog.json; bumped when it changes, so no runtime reads an asset of another shape. */
export const CATALOG_FORMAT = 2;

/** catalog.json: every record as validated at build time (zod defaults applied), models sorted by id. */
export interface CatalogData {
  format: number;
  models: ModelRecord[];
  gpus: GpuRecord[];
  runtimes: RuntimeInfo[];
  quants: QuantsFile;
  /** Each catalog model's written page (catalog/pages/*.json), by model id: only the pane and the CLI read them. */
  pages: Record<string, PageRecord>;
}

let data: CatalogData | undefined;
let source: (() => unknown) | undefined;
let failure: FitError | undefined;
const waiting: Array<{ resolve: () => void; reject: (e: FitError) => void }> = [];

function checked(raw: unknown): CatalogData {
  const d = raw as Partial<CatalogData> | null;
  if (!d || typeof d !== "object" || d.format !== CATALOG_FORMAT || !Array.isArray(d.models) || !Array.isArray(d.gpus) || !Array.isArray(d.runtimes) || !d.quants || !d.pages)
    fail("invalid", `The catalog is not a FitMyGPU catalog of format ${CATALOG_FORMAT}: rebuild the add-in (npm run build).`);
  return d as CatalogData;
}

function settle(): void {
  for (const w of waiting.splice(0)) {
    if (failure) w.reject(failure);
    else w.resolve();
  }
}

/** The catalog, parsed; throws while a runtime is still loading it, or when loading failed. */
export function catalogData(): CatalogData {
  if (data) return data;
  if (failure) throw failure;
  if (source) {
    const read = source;
    source = undefined;
    try {
      data = checked(read());
    } catch (e) {
      failure = e instanceof FitError ? e : new FitError("invalid", `The FitMyGPU catalog could not be read: ${(e as Error).message}`);
      throw failure;
    }
    return data;
  }
  return fail("invalid", "The FitMyGPU catalog has not loaded yet.");
}

/** A synchronous source, read on first use (Node: the JSON bundled into the build; jest: catalog/ on disk). */
export function useCatalogSource(read: () => unknown): void {
  if (data) fail("invalid", "Internal: the catalog is already loaded.");
  source = read;
  failure = undefined;
  settle();
}

/** Installs the parsed catalog.json a runtime fetched; calls waiting for it go ahead. */
export function installCatalog(raw: unknown): void {
  if (data) fail("invalid", "Internal: the catalog is already loaded.");
  try {
    data = checked(raw);
    failure = undefined;
  } catch (e) {
    failure = e as FitError;
  }
  settle();
}

/** Records why the catalog could not be loaded: every call waiting, and every later one, fails with this message. */
export function catalogLoadFailed(reason: string): void {
  if (data) return;
  failure = new FitError("invalid", `The FitMyGPU catalog could not be loaded (${reason}). Reload the add-in.`);
  settle();
}

/** True while a runtime is still fetching the catalog: catalogData() would throw "not loaded yet". */
export const catalogPending = (): boolean => data === undefined && source === undefined && failure === undefined;

/** Resolves once the catalog can be read; rejects with the FitError saying why it could not be loaded. */
export function whenCatalogLoaded(): Promise<void> {
  if (!catalogPending()) return failure ? Promise.reject(failure) : Promise.resolve();
  return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}
