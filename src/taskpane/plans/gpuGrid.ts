// "Insert GPU comparison grid": models down, GPUs across. Every grid cell is a
// live FIT formula that points at the inputs block with absolute references,
// so changing the quant or context in B2:B7 recalculates the whole grid.
// A second grid beside it gives the headroom in GiB, coloured by the status
// cell it sits next to, and shares the frozen model column and header row.
import {
  DEFAULT_SETUP,
  HEADER_FILL,
  STATUS_COLORS,
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
  statusFormats,
  valuesAt,
  type Setup,
  type WorkbookPlan,
} from "../workbookPlan";

/** Options for the grid. */
export interface GpuGridOptions {
  setup?: Partial<Setup>;
  /** Add the headroom (GiB) grid beside the status grid (default true). */
  headroom?: boolean;
  sheetName?: string;
}

/** Where things are on the grid sheet (0-based), for the UI and tests. */
export interface GpuGridLayout {
  /** Row of the GPU header (the row above the first model). */
  headerRow: number;
  /** The first model row. */
  firstModelRow: number;
  /** First column of the status grid (column A holds the models). */
  statusCol: number;
  /** First column of the headroom grid, when there is one. */
  headroomCol?: number;
  /** Absolute refs of the inputs in FIT argument order: quant, ctx, batch, runtime, kv dtype, gpus. */
  inputs: { quant: string; ctx: string; batch: string; runtime: string; kvDtype: string; gpus: string };
}

/** Up to this many grid cells (10,000 = two 100 × 50 grids) keep one request far under the 5 MB limit. */
export const MAX_GRID_CELLS = 20_000;

const HEADER_ROW = 7; // row 8: inputs sit in rows 2–7
const STATUS_COL = 1;

/** The grid's fixed layout for a number of GPUs. */
export function gpuGridLayout(gpuCount: number, headroom = true): GpuGridLayout {
  const ref = (r: number) => `$B$${r + 1}`;
  return {
    headerRow: HEADER_ROW,
    firstModelRow: HEADER_ROW + 1,
    statusCol: STATUS_COL,
    ...(headroom ? { headroomCol: STATUS_COL + gpuCount + 1 } : {}),
    inputs: { quant: ref(1), ctx: ref(2), batch: ref(3), runtime: ref(4), kvDtype: ref(5), gpus: ref(6) },
  };
}

/**
 * "Insert GPU comparison grid" for models × GPUs (names as the user gave them;
 * catalog models and GPUs are shown by their display names). Models not in the
 * catalog (imported configs) are kept as given: their cells show FIT's own error.
 */
export function gpuGridPlan(models: string[], gpus: string[], opts: GpuGridOptions = {}): WorkbookPlan {
  const modelLabels = unique(models.map(modelLabel));
  const gpuLabels = unique(gpus.map(gpuLabel));
  if (modelLabels.length === 0 || gpuLabels.length === 0) throw new Error("Choose at least one model and one GPU for the grid.");
  const withHeadroom = opts.headroom ?? true;
  const cells = modelLabels.length * gpuLabels.length * (withHeadroom ? 2 : 1);
  if (cells > MAX_GRID_CELLS) throw new Error(`That grid has ${cells.toLocaleString("en-US")} formulas; choose fewer models or GPUs (at most ${MAX_GRID_CELLS.toLocaleString("en-US")}).`);
  const s: Setup = { ...DEFAULT_SETUP, ...opts.setup };
  const L = gpuGridLayout(gpuLabels.length, withHeadroom);
  const plan = emptyPlan(opts.sheetName ?? "FitMyGPU grid");
  const nM = modelLabels.length;
  const nG = gpuLabels.length;

  plan.blocks.push(valuesAt(0, 0, [["FitMyGPU: will each model fit each GPU? Edit the orange inputs; every grid cell recalculates."]]));
  plan.styles.push({ address: "A1", bold: true });
  const inputs = inputsBlock(1, 0, [
    { label: "Quant", value: s.quant, hint: "native, bf16, fp8, awq, q4_k_m, … (=FIT.QUANTS())" },
    { label: "Context (tokens)", value: s.ctx, hint: "per request" },
    { label: "Batch", value: s.batch, hint: "concurrent requests" },
    { label: "Runtime", value: s.runtime, hint: "vllm, sglang, llama.cpp, ollama, transformers, mlx" },
    { label: "KV dtype", value: s.kvDtype, hint: "auto, bf16, fp16, fp8, q8_0, q4_0" },
    { label: "GPUs", value: s.gpuCount, hint: "tensor-parallel GPUs per setup; results are per GPU" },
  ]);
  plan.blocks.push(...inputs.blocks);
  plan.styles.push(...inputs.styles);
  const { quant, ctx, batch, runtime, kvDtype, gpus: gpuN } = L.inputs;

  // Model column and the status grid's header row.
  plan.blocks.push(valuesAt(L.headerRow, 0, [["Model \\ GPU"]]));
  plan.blocks.push(valuesAt(L.firstModelRow, 0, modelLabels.map((m) => [asText(m)])));
  const grid = (fn: string, col0: number, numberFormat?: string) => {
    plan.blocks.push(valuesAt(L.headerRow, col0, [gpuLabels.map(asText)]));
    plan.styles.push({ address: rangeAddress(L.headerRow, col0, 1, nG), bold: true, wrapText: true, fill: HEADER_FILL, horizontalAlignment: "Center" });
    const formulas = modelLabels.map((_, i) =>
      gpuLabels.map((_, j) => {
        const model = cellAddress(L.firstModelRow + i, 0, { col: true }); // $A9: column fixed, row follows
        const gpu = cellAddress(L.headerRow, col0 + j, { row: true }); // B$8: row fixed, column follows
        return `=${fitCall(fn, [model, gpu, quant, ctx, batch, runtime, kvDtype, gpuN])}`;
      }),
    );
    plan.blocks.push(formulasAt(L.firstModelRow, col0, formulas, numberFormat));
    plan.columns.push({ address: columnRange(col0, col0 + nG - 1), width: 72 });
    return rangeAddress(L.firstModelRow, col0, nM, nG);
  };
  const statusRange = grid("STATUS", L.statusCol);
  plan.conditionalFormats.push(...statusFormats(statusRange));
  plan.styles.push({ address: statusRange, horizontalAlignment: "Center" });

  if (L.headroomCol !== undefined) {
    const h = L.headroomCol;
    plan.blocks.push(valuesAt(L.headerRow - 1, h, [["Headroom (GiB per GPU; below 0 = does not fit)"]]));
    plan.styles.push({ address: cellAddress(L.headerRow - 1, h), bold: true });
    const headroomRange = grid("HEADROOM", h, "0.00");
    // Colour each headroom cell like the status cell in the same row and GPU position
    // (a relative reference from the range's top-left), since Tight depends on the budget, not on headroom alone.
    const statusTopLeft = cellAddress(L.firstModelRow, L.statusCol);
    for (const st of Object.keys(STATUS_COLORS) as Array<keyof typeof STATUS_COLORS>) {
      plan.conditionalFormats.push({ kind: "custom", address: headroomRange, formula: `=${statusTopLeft}=${quoteFormulaText(st)}`, ...STATUS_COLORS[st] });
    }
  }
  plan.styles.push({ address: rangeAddress(L.headerRow, 0, nM + 1, 1), bold: true });
  plan.columns.push({ address: rangeAddress(L.headerRow, 0, nM + 1, 1), autofit: true });
  plan.freeze = { rows: L.headerRow + 1, columns: 1 };
  plan.notes = [`${nM} models × ${nG} GPUs${L.headroomCol !== undefined ? ", status and headroom" : ""}; inputs in B2:B7.`];
  return plan;
}

function unique(xs: string[]): string[] {
  return xs.filter((x, i) => x.trim() !== "" && xs.findIndex((y) => y.toLowerCase() === x.toLowerCase()) === i);
}
