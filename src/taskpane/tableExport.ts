// Outside Excel the pane offers each result table as "Copy" (TSV, which pastes
// into any spreadsheet as cells) and "Download CSV". Both are pure text
// builders. Text that came from data and could start a formula gets a leading
// ' so a spreadsheet opening the file shows it instead of running it (CSV/formula
// injection). Numbers, including negative ones, are written as numbers.

/** One exported cell. null and undefined are blank. */
export type ExportCell = string | number | boolean | null | undefined;

/** Options for both exports. */
export interface ExportOptions {
  /** Prefix risky text with ' (default true). */
  guardFormulas?: boolean;
}

// Spreadsheets skip leading whitespace (a space, NBSP, ideographic space, a line
// break) and invisible format characters before deciding that a cell is a
// formula, and some read the full-width and small-form ＝ ＋ － ＠ as = + - @.
// So the test runs on the text's compatibility form (NFKC maps every such
// relative to its ASCII character) after those leading characters, and the
// minus sign − counts as -. A cell that starts with a tab, CR or LF is guarded
// whatever follows, as OWASP advises.
const SKIPPED = /^[\s\p{Cc}\p{Cf}]*/u;
const TRIGGER = /^[=+\-@\u2212]/;
const BREAK = /^[\t\r\n]/;

/** A text cell made inert for spreadsheets: "=1+1" → "'=1+1"; " =1+1", "＝1+1", "-5" (text) → with a leading ' too. */
export function guardFormula(s: string): string {
  return BREAK.test(s) || TRIGGER.test(s.normalize("NFKC").replace(SKIPPED, "")) ? `'${s}` : s;
}

function cellText(v: ExportCell, guard: boolean): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return guard ? guardFormula(v) : v;
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows → CSV text per RFC 4180 (CRLF line breaks, quoting as needed, with a final CRLF). */
export function toCsv(rows: ExportCell[][], opts: ExportOptions = {}): string {
  const guard = opts.guardFormulas ?? true;
  return rows.map((r) => r.map((v) => csvField(cellText(v, guard))).join(",")).join("\r\n") + (rows.length ? "\r\n" : "");
}

/** Rows → TSV for the clipboard: tabs and line breaks inside a cell become spaces (TSV has no quoting that every paste target honours). */
export function toTsv(rows: ExportCell[][], opts: ExportOptions = {}): string {
  const guard = opts.guardFormulas ?? true;
  return rows.map((r) => r.map((v) => cellText(v, guard).replace(/\r\n|[\t\r\n]/g, " ")).join("\t")).join("\n");
}

/** UTF-8 byte-order mark: Excel reads a CSV as UTF-8 only when it starts with one. */
export const CSV_BOM = "\uFEFF";

/** A file name for a download: letters, digits, "-" and "_" only, ending in .csv. */
export function csvFileName(title: string): string {
  const base = title.trim().replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
  return `${base || "fitmygpu"}.csv`;
}
