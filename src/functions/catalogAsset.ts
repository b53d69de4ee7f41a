// The Excel runtime's one copy of the catalog: catalog.json, beside the page,
// fetched once when this script runs and parsed (it was validated when the
// add-in was built). Its URL carries the content hash, so the browser may cache
// it as long as the host allows. The functions and the pane share it; calls
// that arrive before it has loaded wait for it (see whenLoaded in cellArgs.ts).
import { catalogLoadFailed, catalogPending, installCatalog } from "../core/catalogData";

declare const __CATALOG_URL__: string | undefined;

/** Fetches, parses and installs catalog.json; a failure is recorded for every call to report. */
export async function loadCatalog(url: string): Promise<void> {
  try {
    const response = await globalThis.fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    installCatalog(JSON.parse(await response.text()));
  } catch (e) {
    catalogLoadFailed(e instanceof Error ? e.message : String(e));
  }
}

// The add-in build defines the URL; jest and Node give the catalog synchronously instead.
if (typeof __CATALOG_URL__ !== "undefined" && catalogPending()) void loadCatalog(__CATALOG_URL__);
