// The one error type of the estimator. Every failure the core reports is a
// FitError; adapters (CLI, Excel functions, task pane) map `kind` once.

export type FitErrorKind =
  /** A name (model, GPU, quant, runtime, KV dtype, field) that is not known. */
  | "not-found"
  /** A malformed or out-of-range input (ctx ≤ 0, NaN, a broken config.json). */
  | "invalid"
  /** A valid input the chosen engine or model cannot run (fp8 KV on llama.cpp). */
  | "unsupported"
  /** A valid question with no answer (no GPU count fits). */
  | "no-answer";

export class FitError extends Error {
  readonly kind: FitErrorKind;
  constructor(kind: FitErrorKind, message: string) {
    super(message);
    this.name = "FitError";
    this.kind = kind;
  }
}

/** Throws a FitError of the given kind. */
export function fail(kind: FitErrorKind, message: string): never {
  throw new FitError(kind, message);
}

export function isFitError(e: unknown): e is FitError {
  return e instanceof FitError;
}

/** Checks a count-like input: a positive integer no larger than `max`. */
export function positiveInt(name: string, value: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail("invalid", `${name} must be a number, got ${String(value)}.`);
  if (!Number.isInteger(value)) fail("invalid", `${name} must be a whole number, got ${value}.`);
  if (value <= 0) fail("invalid", `${name} must be at least 1, got ${value}.`);
  if (value > max) fail("invalid", `${name} must be at most ${max.toLocaleString("en-US")}, got ${value.toLocaleString("en-US")}.`);
  return value;
}
