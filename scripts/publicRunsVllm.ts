// Public vLLM and SGLang startup logs (see publicRuns.ts).
import type { PublicRun } from "./publicRuns";

export const VLLM_SGLANG_RUNS: PublicRun[] = [];
