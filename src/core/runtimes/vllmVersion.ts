// vLLM release numbers and the memory behaviours that changed between releases.
// Each boundary below is a release read off vLLM's release notes and the merge
// commits of the PRs named; docs/research/engine-facts.md §4.12 lists the sources.
import { fail } from "../errors";

/** A parsed engine release: numeric parts (major, minor, patch, build) and the text given. */
export interface EngineVersion {
  parts: [number, number, number, number];
  text: string;
}

/** Releases like "0.6.3", "v0.10.1.1", "0.8.5.post1" or "0.21.0rc1" (a release candidate counts as its release). */
const RELEASE = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?(?:\.?post\d+|rc\d+)?$/i;

/** Parses an engine release string; junk is a FitError "invalid". */
export function parseEngineVersion(raw: unknown): EngineVersion {
  const text = typeof raw === "string" ? raw.trim() : "";
  const m = RELEASE.exec(text);
  if (!m) fail("invalid", `engineVersion must be a release number like "0.6.3" or "v0.10.1.1", got '${String(raw)}'.`);
  return { parts: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)], text };
}

/** Negative when `v` is older than `major.minor.patch`, 0 when equal, positive when newer. */
export function compareVersion(v: EngineVersion, major: number, minor: number, patch = 0): number {
  const ref = [major, minor, patch, 0];
  for (let i = 0; i < 4; i++) if (v.parts[i] !== ref[i]) return v.parts[i] - ref[i];
  return 0;
}

/** What a vLLM release does to memory before its KV pool is sized. */
export interface VllmBehaviour {
  /** The V0 engine runs (default before v0.8.0): its profile samples with top-k/top-p on the driver rank. */
  v0Engine: boolean;
  /** V0's CacheEngine rounds each MLA cache entry up to 256 bytes (v0.7.2 ≤ version < v0.8.0). */
  mlaEntryAlign256: boolean;
  /** The CUDA-graph memory estimate is deducted before the KV pool is sized (default since v0.21.0). */
  cudaGraphsDeducted: boolean;
}

/**
 * Behaviour of a vLLM release; absent = the latest release.
 * - V1 became the default engine in v0.8.0 (PR #13726, "We have now enabled V1 engine by default",
 *   v0.8.0 release notes); V0 code was removed in v0.11.0.
 * - MLA entries aligned to 256 B: PR #12676 (commit 75e94309, 2025-02-04), listed in the v0.7.2
 *   release notes; removed by PR #14842 (commit 5952d8ab, 2025-03-15), before v0.8.0 (2025-03-18),
 *   whose V1 default never padded entries anyway.
 * - CUDA-graph estimate (PR #30515): VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS defaults to 1 since v0.21.0.
 */
export function vllmBehaviour(v: EngineVersion | undefined): VllmBehaviour {
  if (!v) return { v0Engine: false, mlaEntryAlign256: false, cudaGraphsDeducted: true };
  const v0Engine = compareVersion(v, 0, 8) < 0;
  return {
    v0Engine,
    mlaEntryAlign256: v0Engine && compareVersion(v, 0, 7, 2) >= 0,
    cudaGraphsDeducted: compareVersion(v, 0, 21) >= 0,
  };
}

/** Bytes per cache entry after V0's `align_to_256bytes` (vllm/utils.py, PR #12676). */
export function alignTo256(bytes: number): number {
  return Math.ceil(bytes / 256) * 256;
}
