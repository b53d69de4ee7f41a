// llama.cpp (llama-server): per-device buffers, with layers placed on devices
// as llama.cpp places them (-ngl, -ts, --n-cpu-moe): model weights (input
// embeddings stay on the host), KV cells of each layer on its layer's device
// (PAD(ctx, 256) cells per slot; SWA layers hold PAD(window + n_ubatch, 256)),
// recurrent state in F32, a compute buffer per GPU (the largest of logits,
// attention scratch and FFN scratch), a pinned host compute buffer when any
// layer or tensor stays on the CPU, and the CUDA context per GPU.
// Sources: docs/research/engine-facts.md §2 and the llama.cpp source notes.
import { f, noTerms, part, sized, type Breakdown, type DeviceUse, type Part } from "../breakdown";
import { fail } from "../errors";
import { b } from "../explainFormat";
import { findKvDtype } from "../catalog";
import { cellsHeld, kvBytesPerToken, stateElements, hasState, type CacheRule, type KvKind } from "../layerKinds";
import { defaultsOf } from "../runtimeDefaults";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { cpuExpertShares } from "../tensorOverride";
import { weightBytes } from "../weightBytes";
import { compareBuild } from "../engineVersion";

const pad = (x: number, m: number) => Math.ceil(x / m) * m;

/** What one block caches, per token and per sequence, on whichever device holds it. */
interface BlockCache {
  kind: KvKind | null;
  window: number | null;
  /** KV bytes per cached token (K and V at their types). */
  kvPerToken: number;
  /** Recurrent state bytes per sequence (F32 conv + SSM). */
  state: number;
}

/** Options an engine built on llama.cpp (Ollama) sets for it. */
export interface LlamaCppHost {
  engine: string;
  /** The vision projector is loaded on GPU 0 (Ollama loads it for vision models; llama-server with --mmproj). */
  withProjector: boolean;
  extraNotes: string[];
  /** n_ubatch the engine picks from the context of all slots (Ollama's automatic num_batch); absent = -ub or 512. */
  ubatch?: (ctxAllSlots: number) => number;
  /** How the engine's cache holds tokens at n_ubatch `ub` (Ollama's own engine: one cache for all slots, its own window memory); absent = llama.cpp's per-slot cells. */
  cacheRule?: (ub: number) => CacheRule;
  /** The settings note's description of the cells a slot holds; absent = llama.cpp's "each slot holds PAD(ctx, 256) cells". */
  cacheNote?: string;
  /** The compute graph is reserved with one output row per slot whatever the build (Ollama's engine: reserveWorstCaseGraph's batch.Outputs). */
  outputsPerSlot?: boolean;
  /** -ngl N puts the last N blocks on the GPUs and the output layer only once every block is there (Ollama's own runners before v0.30, and llama.cpp before December 2025). */
  outputLast?: boolean;
}

/** The device each block (and the output layer) lands on: "cpu" or a GPU index. */
export interface Placement {
  /** Device of block i (length n_layer), -1 = CPU. */
  blockDevice: number[];
  /** Device of the output layer, -1 = CPU. */
  outputDevice: number;
  /** Share of each block's routed-expert bytes kept on the CPU (--n-cpu-moe, -ot exps=CPU); 1 for blocks on the CPU. */
  cpuExperts: number[];
  gpuLayers: number;
  cpuLayers: number;
}

/**
 * llama.cpp's placement (src/llama-model.cpp, load_tensors): -ngl N counts the output layer, so
 * the GPUs hold the output layer and the last N − 1 blocks; offloaded layer k of A goes to the
 * first GPU whose cumulative -ts share exceeds k / A (equal shares when -ts is not given);
 * --n-cpu-moe N keeps the experts of the first N blocks on the CPU, and -ot rules send expert tensors there.
 * With `outputLast` (the older rule, which Ollama's runners kept until v0.30) -ngl N ≤ n_layer puts the
 * last N blocks on the GPUs and leaves the output layer on the CPU.
 */
export function placeLayers(nLayer: number, gpus: number, s: Setup["settings"], expertLayers: boolean[], outputLast = false): Placement {
  const offloadable = nLayer + 1;
  const ngl = Math.min(s.gpuLayers ?? offloadable, offloadable);
  // Layer index nLayer is the output layer: the old rule starts the offloaded range one layer earlier and stops it before the output layer.
  const start = outputLast && ngl <= nLayer ? nLayer - ngl : offloadable - ngl;
  const split = s.tensorSplit ? s.tensorSplit.slice(0, gpus) : new Array<number>(gpus).fill(1);
  while (split.length < gpus) split.push(0);
  const sum = split.reduce((x, y) => x + y, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const w of split) cum.push((acc += w) / sum);
  const deviceOf = (i: number): number => {
    if (i < start || (outputLast && ngl <= nLayer && i === nLayer)) return -1;
    const k = (i - start) / ngl;
    const d = cum.findIndex((c) => c > k);
    return d < 0 ? gpus - 1 : d;
  };
  const blockDevice = Array.from({ length: nLayer }, (_, i) => deviceOf(i));
  const cpuMoe = Math.min(s.cpuMoeLayers ?? 0, nLayer);
  const overridden = cpuExpertShares(s.overrideTensors ?? [], nLayer, expertLayers);
  const cpuExperts = expertLayers.map((has, i) => (!has ? 0 : i < cpuMoe || blockDevice[i] < 0 ? 1 : overridden[i]));
  return { blockDevice, outputDevice: deviceOf(nLayer), cpuExperts, gpuLayers: ngl, cpuLayers: offloadable - ngl };
}

/** A prepared llama.cpp run, with what each layer costs wherever it goes (Ollama's layout places layers by these). */
export interface LlamaCppRun extends PreparedRun {
  /** At (ctx, n slots): bytes of each block on a GPU (weights, KV, state), of the output layer (with the projector when loaded), and a GPU's compute buffer. */
  layerCosts(ctx: number, n: number): { blocks: number[]; output: number; compute: number };
}

/** Prepares a llama.cpp run (also the base of Ollama's profile). */
export function prepareLlamaCpp(s: Setup, host: LlamaCppHost = { engine: "llama.cpp", withProjector: false, extraNotes: [] }): LlamaCppRun {
  const d = defaultsOf(s.runtime, "llama.cpp");
  const st = s.settings;
  const engine = host.engine;
  const a = s.model.arch;
  if (st.splitMode === "row") fail("unsupported", `${engine} -sm row is not modelled (it was removed from the CUDA backend in July 2026); use -sm layer.`);
  const gpus = st.splitMode === "none" ? 1 : s.tp;
  const ubFixed = Math.min(st.ubatch ?? d.nUbatch, st.batch ?? d.nBatch);
  const ubOf = (ctx: number, n: number) => (st.ubatch === undefined && host.ubatch ? host.ubatch(ctx * n) : ubFixed);
  const kType = s.kv.id === "auto" ? findKvDtype("fp16") : s.kv;
  const vType = s.kvV ?? kType;
  // A quantized V cache needs flash attention (llama_init_from_model turns "auto" into "on" for it).
  if (vType.blockQuantized && st.flashAttention === false) fail("unsupported", `${engine} needs flash attention for a quantized V cache (${vType.id}); turn flash attention on or use an f16 V cache.`);
  const fa = st.flashAttention ?? (vType.blockQuantized ? true : d.flashAttention);
  // Since llama.cpp PR #23861 (about build b9400, June 2026) llama-server reserves logits for
  // n_parallel rows only; older builds and llama-cli reserve a whole ubatch of them.
  const serverOutputs = host.outputsPerSlot === true || s.engineVersion === undefined || compareBuild(s.engineVersion, 9400) >= 0;

  // Per-block caches at the K/V types.
  const kB = kType.bytes(2);
  const vB = vType.bytes(2);
  const blocks: BlockCache[] = a.layers.map((l) => {
    let kind: KvKind | null = null;
    let window: number | null = null;
    let kvPerToken = 0;
    let state = 0;
    for (const m of l.mixers) {
      if (m.kind === "full" || m.kind === "sliding" || m.kind === "chunked") {
        kind = m.kind;
        window = m.kind === "sliding" ? m.window : m.kind === "chunked" ? m.chunk : null;
        kvPerToken += m.kvHeads * (m.headDimK * kB + m.headDimV * vB);
      } else if (m.kind === "mla") {
        kind = "mla";
        kvPerToken += kvBytesPerToken(m, kB);
      } else if (hasState(m)) {
        const e = stateElements(m);
        state += (e.conv + e.ssm) * 4;
      }
    }
    return { kind, window, kvPerToken, state };
  });
  const ruleOf = host.cacheRule ?? ((ub: number): CacheRule => ({ pad: d.ctxPad, windowExtra: ub, windowExtraBlocks: 0, statePages: 1 }));
  /** Cells `n` slots of `ctx` hold in this block's cache (per slot in llama.cpp; one shared cache in Ollama's engine). */
  const cells = (c: BlockCache, ctx: number, n: number, ub: number) => (c.kind === null ? 0 : cellsHeld(c.kind, c.window, ctx, n, ruleOf(ub)));

  // Weights and where they go.
  const wb = weightBytes(s.model, s.quant);
  const projector = host.withProjector || st.mmproj ? wb.byGroup.vision : 0;
  const place = placeLayers(a.layers.length, gpus, st, wb.perLayerExperts.map((x) => x > 0), host.outputLast === true);
  const gpuIds = Array.from({ length: gpus }, (_, i) => i);
  const onDevice = (dev: number) => a.layers.map((_, i) => i).filter((i) => place.blockDevice[i] === dev);
  const heads = a.attentionHeads;
  const moe = a.layers.find((l) => l.ffn.kind === "moe")?.ffn;
  const attnMixer = a.layers.flatMap((l) => l.mixers).find((m) => "headDimV" in m) as { heads: number; headDimV: number } | undefined;
  const kqvWidth = attnMixer ? attnMixer.heads * attnMixer.headDimV : a.hidden;
  const ffnWidth = moe && moe.kind === "moe" ? moe.topK * (2 * moe.expertIntermediate) + moe.experts : 2 * a.maxIntermediate;
  const anyKv = blocks.some((c) => c.kind !== null);
  const anyHostTensor = place.cpuLayers > 0 || place.cpuExperts.some((x) => x > 0) || st.noKvOffload === true;

  interface DeviceFixed {
    weights: Part[];
    blocks: number[];
    output: boolean;
  }
  const gpuFixed: DeviceFixed[] = gpuIds.map((dev) => {
    const mine = onDevice(dev);
    const weights: Part[] = [];
    const blockBytes = mine.reduce((sum, i) => sum + wb.perLayer[i] - place.cpuExperts[i] * wb.perLayerExperts[i], 0);
    if (mine.length) weights.push(sized(`${mine.length} of ${a.layers.length} blocks${mine.some((i) => place.cpuExperts[i] > 0) ? " (experts of some on the CPU)" : ""}`, blockBytes));
    const output = place.outputDevice === dev;
    if (output) weights.push(sized(a.tiedEmbeddings ? "output layer (a copy of the tied embedding matrix)" : "output layer", wb.outputLayer));
    if (dev === 0 && projector > 0) weights.push(sized("vision projector (mmproj)", projector));
    return { weights, blocks: mine, output };
  });
  const cpuBlocks = onDevice(-1);
  const hostWeights: Part[] = [sized("input embeddings (token_embd stays on the host)", wb.tokenEmbd)];
  if (cpuBlocks.length) hostWeights.push(sized(`${cpuBlocks.length} blocks kept on the CPU`, cpuBlocks.reduce((sum, i) => sum + wb.perLayer[i], 0)));
  const cpuExpertBytes = a.layers.reduce((sum, _, i) => sum + (place.blockDevice[i] >= 0 ? place.cpuExperts[i] * wb.perLayerExperts[i] : 0), 0);
  if (cpuExpertBytes > 0) hostWeights.push(sized("routed experts kept on the CPU", cpuExpertBytes));
  if (place.outputDevice < 0) hostWeights.push(sized("output layer kept on the CPU", wb.outputLayer));
  if (projector > 0 && gpus === 0) hostWeights.push(sized("vision projector", projector));

  // Blocks of one cache shape (kind, window, bytes per cell) hold the same cells, so sums over a device's
  // layers become sums over a few shapes: the searches for max context and concurrency call them often.
  interface CacheGroup {
    cache: BlockCache;
    layers: number;
  }
  const groupMemo = new WeakMap<number[], { groups: CacheGroup[]; state: number }>();
  const cacheGroups = (idx: number[]) => {
    let hit = groupMemo.get(idx);
    if (!hit) {
      const byShape = new Map<string, CacheGroup>();
      let state = 0;
      for (const i of idx) {
        const c = blocks[i];
        state += c.state;
        if (c.kind === null) continue;
        const key = `${c.kind}|${c.window}|${c.kvPerToken}`;
        const g = byShape.get(key);
        if (g) g.layers++;
        else byShape.set(key, { cache: c, layers: 1 });
      }
      hit = { groups: [...byShape.values()], state };
      groupMemo.set(idx, hit);
    }
    return hit;
  };

  const kvOf = (idx: number[], ctx: number, n: number): Part[] => {
    const ub = ubOf(ctx, n);
    const shared = ruleOf(ub).sharedCache === true;
    return cacheGroups(idx).groups.map(({ cache: c, layers }) => {
      const label = c.window === null ? (c.kind === "mla" ? "MLA latent layers" : "full-attention layers") : `sliding-window layers (window ${c.window.toLocaleString("en-US")})`;
      return shared
        ? part(label, f(layers, "layers"), f(cells(c, ctx, n, ub), n > 1 ? `cells (one cache for ${n} slots)` : "cells"), f(c.kvPerToken, "B/cell"))
        : part(label, f(n, "slots"), f(layers, "layers"), f(cells(c, ctx, 1, ub), "cells"), f(c.kvPerToken, "B/cell"));
    });
  };
  const stateOf = (idx: number[], n: number): Part[] => {
    const st2 = idx.filter((i) => blocks[i].state > 0);
    if (!st2.length) return [];
    return [part(`${st2.length} recurrent layers' F32 state`, f(n, "slots"), f(st2.reduce((sum, i) => sum + blocks[i].state, 0), "B"))];
  };
  const kvBytesOf = (idx: number[], ctx: number, n: number) => {
    const ub = ubOf(ctx, n);
    return cacheGroups(idx).groups.reduce((sum, g) => sum + g.layers * cells(g.cache, ctx, n, ub) * g.cache.kvPerToken, 0);
  };
  const stateBytesOf = (idx: number[], n: number) => n * cacheGroups(idx).state;

  /** The compute buffer of one GPU: the largest of logits (on the output device), attention and FFN scratch. */
  const compute = (ctx: number, n: number, output: boolean, labelled = true): Part[] => {
    const nkv = pad(ctx, d.ctxPad);
    const tokens = Math.min(ubOf(ctx, n), nkv * n);
    const logitRows = serverOutputs ? Math.min(tokens, n) : tokens;
    const candidates: Array<{ name: string; parts: Part[] }> = [];
    if (output) candidates.push({ name: "logits", parts: [part("logits", f(a.vocab, "vocab"), f(logitRows, "rows"), f(4, "B"))] });
    if (anyKv)
      candidates.push(
        fa
          ? { name: "attention", parts: [part("F16 attention mask (flash attention)", f(nkv, "cells"), f(tokens, "tokens"), f(2, "B"))] }
          : {
              // Without FA the graph keeps the F32 KQ mask, the F32 scores [n_kv, n_tokens, n_head], KQV and the
              // residual live at the attention peak (llama-graph.cpp: self_kq_mask is F32 and is cast only with FA).
              name: "attention",
              parts: [
                part("F32 attention scores", f(nkv, "cells"), f(tokens, "tokens"), f(heads, "heads"), f(4, "B")),
                part("F32 attention mask", f(nkv, "cells"), f(tokens, "tokens"), f(4, "B")),
                part("attention output and residual", f(tokens, "tokens"), f(kqvWidth + a.hidden, "values"), f(4, "B")),
              ],
            },
      );
    candidates.push({ name: "FFN", parts: [part("FFN scratch", f(tokens, "tokens"), f(ffnWidth + 2 * a.hidden, "values"), f(4, "B"))] });
    const total = (c: { parts: Part[] }) => c.parts.reduce((sum, p) => sum + p.bytes, 0);
    const largest = candidates.reduce((x, y) => (total(y) > total(x) ? y : x));
    // Sums (the searches for max context and concurrency) skip the wording: it formats every candidate.
    if (!labelled) return [...largest.parts, sized("graph and scheduler overhead", d.graphOverheadBytes)];
    const others = candidates.filter((c) => c !== largest).map((c) => `${c.name} ${b(total(c))}`);
    return [...largest.parts.map((p) => ({ ...p, label: `compute buffer, ${p.label}${others.length ? ` (larger than ${others.join(", ")})` : ""}` })), sized("graph and scheduler overhead", d.graphOverheadBytes)];
  };
  const computeBytes = (ctx: number, n: number, output: boolean) => compute(ctx, n, output, false).reduce((sum, p) => sum + p.bytes, 0);
  const hostCompute = (ctx: number, n: number): Part[] => (anyHostTensor ? [part("pinned host compute buffer (F32 mask for the CPU side)", f(pad(ctx, d.ctxPad) * n, "cells"), f(Math.min(ubOf(ctx, n), pad(ctx, d.ctxPad) * n), "tokens"), f(4, "B"))] : []);
  const hostOutput = (n: number) => part("output buffer", f(a.vocab + a.hidden, "values"), f(n, "slots"), f(4, "B"));

  const gpuWeightBytes = gpuFixed.map((g) => g.weights.reduce((sum, p) => sum + p.bytes, 0));
  const totalOf = (dev: number, ctx: number, n: number) => {
    const g = gpuFixed[dev];
    const kvIdx = st.noKvOffload ? [] : g.blocks;
    return gpuWeightBytes[dev] + kvBytesOf(kvIdx, ctx, n) + stateBytesOf(kvIdx, n) + computeBytes(ctx, n, g.output) + d.cudaContextBytes;
  };
  const fullest = (ctx: number, n: number) => {
    let best = 0;
    for (let dev = 1; dev < gpus; dev++) if (totalOf(dev, ctx, n) > totalOf(best, ctx, n)) best = dev;
    return best;
  };
  const weightsPerGpu = Math.max(...gpuWeightBytes);

  const breakdown = (ctx: number, n: number): Breakdown => {
    const devices: DeviceUse[] = gpuIds.map((dev) => {
      const g = gpuFixed[dev];
      const t = noTerms();
      t.weights = g.weights;
      const kvIdx = st.noKvOffload ? [] : g.blocks;
      t.kvCache = kvOf(kvIdx, ctx, n);
      t.state = stateOf(kvIdx, n);
      t.activations = compute(ctx, n, g.output);
      t.overhead = [sized("CUDA context", d.cudaContextBytes)];
      const expertBytes = g.blocks.reduce((sum, i) => sum + (1 - place.cpuExperts[i]) * wb.perLayerExperts[i], 0);
      return { device: gpus > 1 ? `GPU ${dev}` : "GPU", kind: "gpu", count: 1, terms: t, expertBytes };
    });
    const order = devices.map((_, i) => i).sort((x, y) => totalOf(y, ctx, n) - totalOf(x, ctx, n));
    const h = noTerms();
    h.weights = hostWeights;
    const hostKv = st.noKvOffload ? a.layers.map((_, i) => i) : cpuBlocks;
    h.kvCache = kvOf(hostKv, ctx, n);
    h.state = stateOf(hostKv, n);
    h.activations = [...hostCompute(ctx, n), hostOutput(n)];
    const hostExperts = a.layers.reduce((sum, _, i) => sum + (place.blockDevice[i] < 0 ? 1 : place.cpuExperts[i]) * wb.perLayerExperts[i], 0);
    return { devices: [...order.map((i) => devices[i]), { device: "host", kind: "host", count: 1, terms: h, expertBytes: hostExperts }] };
  };

  const notes = [
    `${engine} settings: n_ubatch ${host.ubatch && st.ubatch === undefined ? "chosen from the context" : ubFixed}, flash attention ${fa ? "on" : "off"}, KV ${kType.id === vType.id ? kType.id : `K ${kType.id} / V ${vType.id}`}; ${host.cacheNote ?? "each slot holds PAD(ctx, 256) cells"}.`,
    ...host.extraNotes,
  ];
  if (gpus > 1) notes.push(`${gpus} GPUs: layers are split across devices (-sm layer${st.tensorSplit ? `, -ts ${st.tensorSplit.join(",")}` : ", equal shares"}); the fullest device is reported.`);
  if (place.cpuLayers > 0) notes.push(`-ngl ${place.gpuLayers}: ${place.cpuLayers} of ${a.layers.length + 1} layers (counting the output layer) stay in system RAM and run on the CPU.`);
  if (cpuExpertBytes > 0) notes.push(`Routed experts of ${place.cpuExperts.filter((x, i) => x > 0 && place.blockDevice[i] >= 0).length} GPU blocks stay in system RAM (${b(cpuExpertBytes)}).`);
  const visionBytes = wb.byGroup.vision;
  if (visionBytes > 0 && projector === 0) notes.push(`The vision projector (${b(visionBytes)}) is a separate mmproj file; add --mmproj to serve images.`);
  if (!serverOutputs) notes.push(`llama.cpp build ${s.engineVersion?.text}: the compute buffer reserves logits for a whole ubatch (before PR #23861).`);

  return {
    weightsPerGpu,
    weightsTotal: gpuWeightBytes.reduce((x, y) => x + y, 0),
    hostWeights: hostWeights.reduce((sum, p) => sum + p.bytes, 0),
    hostBytes: (ctx, n) => {
      const hostKv = st.noKvOffload ? a.layers.map((_, i) => i) : cpuBlocks;
      const buffers = [...hostCompute(ctx, n), hostOutput(n)].reduce((sum, p) => sum + p.bytes, 0);
      return hostWeights.reduce((sum, p) => sum + p.bytes, 0) + kvBytesOf(hostKv, ctx, n) + stateBytesOf(hostKv, n) + buffers;
    },
    notes,
    settings: {
      n_gpu_layers: place.gpuLayers,
      n_parallel: null,
      n_ubatch: host.ubatch && st.ubatch === undefined ? null : ubFixed,
      flash_attn: fa,
      cache_type_k: kType.id === "fp16" ? "f16" : kType.id,
      cache_type_v: vType.id === "fp16" ? "f16" : vType.id,
      n_cpu_moe: st.cpuMoeLayers ?? 0,
      tensor_split: st.tensorSplit ? st.tensorSplit.join(",") : null,
      split_mode: gpus > 1 ? "layer" : (st.splitMode ?? "layer"),
      mmproj: projector > 0,
    },
    usage(ctx, n) {
      const dev = fullest(ctx, n);
      const g = gpuFixed[dev];
      const kvIdx = st.noKvOffload ? [] : g.blocks;
      return { kvCache: kvBytesOf(kvIdx, ctx, n), state: stateBytesOf(kvIdx, n), activations: computeBytes(ctx, n, g.output), overhead: d.cudaContextBytes };
    },
    breakdown,
    layerCosts: (ctx, n) => {
      const ub = ubOf(ctx, n);
      return {
        blocks: a.layers.map((_, i) => wb.perLayer[i] + cells(blocks[i], ctx, n, ub) * blocks[i].kvPerToken + n * blocks[i].state),
        output: wb.outputLayer + projector,
        compute: computeBytes(ctx, n, true),
      };
    },
    placement: { gpuLayers: place.gpuLayers, cpuLayers: place.cpuLayers, cpuExpertBlocks: place.cpuExperts.filter((x, i) => x > 0 && place.blockDevice[i] >= 0).length },
    budget: (v) => v,
    capacity(v, ctx) {
      // Slots of `ctx` that fit on every GPU: the fullest device decides.
      let concurrency = Infinity;
      let tokens = Infinity;
      for (const dev of gpuIds) {
        const g = gpuFixed[dev];
        const kvIdx = st.noKvOffload ? [] : g.blocks;
        const free = v - gpuWeightBytes[dev] - d.cudaContextBytes - computeBytes(ctx, 1, g.output);
        const perReq = kvBytesOf(kvIdx, ctx, 1) + stateBytesOf(kvIdx, 1);
        const perTokenFull = cacheGroups(kvIdx).groups.reduce((sum, g) => sum + (g.cache.window === null ? g.layers * g.cache.kvPerToken : 0), 0);
        if (free <= 0) return { tokens: 0, concurrency: 0 };
        concurrency = Math.min(concurrency, perReq > 0 ? free / perReq : Infinity);
        tokens = Math.min(tokens, perTokenFull > 0 ? Math.floor(free / perTokenFull) : Infinity);
      }
      return { tokens: Number.isFinite(tokens) ? tokens : 0, concurrency: Number.isFinite(concurrency) ? concurrency : 0 };
    },
  };
}

export const llamaCpp: RuntimeProfile = {
  id: "llama.cpp",
  // -c is all slots' cells: with -np N each slot gets -c / N; without -np the slots share one cache.
  workload: (st) => {
    if (st.ctxSize === undefined) return { batch: st.parallel };
    const slots = st.parallel ?? 1;
    return { ctx: Math.max(1, Math.floor(st.ctxSize / slots)), batch: slots };
  },
  prepare: (s) => prepareLlamaCpp(s),
};
