// The one mapping from what the core throws to what Excel shows. Excel displays
// a custom message only on #VALUE! and #N/A, so every FitError becomes one of
// those; an Excel error value found in an input cell comes back as itself.
import { isFitError } from "../core/errors";

/** An Excel error value as a custom function receives it inside a range: an object with an error code such as "#DIV/0!". */
export interface ExcelErrorValue {
  code: string;
  message?: string;
}

/** The error value in an input cell, if `v` is one (duck-typed: the host passes its own error objects). */
export function excelErrorValue(v: unknown): ExcelErrorValue | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const code = (v as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("#") ? (v as ExcelErrorValue) : undefined;
}

// Input errors a custom function may also return. #NAME? and #REF! are input-only
// (Excel refuses them as results), as are the newer #SPILL!, #CALC!, … codes.
const RETURNABLE = new Set(["#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#VALUE!"]);

/** The same error an input cell holds; an input-only code comes back as #VALUE! naming it. */
function passThrough(input: ExcelErrorValue): CustomFunctions.Error {
  const codes = CustomFunctions.ErrorCode;
  if (!RETURNABLE.has(input.code)) return new CustomFunctions.Error(codes.invalidValue, `An input cell holds ${input.code}.`);
  const message = (input.code === "#N/A" || input.code === "#VALUE!") && typeof input.message === "string" && input.message ? input.message : undefined;
  return new CustomFunctions.Error(input.code as CustomFunctions.ErrorCode, message);
}

/** Converts anything thrown by the core, or an input cell's error value, into a CustomFunctions.Error. */
export function toExcelError(e: unknown): CustomFunctions.Error {
  const codes = CustomFunctions.ErrorCode;
  if (isFitError(e)) {
    // Unknown names and questions without an answer are "not available"; the rest is a bad value.
    const code = e.kind === "not-found" || e.kind === "no-answer" ? codes.notAvailable : codes.invalidValue;
    return new CustomFunctions.Error(code, e.message);
  }
  const input = excelErrorValue(e);
  if (input) return passThrough(input);
  return new CustomFunctions.Error(codes.invalidValue, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
}
