// "Insert model spec table": the catalog's spec fields for one or many models
// as a named, styled Excel table. Values are typed for Excel: parameter counts
// stay raw counts (so they sum and sort) and a number format shows billions;
// dates are real date serials; text is stored as text.
import { findGpu, findModel, type ModelEntry } from "../../core/catalog";
import { modelPageView } from "../../core/modelPages";
import { GPU_FIELDS, MODEL_FIELDS, type FieldFormat, type SpecField } from "../../core/spec";
import { asText, columnLetters, emptyPlan, rangeAddress, valuesAt, HEADER_FILL, type CellValue, type WorkbookPlan } from "../workbookPlan";

/**
 * Billions from a raw count: each "," after the last digit placeholder divides
 * by 1,000, so three of them divide by 1e9 (7,615,616,512 → "7.6B"); the
 * first "," is the thousands separator (1,026,000,000,000 → "1,026.0B").
 */
export const PARAMS_FORMAT = '#,##0.0,,,"B"';
/** Whole numbers with thousands separators (context windows, layer counts). */
export const COUNT_FORMAT = "#,##0";
/** ISO dates; catalog dates given only to the month use "yyyy-mm". */
export const DATE_FORMAT = "yyyy-mm-dd";
export const MONTH_FORMAT = "yyyy-mm";
/** "@" keeps text as text: an id like "1.5" or "2e5" is not turned into a number. */
export const TEXT_FORMAT = "@";

const MS_PER_DAY = 86_400_000;
// Excel's day 0 is 1899-12-30 (the 1900 leap-year bug is absorbed for dates after Feb 1900).
const EXCEL_EPOCH_UTC = Date.UTC(1899, 11, 30);

/** "2024-08-29" (or "2024-08", taken as the 1st) → Excel date serial; undefined for anything else. */
export function excelDateSerial(iso: string): number | undefined {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso);
  if (!m) return undefined;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
  return Math.round((utc - EXCEL_EPOCH_UTC) / MS_PER_DAY);
}

/** The number format a field's cells get. */
export function fieldNumberFormat(format: FieldFormat, key: string, raw?: unknown): string {
  switch (format) {
    case "params":
      return PARAMS_FORMAT;
    case "count":
      // A year is a count in spec.ts, but "2,024" would be wrong.
      return key.endsWith("_year") ? "0" : COUNT_FORMAT;
    case "date":
      return typeof raw === "string" && /^\d{4}-\d{2}$/.test(raw) ? MONTH_FORMAT : DATE_FORMAT;
    case "gib":
      return "0.00";
    case "text":
    case "repo":
      return TEXT_FORMAT;
    case "number":
    case "bool":
      return "General";
  }
}

/** One spec value as a typed cell: dates → serials, text → text; missing values are blank. */
export function fieldCell(format: FieldFormat, raw: string | number | boolean | null): CellValue {
  if (raw === null) return "";
  if (format === "date" && typeof raw === "string") return excelDateSerial(raw) ?? asText(raw);
  if (typeof raw === "string") return asText(raw);
  return raw;
}

/** A valid Excel table name from any text: letters, digits, "_" and "."; starts with a letter or "_"; never a cell reference (like "FIT1") or R1C1 reference. */
export function tableNameFrom(text: string): string {
  let s = text.replace(/[^A-Za-z0-9_.]+/g, "_").replace(/^_+|_+$/g, "");
  if (!/^[A-Za-z_]/.test(s)) s = `T_${s}`;
  if (/^[A-Za-z]{1,3}\d+$/.test(s) || /^[Rr]\d*[Cc]\d*$/.test(s) || /^[RrCc]$/.test(s)) s = `${s}_`;
  return s.slice(0, 255);
}

/** Whether a name is a valid Excel table name (the rules tableNameFrom enforces). */
export function isValidTableName(s: string): boolean {
  return s.length > 0 && s.length <= 255 && /^[A-Za-z_\\][A-Za-z0-9_.\\]*$/.test(s) && !/^[A-Za-z]{1,3}\d+$/.test(s) && !/^[Rr]\d*[Cc]\d*$/.test(s);
}

/** Header labels made unique, because Excel renames duplicate table headers itself ("Name2"). */
function uniqueHeaders(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l.toLowerCase()) ?? 0) + 1;
    seen.set(l.toLowerCase(), n);
    return n === 1 ? l : `${l} (${n})`;
  });
}

/** Options for a spec table. */
export interface SpecTableOptions {
  /** Field keys to include, in order (default: all). */
  fields?: string[];
  tableName?: string;
  sheetName?: string;
  style?: string;
}

/** A spec table plan over any field list, one row per item. */
export function specTablePlan<T>(allFields: readonly SpecField<T>[], items: T[], opts: Required<Pick<SpecTableOptions, "tableName" | "sheetName" | "style">> & { fields?: string[] }): WorkbookPlan {
  if (items.length === 0) throw new Error("Choose at least one item for the spec table.");
  const fields = opts.fields ? opts.fields.map((k) => pickField(allFields, k)) : [...allFields];
  const header = uniqueHeaders(fields.map((f) => f.label));
  const raw = items.map((it) => fields.map((f) => f.value(it)));
  const body = raw.map((row) => row.map((v, c) => fieldCell(fields[c].format, v)));
  const formats = raw.map((row) => row.map((v, c) => fieldNumberFormat(fields[c].format, fields[c].key, v)));
  const rows = items.length;
  const cols = fields.length;
  const plan = emptyPlan(opts.sheetName);
  plan.blocks.push(valuesAt(0, 0, [header]), valuesAt(1, 0, body, formats));
  plan.tables.push({ address: rangeAddress(0, 0, rows + 1, cols), name: tableNameFrom(opts.tableName), style: opts.style });
  plan.styles.push({ address: rangeAddress(0, 0, 1, cols), wrapText: true, fill: HEADER_FILL, bold: true });
  plan.columns.push({ address: rangeAddress(0, 0, rows + 1, cols), autofit: true });
  // Long prose columns (architecture notes) would autofit to hundreds of points.
  fields.forEach((f, c) => {
    const longest = Math.max(...raw.map((r) => String(r[c] ?? "").length));
    if (f.format === "text" && longest > 40) plan.columns.push({ address: `${columnLetters(c)}:${columnLetters(c)}`, width: 240 });
  });
  plan.freeze = { rows: 1, columns: 1 };
  plan.notes = [`${rows} row${rows === 1 ? "" : "s"} × ${cols} fields; parameters are raw counts shown in billions.`];
  return plan;
}

function pickField<T>(fields: readonly SpecField<T>[], key: string): SpecField<T> {
  const f = fields.find((x) => x.key === key);
  if (!f) throw new Error(`Unknown field '${key}'. Fields: ${fields.map((x) => x.key).join(", ")}.`);
  return f;
}

/** Columns a section's text spans below the table (wide enough to read, not the whole table). */
export const SECTION_COLUMNS = 8;
/** Characters per line of wrapped section text over those columns, and points per line, for the row heights Excel does not fit to merged cells. */
const CHARS_PER_LINE = 110;
const POINTS_PER_LINE = 15;

/**
 * The written sections of each model below the spec table: a title row, one row
 * per section (heading in column A, the text merged over B:H and wrapped, with
 * its source numbers), the memory behaviour, and the numbered sources.
 */
function pageBlocks(plan: WorkbookPlan, entries: ModelEntry[], firstRow: number): void {
  let row = firstRow;
  const textCols = SECTION_COLUMNS - 1;
  const paragraph = (heading: string, text: string, bold = false) => {
    plan.blocks.push(valuesAt(row, 0, [[asText(heading), asText(text), ...Array<string>(textCols - 1).fill("")]]));
    const merged = rangeAddress(row, 1, 1, textCols);
    const lines = Math.max(1, Math.ceil(text.length / CHARS_PER_LINE));
    plan.styles.push({ address: rangeAddress(row, 0, 1, 1), bold: true, wrapText: true, verticalAlignment: "Top" });
    plan.styles.push({ address: merged, merge: true, wrapText: true, verticalAlignment: "Top", bold: bold || undefined, rowHeight: lines * POINTS_PER_LINE });
    row++;
  };
  for (const m of entries) {
    const page = modelPageView(m);
    plan.blocks.push(valuesAt(row, 0, [[asText(m.record.name)]]));
    plan.styles.push({ address: rangeAddress(row, 0, 1, 1), bold: true, fill: HEADER_FILL });
    row++;
    for (const s of page.sections) paragraph(s.heading, s.paragraphs.join(" ") + (s.cites.length ? ` [${s.cites.join(", ")}]` : ""));
    page.sources.forEach((src, i) => paragraph(i === 0 ? "Sources" : "", `[${src.n}] ${src.label} ${src.url}`));
    row++;
  }
}

/** "Insert model spec table": one row per model (ids, names or HF ids), header from MODEL_FIELDS labels, then each model's written page below it as wrapped text. Unknown models throw the catalog's "did you mean" error. */
export function modelSpecTablePlan(models: string[], opts: SpecTableOptions = {}): WorkbookPlan {
  const entries = models.map((m) => findModel(m)).filter((m, i, a) => a.findIndex((x) => x.record.id === m.record.id) === i);
  const plan = specTablePlan(MODEL_FIELDS, entries, { tableName: opts.tableName ?? "FitModels", sheetName: opts.sheetName ?? "FitMyGPU models", style: opts.style ?? "TableStyleMedium2", fields: opts.fields });
  // One blank row between the table and the sections, so Excel does not grow the table over them.
  pageBlocks(plan, entries, entries.length + 2);
  plan.notes = [...(plan.notes ?? []), `Each model's page (sections, memory behaviour, sources) is below the table.`];
  return plan;
}

/** "Insert GPU spec table": one row per GPU, header from GPU_FIELDS labels. */
export function gpuSpecTablePlan(gpus: string[], opts: SpecTableOptions = {}): WorkbookPlan {
  const records = gpus.map((g) => findGpu(g)).filter((g, i, a) => a.findIndex((x) => x.id === g.id) === i);
  return specTablePlan(GPU_FIELDS, records, { tableName: opts.tableName ?? "FitGpus", sheetName: opts.sheetName ?? "FitMyGPU GPUs", style: opts.style ?? "TableStyleMedium2", fields: opts.fields });
}
