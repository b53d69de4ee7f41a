// The one place a WorkbookPlan meets Excel. One Excel.run, two context.sync()
// calls whatever the plan size (one to read sheet/table names and, for a
// selection, whether the target is empty; one to write everything), never a
// sync in a loop. Each block is a single 2D assignment. Excel enums are passed
// as their string values, so a test can inject a plain fake instead of Excel.
import {
  MAX_COLUMNS,
  MAX_ROWS,
  REQUEST_LIMIT_BYTES,
  boundsAddress,
  cellAddress,
  estimatePayloadBytes,
  offsetPlan,
  parseRange,
  planExtent,
  planProblems,
  type CellPos,
  type ConditionalFormatSpec,
  type StyleSpec,
  type ValidationSpec,
  type WorkbookPlan,
} from "./workbookPlan";

// ---------------------------------------------- the Excel surface we use

interface Loadable {
  load(props: string): unknown;
}
interface FontLike {
  bold: boolean;
  italic: boolean;
  color: string;
}
interface FormatLike {
  font: FontLike;
  fill: { color: string };
  wrapText: boolean;
  horizontalAlignment: string;
  verticalAlignment: string;
  columnWidth: number;
  rowHeight: number;
  autofitColumns(): void;
}
interface CfFormatLike {
  format: { fill: { color: string }; font: { color: string } };
}
interface ConditionalFormatLike {
  textComparison: CfFormatLike & { rule: unknown };
  cellValue: CfFormatLike & { rule: unknown };
  custom: CfFormatLike & { rule: { formula: string } };
}
/** The part of Excel.Range the adapter touches. */
export interface RangeLike extends Loadable {
  address: string;
  isNullObject: boolean;
  values: unknown;
  formulas: unknown;
  numberFormat: unknown;
  columnHidden: boolean;
  format: FormatLike;
  conditionalFormats: { add(type: string): ConditionalFormatLike };
  dataValidation: { rule: unknown; errorAlert: unknown; prompt: unknown };
  getResizedRange(deltaRows: number, deltaColumns: number): RangeLike;
  merge(across?: boolean): void;
  getUsedRangeOrNullObject(valuesOnly?: boolean): RangeLike;
}
interface TableLike {
  name: string;
  style: string;
}
interface ChartLike {
  title: { text: string };
  axes: { categoryAxis: { title: { text: string } }; valueAxis: { title: { text: string } } };
  legend: { position: string };
  series: { getItemAt(i: number): { setXAxisValues(r: RangeLike): void } };
  setPosition(start: RangeLike | string, end?: RangeLike | string): void;
}
/** The part of Excel.Worksheet the adapter touches. */
export interface WorksheetLike extends Loadable {
  name: string;
  getRange(address: string): RangeLike;
  tables: { add(address: RangeLike | string, hasHeaders: boolean): TableLike };
  charts: { add(type: string, source: RangeLike, seriesBy?: string): ChartLike };
  freezePanes: { freezeAt(range: RangeLike | string): void; freezeRows(n: number): void; freezeColumns(n: number): void };
  activate(): void;
}
interface NamedCollection extends Loadable {
  items: Array<{ name: string }>;
}
/** The part of Excel.RequestContext the adapter touches. */
export interface ContextLike {
  workbook: {
    worksheets: NamedCollection & { add(name: string): WorksheetLike; getActiveWorksheet(): WorksheetLike };
    tables: NamedCollection;
    names: NamedCollection;
    getActiveCell(): RangeLike;
  };
  application: { suspendScreenUpdatingUntilNextSync(): void; suspendApiCalculationUntilNextSync(): void };
  sync(): Promise<void>;
}
/** The `Excel` namespace, or a fake with the same run(). */
export interface ExcelLike {
  run<T>(batch: (context: ContextLike) => Promise<T>): Promise<T>;
}

// ---------------------------------------------------------------- targets

/** Where a plan goes: a new sheet (default) or the active cell of the active sheet. */
export type PlanTarget = { kind: "new-sheet" } | { kind: "selection" };

/** What the UI shows after an insert. */
export interface ApplyResult {
  sheetName: string;
  /** The range written, e.g. "A1:CZ108". */
  address: string;
  /** context.sync() calls made. */
  syncs: number;
  /** Table names as created (made unique in the workbook). */
  tableNames: string[];
  /** What was skipped or worth telling the user. */
  notes: string[];
}

/** Why an insert was refused; nothing was written. `offerNewSheet` tells the UI to offer "Insert on a new sheet". */
export class PlanRefused extends Error {
  constructor(
    message: string,
    readonly reason: "target-not-empty" | "no-room" | "too-large" | "invalid-plan",
    readonly offerNewSheet: boolean,
  ) {
    super(message);
    this.name = "PlanRefused";
  }
}

// ---------------------------------------------------------------- names

const SHEET_NAME_MAX = 31;

/** A valid sheet name from any text: no []:*?/\ characters, no leading/trailing apostrophe, ≤ 31 characters, never blank. */
export function cleanSheetName(base: string): string {
  const s = base.replace(/[[\]:*?/\\]/g, " ").replace(/^'+|'+$/g, "").replace(/\s+/g, " ").trim().slice(0, SHEET_NAME_MAX).trim();
  return s === "" || s.toLowerCase() === "history" ? "FitMyGPU" : s;
}

/** "Name", else "Name (2)", "Name (3)" …, compared case-insensitively as Excel does, truncating the base so the suffix fits in 31 characters. */
export function uniqueSheetName(base: string, existing: readonly string[]): string {
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  const clean = cleanSheetName(base);
  if (!taken.has(clean.toLowerCase())) return clean;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const name = clean.slice(0, SHEET_NAME_MAX - suffix.length).trimEnd() + suffix;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** A table name not used by any table or defined name in the workbook: "FitPlan", "FitPlan_2", … */
export function uniqueTableName(base: string, existing: readonly string[]): string {
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`.toLowerCase())) return `${base}_${i}`;
}

/** The 0-based position of a loaded address like "Sheet1!C5" or "'My sheet'!C5:D6" (its top-left). */
export function originOf(address: string): CellPos {
  const b = parseRange(address);
  return { row: b.top, col: b.left };
}

// ---------------------------------------------------------------- apply

/**
 * Writes a plan into the workbook. On a selection target nothing is written
 * unless every cell the plan covers is empty (else PlanRefused with
 * offerNewSheet). Throws PlanRefused for a plan over the request size limit.
 */
export async function applyPlan(excel: ExcelLike, plan: WorkbookPlan, target: PlanTarget = { kind: "new-sheet" }): Promise<ApplyResult> {
  const problems = planProblems(plan);
  if (problems.length) throw new PlanRefused(`The plan is malformed: ${problems.slice(0, 3).join("; ")}.`, "invalid-plan", false);
  const bytes = estimatePayloadBytes(plan);
  if (bytes > REQUEST_LIMIT_BYTES) throw new PlanRefused(`This insert is about ${(bytes / 1e6).toFixed(1)} MB, over Excel's 5 MB request limit; choose fewer rows or columns.`, "too-large", false);
  const extent = planExtent(plan);

  return excel.run(async (context) => {
    let syncs = 0;
    const wb = context.workbook;
    wb.worksheets.load("items/name");
    wb.tables.load("items/name");
    wb.names.load("items/name");
    let active: { sheet: WorksheetLike; cell: RangeLike; used: RangeLike } | undefined;
    if (target.kind === "selection") {
      const sheet = wb.worksheets.getActiveWorksheet();
      sheet.load("name");
      const cell = wb.getActiveCell();
      cell.load("address");
      // The whole rectangle the plan covers, from the active cell, checked in the same round trip.
      const used = cell.getResizedRange(extent.bottom, extent.right).getUsedRangeOrNullObject(true);
      used.load("address");
      active = { sheet, cell, used };
    }
    try {
      await context.sync();
      syncs++;
    } catch (e) {
      // getResizedRange fails when the plan would run past the sheet's last row or column.
      if (active) throw new PlanRefused(`There is not enough room below and to the right of the active cell for ${boundsAddress(extent)}. Insert on a new sheet instead?`, "no-room", true);
      throw e;
    }

    let sheet: WorksheetLike;
    let sheetName: string;
    let origin: CellPos = { row: 0, col: 0 };
    const notes: string[] = [...(plan.notes ?? [])];
    if (active) {
      if (!active.used.isNullObject) {
        throw new PlanRefused(`The ${extent.bottom + 1} × ${extent.right + 1} cells from the active cell are not empty (${active.used.address} has data). Nothing was written. Insert on a new sheet instead?`, "target-not-empty", true);
      }
      origin = originOf(active.cell.address);
      if (origin.row + extent.bottom >= MAX_ROWS || origin.col + extent.right >= MAX_COLUMNS) throw new PlanRefused("There is not enough room below and to the right of the active cell. Insert on a new sheet instead?", "no-room", true);
      sheet = active.sheet;
      sheetName = active.sheet.name;
    } else {
      // The name is chosen here, so reading it back would cost a load and a third sync.
      sheetName = uniqueSheetName(plan.sheetName, wb.worksheets.items.map((w) => w.name));
      sheet = wb.worksheets.add(sheetName);
    }
    const placed = offsetPlan(plan, origin);
    const onNewSheet = target.kind === "new-sheet";

    context.application.suspendScreenUpdatingUntilNextSync();
    context.application.suspendApiCalculationUntilNextSync();

    // Formulas with structured references ([@Model]) are only valid inside a table, so
    // formulas in a table's body are written after the table exists; a whole body column
    // written with one formula becomes a calculated column that fills new rows.
    const tableBounds = placed.tables.map((t) => parseRange(t.address));
    const inTable = (address: string) => {
      const b = parseRange(address);
      return tableBounds.some((t) => b.top > t.top && b.bottom <= t.bottom && b.left >= t.left && b.right <= t.right);
    };
    const later: typeof placed.blocks = [];
    for (const b of placed.blocks) {
      const range = sheet.getRange(b.address);
      // Format first, so a value lands in a cell that already says how to read it (text stays text).
      if (b.numberFormat) range.numberFormat = b.numberFormat;
      if (b.values) range.values = b.values;
      if (b.formulas) {
        if (inTable(b.address)) later.push(b);
        else range.formulas = b.formulas;
      }
    }
    const taken = [...wb.tables.items, ...wb.names.items].map((t) => t.name);
    const tableNames: string[] = [];
    for (const t of placed.tables) {
      const table = sheet.tables.add(t.address, true);
      const name = uniqueTableName(t.name, [...taken, ...tableNames]);
      table.name = name;
      table.style = t.style;
      tableNames.push(name);
    }
    for (const b of later) sheet.getRange(b.address).formulas = b.formulas as string[][];
    for (const s of placed.styles) applyStyle(sheet.getRange(s.address), s);
    for (const cf of placed.conditionalFormats) applyConditionalFormat(sheet.getRange(cf.address), cf);
    for (const v of placed.validations) applyValidation(sheet.getRange(v.address), v);
    // Widths and visibility belong to whole columns: on the user's own sheet they would
    // change rows above and below the rectangle that was checked empty, so they are left alone.
    if (onNewSheet) {
      for (const c of placed.columns) {
        const range = sheet.getRange(c.address);
        if (c.width !== undefined) range.format.columnWidth = c.width;
        if (c.autofit) range.format.autofitColumns();
        if (c.hidden) range.columnHidden = true;
      }
    } else {
      if (placed.columns.some((c) => c.width !== undefined || c.autofit)) notes.push("Column widths were left as they are: sizing columns would change whole columns of this sheet, beyond the cells inserted.");
      for (const c of placed.columns) if (c.hidden) notes.push(`Helper columns ${c.address} were left visible: hiding them would hide whole columns of this sheet.`);
    }
    for (const c of placed.charts) {
      const chart = sheet.charts.add(c.type, sheet.getRange(c.seriesAddress), "Columns");
      chart.title.text = c.title;
      chart.axes.categoryAxis.title.text = c.xAxisTitle;
      chart.axes.valueAxis.title.text = c.yAxisTitle;
      chart.legend.position = "Bottom";
      const categories = sheet.getRange(c.categoriesAddress);
      const series = parseRange(c.seriesAddress);
      for (let i = 0; i <= series.right - series.left; i++) chart.series.getItemAt(i).setXAxisValues(categories);
      chart.setPosition(c.from, c.to);
    }
    if (placed.freeze && origin.row === 0 && origin.col === 0) {
      const { rows, columns } = placed.freeze;
      if (rows > 0 && columns > 0) sheet.freezePanes.freezeAt(sheet.getRange(`A1:${cellAddress(rows - 1, columns - 1)}`));
      else if (rows > 0) sheet.freezePanes.freezeRows(rows);
      else if (columns > 0) sheet.freezePanes.freezeColumns(columns);
    } else if (placed.freeze) notes.push("Panes were not frozen: the plan does not start at A1.");
    if (onNewSheet) sheet.activate();

    await context.sync();
    syncs++;
    return { sheetName, address: boundsAddress({ top: origin.row + extent.top, left: origin.col + extent.left, bottom: origin.row + extent.bottom, right: origin.col + extent.right }), syncs, tableNames, notes };
  });
}

function applyStyle(range: RangeLike, s: StyleSpec): void {
  if (s.bold !== undefined) range.format.font.bold = s.bold;
  if (s.italic !== undefined) range.format.font.italic = s.italic;
  if (s.fontColor) range.format.font.color = s.fontColor;
  if (s.fill) range.format.fill.color = s.fill;
  if (s.wrapText !== undefined) range.format.wrapText = s.wrapText;
  if (s.horizontalAlignment) range.format.horizontalAlignment = s.horizontalAlignment;
  if (s.verticalAlignment) range.format.verticalAlignment = s.verticalAlignment;
  if (s.merge) range.merge(false);
  if (s.rowHeight !== undefined) range.format.rowHeight = s.rowHeight;
}

function applyConditionalFormat(range: RangeLike, cf: ConditionalFormatSpec): void {
  if (cf.kind === "text") {
    const c = range.conditionalFormats.add("ContainsText").textComparison;
    c.format.fill.color = cf.fill;
    c.format.font.color = cf.fontColor;
    c.rule = { operator: cf.operator, text: cf.text };
  } else if (cf.kind === "cellValue") {
    const c = range.conditionalFormats.add("CellValue").cellValue;
    c.format.fill.color = cf.fill;
    c.format.font.color = cf.fontColor;
    c.rule = { formula1: cf.formula1, ...(cf.formula2 !== undefined ? { formula2: cf.formula2 } : {}), operator: cf.operator };
  } else {
    const c = range.conditionalFormats.add("Custom").custom;
    c.format.fill.color = cf.fill;
    c.format.font.color = cf.fontColor;
    c.rule.formula = cf.formula;
  }
}

function applyValidation(range: RangeLike, v: ValidationSpec): void {
  // Only one rule kind per rule object (Excel rejects a rule with two).
  range.dataValidation.rule =
    v.rule.kind === "list"
      ? { list: { inCellDropDown: true, source: v.rule.source } }
      : { wholeNumber: { formula1: v.rule.min, formula2: v.rule.max, operator: "Between" } };
  range.dataValidation.errorAlert = { showAlert: true, style: v.errorStyle, title: "FitMyGPU", message: v.prompt ?? "Pick a value from the list." };
  if (v.prompt) range.dataValidation.prompt = { showPrompt: true, title: "FitMyGPU", message: v.prompt };
}
