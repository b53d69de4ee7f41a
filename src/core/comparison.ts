// The GPU comparison as rows and columns, once: FIT.COMPARE, the pane's GPU
// table and `fitmygpu fit` all show these columns, in GiB.
import type { GpuRecord } from "./catalogSchema";
import { compareGpus, type EstimateInput, type Status } from "./estimate";
import { toGiB } from "./units";

/** One GPU for one setup; null where the engine cannot run there. */
export interface ComparisonRow {
  id: string;
  name: string;
  vendor: GpuRecord["vendor"];
  class: GpuRecord["class"];
  vramGiB: number;
  /** What the engine may use of it (vLLM's utilization share, MLX's Metal working set on Apple silicon), as the estimate's budget; null where it cannot run. */
  budgetGiB: number | null;
  requiredGiB: number | null;
  status: Status | "Unsupported";
  headroomGiB: number | null;
  maxConcurrency: number | null;
  tokensPerSecond: number | null;
  /** Why the engine cannot run on this GPU. */
  reason: string | null;
}

export type ComparisonColumn = "name" | "vramGiB" | "requiredGiB" | "status" | "headroomGiB" | "maxConcurrency" | "tokensPerSecond";

/** The columns every comparison shows, in order, with their headers. */
export const COMPARISON_COLUMNS: ReadonlyArray<{ key: ComparisonColumn; label: string }> = [
  { key: "name", label: "GPU" },
  { key: "vramGiB", label: "VRAM GiB" },
  { key: "requiredGiB", label: "Required GiB" },
  { key: "status", label: "Status" },
  { key: "headroomGiB", label: "Headroom GiB" },
  { key: "maxConcurrency", label: "Max concurrency" },
  { key: "tokensPerSecond", label: "Tokens/s" },
];

/** Every catalog GPU for one setup, in catalog order. */
export function comparisonRows(input: Omit<EstimateInput, "gpu" | "vramGiB">): ComparisonRow[] {
  return compareGpus(input).map((r) => ({
    id: r.gpu.id,
    name: r.gpu.name,
    vendor: r.gpu.vendor,
    class: r.gpu.class,
    vramGiB: toGiB(r.gpu.memoryBytes),
    budgetGiB: r.estimate?.budgetBytes !== undefined ? toGiB(r.estimate.budgetBytes) : null,
    requiredGiB: r.estimate ? toGiB(r.estimate.perGpu.totalBytes) : null,
    status: r.status ?? "Unsupported",
    headroomGiB: r.estimate?.headroomBytes !== undefined ? toGiB(r.estimate.headroomBytes) : null,
    maxConcurrency: r.estimate?.maxConcurrency ?? null,
    tokensPerSecond: r.tokensPerSecond ?? null,
    reason: r.error ?? null,
  }));
}
