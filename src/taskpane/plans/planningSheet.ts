// "Insert capacity-planning sheet": a default setup chosen from dropdowns, and
// an Excel table of scenarios whose result columns are FIT formulas with
// structured references ([@Model]), so a new table row computes by itself.
// The dropdown lists are written as values into hidden helper columns far to
// the right of the same sheet: list validation needs a range, because a typed
// list source is capped at 255 characters (98 model names are ~1,700).
import { catalog } from "../../core/catalog";
import { MAX_BATCH, MAX_CTX, MAX_GPUS } from "../../core/estimate";
import {
  DEFAULT_SETUP,
  absCell,
  asText,
  columnLetters,
  columnRange,
  emptyPlan,
  fitCall,
  formulasAt,
  gpuLabel,
  inputsBlock,
  modelLabel,
  rangeAddress,
  statusFormats,
  valuesAt,
  type CellValue,
  type Setup,
  type ValidationSpec,
  type WorkbookPlan,
} from "../workbookPlan";

/** First helper column (0-based; 52 = "BA"): far enough right to stay out of the way, near enough to keep the sheet small. */
export const HELPER_COL = 52;
/** The scenarios table's column headers, in order. */
export const PLAN_COLUMNS = [
  "Model",
  "GPU",
  "Quant",
  "Context",
  "Batch",
  "Runtime",
  "KV dtype",
  "GPUs",
  "VRAM per GPU (GiB)",
  "Status",
  "Headroom (GiB)",
  "Max context",
  "Max concurrency",
  "Min GPUs",
  "Tokens/s",
] as const;
type PlanColumn = (typeof PLAN_COLUMNS)[number];

const INPUT_ROW = 3; // labels in A4:A11
const TABLE_ROW = 12; // table header in row 13
const MAX_STARTER_ROWS = 50;

// Characters that make Excel require the [@[Column name]] form.
const SPECIAL = /[\s,:.[\]#'"{}$^&*+=\-<>/\\]/;

/** A this-row structured reference: "Model" → "[@Model]", "KV dtype" → "[@[KV dtype]]" (with ' escapes for [ ] # '). */
export function thisRow(column: string): string {
  if (!SPECIAL.test(column)) return `[@${column}]`;
  return `[@[${column.replace(/['[\]#]/g, (c) => `'${c}`)}]]`;
}

const r = (c: PlanColumn) => thisRow(c);

/** The result columns' formulas, one per result column. */
export const PLAN_FORMULAS: Readonly<Partial<Record<PlanColumn, string>>> = {
  "VRAM per GPU (GiB)": `=${fitCall("VRAM", [r("Model"), r("Quant"), r("Context"), r("Batch"), r("Runtime"), r("KV dtype"), r("GPUs")])}`,
  Status: `=${fitCall("STATUS", [r("Model"), r("GPU"), r("Quant"), r("Context"), r("Batch"), r("Runtime"), r("KV dtype"), r("GPUs")])}`,
  "Headroom (GiB)": `=${fitCall("HEADROOM", [r("Model"), r("GPU"), r("Quant"), r("Context"), r("Batch"), r("Runtime"), r("KV dtype"), r("GPUs")])}`,
  "Max context": `=${fitCall("MAXCTX", [r("Model"), r("GPU"), r("Quant"), r("Batch"), r("Runtime"), r("KV dtype"), r("GPUs")])}`,
  "Max concurrency": `=${fitCall("MAXBATCH", [r("Model"), r("GPU"), r("Quant"), r("Context"), r("Runtime"), r("KV dtype"), r("GPUs")])}`,
  "Min GPUs": `=${fitCall("MINGPUS", [r("Model"), r("GPU"), r("Quant"), r("Context"), r("Batch"), r("Runtime"), r("KV dtype")])}`,
  "Tokens/s": `=${fitCall("TOKS", [r("Model"), r("GPU"), r("Quant"), r("Context"), r("Batch"), r("Runtime"), r("GPUs")])}`,
};

const FORMATS: Readonly<Record<PlanColumn, string>> = {
  Model: "General",
  GPU: "General",
  Quant: "General",
  Context: "#,##0",
  Batch: "#,##0",
  Runtime: "General",
  "KV dtype": "General",
  GPUs: "0",
  "VRAM per GPU (GiB)": "0.00",
  Status: "General",
  "Headroom (GiB)": "0.00",
  "Max context": "#,##0",
  "Max concurrency": "#,##0",
  "Min GPUs": "0",
  "Tokens/s": "#,##0.0",
};

/** The dropdown lists: display labels of catalog models and GPUs (plus any extra names given), quant, runtime and KV dtype ids. */
export function planningLists(extraModels: string[] = [], extraGpus: string[] = []): Record<"Models" | "GPUs" | "Quants" | "Runtimes" | "KV dtypes", string[]> {
  const c = catalog();
  const add = (base: string[], extra: string[]) => [...base, ...extra.filter((x) => !base.some((b) => b.toLowerCase() === x.toLowerCase()))];
  return {
    Models: add(c.models.map((m) => modelLabel(m.record.id)), extraModels),
    GPUs: add(c.gpus.map((g) => gpuLabel(g.id)), extraGpus),
    Quants: c.quants.map((q) => q.id),
    Runtimes: c.runtimes.map((x) => x.id),
    "KV dtypes": c.kvDtypes.map((k) => k.id),
  };
}

/** Options for the planning sheet. */
export interface PlanningSheetOptions {
  setup?: Partial<Setup>;
  sheetName?: string;
  tableName?: string;
}

/**
 * "Insert capacity-planning sheet". The first table row follows the inputs
 * block (its input cells are formulas like =$B$4); further starter rows hold
 * each other chosen model × GPU pair as values, ready to edit.
 */
export function planningSheetPlan(models: string[], gpus: string[], opts: PlanningSheetOptions = {}): WorkbookPlan {
  const mLabels = models.map(modelLabel);
  const gLabels = gpus.map(gpuLabel);
  if (mLabels.length === 0 || gLabels.length === 0) throw new Error("Choose at least one model and one GPU for the planning sheet.");
  const s: Setup = { ...DEFAULT_SETUP, ...opts.setup };
  const plan = emptyPlan(opts.sheetName ?? "FitMyGPU plan");

  plan.blocks.push(valuesAt(0, 0, [["FitMyGPU capacity plan"], ["Pick a setup in the orange cells; the first table row follows it. Add rows to the table to compare setups: the result columns fill in by themselves."]]));
  plan.styles.push({ address: "A1", bold: true }, { address: "A2", italic: true, fontColor: "#595959" });

  // Helper lists (validation sources), header in row 1, values below.
  const lists = planningLists(mLabels, gLabels);
  const source: Record<string, string> = {};
  Object.entries(lists).forEach(([name, items], i) => {
    const col = HELPER_COL + i;
    plan.blocks.push(valuesAt(0, col, [[name], ...items.map((x) => [asText(x)])]));
    source[name] = `=${absCell(1, col)}:${absCell(items.length, col)}`;
  });
  const helperCols = columnRange(HELPER_COL, HELPER_COL + Object.keys(lists).length - 1);
  plan.columns.push({ address: helperCols, hidden: true });

  // Inputs block with dropdowns.
  const inputs = inputsBlock(INPUT_ROW, 0, [
    { label: "Model", value: mLabels[0], hint: "any catalog model; an imported name also works" },
    { label: "GPU", value: gLabels[0] },
    { label: "Quant", value: s.quant, hint: "weight format (native = the checkpoint's own)" },
    { label: "Context", value: s.ctx, hint: "tokens per request" },
    { label: "Batch", value: s.batch, hint: "concurrent requests" },
    { label: "Runtime", value: s.runtime },
    { label: "KV dtype", value: s.kvDtype },
    { label: "GPUs", value: s.gpuCount, hint: "tensor-parallel GPUs; results are per GPU" },
  ]);
  plan.blocks.push(...inputs.blocks);
  plan.styles.push(...inputs.styles);
  const [mRef, gRef, qRef, cRef, bRef, rRef, kRef, nRef] = inputs.refs;
  const inputCol = (i: number) => inputs.refs[i].replace(/\$/g, "");
  const rules = validationRules(source);
  [rules.Model, rules.GPU, rules.Quant, rules.Context, rules.Batch, rules.Runtime, rules["KV dtype"], rules.GPUs].forEach((v, i) => plan.validations.push({ ...v, address: inputCol(i) }));

  // Starter rows: one live row, then the other model × GPU pairs as values.
  const live: CellValue[] = [mRef, gRef, qRef, cRef, bRef, rRef, kRef, nRef].map((ref) => `=${ref}`);
  const starters: CellValue[][] = [];
  for (const m of unique(mLabels)) for (const g of unique(gLabels)) if (!(m === mLabels[0] && g === gLabels[0])) starters.push([asText(m), asText(g), s.quant, s.ctx, s.batch, s.runtime, s.kvDtype, s.gpuCount]);
  if (starters.length === 0) {
    // One pair chosen: show what a longer context and a second GPU do.
    starters.push([asText(mLabels[0]), asText(gLabels[0]), s.quant, Math.min(s.ctx * 4, MAX_CTX), s.batch, s.runtime, s.kvDtype, s.gpuCount]);
    starters.push([asText(mLabels[0]), asText(gLabels[0]), s.quant, s.ctx, s.batch, s.runtime, s.kvDtype, Math.min(s.gpuCount * 2, MAX_GPUS)]);
  }
  const rows = [live, ...starters.slice(0, MAX_STARTER_ROWS - 1)];
  const n = rows.length;
  const inputCount = 8;
  const first = TABLE_ROW + 1;
  plan.blocks.push(valuesAt(TABLE_ROW, 0, [[...PLAN_COLUMNS]]));
  // Input columns: the live row as formulas, the rest as constants, in one write
  // (a formulas array takes constants too, and keeps the row a single block).
  plan.blocks.push({
    ...formulasAt(first, 0, rows),
    numberFormat: rows.map(() => PLAN_COLUMNS.slice(0, inputCount).map((c) => FORMATS[c])),
  });
  PLAN_COLUMNS.slice(inputCount).forEach((c, i) => plan.blocks.push(formulasAt(first, inputCount + i, rows.map(() => [PLAN_FORMULAS[c] ?? ""]), FORMATS[c])));

  plan.tables.push({ address: rangeAddress(TABLE_ROW, 0, n + 1, PLAN_COLUMNS.length), name: opts.tableName ?? "FitPlan", style: "TableStyleMedium9" });
  plan.styles.push({ address: rangeAddress(TABLE_ROW, 0, 1, PLAN_COLUMNS.length), wrapText: true, bold: true });
  PLAN_COLUMNS.slice(0, inputCount).forEach((c, i) => plan.validations.push({ ...rules[c as keyof typeof rules], address: rangeAddress(first, i, n, 1) }));
  plan.conditionalFormats.push(...statusFormats(rangeAddress(first, PLAN_COLUMNS.indexOf("Status"), n, 1)));
  plan.columns.push({ address: rangeAddress(INPUT_ROW, 0, 8, 1), autofit: true }, { address: columnRange(1, PLAN_COLUMNS.length - 1), width: 84 });
  plan.freeze = { rows: TABLE_ROW + 1, columns: 0 };
  plan.notes = [`Dropdown lists are in hidden columns ${helperCols}.`, `${n} starter row${n === 1 ? "" : "s"}; new table rows compute by themselves.`];
  return plan;
}

type InputName = "Model" | "GPU" | "Quant" | "Context" | "Batch" | "Runtime" | "KV dtype" | "GPUs";

function validationRules(source: Record<string, string>): Record<InputName, Omit<ValidationSpec, "address">> {
  const list = (src: string, errorStyle: "Stop" | "Warning", prompt: string) => ({ rule: { kind: "list" as const, source: src }, errorStyle, prompt });
  const whole = (max: number, prompt: string) => ({ rule: { kind: "wholeNumber" as const, min: 1, max }, errorStyle: "Stop" as const, prompt });
  return {
    // Warning, not Stop: an imported model or GPU name that is not in the list must still be accepted.
    Model: list(source.Models, "Warning", "Pick a model, or type any name FIT.VRAM understands."),
    GPU: list(source.GPUs, "Warning", "Pick a GPU."),
    Quant: list(source.Quants, "Stop", "Weight format."),
    Context: whole(MAX_CTX, "Context length in tokens per request."),
    Batch: whole(MAX_BATCH, "Concurrent requests."),
    Runtime: list(source.Runtimes, "Stop", "Inference engine."),
    "KV dtype": list(source["KV dtypes"], "Stop", "KV cache type (auto = the model's dtype)."),
    GPUs: whole(MAX_GPUS, "Tensor-parallel GPUs."),
  };
}

function unique(xs: string[]): string[] {
  return xs.filter((x, i) => xs.findIndex((y) => y.toLowerCase() === x.toLowerCase()) === i);
}

/** The column letter of a scenarios-table column on an unshifted plan (for the UI's hints). */
export const planColumnLetter = (c: PlanColumn): string => columnLetters(PLAN_COLUMNS.indexOf(c));
