// Public llama.cpp and Ollama logs (see publicRuns.ts).
import type { PublicRun } from "./publicRuns";

export const LLAMACPP_OLLAMA_RUNS: PublicRun[] = [];
