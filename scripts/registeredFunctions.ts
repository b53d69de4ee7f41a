// Loads the built add-in's functions as Excel does: dist/functions.json for the
// metadata, and dist/functions.js run with a CustomFunctions object whose
// `associate` records each id → function the bundle registers.
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import type { FunctionMeta } from "./functionDocs";
import type { Registered } from "./excelCall";
import { ErrorCode, StubError } from "./customFunctionsStub";


/** The built functions: metadata and the registry the bundle filled in. */
export function loadRegisteredFunctions(dist = path.resolve(__dirname)): { functions: FunctionMeta[]; registry: Map<string, Registered> } {
  const jsonPath = path.join(dist, "functions.json");
  const jsPath = path.join(dist, "functions.js");
  if (!fs.existsSync(jsonPath) || !fs.existsSync(jsPath)) throw new Error(`No built add-in in ${dist}; run npm run build first.`);
  const registry = new Map<string, Registered>();
  const CustomFunctions = { Error: StubError, ErrorCode, associate: (id: string, fn: Registered) => registry.set(id, fn) };
  // The browser globals the bundle uses besides the language built-ins.
  const sandbox: Record<string, unknown> = { CustomFunctions, console, URL, URLSearchParams, TextEncoder, TextDecoder, setTimeout, clearTimeout, queueMicrotask };
  sandbox.self = sandbox;
  sandbox.window = sandbox;
  vm.runInNewContext(fs.readFileSync(jsPath, "utf8"), sandbox, { filename: jsPath });
  return { functions: JSON.parse(fs.readFileSync(jsonPath, "utf8")).functions, registry };
}
