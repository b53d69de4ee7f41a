// Measured runs read from public engine logs (GitHub issues, blog posts), beyond
// calibration/measured.json: each with its source, the quoted log lines, and how
// the run maps to the estimator. Reported apart from the shared set, so they
// check that the engine models generalise rather than tune them.
import type { Comparison } from "./accuracyCases";
import { VLLM_SGLANG_RUNS } from "./publicRunsVllm";
import { LLAMACPP_OLLAMA_RUNS } from "./publicRunsLlamacpp";

export interface PublicRun {
  id: string;
  /** Where the log was read. */
  url: string;
  /** The log lines the measured figures come from, verbatim. */
  quote: string;
  /** The date the source was read (YYYY-MM-DD). */
  read: string;
  /** Estimates vs the quoted figures. */
  compare: () => Comparison[];
}

export const PUBLIC_RUNS: PublicRun[] = [...VLLM_SGLANG_RUNS, ...LLAMACPP_OLLAMA_RUNS];

/** Every public run's comparisons. */
export function runPublicAccuracy(): Comparison[] {
  return PUBLIC_RUNS.flatMap((r) => r.compare());
}
