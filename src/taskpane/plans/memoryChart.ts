// "Insert chart": GPU memory against context length for a few models, with the
// chosen GPU's memory as a flat line, so the crossing point is the longest
// context that fits. The data block is live FIT formulas over an inputs block.
import { findModel } from "../../core/catalog";
import { MAX_CTX } from "../../core/estimate";
import {
  DEFAULT_SETUP,
  HEADER_FILL,
  asText,
  cellAddress,
  columnRange,
  emptyPlan,
  fitCall,
  formulasAt,
  gpuLabel,
  inputsBlock,
  modelLabel,
  quoteFormulaText,
  rangeAddress,
  valuesAt,
  type Setup,
  type WorkbookPlan,
} from "../workbookPlan";

/** Options for the memory chart. */
export interface MemoryChartOptions {
  setup?: Partial<Setup>;
  /** Largest context plotted (default: the largest context window among the models, else 131,072). */
  maxCtx?: number;
  /** Smallest context plotted (default 4,096). */
  minCtx?: number;
  sheetName?: string;
}

/** At most this many models on one chart: more lines are unreadable. */
export const MAX_CHART_MODELS = 12;

const FALLBACK_MAX_CTX = 131_072;

/** The x values: minCtx doubling up to maxCtx, plus maxCtx itself when it is not on the doubling ladder. */
export function contextSteps(minCtx: number, maxCtx: number): number[] {
  if (!(minCtx >= 1 && maxCtx >= minCtx)) throw new Error(`Choose a context range with 1 ≤ min ≤ max (got ${minCtx}–${maxCtx}).`);
  const steps: number[] = [];
  for (let c = minCtx; c <= maxCtx; c *= 2) steps.push(c);
  if (steps[steps.length - 1] !== maxCtx) steps.push(maxCtx);
  return steps;
}

function contextWindow(name: string): number | undefined {
  try {
    return findModel(name).record.contextWindow;
  } catch {
    return undefined;
  }
}

const TITLE_ROW = 0;
const INPUT_ROW = 1; // GPU, quant, batch, runtime, KV dtype, GPUs in rows 2–7
const BUDGET_ROW = 7; // row 8: the GPU's memory
const HEADER_ROW = 9; // row 10: series names

/**
 * "Insert chart" of memory vs context. Each model column is
 * =IF(ctx > the model's window, NA(), FIT.VRAM(...)): #N/A leaves a gap in a
 * line chart instead of plotting contexts the model cannot take. The budget
 * line is the GPU's memory per GPU, because FIT.VRAM is per GPU too.
 */
export function memoryChartPlan(models: string[], gpu: string, opts: MemoryChartOptions = {}): WorkbookPlan {
  const labels = models.map(modelLabel).filter((m, i, a) => m.trim() !== "" && a.indexOf(m) === i);
  if (labels.length === 0) throw new Error("Choose at least one model for the chart.");
  if (labels.length > MAX_CHART_MODELS) throw new Error(`Choose at most ${MAX_CHART_MODELS} models for one chart.`);
  const s: Setup = { ...DEFAULT_SETUP, ...opts.setup };
  const windows = models.map(contextWindow).filter((w): w is number => w !== undefined);
  const maxCtx = Math.min(opts.maxCtx ?? (windows.length ? Math.max(...windows) : FALLBACK_MAX_CTX), MAX_CTX);
  const steps = contextSteps(opts.minCtx ?? 4096, maxCtx);
  const g = gpuLabel(gpu);
  const plan = emptyPlan(opts.sheetName ?? "FitMyGPU chart");

  plan.blocks.push(valuesAt(TITLE_ROW, 0, [["FitMyGPU: memory per GPU vs context. Edit the orange inputs; the chart follows."]]));
  plan.styles.push({ address: "A1", bold: true });
  const inputs = inputsBlock(INPUT_ROW, 0, [
    { label: "GPU", value: g },
    { label: "Quant", value: s.quant },
    { label: "Batch", value: s.batch, hint: "concurrent requests" },
    { label: "Runtime", value: s.runtime },
    { label: "KV dtype", value: s.kvDtype },
    { label: "GPUs", value: s.gpuCount, hint: "tensor-parallel; memory is per GPU" },
  ]);
  plan.blocks.push(...inputs.blocks);
  plan.styles.push(...inputs.styles);
  const [gpuRef, quant, batch, runtime, kvDtype, gpuN] = inputs.refs;
  const budgetRef = `$B$${BUDGET_ROW + 1}`;
  plan.blocks.push(valuesAt(BUDGET_ROW, 0, [["GPU memory (GiB per GPU)"]]));
  plan.blocks.push(formulasAt(BUDGET_ROW, 1, [[`=${fitCall("GPU", [gpuRef, quoteFormulaText("vram_gib")])}`]], "0.00"));
  plan.styles.push({ address: rangeAddress(BUDGET_ROW, 0, 1, 1), bold: true });

  const first = HEADER_ROW + 1;
  const nM = labels.length;
  plan.blocks.push(valuesAt(HEADER_ROW, 0, [["Context (tokens)", ...labels.map(asText), "GPU memory (GiB)"]]));
  plan.styles.push({ address: rangeAddress(HEADER_ROW, 0, 1, nM + 2), bold: true, wrapText: true, fill: HEADER_FILL });
  plan.blocks.push(valuesAt(first, 0, steps.map((c) => [c]), steps.map(() => ["#,##0"])));
  const formulas = steps.map((_, i) => {
    const ctx = cellAddress(first + i, 0, { col: true });
    const row = labels.map((_, j) => {
      const model = cellAddress(HEADER_ROW, 1 + j, { row: true });
      const window = fitCall("MODEL", [model, quoteFormulaText("context_window")]);
      return `=IF(${ctx}>${window},NA(),${fitCall("VRAM", [model, quant, ctx, batch, runtime, kvDtype, gpuN])})`;
    });
    return [...row, `=${budgetRef}`];
  });
  plan.blocks.push(formulasAt(first, 1, formulas, "0.00"));

  const chartCol = nM + 3;
  plan.charts.push({
    type: "Line",
    seriesAddress: rangeAddress(HEADER_ROW, 1, steps.length + 1, nM + 1),
    categoriesAddress: rangeAddress(first, 0, steps.length, 1),
    title: `Memory per GPU vs context (${g})`,
    xAxisTitle: "Context (tokens)",
    yAxisTitle: "GiB",
    from: cellAddress(INPUT_ROW, chartCol),
    to: cellAddress(INPUT_ROW + 22, chartCol + 8),
  });
  plan.columns.push({ address: rangeAddress(INPUT_ROW, 0, HEADER_ROW + steps.length, 1), autofit: true }, { address: columnRange(1, nM + 1), width: 90 });
  plan.notes = [`${nM} model${nM === 1 ? "" : "s"} × ${steps.length} context steps (${steps[0].toLocaleString("en-US")}–${maxCtx.toLocaleString("en-US")} tokens).`];
  return plan;
}
