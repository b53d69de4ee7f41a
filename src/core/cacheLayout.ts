// Engine-independent summary of a model's caches per GPU: KV bytes per token
// grouped by window, and fixed per-sequence state — computed once per setup.
import type { Architecture } from "./architecture";
import { f, part, type Part } from "./breakdown";
import { cacheShards, hasState, kvBytesPerToken, stateElements, tokensHeld, type CacheRule, type KvKind, type StateDtypes } from "./layerKinds";

export interface KvGroup {
  /** Layers in the group. */
  layers: number;
  /** Bytes one token occupies in ONE layer of the group, on one GPU. */
  bytesPerTokenPerLayer: number;
  /** Window (sliding) or chunk (chunked attention) in tokens; null for full context. */
  window: number | null;
  kind: KvKind;
}

export interface CacheLayout {
  kvGroups: KvGroup[];
  /** Sum over layers of bytes per token (per GPU) for full-context layers. */
  fullBytesPerToken: number;
  /** Fixed state bytes per sequence (per GPU), all stateful layers. */
  stateBytesPerSeq: number;
  stateLayers: number;
  /** Largest per-layer state page (per GPU), for engines that page state with KV. */
  maxStatePerLayer: number;
  kvLayers: number;
}

// A layout depends only on the architecture and these sizes; every GPU of a
// comparison asks for the same one, so it is computed once.
const memo = new WeakMap<Architecture, Map<string, Readonly<CacheLayout>>>();

/** Summarises KV and state per GPU for `tp` ranks, K/V at `kvBytes` and state at `state` dtypes. */
export function cacheLayout(a: Architecture, kvBytes: number, tp: number, state: StateDtypes, vKvBytes = kvBytes): Readonly<CacheLayout> {
  let byArch = memo.get(a);
  if (!byArch) {
    byArch = new Map();
    memo.set(a, byArch);
  }
  const key = `${kvBytes}|${tp}|${state.convBytes}|${state.ssmBytes}|${vKvBytes}`;
  const hit = byArch.get(key);
  if (hit) return hit;
  const layout = Object.freeze(computeLayout(a, kvBytes, tp, state, vKvBytes));
  byArch.set(key, layout);
  return layout;
}

function computeLayout(a: Architecture, kvBytes: number, tp: number, state: StateDtypes, vKvBytes: number): CacheLayout {
  const groups = new Map<string, KvGroup>();
  let stateBytes = 0;
  let stateLayers = 0;
  let maxState = 0;
  let kvLayers = 0;
  for (const layer of a.layers) {
    for (const m of layer.mixers) {
      const shards = cacheShards(m, tp);
      if (m.kind === "full" || m.kind === "sliding" || m.kind === "chunked" || m.kind === "mla") {
        kvLayers++;
        // K and V may be stored in different types (llama.cpp keeps V in f16 without flash attention).
        const perToken =
          m.kind === "mla"
            ? kvBytesPerToken(m, kvBytes)
            : m.kvHeads * (m.headDimK * kvBytes + m.headDimV * vKvBytes);
        const bytes = perToken / shards;
        const window = m.kind === "sliding" ? m.window : m.kind === "chunked" ? m.chunk : null;
        const key = `${m.kind}:${window}:${bytes}`;
        const g = groups.get(key);
        if (g) g.layers++;
        else groups.set(key, { layers: 1, bytesPerTokenPerLayer: bytes, window, kind: m.kind });
      } else if (hasState(m)) {
        const e = stateElements(m);
        const b = (e.conv * state.convBytes + e.ssm * state.ssmBytes) / shards;
        stateBytes += b;
        stateLayers++;
        maxState = Math.max(maxState, b);
      }
    }
  }
  const kvGroups = [...groups.values()];
  return {
    kvGroups,
    fullBytesPerToken: kvGroups.filter((g) => g.window === null).reduce((s, g) => s + g.layers * g.bytesPerTokenPerLayer, 0),
    stateBytesPerSeq: stateBytes,
    stateLayers,
    maxStatePerLayer: maxState,
    kvLayers,
  };
}

const KIND_LABEL: Record<KvGroup["kind"], string> = { full: "full-attention", sliding: "sliding-window", chunked: "chunked-attention", mla: "MLA latent" };

/** A group's name in explanations: "full-attention layers", "sliding-window layers (window 1,024)". */
export function groupLabel(g: KvGroup, paddingLayers = 0): string {
  const w = g.window === null ? "" : ` (${g.kind === "chunked" ? "chunk" : "window"} ${g.window.toLocaleString("en-US")})`;
  return `${KIND_LABEL[g.kind]} layers${w}${paddingLayers ? ` incl. ${paddingLayers} padding` : ""}`;
}

/** Bytes one request of `ctx` tokens holds in every KV group, per GPU; `layers` may pad a group's layer count (vLLM). */
export function kvBytesPerRequest(layout: CacheLayout, ctx: number, rule: CacheRule, layers: (g: KvGroup) => number = (g) => g.layers): number {
  let bytes = 0;
  for (const g of layout.kvGroups) bytes += layers(g) * tokensHeld(g.kind, g.window, ctx, rule) * g.bytesPerTokenPerLayer;
  return bytes;
}

/** The KV cache of `batch` requests as one part per group: requests × layers × tokens held × bytes per token and layer. */
export function kvParts(layout: CacheLayout, ctx: number, batch: number, rule: CacheRule, requests = "requests", layers: (g: KvGroup) => number = (g) => g.layers): Part[] {
  return layout.kvGroups.map((g) => {
    const n = layers(g);
    return part(groupLabel(g, n - g.layers), f(batch, requests), f(n, "layers"), f(tokensHeld(g.kind, g.window, ctx, rule), "tokens"), f(g.bytesPerTokenPerLayer, "B/token"));
  });
}

/** Recurrent state of `batch` requests: requests × pages × the state of all recurrent layers (per GPU). */
export function stateParts(layout: CacheLayout, batch: number, rule: CacheRule, requests = "requests"): Part[] {
  if (!layout.stateLayers) return [];
  return [part(`${layout.stateLayers} recurrent layers' state`, f(batch, requests), f(rule.statePages, "pages"), f(layout.stateBytesPerSeq, "B"))];
}
