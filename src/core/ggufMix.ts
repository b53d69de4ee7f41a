// Which GGML type llama.cpp's quantizer gives each tensor for a GGUF file type.
// Restates the rules of llama_tensor_get_type (src/llama-quant.cpp): the file
// type sets a base type, and the output head, token embeddings, attn_v,
// attn_output and ffn_down get more bits on some layers.
import type { Tensor } from "./weights";

export type GgmlType =
  | "F32" | "F16" | "BF16" | "Q4_0" | "Q4_1" | "Q5_0" | "Q5_1" | "Q8_0" | "Q2_K" | "Q3_K" | "Q4_K" | "Q5_K" | "Q6_K"
  | "IQ1_S" | "IQ1_M" | "IQ2_XXS" | "IQ2_XS" | "IQ2_S" | "IQ3_XXS" | "IQ3_S" | "IQ4_NL" | "IQ4_XS" | "MXFP4";

export type Ftype =
  | "Q8_0" | "Q6_K" | "Q5_K_M" | "Q5_K_S" | "Q4_K_M" | "Q4_K_S" | "Q4_0" | "Q4_1" | "Q3_K_L" | "Q3_K_M" | "Q3_K_S" | "Q2_K"
  | "IQ4_XS" | "IQ4_NL" | "IQ3_M" | "IQ3_XXS" | "IQ2_M" | "IQ2_XXS" | "IQ1_M" | "IQ1_S";

const BASE: Record<Ftype, GgmlType> = {
  Q8_0: "Q8_0", Q6_K: "Q6_K", Q5_K_M: "Q5_K", Q5_K_S: "Q5_K", Q4_K_M: "Q4_K", Q4_K_S: "Q4_K", Q4_0: "Q4_0", Q4_1: "Q4_1",
  Q3_K_L: "Q3_K", Q3_K_M: "Q3_K", Q3_K_S: "Q3_K", Q2_K: "Q2_K", IQ4_XS: "IQ4_XS", IQ4_NL: "IQ4_NL", IQ3_M: "IQ3_S",
  IQ3_XXS: "IQ3_XXS", IQ2_M: "IQ2_S", IQ2_XXS: "IQ2_XXS", IQ1_M: "IQ1_M", IQ1_S: "IQ1_S",
};

const LOW_BIT: ReadonlySet<Ftype> = new Set(["IQ2_XXS", "IQ2_M", "IQ3_XXS", "IQ1_S", "IQ1_M"]);

/** llama.cpp's use_more_bits: the first and last eighth of layers, and every third in between. */
export function useMoreBits(i: number, n: number): boolean {
  return i < n / 8 || i >= (7 * n) / 8 || (i - Math.floor(n / 8)) % 3 === 2;
}

/** When a row is not a multiple of the type's block, llama.cpp falls back to a 32-wide type. */
const FALLBACK: Partial<Record<GgmlType, GgmlType>> = {
  Q2_K: "Q4_0", Q3_K: "Q4_0", IQ2_XXS: "Q4_0", IQ2_XS: "Q4_0", IQ2_S: "Q4_0", IQ3_XXS: "Q4_0", IQ3_S: "Q4_0", IQ1_S: "Q4_0", IQ1_M: "Q4_0",
  Q4_K: "Q5_0", IQ4_XS: "IQ4_NL", Q5_K: "Q5_1", Q6_K: "Q8_0",
};

export interface MixContext {
  nLayers: number;
  /** Query heads per KV head. */
  nGqa: number;
  nExperts: number;
  /** True when the model has no separate output tensor (tied embeddings). */
  tiedOutput: boolean;
  /** Expert tensors stored as MXFP4 in the source (gpt-oss) are kept as they are. */
  mxfp4Experts: boolean;
  blockSize: (t: GgmlType) => number;
}

function chooseType(f: Ftype, t: Tensor, c: MixContext): GgmlType {
  const base = BASE[f];
  const i = t.layer;
  const n = c.nLayers;
  const isOutput = t.role === "output" || (t.role === "token_embd" && c.tiedOutput);
  if (isOutput) {
    if (LOW_BIT.has(f)) return "Q5_K";
    return base === "Q8_0" ? "Q8_0" : "Q6_K";
  }
  if (t.role === "token_embd") {
    if (f === "IQ2_XXS" || f === "IQ1_S" || f === "IQ1_M") return "Q2_K";
    if (f === "IQ2_M") return "IQ3_S";
    return base;
  }
  if (t.role === "attn_v") {
    if (c.nExperts === 8) return "Q8_0";
    if (f === "Q2_K") return c.nGqa >= 4 ? "Q4_K" : "Q3_K";
    if (f === "IQ2_M") return "IQ3_S";
    if (f === "IQ1_S" || f === "IQ1_M" || f === "IQ2_XXS") return c.nGqa >= 4 ? "Q4_K" : "Q2_K";
    if (f === "IQ3_XXS") return c.nGqa >= 4 ? "Q4_K" : "IQ3_S";
    if (f === "IQ3_M" || f === "Q3_K_S") return c.nGqa >= 4 || f === "IQ3_M" ? "Q4_K" : base;
    if (f === "Q3_K_M") return i < 2 ? "Q5_K" : "Q4_K";
    if (f === "Q3_K_L") return "Q5_K";
    if ((f === "IQ4_NL" || f === "IQ4_XS") && c.nGqa >= 4) return "Q5_K";
    if ((f === "Q4_K_M" || f === "Q5_K_M") && useMoreBits(i, n)) return "Q6_K";
    if (f === "Q4_K_S" && i < 4) return "Q5_K";
    return base;
  }
  if (t.role === "attn_k") {
    if (c.nExperts === 8) return "Q8_0";
    if (f === "IQ3_XXS") return "IQ3_XXS";
    return base;
  }
  if (t.role === "attn_output") {
    if (c.nExperts === 8) {
      if (["Q2_K", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_M", "IQ4_XS"].includes(f)) return "Q5_K";
      return base;
    }
    if (f === "Q2_K") return "Q3_K";
    if (f === "IQ3_M" || f === "Q3_K_M") return "Q4_K";
    if (f === "Q3_K_L") return "Q5_K";
    return base;
  }
  if (t.role === "ffn_down" || t.role === "ffn_down_exps") {
    if (f === "Q2_K") return "Q3_K";
    if (f === "Q3_K_M") return i < n / 16 ? "Q5_K" : "Q4_K";
    if (f === "Q3_K_L") return "Q5_K";
    if (f === "IQ3_M") return i < n / 8 ? "Q4_K" : base;
    if ((f === "Q4_K_M" || f === "Q5_K_M") && useMoreBits(i, n)) return "Q6_K";
    if (f === "Q4_K_S" && i < n / 8) return "Q5_K";
    return base;
  }
  return base;
}

/** The GGML type of one tensor in a GGUF file of type `f`. */
export function ggufTensorType(f: Ftype, t: Tensor, c: MixContext): GgmlType {
  if (t.oneDim) return "F32";
  // The router stays in the converter's precision; the converter writes it as F32.
  if (t.role === "ffn_gate_inp") return "F32";
  if (t.role === "vision") return "F16";
  if (c.mxfp4Experts && (t.role === "ffn_gate_exps" || t.role === "ffn_up_exps" || t.role === "ffn_down_exps")) return "MXFP4";
  let type = chooseType(f, t, c);
  if (t.cols > 0 && t.cols % c.blockSize(type) !== 0) type = FALLBACK[type] ?? "F16";
  if (t.cols > 0 && t.cols % c.blockSize(type) !== 0) type = "F16";
  return type;
}
