// A model's memory behaviour, computed from its parsed architecture (never
// from prose): KV bytes per token and which layers hold KV, the fixed state a
// sequence keeps, and resident versus active parameters. Engine-independent:
// 16-bit KV, the checkpoint's own state dtype, one GPU.
import { cacheLayout, groupLabel } from "./cacheLayout";
import type { ModelEntry } from "./catalog";
import { ssmStateBytes } from "./forwardPass";
import { describeMixer } from "./layerKinds";
import { formatBytes, formatCount, formatParams } from "./units";

export interface MemoryFacts {
  layers: number;
  /** Layers whose cache grows with context (full, sliding, chunked attention or MLA). */
  kvLayers: number;
  /** KV bytes per token at 16-bit, over every KV layer, before window limits. */
  kvBytesPerToken: number;
  /** KV bytes per token of the layers that keep the whole context (what long contexts grow). */
  fullKvBytesPerToken: number;
  /** Windowed layer groups: layers, window and bytes per token of one layer. */
  windowed: Array<{ label: string; layers: number; window: number; bytesPerToken: number }>;
  /** Fixed recurrent state one sequence keeps (conv + SSM), bytes, and the layers holding it. */
  stateBytesPerSeq: number;
  stateLayers: number;
  /** Parameters resident for serving (text model + vision tower) and read per token. */
  residentParams: number;
  activeParams: number;
  visionParams: number;
  mtpParams: number;
  /** Layer kinds, "10 × full attention (16 q / 2 kv heads × 256)". */
  layerKinds: string[];
}

/** The numbers behind a model's memory behaviour. */
export function memoryFacts(m: ModelEntry): MemoryFacts {
  const a = m.arch;
  const layout = cacheLayout(a, 2, 1, { convBytes: a.dtypeBytes, ssmBytes: ssmStateBytes(m.record.config, a) });
  const kinds = new Map<string, number>();
  for (const l of a.layers) for (const x of l.mixers) kinds.set(describeMixer(x), (kinds.get(describeMixer(x)) ?? 0) + 1);
  return {
    layers: a.layers.length,
    kvLayers: layout.kvLayers,
    kvBytesPerToken: layout.kvGroups.reduce((s, g) => s + g.layers * g.bytesPerTokenPerLayer, 0),
    fullKvBytesPerToken: layout.fullBytesPerToken,
    windowed: layout.kvGroups.filter((g) => g.window !== null).map((g) => ({ label: groupLabel(g), layers: g.layers, window: g.window as number, bytesPerToken: g.bytesPerTokenPerLayer })),
    stateBytesPerSeq: layout.stateBytesPerSeq,
    stateLayers: layout.stateLayers,
    residentParams: m.params.total,
    activeParams: m.params.active,
    visionParams: m.params.vision,
    mtpParams: m.params.mtp,
    layerKinds: [...kinds].map(([d, n]) => `${n} × ${d}`),
  };
}

/** The memory-behaviour section: one sentence per fact, with the model's own numbers. */
export function memoryBehaviour(m: ModelEntry): string[] {
  const f = memoryFacts(m);
  const window = m.record.contextWindow;
  const out: string[] = [`Layers: ${f.layerKinds.join("; ")}.`];
  if (f.kvLayers === 0) out.push("No layer keeps a per-token KV cache: memory does not grow with context.");
  else {
    const which = f.kvLayers === f.layers ? `all ${f.layers} layers` : `${f.kvLayers} of ${f.layers} layers`;
    out.push(`KV cache at 16-bit: ${formatBytes(f.kvBytesPerToken)} per token over ${which}${f.windowed.length ? " before window limits" : ""}; the layers that keep the whole context take ${formatBytes(f.fullKvBytesPerToken)} per token, ${formatBytes(f.fullKvBytesPerToken * 32768)} at 32K tokens and ${formatBytes(f.fullKvBytesPerToken * window)} at the native ${formatCount(window)}.`);
    for (const w of f.windowed) out.push(`${w.layers} ${w.label} hold at most their window: ${formatBytes(w.layers * w.bytesPerToken * w.window)} per sequence at most, whatever the context.`);
  }
  if (f.stateLayers > 0) out.push(`${f.stateLayers} recurrent layers (linear attention / SSM) keep a fixed ${formatBytes(f.stateBytesPerSeq)} of state per sequence: constant in context, linear in concurrency.`);
  if (m.arch.layers.some((l) => l.mixers.some((x) => x.kind === "mla"))) out.push("MLA caches one compressed latent per token, not per-head K and V.");
  const dtype = m.arch.dtypeBytes;
  if (f.activeParams < f.residentParams - f.visionParams)
    out.push(`Mixture of experts: all ${formatParams(f.residentParams)} parameters stay resident (${formatBytes(f.residentParams * dtype)} at ${dtype * 8}-bit); ${formatParams(f.activeParams)} are read per token, which sets decode speed.`);
  else out.push(`Dense: all ${formatParams(f.residentParams - f.visionParams)} text parameters are read for every token (${formatBytes((f.residentParams - f.visionParams) * dtype)} at ${dtype * 8}-bit).`);
  if (f.visionParams > 0) out.push(`Vision tower: ${formatParams(f.visionParams)} parameters, resident when the engine loads the model's vision part.`);
  if (f.mtpParams > 0) out.push(`Multi-token-prediction layers: ${formatParams(f.mtpParams)} parameters, loaded only for speculative decoding.`);
  return out;
}
