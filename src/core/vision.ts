// Vision encoder + projector parameters from a config's vision_config. Engines
// load the tower even for text-only serving, so it is part of the weights.
import { fail } from "./errors";

type Json = Record<string, unknown>;

const n = (c: Json, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof c[k] === "number") return c[k] as number;
  return undefined;
};

function need(c: Json, what: string, ...keys: string[]): number {
  const v = n(c, ...keys);
  if (v === undefined || v <= 0 || v > 1e7) fail("invalid", `config.json vision_config (${what}) is missing '${keys.join("' or '")}'.`);
  return v;
}

/** One ViT block: attention (q,k,v,o with biases), MLP, two norms. */
function vitBlock(h: number, i: number, gated: boolean, bias: boolean, layerNorm: boolean): number {
  const attn = 4 * h * h + (bias ? 4 * h : 0);
  const mlp = (gated ? 3 : 2) * h * i + (bias ? (gated ? 2 : 1) * i + h : 0);
  const norms = (layerNorm ? 2 : 1) * 2 * h;
  return attn + mlp + norms;
}

/**
 * Kimi-K2.5's MoonViT-3D tower and "patchmerger" projector, from its vt_* config keys.
 * Layout as in vLLM's kimi_k25_vit.py (MoonViT3dPretrainedModel, KimiK25MultiModalProjector)
 * and the checkpoint's vision_tower.* / mm_projector.* tensors:
 * - patch_embed.proj: Conv2d(3 → h, patch × patch) with bias;
 * - patch_embed.pos_emb: learned init_pos_emb_height × init_pos_emb_width × h grid
 *   (the temporal sin-cos table is a non-persistent buffer, not a weight);
 * - per block: wqkv (h → 3h) and wo (h → h) with biases, MLP fc0 (h → i) / fc1 (i → h)
 *   with biases (GELU, not gated), LayerNorm norm0 and norm1 (weight + bias);
 * - encoder.final_layernorm (LayerNorm h);
 * - projector: pre_norm LayerNorm(h), then the 2×2 merged patch (m = h·kh·kw) through
 *   linear_1 (m → m, bias) and linear_2 (m → text hidden, bias).
 * 2-D RoPE and the merge itself have no weights.
 */
function moonVit3d(vc: Json, textHidden: number): number {
  const what = "kimi_k25 MoonViT";
  const h = need(vc, what, "vt_hidden_size", "hidden_size");
  const depth = need(vc, what, "vt_num_hidden_layers", "num_hidden_layers");
  const inter = need(vc, what, "vt_intermediate_size", "intermediate_size");
  const patch = need(vc, what, "patch_size");
  const posH = need(vc, what, "init_pos_emb_height");
  const posW = need(vc, what, "init_pos_emb_width");
  const projector = vc.mm_projector_type ?? "patchmerger";
  if (projector !== "patchmerger") fail("unsupported", `Kimi-K2.5 vision projector '${String(projector)}' is not supported (only 'patchmerger').`);
  const kernel = Array.isArray(vc.merge_kernel_size) ? (vc.merge_kernel_size as unknown[]) : [2, 2];
  if (kernel.length !== 2 || !kernel.every((k) => typeof k === "number" && Number.isInteger(k) && k > 0 && k <= 16)) fail("invalid", "config.json vision_config.merge_kernel_size must be two small positive whole numbers.");
  const [kh, kw] = kernel as number[];
  const out = n(vc, "text_hidden_size") ?? textHidden;
  const m = h * kh * kw;
  const tower = 3 * patch * patch * h + h + posH * posW * h + depth * vitBlock(h, inter, false, true, true) + 2 * h;
  const proj = 2 * h + m * m + m + m * out + out;
  return tower + proj;
}

/** Parameters of the vision tower and projector described by `vc`. */
export function visionParams(modelType: string, vc: Json, textHidden: number, config: Json): number {
  if (modelType === "kimi_k25") return moonVit3d(vc, textHidden);
  const h = need(vc, modelType, "hidden_size", "embed_dim");
  const depth = need(vc, modelType, "depth", "num_hidden_layers");
  const inter = need(vc, modelType, "intermediate_size");
  const patch = need(vc, modelType, "patch_size");
  const chans = n(vc, "in_chans", "in_channels", "num_channels") ?? 3;
  switch (modelType) {
    case "qwen2_5_vl": {
      // Gated SiLU MLP with biases, RMSNorm; patch embed over 2 frames; 2×2 patch merger MLP.
      const merge = n(vc, "spatial_merge_size") ?? 2;
      const out = n(vc, "out_hidden_size") ?? textHidden;
      const m = h * merge * merge;
      return depth * vitBlock(h, inter, true, true, false) + chans * (n(vc, "temporal_patch_size") ?? 2) * patch * patch * h + h + m * m + m + m * out + out;
    }
    case "qwen3_vl":
    case "qwen3_vl_moe":
    case "qwen3_5":
    case "qwen3_5_moe": {
      // Non-gated MLP, LayerNorm, learned position embeddings, a merger plus DeepStack mergers.
      const merge = n(vc, "spatial_merge_size") ?? 2;
      const out = n(vc, "out_hidden_size") ?? textHidden;
      const m = h * merge * merge;
      const merger = (normDim: number) => 2 * normDim + m * m + m + m * out + out;
      const deepstack = Array.isArray(vc.deepstack_visual_indexes) ? (vc.deepstack_visual_indexes as unknown[]).length : 0;
      const pos = (n(vc, "num_position_embeddings") ?? 0) * h;
      return depth * vitBlock(h, inter, false, true, true) + chans * (n(vc, "temporal_patch_size") ?? 2) * patch * patch * h + h + pos + merger(h) + deepstack * merger(m);
    }
    case "gemma3": {
      // SigLIP: conv patch embed, learned positions, non-gated GELU MLP, LayerNorm; then a norm + linear projector.
      const image = need(vc, modelType, "image_size");
      const positions = (image / patch) ** 2;
      return depth * vitBlock(h, inter, false, true, true) + chans * patch * patch * h + h + positions * h + 2 * h + h + h * textHidden;
    }
    case "mistral3": {
      // Pixtral: gated SiLU MLP without biases, RMSNorm; projector = norm, 2×2 patch merger, two linears.
      const merge = n(config, "spatial_merge_size") ?? n(vc, "spatial_merge_size") ?? 2;
      const projBias = config.multimodal_projector_bias === true;
      return depth * vitBlock(h, inter, true, false, false) + chans * patch * patch * h + h + h + h * merge * merge * h + h * textHidden + textHidden * textHidden + (projBias ? 2 * textHidden : 0);
    }
    case "gemma4": {
      // SigLIP-style encoder with 2-D RoPE instead of learned positions, gated GELU MLP; norm + linear projector.
      return depth * vitBlock(h, inter, true, false, false) + 2 * depth * h + chans * patch * patch * h + h + h * textHidden;
    }
    case "llama4": {
      // Unfold patch embed, class token, positions, non-gated GELU MLP, LayerNorm; pixel-shuffle MLP adapter and projector.
      const image = need(vc, modelType, "image_size");
      const positions = (image / patch) ** 2 + 1;
      const ratio = n(vc, "pixel_shuffle_ratio") ?? 0.5;
      const adapterIn = Math.round(h / (ratio * ratio));
      const projIn = n(vc, "projector_input_dim") ?? 4096;
      const projOut = n(vc, "projector_output_dim") ?? 4096;
      const outDim = n(vc, "vision_output_dim") ?? projOut;
      return depth * vitBlock(h, inter, false, true, true) + chans * patch * patch * h + h + positions * h + 4 * h + adapterIn * projIn + projIn * projOut + outDim * textHidden;
    }
    default:
      return fail("unsupported", `Vision tower of model_type '${modelType}' is not supported; remove vision_config to size the text model only.`);
  }
}

/** Depth and hidden width of the vision tower described by `vc`, when it states them. */
export function visionTower(vc: Json): { layers: number; hidden: number } | undefined {
  const hidden = n(vc, "hidden_size", "embed_dim", "vt_hidden_size");
  const layers = n(vc, "depth", "num_hidden_layers", "vt_num_hidden_layers");
  return hidden && layers ? { layers, hidden } : undefined;
}
