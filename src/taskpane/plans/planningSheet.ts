// "Insert capacity-planning sheet": a workload block (model, users or requests
// per minute, prompt and output tokens, speed and first-token targets, hours a
// month) in input cells, then an Excel table of candidate deployments (GPU,
// format, engine, engine flags, your price) whose result columns are live
// FIT.PLAN formulas with structured references ([@GPU]), so editing an input or
// adding a row recalculates the plan; and a chart of cost per month by
// candidate. The dropdown lists are written as values into hidden helper
// columns far to the right of the same sheet: list validation needs a range,
// because a typed list source is capped at 255 characters.
import { catalog } from "../../core/catalog";
import { HOURS_PER_MONTH } from "../../core/capacityPlan";
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
  quoteFormulaText,
  rangeAddress,
  valuesAt,
  type CellValue,
  type Setup,
  type ValidationSpec,
  type WorkbookPlan,
} from "../workbookPlan";

/** First helper column (0-based; 52 = "BA"): far enough right to stay out of the way, near enough to keep the sheet small. */
export const HELPER_COL = 52;
/** The candidate deployments table's column headers, in order: inputs first, then FIT.PLAN results. */
export const PLAN_COLUMNS = [
  "GPU",
  "Quant",
  "Runtime",
  "Engine flags",
  "Price per GPU-hour",
  "GPUs per replica",
  "Replicas",
  "Total GPUs",
  "Limited by",
  "Cost per month",
  "Cost per 1M output tokens",
  "Price used",
  "Price source",
  "Price date",
] as const;
type PlanColumn = (typeof PLAN_COLUMNS)[number];
const INPUT_COLUMNS = 5;

/** The workload block's rows, in order (labels in A, values in B). */
export const WORKLOAD_ROWS = ["Model", "Concurrent users", "Requests per minute", "Prompt tokens", "Output tokens", "Speed target (tokens/s per user)", "First-token target (s)", "Hours per month"] as const;

/** The workload a new sheet starts with: a chat service's shape, edit it. */
export const DEFAULT_WORKLOAD = { users: 100, promptTokens: 2000, outputTokens: 300, tokensPerSecondPerUser: 20, ttftSeconds: null as number | null };

const INPUT_ROW = 3; // labels in A4:A11
const TABLE_ROW = INPUT_ROW + WORKLOAD_ROWS.length + 2; // a note row, then the table header
const MAX_STARTER_ROWS = 50;

// Characters that make Excel require the [@[Column name]] form.
const SPECIAL = /[\s,:.[\]#'"{}$^&*+=\-<>/\\]/;

/** A this-row structured reference: "GPU" → "[@GPU]", "Engine flags" → "[@[Engine flags]]" (with ' escapes for [ ] # '). */
export function thisRow(column: string): string {
  if (!SPECIAL.test(column)) return `[@${column}]`;
  return `[@[${column.replace(/['[\]#]/g, (c) => `'${c}`)}]]`;
}

const r = (c: PlanColumn) => thisRow(c);
/** The absolute reference of a workload input, e.g. "$B$4" for the model. */
const workloadRef = (label: (typeof WORKLOAD_ROWS)[number]) => absCell(INPUT_ROW + WORKLOAD_ROWS.indexOf(label), 1);

/** FIT.PLAN for one field of the plan, from the workload block and this row's setup. */
function planCall(field: string): string {
  return `=${fitCall("PLAN", [
    workloadRef("Model"),
    r("GPU"),
    r("Quant"),
    workloadRef("Concurrent users"),
    workloadRef("Prompt tokens"),
    workloadRef("Output tokens"),
    quoteFormulaText(field),
    workloadRef("Speed target (tokens/s per user)"),
    workloadRef("First-token target (s)"),
    r("Price per GPU-hour"),
    r("Runtime"),
    r("Engine flags"),
    workloadRef("Requests per minute"),
    workloadRef("Hours per month"),
  ])}`;
}

/** The result columns' formulas: the FIT.PLAN field each shows. */
export const PLAN_FIELDS: Readonly<Partial<Record<PlanColumn, string>>> = {
  "GPUs per replica": "gpus_per_replica",
  Replicas: "replicas",
  "Total GPUs": "total_gpus",
  "Limited by": "limited_by",
  "Cost per month": "cost_per_month",
  "Cost per 1M output tokens": "cost_per_million_output_tokens",
  "Price used": "price_per_gpu_hour",
  "Price source": "price_source",
  "Price date": "price_date",
};

/** The result columns' formulas, one per result column. */
export const PLAN_FORMULAS: Readonly<Partial<Record<PlanColumn, string>>> = Object.fromEntries(Object.entries(PLAN_FIELDS).map(([c, f]) => [c, planCall(f!)]));

const FORMATS: Readonly<Record<PlanColumn, string>> = {
  GPU: "General",
  Quant: "General",
  Runtime: "General",
  "Engine flags": "General",
  "Price per GPU-hour": "$#,##0.00",
  "GPUs per replica": "0",
  Replicas: "#,##0",
  "Total GPUs": "#,##0",
  "Limited by": "General",
  "Cost per month": "$#,##0",
  "Cost per 1M output tokens": "$#,##0.000",
  "Price used": "$#,##0.00",
  "Price source": "General",
  "Price date": "General",
};

/** The dropdown lists: display labels of catalog models and GPUs (plus any extra names given), quant and runtime ids. */
export function planningLists(extraModels: string[] = [], extraGpus: string[] = []): Record<"Models" | "GPUs" | "Quants" | "Runtimes", string[]> {
  const c = catalog();
  const add = (base: string[], extra: string[]) => [...base, ...extra.filter((x) => !base.some((b) => b.toLowerCase() === x.toLowerCase()))];
  return {
    Models: add(c.models.map((m) => modelLabel(m.record.id)), extraModels),
    GPUs: add(c.gpus.map((g) => gpuLabel(g.id)), extraGpus),
    Quants: c.quants.map((q) => q.id),
    Runtimes: c.runtimes.map((x) => x.id),
  };
}

/** Options for the planning sheet. */
export interface PlanningSheetOptions {
  setup?: Partial<Setup>;
  workload?: Partial<typeof DEFAULT_WORKLOAD>;
  sheetName?: string;
  tableName?: string;
}

/**
 * "Insert capacity-planning sheet" for the first chosen model: its workload block, one candidate
 * row per chosen GPU (with the setup's format and engine), and a chart of cost per month.
 */
export function planningSheetPlan(models: string[], gpus: string[], opts: PlanningSheetOptions = {}): WorkbookPlan {
  const mLabels = models.map(modelLabel);
  const gLabels = unique(gpus.map(gpuLabel));
  if (mLabels.length === 0 || gLabels.length === 0) throw new Error("Choose a model and at least one GPU for the planning sheet.");
  const s: Setup = { ...DEFAULT_SETUP, ...opts.setup };
  const w = { ...DEFAULT_WORKLOAD, ...opts.workload };
  const plan = emptyPlan(opts.sheetName ?? "FitMyGPU plan");

  plan.blocks.push(
    valuesAt(0, 0, [
      ["FitMyGPU capacity plan"],
      ["Describe the workload in the orange cells; each row below is a candidate deployment, sized and priced by FIT.PLAN. Add rows to compare more GPUs, formats or engines."],
    ]),
  );
  plan.styles.push({ address: "A1", bold: true }, { address: "A2", italic: true, fontColor: "#595959" });

  // Helper lists (validation sources), header in row 1, values below.
  const lists = planningLists(mLabels.slice(0, 1), gLabels);
  const source: Record<string, string> = {};
  Object.entries(lists).forEach(([name, items], i) => {
    const col = HELPER_COL + i;
    plan.blocks.push(valuesAt(0, col, [[name], ...items.map((x) => [asText(x)])]));
    source[name] = `=${absCell(1, col)}:${absCell(items.length, col)}`;
  });
  const helperCols = columnRange(HELPER_COL, HELPER_COL + Object.keys(lists).length - 1);
  plan.columns.push({ address: helperCols, hidden: true });

  // The workload block.
  const blank = "";
  const inputs = inputsBlock(INPUT_ROW, 0, [
    { label: "Model", value: mLabels[0], hint: "any catalog model; an imported name also works" },
    { label: "Concurrent users", value: w.users, hint: "requests answered at the same moment (or leave blank and give requests per minute)" },
    { label: "Requests per minute", value: blank, hint: "instead of concurrent users" },
    { label: "Prompt tokens", value: w.promptTokens, hint: "input tokens per request" },
    { label: "Output tokens", value: w.outputTokens, hint: "answer tokens per request" },
    { label: "Speed target (tokens/s per user)", value: w.tokensPerSecondPerUser ?? blank, hint: "slowest answer speed a user may see (blank = none)", numberFormat: "#,##0.0" },
    { label: "First-token target (s)", value: w.ttftSeconds ?? blank, hint: "longest wait for the first word (blank = none)", numberFormat: "0.00" },
    { label: "Hours per month", value: HOURS_PER_MONTH, hint: "hours billed a month (730 = always on)" },
  ]);
  plan.blocks.push(...inputs.blocks);
  plan.styles.push(...inputs.styles);
  const whole = (min: number, max: number, prompt: string): Omit<ValidationSpec, "address"> => ({ rule: { kind: "wholeNumber", min, max }, errorStyle: "Stop", prompt });
  const at = (label: (typeof WORKLOAD_ROWS)[number]) => workloadRef(label).replace(/\$/g, "");
  plan.validations.push(
    { address: at("Model"), rule: { kind: "list", source: source.Models }, errorStyle: "Warning", prompt: "Pick a model, or type any name FIT.PLAN understands." },
    { address: at("Concurrent users"), ...whole(1, 10_000_000, "Concurrent users: requests in flight at once.") },
    { address: at("Prompt tokens"), ...whole(1, 10_000_000, "Input tokens per request.") },
    { address: at("Output tokens"), ...whole(1, 10_000_000, "Answer tokens per request.") },
    { address: at("Hours per month"), ...whole(1, 744, "Hours billed per month.") },
  );
  plan.blocks.push(valuesAt(TABLE_ROW - 1, 0, [["Blank price cells use the catalog's median public on-demand price per GPU-hour (see its date): a starting point, not a quote. Your price always wins."]]));
  plan.styles.push({ address: cellOf(TABLE_ROW - 1, 0), italic: true, fontColor: "#595959" });

  // Candidate deployments: one row per chosen GPU, with the setup's format and engine.
  const rows: CellValue[][] = gLabels.slice(0, MAX_STARTER_ROWS).map((g) => [asText(g), s.quant, s.runtime, blank, blank]);
  const n = rows.length;
  const first = TABLE_ROW + 1;
  plan.blocks.push(valuesAt(TABLE_ROW, 0, [[...PLAN_COLUMNS]]));
  plan.blocks.push(valuesAt(first, 0, rows, rows.map(() => PLAN_COLUMNS.slice(0, INPUT_COLUMNS).map((c) => FORMATS[c]))));
  PLAN_COLUMNS.slice(INPUT_COLUMNS).forEach((c, i) => plan.blocks.push(formulasAt(first, INPUT_COLUMNS + i, rows.map(() => [PLAN_FORMULAS[c] ?? ""]), FORMATS[c])));
  plan.tables.push({ address: rangeAddress(TABLE_ROW, 0, n + 1, PLAN_COLUMNS.length), name: opts.tableName ?? "FitPlan", style: "TableStyleMedium9" });
  plan.styles.push({ address: rangeAddress(TABLE_ROW, 0, 1, PLAN_COLUMNS.length), wrapText: true, bold: true }, { address: rangeAddress(first, 0, n, INPUT_COLUMNS), fill: "#FFCC99" });
  const rules = {
    GPU: { rule: { kind: "list" as const, source: source.GPUs }, errorStyle: "Warning" as const, prompt: "Pick a GPU." },
    Quant: { rule: { kind: "list" as const, source: source.Quants }, errorStyle: "Stop" as const, prompt: "Weight format." },
    Runtime: { rule: { kind: "list" as const, source: source.Runtimes }, errorStyle: "Stop" as const, prompt: "Inference engine." },
  };
  (["GPU", "Quant", "Runtime"] as const).forEach((c) => plan.validations.push({ ...rules[c], address: rangeAddress(first, PLAN_COLUMNS.indexOf(c), n, 1) }));

  // Cost per month by candidate, beside the table.
  const costCol = PLAN_COLUMNS.indexOf("Cost per month");
  const chartLeft = PLAN_COLUMNS.length + 1;
  plan.charts.push({
    type: "ColumnClustered",
    seriesAddress: rangeAddress(TABLE_ROW, costCol, n + 1, 1),
    categoriesAddress: rangeAddress(first, 0, n, 1),
    title: "Cost per month by candidate",
    xAxisTitle: "GPU",
    yAxisTitle: "US dollars per month",
    from: cellOf(INPUT_ROW, chartLeft),
    to: cellOf(INPUT_ROW + 18, chartLeft + 7),
  });

  plan.columns.push({ address: rangeAddress(INPUT_ROW, 0, WORKLOAD_ROWS.length, 1), autofit: true }, { address: columnRange(1, PLAN_COLUMNS.length - 1), width: 90 });
  plan.freeze = { rows: 0, columns: 0 };
  const more = mLabels.length > 1 ? ` The plan is for ${mLabels[0]}; pick another model in B${INPUT_ROW + 1}.` : "";
  plan.notes = [`Dropdown lists are in hidden columns ${helperCols}.`, `${n} candidate row${n === 1 ? "" : "s"}; new table rows compute by themselves.${more}`];
  return plan;
}

const cellOf = (row: number, col: number) => `${columnLetters(col)}${row + 1}`;

function unique(xs: string[]): string[] {
  return xs.filter((x, i) => xs.findIndex((y) => y.toLowerCase() === x.toLowerCase()) === i);
}

/** The column letter of a candidates-table column on an unshifted plan (for the UI's hints). */
export const planColumnLetter = (c: PlanColumn): string => columnLetters(PLAN_COLUMNS.indexOf(c));
