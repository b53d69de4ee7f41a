// Required memory against context for the calculator's chart: the core's own
// per-GPU total at context steps from 1K to the model's native window (the
// same doubling steps as the workbook's chart insert), the engine budget and
// the max context.
import { isFitError } from "../core/errors";
import { maxContextOf, prepare, requiredPerGpu } from "../core/estimate";
import { contextSteps } from "./plans/memoryChart";
import { inputOf, type CalcState } from "./calculatorModel";

export interface MemoryCurve {
  points: Array<{ ctx: number; bytes: number }>;
  budgetBytes: number;
  vramBytes: number;
  /** Largest context that fits at the form's concurrency (0: none). */
  maxContext: number;
  /** The model's native window, where the curve ends. */
  window: number;
  /** The form's context, marked on the curve when inside the range. */
  ctx: number;
}

/** The chart's data, or null when the setup cannot be estimated on a known GPU. */
export function memoryCurve(s: CalcState, from = 1024): MemoryCurve | null {
  try {
    const p = prepare(inputOf(s));
    if (p.vramBytes === undefined) return null;
    const window = p.setup.model.record.contextWindow;
    const steps = contextSteps(Math.min(from, window), window);
    return {
      points: steps.map((ctx) => ({ ctx, bytes: requiredPerGpu(p, ctx, s.batch) })),
      budgetBytes: p.run.budget(p.vramBytes),
      vramBytes: p.vramBytes,
      maxContext: maxContextOf(p, p.vramBytes, s.batch),
      window,
      ctx: s.ctx,
    };
  } catch (e) {
    if (isFitError(e)) return null;
    throw e;
  }
}
