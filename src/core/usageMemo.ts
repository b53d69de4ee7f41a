// A prepared setup remembers its usage per (ctx, batch). A sheet recalculates
// the same cells on every edit, and some engines' usage walks every layer and
// its compute-buffer candidates (llama.cpp: about 2–3 µs); the second time a
// (ctx, batch) is asked, it is one Map lookup.
import type { PreparedRun, Usage } from "./runtimeProfile";

/** Distinct (ctx, batch) pairs kept per setup; past this the memory starts over (a MAXCTX search asks about 25). */
export const USAGE_MEMO_SIZE = 4096;

// batch < 2^17 and ctx < 2^35: ctx · 2^17 + batch is an exact integer key (the API caps ctx at 10^7, batch at 10^5).
const BATCH_SPAN = 2 ** 17;
const CTX_SPAN = 2 ** 35;

/** Makes `run.usage` remember its answers (frozen: callers share them). Returns the same run. */
export function rememberUsage(run: PreparedRun): PreparedRun {
  const compute = run.usage.bind(run);
  let seen = new Map<number, Usage>();
  run.usage = (ctx: number, batch: number): Usage => {
    if (!Number.isInteger(ctx) || !Number.isInteger(batch) || ctx < 0 || ctx >= CTX_SPAN || batch < 0 || batch >= BATCH_SPAN) return compute(ctx, batch);
    const key = ctx * BATCH_SPAN + batch;
    let u = seen.get(key);
    if (u === undefined) {
      if (seen.size >= USAGE_MEMO_SIZE) seen = new Map();
      u = Object.freeze(compute(ctx, batch));
      seen.set(key, u);
    }
    return u;
  };
  return run;
}
