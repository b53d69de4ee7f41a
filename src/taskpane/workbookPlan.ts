// Workbook plans: what an "Insert …" command writes, as plain data. Builders in
// ./plans produce them (pure, no Office globals, unit-tested without Excel);
// ./excelAdapter applies one in a single Excel.run. Every address in a plan is
// relative to the plan's own top-left (A1), so one plan can land at A1 of a new
// sheet or at the user's active cell: offsetPlan moves addresses AND the cell
// references inside formulas, validation sources, CF rules and charts together.
import { STATUSES, type Status } from "../core/estimate";

/** A constant written to a cell. Text stays text; numbers and booleans keep their type. */
export type CellValue = string | number | boolean;

/** A rectangular write: 2D arrays of exactly the address's shape (Excel rejects anything else). */
export interface CellBlock {
  address: string;
  values?: CellValue[][];
  /** Formulas ("=…") mixed with constants (stored as values), for the same shape. */
  formulas?: CellValue[][];
  numberFormat?: string[][];
}

/** Cosmetic formatting of a range; colours are "#RRGGBB". */
export interface StyleSpec {
  address: string;
  bold?: boolean;
  italic?: boolean;
  fontColor?: string;
  fill?: string;
  wrapText?: boolean;
  horizontalAlignment?: "Left" | "Center" | "Right";
  verticalAlignment?: "Top" | "Center" | "Bottom";
  /** Merge the range into one cell (its top-left value); only on ranges the plan itself wrote. */
  merge?: boolean;
  /** Row height in points: Excel does not fit row heights to wrapped text in merged cells. */
  rowHeight?: number;
}

/** An Excel table over already-written cells; the first row of `address` is the header. */
export interface TableSpec {
  address: string;
  /** A valid Excel table name; the adapter makes it unique in the workbook. */
  name: string;
  style: string;
}

interface Highlight {
  fill: string;
  fontColor: string;
}

/** Conditional formats, using Excel's own enum strings so no Excel.* objects are needed. */
export type ConditionalFormatSpec =
  | ({ kind: "text"; address: string; operator: "Contains" | "BeginsWith" | "EndsWith"; text: string } & Highlight)
  | ({ kind: "cellValue"; address: string; operator: "LessThan" | "GreaterThan" | "GreaterThanOrEqual" | "LessThanOrEqual" | "Between" | "EqualTo"; formula1: string; formula2?: string } & Highlight)
  /** A formula relative to the top-left cell of `address`, e.g. `=B9="OOM"`. */
  | ({ kind: "custom"; address: string; formula: string } & Highlight);

/** Data validation on a range: a dropdown from a range on the same sheet, or a whole-number bound. */
export interface ValidationSpec {
  address: string;
  rule: { kind: "list"; source: string } | { kind: "wholeNumber"; min: number; max: number };
  /** "Stop" blocks other entries; "Warning" lets a user type a name that is not in the list. */
  errorStyle: "Stop" | "Warning";
  prompt?: string;
}

/** A chart over written cells: series in columns (header row = series names), categories separate. */
export interface ChartSpec {
  type: "Line" | "ColumnClustered";
  /** Header row + values, one series per column. */
  seriesAddress: string;
  /** The x values (one column, no header). Set per series, because Excel would otherwise plot a numeric first column as a series. */
  categoriesAddress: string;
  title: string;
  xAxisTitle: string;
  yAxisTitle: string;
  /** Cells the chart covers (top-left and bottom-right corners). */
  from: string;
  to: string;
}

/** Columns to size or hide; `address` may be a column range ("B:AY") or a cell range (autofit on those cells). */
export interface ColumnSpec {
  address: string;
  width?: number;
  autofit?: boolean;
  /** Hidden helper columns (validation lists). Only applied on a new sheet: hiding whole columns of a user's sheet would hide their data. */
  hidden?: boolean;
}

/** Everything one insert command writes. */
export interface WorkbookPlan {
  /** Base name for a new sheet (made unique by the adapter). */
  sheetName: string;
  blocks: CellBlock[];
  styles: StyleSpec[];
  tables: TableSpec[];
  conditionalFormats: ConditionalFormatSpec[];
  validations: ValidationSpec[];
  charts: ChartSpec[];
  columns: ColumnSpec[];
  /** Rows/columns frozen from the sheet's top-left; applied only when the plan lands at A1. */
  freeze?: { rows: number; columns: number };
  /** Human notes for the task pane (e.g. "helper lists in BA:BE"). */
  notes?: string[];
}

/** An empty plan to fill in. */
export function emptyPlan(sheetName: string): WorkbookPlan {
  return { sheetName, blocks: [], styles: [], tables: [], conditionalFormats: [], validations: [], charts: [], columns: [] };
}

// ---------------------------------------------------------------- A1 helpers

/** Excel's grid limits (rows, columns). */
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

/** 0-based column index → letters: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD". */
export function columnLetters(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_COLUMNS) throw new RangeError(`Column ${index + 1} is outside Excel's ${MAX_COLUMNS} columns.`);
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Letters → 0-based column index ("A" → 0, "AA" → 26). */
export function columnIndex(letters: string): number {
  const up = letters.toUpperCase();
  if (!/^[A-Z]{1,3}$/.test(up)) throw new RangeError(`'${letters}' is not a column.`);
  let n = 0;
  for (const ch of up) n = n * 26 + (ch.charCodeAt(0) - 64);
  if (n > MAX_COLUMNS) throw new RangeError(`Column ${letters} is outside Excel's grid.`);
  return n - 1;
}

/** A 0-based cell position. */
export interface CellPos {
  row: number;
  col: number;
}

/** One cell address: cell(8, 0) → "A9"; absolute parts get a "$". */
export function cellAddress(row: number, col: number, abs: { row?: boolean; col?: boolean } = {}): string {
  if (!Number.isInteger(row) || row < 0 || row >= MAX_ROWS) throw new RangeError(`Row ${row + 1} is outside Excel's ${MAX_ROWS} rows.`);
  return `${abs.col ? "$" : ""}${columnLetters(col)}${abs.row ? "$" : ""}${row + 1}`;
}

/** Fully absolute cell reference, e.g. "$B$2" (for input cells that formulas point at). */
export const absCell = (row: number, col: number): string => cellAddress(row, col, { row: true, col: true });

/** A range address from a top-left and a size: rangeAddress(0, 0, 2, 3) → "A1:C2"; one cell → "A1". */
export function rangeAddress(row: number, col: number, rows: number, cols: number, abs = false): string {
  if (rows < 1 || cols < 1) throw new RangeError(`A range needs at least one row and column (got ${rows}×${cols}).`);
  const a = { row: abs, col: abs };
  const tl = cellAddress(row, col, a);
  return rows === 1 && cols === 1 ? tl : `${tl}:${cellAddress(row + rows - 1, col + cols - 1, a)}`;
}

/** A whole-column range, e.g. columnRange(1, 50) → "B:AY". */
export const columnRange = (first: number, last: number): string => `${columnLetters(first)}:${columnLetters(last)}`;

/** The bounds of an A1 range (0-based, inclusive). */
export interface Bounds {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

const CELL_RE = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

/** Parses "B2", "$B$2", "A1:C3" (optionally "Sheet!A1:C3") into 0-based bounds. Column ("B:D") and row ("2:4") ranges too. */
export function parseRange(address: string): Bounds {
  const bare = address.includes("!") ? address.slice(address.lastIndexOf("!") + 1) : address;
  const [a, b = a] = bare.split(":");
  const col = /^\$?([A-Za-z]{1,3})$/;
  const row = /^\$?(\d+)$/;
  if (col.test(a) && col.test(b)) return { top: 0, bottom: MAX_ROWS - 1, left: columnIndex(a.replace("$", "")), right: columnIndex(b.replace("$", "")) };
  if (row.test(a) && row.test(b)) return { top: Number(a.replace("$", "")) - 1, bottom: Number(b.replace("$", "")) - 1, left: 0, right: MAX_COLUMNS - 1 };
  const p = CELL_RE.exec(a);
  const q = CELL_RE.exec(b);
  if (!p || !q) throw new RangeError(`'${address}' is not an A1 address.`);
  const r = (m: RegExpExecArray) => ({ row: Number(m[2]) - 1, col: columnIndex(m[1]) });
  const x = r(p);
  const y = r(q);
  return { top: Math.min(x.row, y.row), bottom: Math.max(x.row, y.row), left: Math.min(x.col, y.col), right: Math.max(x.col, y.col) };
}

/** Rows × columns of an address. */
export function shapeOf(address: string): { rows: number; cols: number } {
  const b = parseRange(address);
  return { rows: b.bottom - b.top + 1, cols: b.right - b.left + 1 };
}

/** The address of bounds (relative form). */
export const boundsAddress = (b: Bounds): string => rangeAddress(b.top, b.left, b.bottom - b.top + 1, b.right - b.left + 1);

function shiftRef(dollarCol: string, letters: string, dollarRow: string, digits: string, dRow: number, dCol: number): string {
  return `${dollarCol}${columnLetters(columnIndex(letters) + dCol)}${dollarRow}${Number(digits) + dRow}`;
}

/** Moves an address by whole rows/columns ("A1:C3" + (4, 2) → "C5:E7"); "$" marks are kept. Column and row ranges move along one axis. */
export function shiftAddress(address: string, dRow: number, dCol: number): string {
  return address
    .split(":")
    .map((part) => {
      const cell = /^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$/.exec(part);
      if (cell) return shiftRef(cell[1], cell[2], cell[3], cell[4], dRow, dCol);
      const col = /^(\$?)([A-Za-z]{1,3})$/.exec(part);
      if (col) return `${col[1]}${columnLetters(columnIndex(col[2]) + dCol)}`;
      const row = /^(\$?)(\d+)$/.exec(part);
      if (row) return `${row[1]}${Number(row[2]) + dRow}`;
      throw new RangeError(`'${address}' is not an A1 address.`);
    })
    .join(":");
}

/**
 * Moves every A1 cell reference in a formula. Absolute and relative references
 * both move: the whole layout is translated, so "$B$2" must follow the input
 * cell it names. String literals and structured references ([@Model]) are left
 * alone, as are function names such as LOG10( and FIT.VRAM(.
 */
export function shiftFormula(formula: string, dRow: number, dCol: number): string {
  if (dRow === 0 && dCol === 0) return formula;
  let out = "";
  let i = 0;
  while (i < formula.length) {
    const ch = formula[i];
    if (ch === '"') {
      const end = stringEnd(formula, i);
      out += formula.slice(i, end);
      i = end;
      continue;
    }
    if (ch === "[") {
      const end = bracketEnd(formula, i);
      out += formula.slice(i, end);
      i = end;
      continue;
    }
    const m = /^(\$?)([A-Z]{1,3})(\$?)(\d+)/.exec(formula.slice(i));
    const prev = i > 0 ? formula[i - 1] : "";
    if (m && !/[A-Za-z0-9_.!$]/.test(prev)) {
      const next = formula[i + m[0].length] ?? "";
      // A name or function (LOG10(, ABC1_x) is not a reference.
      if (!/[A-Za-z0-9_(.]/.test(next)) {
        out += shiftRef(m[1], m[2], m[3], m[4], dRow, dCol);
        i += m[0].length;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

function stringEnd(s: string, start: number): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === '"') {
      if (s[i + 1] === '"') i += 2;
      else return i + 1;
    } else i++;
  }
  return s.length;
}

function bracketEnd(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === "'") i++; // ' escapes the next character inside structured references
    else if (s[i] === "[") depth++;
    else if (s[i] === "]" && --depth === 0) return i + 1;
  }
  return s.length;
}

const shiftIfFormula = <T extends CellValue>(v: T, dRow: number, dCol: number): T => (typeof v === "string" && v.startsWith("=") ? (shiftFormula(v, dRow, dCol) as T) : v);

/** The same plan placed with its top-left at (row, col) instead of A1. */
export function offsetPlan(plan: WorkbookPlan, origin: CellPos): WorkbookPlan {
  const { row: dr, col: dc } = origin;
  if (dr === 0 && dc === 0) return plan;
  const a = (x: string) => shiftAddress(x, dr, dc);
  const f = <T extends CellValue>(x: T): T => shiftIfFormula(x, dr, dc);
  return {
    ...plan,
    blocks: plan.blocks.map((b) => ({ ...b, address: a(b.address), ...(b.formulas ? { formulas: b.formulas.map((r) => r.map(f)) } : {}) })),
    styles: plan.styles.map((s) => ({ ...s, address: a(s.address) })),
    tables: plan.tables.map((t) => ({ ...t, address: a(t.address) })),
    conditionalFormats: plan.conditionalFormats.map((c) =>
      c.kind === "custom" ? { ...c, address: a(c.address), formula: f(c.formula) } : c.kind === "cellValue" ? { ...c, address: a(c.address), formula1: f(c.formula1), ...(c.formula2 !== undefined ? { formula2: f(c.formula2) } : {}) } : { ...c, address: a(c.address) },
    ),
    validations: plan.validations.map((v) => ({ ...v, address: a(v.address), rule: v.rule.kind === "list" ? { ...v.rule, source: f(v.rule.source) } : v.rule })),
    charts: plan.charts.map((c) => ({ ...c, seriesAddress: a(c.seriesAddress), categoriesAddress: a(c.categoriesAddress), from: a(c.from), to: a(c.to) })),
    columns: plan.columns.map((c) => ({ ...c, address: a(c.address) })),
  };
}

/** The smallest range covering every cell the plan writes (blocks and tables), relative to its top-left. */
export function planExtent(plan: WorkbookPlan): Bounds {
  const all = [...plan.blocks.map((b) => b.address), ...plan.tables.map((t) => t.address)].map(parseRange);
  if (all.length === 0) return { top: 0, left: 0, bottom: 0, right: 0 };
  return {
    top: Math.min(...all.map((b) => b.top)),
    left: Math.min(...all.map((b) => b.left)),
    bottom: Math.max(...all.map((b) => b.bottom)),
    right: Math.max(...all.map((b) => b.right)),
  };
}

/** One written cell, as a test or a preview sees it. */
export interface PlannedCell {
  value?: CellValue;
  formula?: string;
  numberFormat?: string;
}

/** Every written cell of a plan by address ("B9"), later blocks overriding earlier ones, as Excel would. */
export function planCells(plan: WorkbookPlan): Map<string, PlannedCell> {
  const cells = new Map<string, PlannedCell>();
  for (const b of plan.blocks) {
    const { top, left } = parseRange(b.address);
    const put = (grid: unknown[][] | undefined, key: keyof PlannedCell) =>
      grid?.forEach((row, r) =>
        row.forEach((v, c) => {
          const addr = cellAddress(top + r, left + c);
          cells.set(addr, { ...cells.get(addr), [key]: v });
        }),
      );
    put(b.values, "value");
    put(b.numberFormat, "numberFormat");
    // A constant in a formulas array is stored as a value, as Excel does.
    b.formulas?.forEach((row, r) =>
      row.forEach((v, c) => {
        const addr = cellAddress(top + r, left + c);
        const isFormula = typeof v === "string" && v.startsWith("=");
        cells.set(addr, { ...cells.get(addr), ...(isFormula ? { formula: v } : { value: v }) });
      }),
    );
  }
  return cells;
}

/** Checks every block's arrays match its address's shape; returns the problems (empty = fine). */
export function planProblems(plan: WorkbookPlan): string[] {
  const problems: string[] = [];
  for (const b of plan.blocks) {
    const { rows, cols } = shapeOf(b.address);
    for (const [name, grid] of [["values", b.values], ["formulas", b.formulas], ["numberFormat", b.numberFormat]] as const) {
      if (!grid) continue;
      if (grid.length !== rows || grid.some((r) => r.length !== cols)) problems.push(`${b.address}: ${name} is not ${rows}×${cols}`);
    }
    if (!b.values && !b.formulas && !b.numberFormat) problems.push(`${b.address}: empty block`);
  }
  return problems;
}

// ------------------------------------------------------- small grid builders

/** A 2D array of one repeated value. */
export const filled = <T>(rows: number, cols: number, v: T): T[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, () => v));

/** A block of values at (row, col), its address computed from the array's shape. */
export function valuesAt(row: number, col: number, values: CellValue[][], numberFormat?: string[][]): CellBlock {
  return { address: rangeAddress(row, col, values.length, values[0]?.length ?? 1), values, ...(numberFormat ? { numberFormat } : {}) };
}

/** A block of formulas at (row, col), with one number format for all its cells when given. */
export function formulasAt(row: number, col: number, formulas: CellValue[][], numberFormat?: string): CellBlock {
  const rows = formulas.length;
  const cols = formulas[0]?.length ?? 1;
  return { address: rangeAddress(row, col, rows, cols), formulas, ...(numberFormat ? { numberFormat: filled(rows, cols, numberFormat) } : {}) };
}

/** Text that Excel must not read as a formula or a number: catalog text starting with = + - @ gets Excel's ' text prefix. */
export function asText(s: string): string {
  return /^[=+\-@]/.test(s) ? `'${s}` : s;
}

/** A formula string literal: "q4_k_m" → "\"q4_k_m\"" (quotes doubled). */
export const quoteFormulaText = (s: string): string => `"${s.replace(/"/g, '""')}"`;

// ------------------------------------------------------------ FIT functions

/** Arity of each FIT custom function (min required, max accepted), as the functions runtime declares them. */
export const FIT_SIGNATURES: Readonly<Record<string, { min: number; max: number }>> = {
  VRAM: { min: 2, max: 8 },
  WEIGHTS: { min: 2, max: 5 },
  KVCACHE: { min: 1, max: 7 },
  BREAKDOWN: { min: 2, max: 8 },
  FITS: { min: 3, max: 9 },
  STATUS: { min: 3, max: 9 },
  HEADROOM: { min: 3, max: 9 },
  MAXCTX: { min: 3, max: 8 },
  MAXBATCH: { min: 3, max: 8 },
  MINGPUS: { min: 3, max: 8 },
  TOKS: { min: 3, max: 9 },
  TTFT: { min: 3, max: 7 },
  GPULAYERS: { min: 3, max: 9 },
  OFFLOAD: { min: 3, max: 9 },
  GPUSNEEDED: { min: 6, max: 11 },
  COSTMONTH: { min: 6, max: 13 },
  COSTPERMTOK: { min: 6, max: 12 },
  PLAN: { min: 6, max: 14 },
  PLANCOMPARE: { min: 5, max: 11 },
  MODEL: { min: 1, max: 2 },
  GPU: { min: 1, max: 2 },
  MODELS: { min: 0, max: 1 },
  GPUS: { min: 0, max: 1 },
  QUANTS: { min: 0, max: 1 },
  RUNTIMES: { min: 0, max: 0 },
  COMPARE: { min: 2, max: 8 },
};

/** The call text of a FIT function, e.g. fitCall("VRAM", ["$A9", "$B$2"]) → `FIT.VRAM($A9,$B$2)`; trailing "" args are dropped; the arity is checked. */
export function fitCall(name: keyof typeof FIT_SIGNATURES | string, args: string[]): string {
  const sig = FIT_SIGNATURES[name];
  if (!sig) throw new Error(`FIT.${name} is not a FIT function.`);
  const a = [...args];
  while (a.length > sig.min && a[a.length - 1] === "") a.pop();
  if (a.length < sig.min || a.length > sig.max) throw new Error(`FIT.${name} takes ${sig.min}–${sig.max} arguments, got ${a.length}.`);
  return `FIT.${name}(${a.join(",")})`;
}

// ------------------------------------------------------------ shared inputs

/** One estimate setup, as the inputs blocks hold it (the CLI's defaults). */
export interface Setup {
  quant: string;
  ctx: number;
  batch: number;
  runtime: string;
  kvDtype: string;
  gpuCount: number;
}

/** The CLI's defaults: native weights, 4096 tokens, one request, vLLM, auto KV, one GPU. */
export const DEFAULT_SETUP: Readonly<Setup> = { quant: "native", ctx: 4096, batch: 1, runtime: "vllm", kvDtype: "auto", gpuCount: 1 };

/** A labelled input row: label in one column, value beside it, a hint after. */
export interface InputRow {
  label: string;
  value: CellValue;
  hint?: string;
  numberFormat?: string;
}

/** Writes labelled inputs at (row, col): labels, values, hints; returns the blocks and the absolute reference of each value cell, in order. Text inputs stay "General" (not "@") so a user may type a formula into them. */
export function inputsBlock(row: number, col: number, rows: InputRow[]): { blocks: CellBlock[]; refs: string[]; styles: StyleSpec[] } {
  const blocks: CellBlock[] = [
    valuesAt(row, col, rows.map((r) => [r.label])),
    valuesAt(row, col + 1, rows.map((r) => [typeof r.value === "string" ? asText(r.value) : r.value]), rows.map((r) => [r.numberFormat ?? (typeof r.value === "number" ? "#,##0" : "General")])),
  ];
  if (rows.some((r) => r.hint)) blocks.push(valuesAt(row, col + 2, rows.map((r) => [r.hint ?? ""])));
  const styles: StyleSpec[] = [
    { address: rangeAddress(row, col, rows.length, 1), bold: true },
    { address: rangeAddress(row, col + 1, rows.length, 1), fill: INPUT_FILL, horizontalAlignment: "Right" },
  ];
  if (rows.some((r) => r.hint)) styles.push({ address: rangeAddress(row, col + 2, rows.length, 1), italic: true, fontColor: "#595959" });
  return { blocks, refs: rows.map((_, i) => absCell(row + i, col + 1)), styles };
}

/** Excel's "Input" cell style fill: marks the cells a user is meant to edit. */
export const INPUT_FILL = "#FFCC99";
/** Header fill shared by the inserted sheets. */
export const HEADER_FILL = "#D9E1F2";
/** Excel's Good / Neutral / Bad cell styles, used for Fits / Tight / OOM. */
export const STATUS_COLORS: Readonly<Record<Status, { fill: string; fontColor: string }>> = {
  Fits: { fill: "#C6EFCE", fontColor: "#006100" },
  Tight: { fill: "#FFEB9C", fontColor: "#9C5700" },
  "Fits with offload": { fill: "#DDEBF7", fontColor: "#1F4E78" },
  OOM: { fill: "#FFC7CE", fontColor: "#9C0006" },
};

/** Green/amber/blue/red text rules for a range of FIT.STATUS results (matched on the end, so "Fits" does not also colour "Fits with offload"). */
export function statusFormats(address: string): ConditionalFormatSpec[] {
  return STATUSES.map((s) => ({ kind: "text", address, operator: "EndsWith", text: s, ...STATUS_COLORS[s] }));
}

// ------------------------------------------------------------ catalog labels

export { gpuLabel, modelLabel } from "./labels";

// ------------------------------------------------------------ payload size

/** Excel on the web rejects a request over 5 MB (RequestPayloadSizeLimitExceeded); we stay under 5,000,000 bytes. */
export const REQUEST_LIMIT_BYTES = 5_000_000;

/**
 * An upper-bound estimate of the bytes one Excel request carries for a plan:
 * the JSON of every 2D array and address plus a fixed allowance per queued
 * call (Office.js wraps each call in an action object with ids).
 */
export function estimatePayloadBytes(plan: WorkbookPlan): number {
  const PER_ACTION = 250;
  const utf8 = (s: string) => new TextEncoder().encode(s).length;
  let bytes = 0;
  let actions = 0;
  for (const b of plan.blocks) {
    for (const grid of [b.values, b.formulas, b.numberFormat]) {
      if (!grid) continue;
      bytes += utf8(JSON.stringify(grid)) + utf8(b.address);
      actions += 2; // getRange + setter
    }
  }
  const rest = [plan.styles, plan.tables, plan.conditionalFormats, plan.validations, plan.charts, plan.columns];
  for (const list of rest) {
    bytes += utf8(JSON.stringify(list));
    actions += list.length * 6; // a handful of property sets per spec
  }
  return bytes + actions * PER_ACTION;
}
