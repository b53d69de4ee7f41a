// Loads the built add-in's functions as Excel does: dist/functions.json for the
// metadata, and dist/functions.js run with a CustomFunctions object whose
// `associate` records each id → function the bundle registers. The bundle
// fetches catalog.json beside it, as in Excel; the first call waits for it.
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import type { FunctionMeta } from "./functionDocs";
import type { Registered } from "./excelCall";
import { ErrorCode, StubError } from "./customFunctionsStub";

/** The built functions: metadata, the registry the bundle filled in, and how long the script took to run and the first call to answer (ms). */
export interface LoadedFunctions {
  functions: FunctionMeta[];
  registry: Map<string, Registered>;
  scriptMs: number;
  firstAnswerMs: number;
}

/**
 * Runs dist/functions.js as a page would (its own module registry, in this realm: a vm context
 * would slow every global lookup and distort the benchmark), with CustomFunctions and a fetch for
 * the files beside it as globals, and waits until its catalog has loaded.
 */
export async function loadRegisteredFunctions(dist = path.resolve(__dirname)): Promise<LoadedFunctions> {
  const jsonPath = path.join(dist, "functions.json");
  const jsPath = path.join(dist, "functions.js");
  if (!fs.existsSync(jsonPath) || !fs.existsSync(jsPath)) throw new Error(`No built add-in in ${dist}; run npm run build first.`);
  const registry = new Map<string, Registered>();
  // The page's fetch, for files beside it (the bundle asks for catalog.json?v=…).
  const fetch = async (url: string) => {
    const file = path.join(dist, path.basename(new URL(url, "https://addin.invalid/").pathname));
    if (!fs.existsSync(file)) return { ok: false, status: 404, text: async () => "" };
    const text = fs.readFileSync(file, "utf8");
    return { ok: true, status: 200, text: async () => text };
  };
  const g = globalThis as unknown as Record<string, unknown>;
  g.CustomFunctions = { Error: StubError, ErrorCode, associate: (id: string, fn: Registered) => registry.set(id, fn) };
  g.self ??= globalThis;
  const pageFetch = g.fetch;
  g.fetch = fetch;
  const script = fs.readFileSync(jsPath, "utf8");
  const t0 = process.hrtime.bigint();
  try {
    vm.runInThisContext(script, { filename: jsPath });
  } finally {
    g.fetch = pageFetch;
  }
  const scriptMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const runtimes = registry.get("RUNTIMES");
  if (!runtimes) throw new Error(`${jsPath} registers no FIT.RUNTIMES.`);
  await runtimes();
  const firstAnswerMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { functions: JSON.parse(fs.readFileSync(jsonPath, "utf8")).functions, registry, scriptMs, firstAnswerMs };
}
