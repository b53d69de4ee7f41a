// Turns what Excel passes into plain arguments: omitted optionals arrive as
// null, blank cells as "", ranges as 2D arrays, error cells as error objects.
// Ranges lift a function over their cells, the way Excel's own functions spill
// over arrays; an error in an input cell comes back as the same error.
import { catalogPending, whenCatalogLoaded } from "../core/catalogData";
import { fail, FitError } from "../core/errors";
import { excelErrorValue, toExcelError, type ExcelErrorValue } from "./excelError";

/** A cell value as Excel passes it to a custom function. */
export type Cell = string | number | boolean | null | undefined | ExcelErrorValue;

/** Throws an input cell's Excel error as itself, so the caller's toExcelError returns the same error. */
function rethrowError(v: Cell): void {
  if (excelErrorValue(v)) throw v;
}

/** How a value that is neither text nor a number reads in a message. */
const describe = (v: Cell): string => (v !== null && typeof v === "object" ? "a value that is not text" : String(v));
/** An argument declared as a matrix: a 2D array, or null when omitted. */
export type Arg = Cell[][] | Cell | null | undefined;

/** True for an omitted argument or a blank cell. */
export function isBlank(v: Cell): boolean {
  return v === null || v === undefined || v === "";
}

/** A name argument (model, GPU, quant…): text, or the default when blank. */
export function text(name: string, v: Cell, fallback?: string): string | undefined {
  if (isBlank(v)) return fallback;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  rethrowError(v);
  return fail("invalid", `${name} must be text, got ${describe(v)}.`);
}

/** A required name argument. */
export function requiredText(name: string, v: Cell): string {
  const s = text(name, v);
  if (s === undefined || s.trim() === "") fail("invalid", `${name} is required.`);
  return s;
}

/** A whole-number argument (ctx, batch, gpus); numeric text is accepted, anything else is an error. */
export function count(name: string, v: Cell, fallback: number): number {
  if (isBlank(v)) return fallback;
  rethrowError(v);
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v.replace(/[,_\s]/g, "")) : NaN;
  if (!Number.isFinite(n)) fail("invalid", `${name} must be a whole number, got ${typeof v === "string" ? `'${v}'` : describe(v)}.`);
  return n;
}

/** A decimal amount (a price, a speed, seconds): a number or numeric text; anything else is an error. */
export function amount(name: string, v: Cell): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v.replace(/[,_\s$]/g, "")) : NaN;
  if (!Number.isFinite(n)) fail("invalid", `${name} must be a number, got '${String(v)}'.`);
  return n;
}

function shape(a: Arg): [number, number] {
  return Array.isArray(a) ? [a.length, a[0]?.length ?? 0] : [1, 1];
}

function at(a: Arg, r: number, c: number): Cell {
  if (!Array.isArray(a)) return a;
  const row = a.length === 1 ? a[0] : a[r];
  return row.length === 1 ? row[0] : row[c];
}

/**
 * Applies `fn` to each cell position of the arguments. All scalar (1×1): the
 * result is 1×1 and an error is thrown so Excel shows its message. Otherwise the
 * result spills; arguments are 1×1, a row, a column or one common shape, and
 * each failed cell holds its own error.
 */
export function lift(args: Arg[], fn: (cell: (i: number) => Cell) => string | number | boolean): Array<Array<string | number | boolean | CustomFunctions.Error>> {
  if (catalogPending()) return later(() => lift(args, fn));
  let rows = 1;
  let cols = 1;
  for (const a of args) {
    const [r, c] = shape(a);
    if (r === 0 || c === 0) throw toExcelError(new FitError("invalid", "An argument is an empty range."));
    if (r !== 1) {
      if (rows !== 1 && rows !== r) throw toExcelError(mismatch(rows, cols, r, c));
      rows = r;
    }
    if (c !== 1) {
      if (cols !== 1 && cols !== c) throw toExcelError(mismatch(rows, cols, r, c));
      cols = c;
    }
  }
  /** The first argument's Excel error at a cell position, if any: it is the result there, as with Excel's own functions. */
  const inputError = (r: number, c: number): Cell => args.map((a) => at(a, r, c)).find((v) => excelErrorValue(v));
  if (rows === 1 && cols === 1) {
    try {
      rethrowError(inputError(0, 0));
      return [[fn((i) => at(args[i], 0, 0))]];
    } catch (e) {
      throw toExcelError(e);
    }
  }
  const out: Array<Array<string | number | boolean | CustomFunctions.Error>> = [];
  for (let r = 0; r < rows; r++) {
    const row: Array<string | number | boolean | CustomFunctions.Error> = [];
    for (let c = 0; c < cols; c++) {
      try {
        rethrowError(inputError(r, c));
        row.push(fn((i) => at(args[i], r, c)));
      } catch (e) {
        row.push(toExcelError(e));
      }
    }
    out.push(row);
  }
  return out;
}

function mismatch(r1: number, c1: number, r2: number, c2: number): FitError {
  return new FitError("invalid", `Ranges must line up: got ${r1}×${c1} and ${r2}×${c2}. Use single cells, one row, one column, or ranges of the same size.`);
}

/**
 * A call that arrived while the runtime is still loading the catalog: its result, once the
 * catalog has loaded. Excel takes a promise from any custom function; the declared type stays
 * the matrix so functions.json keeps its dimensionality (a union would make it a scalar), and
 * once the catalog has loaded no call pays for a promise.
 */
function later<T>(fn: () => T): T {
  return whenCatalogLoaded().then(fn, (e) => {
    throw toExcelError(e);
  }) as unknown as T;
}

/** Runs a table-returning function, turning any failure into the Excel error that explains it. */
export function table(fn: () => Array<Array<string | number | boolean>>): Array<Array<string | number | boolean>> {
  if (catalogPending()) return later(() => table(fn));
  try {
    return fn();
  } catch (e) {
    throw toExcelError(e);
  }
}

/** A scalar argument of a table function (these take one model, not a range). */
export function single(name: string, a: Arg): Cell {
  if (!Array.isArray(a)) return a;
  if (a.length !== 1 || a[0].length !== 1) fail("invalid", `${name} takes a single cell here, not a range; this function already spills a table.`);
  return a[0][0];
}
