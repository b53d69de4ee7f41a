// Weight bytes of a model under a quant format, per tensor group, with the
// parts engines place specially (input embeddings, output head, replicated tensors).
import { f, part, sized, type Part } from "./breakdown";
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
  /** Bytes of each repeating block (index = layer), for engines that place layers on devices. */
  perLayer: number[];
  /** Routed-expert bytes of each block (part of perLayer), for expert offload. */
  perLayerExperts: number[];
  /** The output layer as llama.cpp places it: the output head (or the tied embedding's copy) and the final norm. */
  outputLayer: number;
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
  let finalNorm = 0;
  const blocks = m.arch.layers.length;
  const perLayer = new Array<number>(blocks).fill(0);
  const perLayerExperts = new Array<number>(blocks).fill(0);
  for (const t of modelTensors(m.arch, { includeMtp })) {
    const b = (t.params * bits(t)) / 8;
    byGroup[t.group] += b;
    total += b;
    params += t.params;
    if (t.role === "token_embd") tokenEmbd = b;
    if (t.role === "output") output = b;
    if (t.oneDim || REPLICATED_ROLES.has(t.role)) replicated += b;
    if (t.layer >= 0 && t.layer < blocks && t.group !== "mtp") {
      perLayer[t.layer] += b;
      if (t.group === "experts") perLayerExperts[t.layer] += b;
    } else if (t.layer === -1 && t.role === "norm") finalNorm += b;
  }
  // A tied model serves its output head from the embedding matrix.
  if (m.arch.tiedEmbeddings) output = tokenEmbd;
  return { total, byGroup, tokenEmbd, output, replicated, bitsPerWeight: (total * 8) / params, perLayer, perLayerExperts, outputLayer: output + finalNorm };
}

/** Weights on each of `tp` tensor-parallel GPUs as parts: the sharded tensors' share and the replicated ones. */
export function shardedWeights(wb: WeightBytes, quant: string, tp: number): Part[] {
  const label = `${quant} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight)`;
  if (tp === 1) return [sized(label, wb.total)];
  return [part(`${label}, sharded`, f(wb.total - wb.replicated, "B"), f(1 / tp, `of ${tp} GPUs`)), sized("replicated on every GPU (norms, routers, MLA down-projections)", wb.replicated)];
}

/** The file's own split; MTP (nextn) layers count only when the engine loads them, as for checkpoints. */
function fileWeightBytes(m: ModelEntry, w: FileWeights, includeMtp: boolean): WeightBytes {
  const byGroup = { ...w.byGroup, mtp: includeMtp ? w.byGroup.mtp : 0 };
  const total = w.totalBytes - (includeMtp ? 0 : w.byGroup.mtp);
  const params = w.params - (includeMtp ? 0 : w.mtpParams);
  // A tied model serves its output head from the embedding matrix.
  const output = m.arch.tiedEmbeddings ? w.tokenEmbdBytes : w.outputBytes;
  // Stored files read before per-block sizes were kept: spread the block bytes over the blocks evenly.
  const blocks = m.arch.layers.length;
  const blockBytes = total - byGroup.embed - byGroup.head - byGroup.vision - byGroup.mtp - w.outputNormBytes;
  const perLayer = w.perLayer && w.perLayer.length === blocks ? w.perLayer : new Array<number>(blocks).fill(blockBytes / blocks);
  const perLayerExperts = w.perLayerExperts && w.perLayerExperts.length === blocks ? w.perLayerExperts : new Array<number>(blocks).fill(byGroup.experts / blocks);
  // Everything outside the blocks but the input embeddings (output head, final norm, rope tables) travels with the output layer.
  const rest = total - w.tokenEmbdBytes - byGroup.vision - byGroup.mtp - perLayer.reduce((a, b) => a + b, 0);
  return { total, byGroup, tokenEmbd: w.tokenEmbdBytes, output, replicated: w.replicatedBytes, bitsPerWeight: (total * 8) / params, perLayer, perLayerExperts, outputLayer: rest + (m.arch.tiedEmbeddings ? w.tokenEmbdBytes : 0) };
}
