// Each engine's defaults in catalog/runtimes.json, typed by the engine's own
// schema (runtimesSchema.ts, checked when catalog.json is built), so a profile
// reads checked numbers instead of casting a loose record.
import type * as z from "zod/mini";
import { fail } from "./errors";
import type { RuntimeId } from "./runtimeIds";
import type { RUNTIME_DEFAULTS, runtimeInfoSchema } from "./runtimesSchema";

export type RuntimeDefaults = { [K in RuntimeId]: z.infer<(typeof RUNTIME_DEFAULTS)[K]> };

/** One engine of catalog/runtimes.json, as validated at build time. */
export type RuntimeInfo = z.infer<typeof runtimeInfoSchema>;

/** The typed defaults of one engine (the runtime must be that engine). */
export function defaultsOf<K extends RuntimeId>(runtime: { id: RuntimeId; defaults: unknown }, id: K): RuntimeDefaults[K] {
  if (runtime.id !== id) fail("invalid", `Internal: ${runtime.id} defaults read as ${id}.`);
  return runtime.defaults as RuntimeDefaults[K];
}
