// The pane's "Insert …" buttons: build a plan from the form state, apply it
// with the one Excel adapter, and say what happened in words a user can act on.
import type { CalcState } from "./calculatorModel";
import { applyPlan, PlanRefused, type ExcelLike, type PlanTarget } from "./excelAdapter";
import { gpuGridPlan } from "./plans/gpuGrid";
import { memoryChartPlan } from "./plans/memoryChart";
import { planningSheetPlan } from "./plans/planningSheet";
import { modelSpecTablePlan } from "./plans/specTable";
import type { Setup, WorkbookPlan } from "./workbookPlan";

export type InsertKind = "spec-table" | "gpu-grid" | "planning-sheet" | "chart";

/** What the user picked for an insert: models, GPUs and the calculator's setup. */
export interface InsertRequest {
  kind: InsertKind;
  models: string[];
  gpus: string[];
  state: CalcState;
  atSelection: boolean;
}

export interface InsertOutcome {
  ok: boolean;
  message: string;
  /** The insert was refused because the selection is not empty: the UI offers a new sheet. */
  offerNewSheet?: boolean;
}

/** The calculator's setup as the inserted sheets' inputs block holds it. */
export function setupOf(s: CalcState): Setup {
  return { quant: s.quant, ctx: s.ctx, batch: s.batch, runtime: s.runtime, kvDtype: s.kvDtype, gpuCount: s.gpus };
}

/**
 * What of the calculator's setup the inserted formulas cannot carry (the FIT
 * functions take model, weights, context, concurrency, engine, KV cache and
 * GPU count), for the message after an insert; null when nothing is left out.
 */
export function notCarried(s: CalcState): string | null {
  const left = [s.engineArgs.trim() ? `engine flags (${s.engineArgs.trim()})` : null, s.gpuUtil !== null ? `the GPU memory share (${s.gpuUtil})` : null, s.engineVersion ? `the vLLM release (${s.engineVersion})` : null, s.speculativeTokens ? "MTP speculative tokens" : null].filter((x): x is string => x !== null);
  return left.length ? `The inserted formulas do not carry ${left.join(", ")}: the FIT functions take no such argument, so they use the engine's defaults.` : null;
}

/** The plan for one insert request. */
export function planFor(r: InsertRequest): WorkbookPlan {
  const setup = setupOf(r.state);
  switch (r.kind) {
    case "spec-table":
      return modelSpecTablePlan(r.models);
    case "gpu-grid":
      return gpuGridPlan(r.models, r.gpus, { setup });
    case "planning-sheet":
      return planningSheetPlan(r.models, r.gpus, { setup });
    case "chart":
      return memoryChartPlan(r.models, r.gpus[0] ?? r.state.gpu, { setup });
  }
}

const WHAT: Record<InsertKind, string> = {
  "spec-table": "Model spec table",
  "gpu-grid": "GPU comparison grid",
  "planning-sheet": "Capacity-planning sheet",
  chart: "Memory vs context chart",
};

/** Builds and applies an insert; never throws — failures come back as a message. */
export async function insert(excel: ExcelLike, r: InsertRequest): Promise<InsertOutcome> {
  let plan: WorkbookPlan;
  try {
    plan = planFor(r);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const target: PlanTarget = r.atSelection ? { kind: "selection" } : { kind: "new-sheet" };
  try {
    const done = await applyPlan(excel, plan, target);
    const left = r.kind === "spec-table" ? null : notCarried(r.state);
    const notes = [...done.notes, ...(left ? [left] : [])];
    return { ok: true, message: `${WHAT[r.kind]} inserted at ${done.sheetName}!${done.address}.${notes.length ? " " + notes.join(" ") : ""}` };
  } catch (e) {
    if (e instanceof PlanRefused) return { ok: false, message: e.message, offerNewSheet: e.offerNewSheet };
    return { ok: false, message: `Excel could not insert the ${WHAT[r.kind].toLowerCase()}: ${(e as Error).message}` };
  }
}
