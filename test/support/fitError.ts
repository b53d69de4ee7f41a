// One way for tests to expect a refusal: a FitError of a given kind whose message matches.
import { FitError } from "../../src/core/errors";

/** Runs `f`, expecting it to throw a FitError of `kind` whose message matches `message`. */
export function expectFitError(f: () => unknown, kind: FitError["kind"], message: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FitError);
  expect({ kind: (error as FitError).kind, message: (error as FitError).message }).toMatchObject({ kind, message: expect.stringMatching(message) });
}

/** Awaits `p`, expecting it to reject with a FitError whose message matches `message`; returns the error. */
export async function rejectsWithFitError(p: Promise<unknown>, message: RegExp): Promise<FitError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(FitError);
  expect((e as FitError).message).toMatch(message);
  return e as FitError;
}
