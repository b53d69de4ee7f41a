// Excel provides CustomFunctions at run time; tests and the benchmark stand in
// for it with the same shape (an error class with a code and a message).
export const ErrorCode = {
  invalidValue: "#VALUE!",
  notAvailable: "#N/A",
  divisionByZero: "#DIV/0!",
  invalidNumber: "#NUM!",
  nullReference: "#NULL!",
  invalidName: "#NAME?",
  invalidReference: "#REF!",
} as const;

export class StubError {
  readonly code: string;
  readonly message?: string;
  constructor(code: string, message?: string) {
    this.code = code;
    this.message = message;
  }
}

/** Installs the stand-in as the global CustomFunctions; `associate` records what is registered. */
export function installCustomFunctions(registry: Map<string, (...args: unknown[]) => unknown> = new Map()): Map<string, (...args: unknown[]) => unknown> {
  (globalThis as unknown as { CustomFunctions: unknown }).CustomFunctions = {
    Error: StubError,
    ErrorCode,
    associate: (id: string, fn: (...args: unknown[]) => unknown) => registry.set(id, fn),
  };
  return registry;
}
