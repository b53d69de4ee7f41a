// Weight formats: bytes of each tensor under a quant format, including scales
// and zero points, and what each format leaves unquantized.
import { catalogData } from "./catalogData";
import { fail } from "./errors";
import { ggufTensorType, type Ftype, type GgmlType, type MixContext } from "./ggufMix";
import type { Architecture } from "./architecture";
import type { Tensor, TensorGroup } from "./weights";
import type { QuantFormat } from "./catalogSchema";

export type { QuantFormat, QuantsFile } from "./catalogSchema";

/** The weight formats of the catalog (catalog/quants.json). */
export const quantFormats = (): readonly QuantFormat[] => catalogData().quants.formats;
const ggml = () => catalogData().quants.ggmlTypes as Record<GgmlType, { id: number; blockSize: number; typeBytes: number }>;

/** A ggml tensor type as a GGUF file stores it: its id, name, and bytes per block of `blockSize` elements. */
export interface GgmlTypeInfo {
  id: number;
  name: string;
  blockSize: number;
  typeBytes: number;
}

let ggmlById: Map<number, GgmlTypeInfo> | undefined;
const byId = () => (ggmlById ??= new Map(Object.entries(ggml()).map(([name, t]) => [t.id, { name, ...t }])));

/** The ggml type a GGUF tensor info's type id stands for; undefined for ids FitMyGPU does not know. */
export const ggmlTypeById = (id: number): GgmlTypeInfo | undefined => byId().get(id);

/** Names of every ggml type FitMyGPU can size, for error messages. */
export const ggmlTypeNames = (): string[] => [...byId().values()].sort((a, b) => a.id - b.id).map((t) => t.name);

/** Bits per weight of a GGML type, e.g. Q4_K → 4.5. */
export function ggmlBits(t: GgmlType): number {
  const g = ggml()[t];
  return (g.typeBytes * 8) / g.blockSize;
}

const QUANTIZABLE: ReadonlySet<TensorGroup> = new Set(["attention", "mlp", "experts", "shared", "linear", "mtp"]);
const EXPERT_ROLES = new Set(["ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"]);

/**
 * A checkpoint's own weight format; "w4a16-g32" is INT4 routed experts with a bf16 scale per 32
 * (Kimi-K2.5's compressed-tensors checkpoint); "gguf" is a GGUF file's own per-tensor types.
 */
export type CheckpointDtype = "bf16" | "fp16" | "fp32" | "fp8" | "mxfp4" | "nvfp4" | "w4a16-g32" | "gguf";

/** The format `native` stands for, given the checkpoint's dtype. */
export function nativeFormat(dtype: CheckpointDtype): QuantFormat {
  const id = dtype === "fp32" ? "fp32" : dtype;
  return quantFormats().find((q) => q.id === id)!;
}

export interface WeightContext {
  arch: Architecture;
  checkpoint: CheckpointDtype;
}

function mixContext(w: WeightContext): MixContext {
  const a = w.arch;
  const attn = a.layers.flatMap((l) => l.mixers).find((m) => m.kind === "full" || m.kind === "sliding" || m.kind === "chunked");
  const gqa = attn && "kvHeads" in attn ? attn.heads / attn.kvHeads : 1;
  const moe = a.layers.find((l) => l.ffn.kind === "moe")?.ffn;
  return {
    nLayers: a.layers.length,
    nGqa: gqa,
    nExperts: moe && moe.kind === "moe" ? moe.experts : 0,
    tiedOutput: a.tiedEmbeddings,
    mxfp4Experts: w.checkpoint === "mxfp4",
    blockSize: (t) => ggml()[t].blockSize,
  };
}

/** A function giving the bits per weight of each tensor under format `q`. */
export function tensorBitsFn(q: QuantFormat, w: WeightContext): (t: Tensor) => number {
  const base = q.kind === "native" ? nativeFormat(w.checkpoint) : q;
  const sixteen = w.arch.dtypeBytes * 8 === 32 ? 16 : w.arch.dtypeBytes * 8;
  switch (base.kind) {
    case "float":
      return () => base.bits!;
    case "linear":
      return (t) => {
        if (t.oneDim || t.role === "ffn_gate_inp") return sixteen;
        if ((t.role === "token_embd" || t.role === "output") && base.embedQuantized) return base.linearBits!;
        return QUANTIZABLE.has(t.group) && t.role !== "attn_small" ? base.linearBits! : sixteen;
      };
    case "experts":
      return (t) => (EXPERT_ROLES.has(t.role) ? base.expertBits! : sixteen);
    case "gguf": {
      const ctx = mixContext(w);
      const ftype = base.ftype as Ftype;
      return (t) => ggmlBits(ggufTensorType(ftype, t, ctx));
    }
    case "file":
      // Exact file bytes are not a per-tensor rule: weightBytes takes them from the file itself.
      return fail("unsupported", `The '${base.id}' weights are a GGUF file's own tensor types; only a model read from a GGUF file has them. Pick a quant format (e.g. q4_k_m) for this model.`);
    default:
      return fail("invalid", `Quant format '${q.id}' has no weight rule.`);
  }
}
