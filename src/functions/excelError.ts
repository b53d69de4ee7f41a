// The one mapping from the core's FitError to what Excel shows. Excel displays
// a custom message only on #VALUE! and #N/A, so every error becomes one of those.
import { isFitError } from "../core/errors";

/** Converts anything thrown by the core into a CustomFunctions.Error with a message. */
export function toExcelError(e: unknown): CustomFunctions.Error {
  const codes = CustomFunctions.ErrorCode;
  if (isFitError(e)) {
    // Unknown names and questions without an answer are "not available"; the rest is a bad value.
    const code = e.kind === "not-found" || e.kind === "no-answer" ? codes.notAvailable : codes.invalidValue;
    return new CustomFunctions.Error(code, e.message);
  }
  return new CustomFunctions.Error(codes.invalidValue, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
}
