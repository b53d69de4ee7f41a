// Calls a registered custom function the way Excel does: a cell value passed
// to a range parameter arrives as a 1×1 array, an omitted argument as null.
import type { FunctionMeta } from "./functionDocs";

export type Registered = (...args: unknown[]) => unknown;

/** A caller over the functions Excel would find: id → function, shaped by functions.json. */
export function excelCaller(functions: FunctionMeta[], registry: Map<string, Registered>) {
  const meta = new Map(functions.map((f) => [f.id, f]));
  return (id: string, args: unknown[]): unknown => {
    const f = meta.get(id);
    const fn = registry.get(id);
    if (!f || !fn) throw new Error(`FIT.${id} is not registered.`);
    if (args.length > f.parameters.length) throw new Error(`FIT.${id} takes at most ${f.parameters.length} arguments.`);
    const shaped = f.parameters.map((p, i) => {
      const v = i < args.length ? args[i] : null;
      if (v === null || v === undefined) return null;
      return p.dimensionality === "matrix" && !Array.isArray(v) ? [[v]] : v;
    });
    return fn(...shaped);
  };
}
