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

/** The built functions: metadata, the registry the bundle filled in, and how long the first call waited for the catalog (ms). */
export interface LoadedFunctions {
  functions: FunctionMeta[];
  registry: Map<string, Registered>;
  catalogWaitMs: number;
}

/** Runs dist/functions.js in a fresh context and waits until its catalog has loaded. */
export async function loadRegisteredFunctions(dist = path.resolve(__dirname)): Promise<LoadedFunctions> {
  const jsonPath = path.join(dist, "functions.json");
  const jsPath = path.join(dist, "functions.js");
  if (!fs.existsSync(jsonPath) || !fs.existsSync(jsPath)) throw new Error(`No built add-in in ${dist}; run npm run build first.`);
  const registry = new Map<string, Registered>();
  const CustomFunctions = { Error: StubError, ErrorCode, associate: (id: string, fn: Registered) => registry.set(id, fn) };
  // The page's fetch, for files beside it (the bundle asks for catalog.json?v=…).
  const fetch = async (url: string) => {
    const file = path.join(dist, path.basename(new URL(url, "https://addin.invalid/").pathname));
    if (!fs.existsSync(file)) return { ok: false, status: 404, text: async () => "" };
    const text = fs.readFileSync(file, "utf8");
    return { ok: true, status: 200, text: async () => text };
  };
  // The browser globals the bundle uses besides the language built-ins.
  const sandbox: Record<string, unknown> = { CustomFunctions, console, fetch, URL, URLSearchParams, TextEncoder, TextDecoder, setTimeout, clearTimeout, queueMicrotask };
  sandbox.self = sandbox;
  sandbox.window = sandbox;
  const t0 = process.hrtime.bigint();
  vm.runInNewContext(fs.readFileSync(jsPath, "utf8"), sandbox, { filename: jsPath });
  const runtimes = registry.get("RUNTIMES");
  if (!runtimes) throw new Error(`${jsPath} registers no FIT.RUNTIMES.`);
  await runtimes();
  const catalogWaitMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { functions: JSON.parse(fs.readFileSync(jsonPath, "utf8")).functions, registry, catalogWaitMs };
}
