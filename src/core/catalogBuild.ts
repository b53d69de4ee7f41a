// Builds catalog.json from the files in catalog/: every file through its zod
// schema, then the catalog the runtimes will make of it (every config.json
// understood, every name claimed once). Runs when the add-in is built (the
// webpack plugin in scripts/catalogAsset.js) and when jest loads the catalog,
// so a runtime only parses the result. No file system here: the caller reads.
import "./zodConfig";
import type * as z from "zod/mini";
import { catalogOf, modelEntry } from "./catalog";
import { CATALOG_FORMAT, type CatalogData } from "./catalogData";
import { gpuFileSchema, modelFileSchema, quantsFileSchema } from "./catalogSchema";
import { checkConfig } from "./configSchema";
import { fail, isFitError } from "./errors";
import { pageFileSchema } from "./pageSchema";
import { runtimesFileSchema } from "./runtimesSchema";

/** Reads the catalog folder: `list` gives the file names in a subfolder, `read` a file's text, both relative to catalog/. */
export interface CatalogFolder {
  list(dir: string): string[];
  read(file: string): string;
}

/** The files that make the catalog, relative to catalog/: every models/*.json, the GPU, engine and format files, then every pages/*.json. */
export function catalogFiles(folder: Pick<CatalogFolder, "list">): string[] {
  const models = folder
    .list("models")
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `models/${f}`);
  const pages = folder
    .list("pages")
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `pages/${f}`);
  return [...models, "gpus.json", "runtimes.json", "quants.json", ...pages];
}

function parse<S extends z.ZodMiniType>(file: string, text: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail("invalid", `catalog/${file} is not JSON: ${(e as Error).message}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return fail("invalid", `catalog/${file} is invalid: ${issue?.message} at ${issue?.path.join(".")}`);
  }
  return r.data;
}

/** catalog.json's content, validated; throws a FitError naming the file (and record) at fault. */
export function buildCatalogData(folder: CatalogFolder): CatalogData {
  const files = catalogFiles(folder);
  const models = files
    .filter((f) => f.startsWith("models/"))
    .flatMap((f) =>
      parse(f, folder.read(f), modelFileSchema).models.map((record) => {
        try {
          // The one check of a catalog config: runtimes trust catalog.json and parse without it.
          checkConfig(record.config);
          modelEntry(record);
        } catch (e) {
          fail("invalid", `catalog/${f}: model '${record.id}': ${(e as Error).message}`);
        }
        return record;
      }),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  const data: CatalogData = {
    format: CATALOG_FORMAT,
    models,
    gpus: parse("gpus.json", folder.read("gpus.json"), gpuFileSchema).gpus,
    runtimes: parse("runtimes.json", folder.read("runtimes.json"), runtimesFileSchema).runtimes,
    quants: parse("quants.json", folder.read("quants.json"), quantsFileSchema),
    pages: {},
  };
  for (const f of files.filter((x) => x.startsWith("pages/"))) {
    for (const [id, page] of Object.entries(parse(f, folder.read(f), pageFileSchema).pages)) {
      if (data.pages[id]) fail("invalid", `catalog/${f}: model '${id}' has a page in more than one pages/ file.`);
      if (!models.some((m) => m.id === id)) fail("invalid", `catalog/${f}: page '${id}' names no catalog model.`);
      data.pages[id] = page;
    }
  }
  // Names across files: a name claimed twice is an error naming both records.
  try {
    catalogOf(data);
  } catch (e) {
    if (isFitError(e)) fail("invalid", `catalog/: ${e.message}`);
    throw e;
  }
  return data;
}
