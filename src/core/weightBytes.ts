// Weight bytes of a model under a quant format, per tensor group, with the
// parts engines place specially (input embeddings, output head, replicated tensors).
import type { ModelEntry } from "./catalog";
import type { FileWeights } from "./fileWeights";
import { tensorBitsFn, type QuantFormat } from "./quant";
import { modelTensors, type TensorGroup } from "./weights";

export interface WeightBytes {
  total: number;
  byGroup: Record<TensorGroup, number>;
  tokenEmbd: number;
  output: number;
  /** Tensors every tensor-parallel rank keeps whole (norms, routers, MLA down-projections). */
  replicated: number;
  /** Effective bits per weight over all tensors. */
  bitsPerWeight: number;
}

const REPLICATED_ROLES = new Set(["ffn_gate_inp", "mla_q_a", "mla_kv_a"]);

// Weight bytes depend only on the model, the format and MTP; engines and GPUs
// reuse them, so a GPU comparison computes them once, not once per GPU.
const memo = new WeakMap<ModelEntry, Map<string, Readonly<WeightBytes>>>();

/** Bytes of every weight tensor under `q` (MTP layers only when `includeMtp`); computed once per model, format and MTP choice. */
export function weightBytes(m: ModelEntry, q: QuantFormat, includeMtp = false): Readonly<WeightBytes> {
  let byModel = memo.get(m);
  if (!byModel) {
    byModel = new Map();
    memo.set(m, byModel);
  }
  const key = `${q.id}|${includeMtp}`;
  const hit = byModel.get(key);
  if (hit) return hit;
  const wb = Object.freeze(computeWeightBytes(m, q, includeMtp));
  byModel.set(key, wb);
  return wb;
}

function computeWeightBytes(m: ModelEntry, q: QuantFormat, includeMtp: boolean): WeightBytes {
  // A model read from a GGUF runs as that file: its native format is the exact bytes of its tensors.
  if (m.fileWeights && (q.kind === "native" || q.kind === "file")) return fileWeightBytes(m, m.fileWeights, includeMtp);
  const bits = tensorBitsFn(q, { arch: m.arch, checkpoint: m.record.checkpoint.dtype });
  const byGroup: Record<TensorGroup, number> = { embed: 0, head: 0, attention: 0, mlp: 0, experts: 0, shared: 0, router: 0, linear: 0, norms: 0, vision: 0, mtp: 0 };
  let total = 0;
  let params = 0;
  let tokenEmbd = 0;
  let output = 0;
  let replicated = 0;
  for (const t of modelTensors(m.arch, { includeMtp })) {
    const b = (t.params * bits(t)) / 8;
    byGroup[t.group] += b;
    total += b;
    params += t.params;
    if (t.role === "token_embd") tokenEmbd = b;
    if (t.role === "output") output = b;
    if (t.oneDim || REPLICATED_ROLES.has(t.role)) replicated += b;
  }
  // A tied model serves its output head from the embedding matrix.
  if (m.arch.tiedEmbeddings) output = tokenEmbd;
  return { total, byGroup, tokenEmbd, output, replicated, bitsPerWeight: (total * 8) / params };
}

/** The file's own split; MTP (nextn) layers count only when the engine loads them, as for checkpoints. */
function fileWeightBytes(m: ModelEntry, w: FileWeights, includeMtp: boolean): WeightBytes {
  const byGroup = { ...w.byGroup, mtp: includeMtp ? w.byGroup.mtp : 0 };
  const total = w.totalBytes - (includeMtp ? 0 : w.byGroup.mtp);
  const params = w.params - (includeMtp ? 0 : w.mtpParams);
  // A tied model serves its output head from the embedding matrix.
  const output = m.arch.tiedEmbeddings ? w.tokenEmbdBytes : w.outputBytes;
  return { total, byGroup, tokenEmbd: w.tokenEmbdBytes, output, replicated: w.replicatedBytes, bitsPerWeight: (total * 8) / params };
}
