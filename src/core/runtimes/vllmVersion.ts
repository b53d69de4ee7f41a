// vLLM release numbers and the memory behaviours that changed between releases.
// Each boundary below is a release read off vLLM's release notes and the merge
// commits of the PRs named; docs/research/engine-facts.md §4.12 lists the sources.
import { compareVersion, type EngineVersion } from "../engineVersion";

export { compareVersion, parseEngineVersion, type EngineVersion } from "../engineVersion";

/** What a vLLM release does to memory before its KV pool is sized. */
export interface VllmBehaviour {
  /** The V0 engine runs (default before v0.8.0): its profile samples with top-k/top-p on the driver rank. */
  v0Engine: boolean;
  /** V0's CacheEngine rounds each MLA cache entry up to 256 bytes (v0.7.2 ≤ version < v0.8.0). */
  mlaEntryAlign256: boolean;
  /** The CUDA-graph memory estimate is deducted before the KV pool is sized (default since v0.21.0). */
  cudaGraphsDeducted: boolean;
  /** gpu_memory_utilization default: 0.9 before v0.21.0, 0.92 from it (PR #38284, commit 96a85c5). */
  gpuMemoryUtilization: number;
  /** V0 chunked-prefill token budget when it turns on: 512 up to v0.6.4, 2048 from v0.6.5 (PR #10544). */
  v0ChunkedTokens: number;
  /** V1 batch-default rule (get_batch_defaults and its predecessors). */
  batchRule: "v1-0.8.0" | "v1-0.8.4" | "v1-0.8.5" | "v1-a100" | "v1-160gib";
  /** Live bytes per element of the [R, vocab] logits at the sampler warm-up, beyond the logits themselves (engine-source notes §3). */
  samplerExtraBytes: number;
  /** The Triton top-k/top-p kernel keeps a persistent [min(next_pow2(R), SMs), vocab] fp32 buffer (v0.17+, R ≥ 8). */
  tritonSamplerBuffer: boolean;
  /** Hybrid (Mamba / linear-attention) models get prefix caching, and with it "align" state pages, by default (PR #40996, about v0.26). */
  hybridPrefixCaching: boolean;
  /**
   * The memory profile also runs the sample CUDA-graph captures (profile_cudagraph_memory, PR #30515) inside the
   * window whose non-torch growth is charged, so what they leave outside PyTorch's pool is charged too (v0.17.1 up to
   * PR #49208, about v0.26, which moved the sampling out of the window).
   */
  graphSamplesInWindow: boolean;
  /** All --limit-mm-per-prompt limits at 0 skip the vision tower's weights (v0.15: every family; some families from v0.10.1). */
  textOnlySkipsVision: boolean;
}

const at = (v: EngineVersion | undefined, major: number, minor: number, patch = 0) => v === undefined || compareVersion(v, major, minor, patch) >= 0;

/**
 * Behaviour of a vLLM release; absent = the latest release.
 * - V1 became the default engine in v0.8.0 (PR #13726); V0 code was removed in v0.11.0.
 * - MLA entries aligned to 256 B: PR #12676 (v0.7.2), removed by PR #14842 before v0.8.0.
 * - CUDA-graph estimate (PR #30515) deducted by default, and gpu_memory_utilization 0.92, since v0.21.0 (PR #38284).
 * - Batch defaults: v0.8.0–0.8.3 1,024 sequences on every GPU; v0.8.4 back to 256 below H100/H200 (PR #16158);
 *   v0.8.5 the 70 GiB test (PR #17073); v0.9.0 excludes A100s (PR #17885); 16,384 tokens at ≥ 160 GiB from PR #51726 (about v0.27).
 * - Sample CUDA-graph captures inside the profiled window: PR #30515 (in the v0.17.1 release candidate, vLLM PR #36634)
 *   until PR #49208 (2026-07-20, about v0.26) moved them out.
 * - Sampler warm-up with top-k/top-p since v0.8.0 (PR #13594): the PyTorch sort path holds dtype + 26 B per element
 *   up to v0.16; the Triton path (PR #33538, v0.17+) dtype + 12 B plus its buffer.
 * Sources: docs/research/engine-facts.md §4.12–4.15 (vllm-project/vllm history read through a mirror).
 */
export function vllmBehaviour(v: EngineVersion | undefined): VllmBehaviour {
  const v0Engine = !at(v, 0, 8);
  return {
    v0Engine,
    mlaEntryAlign256: v0Engine && at(v, 0, 7, 2),
    cudaGraphsDeducted: at(v, 0, 21),
    gpuMemoryUtilization: at(v, 0, 21) ? 0.92 : 0.9,
    v0ChunkedTokens: at(v, 0, 6, 5) ? 2048 : 512,
    batchRule: at(v, 0, 27) ? "v1-160gib" : at(v, 0, 9) ? "v1-a100" : at(v, 0, 8, 5) ? "v1-0.8.5" : at(v, 0, 8, 4) ? "v1-0.8.4" : "v1-0.8.0",
    samplerExtraBytes: v0Engine ? 30 : at(v, 0, 17) ? 12 : 26,
    tritonSamplerBuffer: !v0Engine && at(v, 0, 17),
    hybridPrefixCaching: at(v, 0, 26),
    graphSamplesInWindow: at(v, 0, 17, 1) && !at(v, 0, 26),
    textOnlySkipsVision: at(v, 0, 15),
  };
}

/** Bytes per cache entry after V0's `align_to_256bytes` (vllm/utils.py, PR #12676). */
export function alignTo256(bytes: number): number {
  return Math.ceil(bytes / 256) * 256;
}
