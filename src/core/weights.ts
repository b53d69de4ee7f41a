// Weights as tensor groups derived from the architecture — never params × a
// constant. Each tensor carries a role so quant formats can treat it as the
// real format does (GGUF's per-tensor types, AWQ's 16-bit embeddings, …).
import type { Architecture, Ffn, Layer } from "./architecture";
import { mixerTensors } from "./layerKinds";

export type TensorGroup = "embed" | "head" | "attention" | "mlp" | "experts" | "shared" | "router" | "linear" | "norms" | "vision" | "mtp";

export type TensorRole =
  | "token_embd"
  | "output"
  | "attn_q"
  | "attn_k"
  | "attn_v"
  | "attn_output"
  | "attn_small"
  | "mla_q_a"
  | "mla_q_b"
  | "mla_kv_a"
  | "mla_kv_b"
  | "linear_in"
  | "linear_out"
  | "linear_small"
  | "ffn_gate"
  | "ffn_up"
  | "ffn_down"
  | "ffn_gate_exps"
  | "ffn_up_exps"
  | "ffn_down_exps"
  | "ffn_small"
  | "ffn_gate_inp"
  | "ffn_latent_down"
  | "ffn_latent_up"
  | "norm"
  | "vision";

export interface Tensor {
  group: TensorGroup;
  role: TensorRole;
  /** Block index, or -1 for model-level tensors. */
  layer: number;
  params: number;
  /** 1-D tensors (norms, biases, small vectors) are never quantized. */
  oneDim: boolean;
  /** Row length (input features), for block-size rules of GGUF types. */
  cols: number;
}

/** Input/output width of a MoE layer's routed experts: the latent width under LatentMoE, else hidden. */
export function expertWidth(f: Extract<Ffn, { kind: "moe" }>, hidden: number): number {
  return f.latent ? f.latent.size : hidden;
}

function ffnTensors(f: Ffn, hidden: number, layer: number, group: (g: TensorGroup) => TensorGroup): Tensor[] {
  const out: Tensor[] = [];
  const add = (g: TensorGroup, role: TensorRole, params: number, cols: number, oneDim = false) => params > 0 && out.push({ group: group(g), role, layer, params, oneDim, cols });
  if (f.kind === "dense") {
    if (f.gated) add("mlp", "ffn_gate", hidden * f.intermediate, hidden);
    add("mlp", "ffn_up", hidden * f.intermediate, hidden);
    add("mlp", "ffn_down", f.intermediate * hidden, f.intermediate);
    if (f.bias) add("mlp", "ffn_small", (f.gated ? 2 : 1) * f.intermediate + hidden, 0, true);
  } else if (f.kind === "moe") {
    // Routed experts run at the latent width under LatentMoE, else at hidden.
    const d = expertWidth(f, hidden);
    const e = f.experts * d * f.expertIntermediate;
    if (f.gated) add("experts", "ffn_gate_exps", e, d);
    add("experts", "ffn_up_exps", e, d);
    add("experts", "ffn_down_exps", e, f.expertIntermediate);
    if (f.expertBias) add("experts", "ffn_small", f.experts * ((f.gated ? 2 : 1) * f.expertIntermediate + d), 0, true);
    // The router scores the full hidden state, before any latent projection.
    add("router", "ffn_gate_inp", hidden * f.experts + (f.routerBias ? f.experts : 0), hidden);
    if (f.latent) {
      // LatentMoE's fc1_latent_proj (hidden → latent) and fc2_latent_proj
      // (latent → hidden): dense, used by every token, so grouped with the
      // dense FFN weights (llama.cpp names them ffn_latent_down / ffn_latent_up).
      add("mlp", "ffn_latent_down", hidden * f.latent.size, hidden);
      add("mlp", "ffn_latent_up", f.latent.size * hidden, f.latent.size);
      if (f.latent.bias) add("mlp", "ffn_small", f.latent.size + hidden, 0, true);
    }
    if (f.sharedIntermediate > 0) {
      // Shared experts take the full hidden state (not the latent) in LatentMoE too.
      if (f.gated) add("shared", "ffn_gate", hidden * f.sharedIntermediate, hidden);
      add("shared", "ffn_up", hidden * f.sharedIntermediate, hidden);
      add("shared", "ffn_down", f.sharedIntermediate * hidden, f.sharedIntermediate);
      if (f.sharedGate) add("shared", "ffn_small", hidden, 0, true);
    }
  }
  return out;
}

function layerTensors(l: Layer, hidden: number, index: number, group: (g: TensorGroup) => TensorGroup): Tensor[] {
  const out: Tensor[] = [];
  for (const m of l.mixers) {
    const g: TensorGroup = m.kind === "gdn" || m.kind === "kda" || m.kind === "mamba2" || m.kind === "mamba1" ? "linear" : "attention";
    for (const t of mixerTensors(m, hidden)) if (t.params > 0) out.push({ group: group(g), role: t.role, layer: index, params: t.params, oneDim: t.oneDim, cols: t.cols });
  }
  out.push(...ffnTensors(l.ffn, hidden, index, group));
  out.push({ group: group("norms"), role: "norm", layer: index, params: l.normParams, oneDim: true, cols: 0 });
  return out;
}

/** Every parameter tensor of the model (main layers, optional MTP layers, vision tower). */
export function modelTensors(a: Architecture, opts: { includeMtp: boolean }): Tensor[] {
  const id = (g: TensorGroup) => g;
  const out: Tensor[] = [{ group: "embed", role: "token_embd", layer: -1, params: a.vocab * a.hidden, oneDim: false, cols: a.hidden }];
  a.layers.forEach((l, i) => out.push(...layerTensors(l, a.hidden, i, id)));
  out.push({ group: "norms", role: "norm", layer: -1, params: a.hidden, oneDim: true, cols: 0 });
  if (!a.tiedEmbeddings) out.push({ group: "head", role: "output", layer: -1, params: a.vocab * a.hidden, oneDim: false, cols: a.hidden });
  if (a.visionParams > 0) out.push({ group: "vision", role: "vision", layer: -1, params: a.visionParams, oneDim: false, cols: 0 });
  if (opts.includeMtp && a.mtp.layers.length) {
    const mtp = () => "mtp" as TensorGroup;
    a.mtp.layers.forEach((l, i) => out.push(...layerTensors(l, a.hidden, a.layers.length + i, mtp)));
    out.push({ group: "mtp", role: "attn_small", layer: a.layers.length, params: a.mtp.extraParams, oneDim: false, cols: 2 * a.hidden });
  }
  return out;
}

export interface ParamCounts {
  /** All weights the checkpoint ships for serving: text model + vision tower (MTP excluded). */
  total: number;
  /** Parameters used per token: everything but the unrouted experts and the vision tower. */
  active: number;
  text: number;
  vision: number;
  mtp: number;
  byGroup: Record<TensorGroup, number>;
}

/** Total and active parameter counts of an architecture. */
export function paramCounts(a: Architecture): ParamCounts {
  const byGroup: Record<TensorGroup, number> = { embed: 0, head: 0, attention: 0, mlp: 0, experts: 0, shared: 0, router: 0, linear: 0, norms: 0, vision: 0, mtp: 0 };
  for (const t of modelTensors(a, { includeMtp: true })) byGroup[t.group] += t.params;
  // Per token: topK routed experts' weight matrices (at the latent width under
  // LatentMoE; expert biases are left out, as before), plus everything outside
  // the experts group: router, shared experts and the LatentMoE projections.
  let routedActive = 0;
  for (const l of a.layers) {
    const f = l.ffn;
    if (f.kind !== "moe") continue;
    const d = expertWidth(f, a.hidden);
    routedActive += f.topK * (f.gated ? 3 : 2) * d * f.expertIntermediate;
  }
  const text = byGroup.embed + byGroup.head + byGroup.attention + byGroup.mlp + byGroup.experts + byGroup.shared + byGroup.router + byGroup.linear + byGroup.norms;
  return {
    total: text + byGroup.vision,
    active: text - byGroup.experts + routedActive,
    text,
    vision: byGroup.vision,
    mtp: byGroup.mtp,
    byGroup,
  };
}
