// llama.cpp (llama-server): per-device buffers — model (input embeddings stay
// on the host), KV (PAD(ctx, 256) cells per slot; SWA layers hold
// PAD(window + n_ubatch, 256)), recurrent state in F32, the compute buffer
// (peak of logits, attention scratch and FFN scratch) and the CUDA context.
import { cacheLayout } from "../cacheLayout";
import { fail } from "../errors";
import { b, n } from "../explainFormat";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { weightBytes } from "../weightBytes";

interface LlamaDefaults {
  nUbatch: number;
  ctxPad: number;
  flashAttention: boolean;
  graphOverheadBytes: number;
  cudaContextBytes: number;
}

const pad = (x: number, m: number) => Math.ceil(x / m) * m;

/**
 * Prepares a llama.cpp run; `extraOverhead` lets Ollama add the memory it keeps free.
 * The vision projector lives in a separate mmproj file that llama-server loads only with
 * --mmproj; Ollama loads it for vision models (`withProjector`).
 */
export function prepareLlamaCpp(s: Setup, engine = "llama.cpp", extraOverhead = 0, withProjector = false): PreparedRun {
  const d = s.runtime.defaults as unknown as LlamaDefaults;
  const a = s.model.arch;
  const fa = s.flashAttention ?? d.flashAttention;
  const ub = s.batchedTokens ?? d.nUbatch;
  const kBytes = s.kv.id === "auto" ? 2 : s.kv.bytes(2);
  if (s.kv.blockQuantized && !fa) fail("unsupported", `${engine} needs flash attention for a quantized V cache (${s.kv.id}); turn flash attention on or use fp16 KV.`);
  const layout = cacheLayout(a, kBytes, 1, { convBytes: 4, ssmBytes: 4 }, kBytes);
  const wb = weightBytes(s.model, s.quant);
  // Input embeddings stay in host memory; a tied model copies them to the GPU as its output layer.
  const projector = withProjector ? 0 : wb.byGroup.vision;
  const gpuWeights = wb.total - projector - wb.tokenEmbd + (a.tiedEmbeddings ? wb.tokenEmbd : 0);
  const N = s.tp;
  // Layer split (-sm layer): repeating layers divide over GPUs; the output layer sits on the last one.
  const weightsPerGpu = N === 1 ? gpuWeights : (gpuWeights - wb.output) / N + wb.output;
  const heads = a.attentionHeads;
  const moe = a.layers.find((l) => l.ffn.kind === "moe")?.ffn;
  const attnMixer = a.layers.find((l) => l.mixers.some((m) => "headDimV" in m))?.mixers.find((m) => "headDimV" in m) as { heads: number; headDimV: number } | undefined;
  const kqvWidth = attnMixer ? attnMixer.heads * attnMixer.headDimV : a.hidden;
  const ffnWidth = moe && moe.kind === "moe" ? moe.topK * (2 * moe.expertIntermediate) + moe.experts : 2 * a.maxIntermediate;

  const cellsPerSeq = (ctx: number) => pad(ctx, d.ctxPad);
  const kvBytes = (ctx: number, batch: number) => {
    let total = 0;
    for (const g of layout.kvGroups) {
      const cells = g.window === null ? cellsPerSeq(ctx) : Math.min(cellsPerSeq(ctx), pad(g.window + ub, d.ctxPad));
      total += batch * cells * g.layers * g.bytesPerTokenPerLayer;
    }
    return total;
  };
  const compute = (ctx: number, batch: number) => {
    const tokens = Math.min(ub, cellsPerSeq(ctx) * batch);
    const nkv = cellsPerSeq(ctx);
    const logits = a.vocab * tokens * 4;
    // Without FA the graph keeps the KQ mask in F32 (llama-graph.cpp: self_kq_mask is GGML_TYPE_F32 and is
    // cast to F16 only `cparams.flash_attn ? ggml_cast(...) : self_kq_mask`). The mask is a graph input read
    // by every layer, so it is live at the attention peak, together with the F32 KQ scores
    // [n_kv, n_tokens, n_head] (softmax runs in place), the KQV product [n_head × head_dim_v, n_tokens]
    // allocated while KQ is still read, and the residual stream [n_embd, n_tokens] that is added after
    // attention (ggml-alloc frees a tensor only after its last consumer).
    // Checked on fedora-copr/logdetective#106 (Mistral 7B, FA off): 2084 → 2132 MiB vs 2144 at 32K.
    const attn = layout.kvLayers ? (fa ? nkv * tokens * 2 : nkv * tokens * heads * 4 + nkv * tokens * 4 + tokens * (kqvWidth + a.hidden) * 4) : 0;
    const ffn = tokens * (ffnWidth + 2 * a.hidden) * 4;
    return { total: Math.max(logits, attn, ffn) + d.graphOverheadBytes, logits, attn, ffn, tokens, nkv };
  };
  const overhead = d.cudaContextBytes + extraOverhead;
  const hostOutput = (batch: number) => (a.vocab + a.hidden) * batch * 4;

  return {
    weightsPerGpu,
    weightsTotal: gpuWeights,
    hostBytes: wb.tokenEmbd + hostOutput(1),
    notes: [
      `${engine} settings assumed: -np <batch> with -c <ctx × batch> (PAD(ctx, 256) cells per slot), n_ubatch ${ub}, flash attention ${fa ? "on" : "off"}, KV ${s.kv.id === "auto" ? "f16" : s.kv.id}.`,
      ...(N > 1 ? [`${N} GPUs: layers are split across devices (-sm layer); the fullest device (the one with the output layer) is reported.`] : []),
      ...(projector > 0 ? [`The vision projector (${b(projector)}) is a separate mmproj file; add it if you serve images with --mmproj.`] : []),
    ],
    usage: (ctx, batch) => ({
      kvCache: kvBytes(ctx, batch) / N,
      state: (batch * layout.stateBytesPerSeq) / N,
      activations: compute(ctx, batch).total,
      overhead,
    }),
    budget: (v) => v,
    capacity(v, ctx) {
      const free = v - weightsPerGpu - overhead - compute(ctx, 1).total;
      const perReq = (kvBytes(ctx, 1) + layout.stateBytesPerSeq) / N;
      if (free <= 0 || perReq <= 0) return { tokens: 0, concurrency: 0 };
      const perTokenFull = layout.fullBytesPerToken / N;
      return { tokens: perTokenFull > 0 ? Math.floor(free / perTokenFull) : 0, concurrency: free / perReq };
    },
    explain(ctx, batch) {
      const c = compute(ctx, batch);
      const groups = layout.kvGroups
        .map((g) => `${g.layers} ${g.kind} layers × ${g.window === null ? n(cellsPerSeq(ctx)) : `min(${n(cellsPerSeq(ctx))}, PAD(${g.window} + ${ub}, 256))`} cells × ${n(g.bytesPerTokenPerLayer)} B`)
        .join(" + ");
      return {
        weights: `${b(wb.total)} of ${s.quant.id} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight) ${projector > 0 ? ` − ${b(projector)} vision projector (separate mmproj)` : ""} − ${b(wb.tokenEmbd)} input embeddings kept on the host${a.tiedEmbeddings ? ` + ${b(wb.tokenEmbd)} copy as the output layer` : ""} = ${b(gpuWeights)}${N > 1 ? ` → ${b(weightsPerGpu)} on the fullest of ${N} GPUs` : ""}`,
        kvCache: layout.kvGroups.length ? `${batch} slot(s) × [${groups}] = ${b(kvBytes(ctx, batch))}${N > 1 ? ` ÷ ${N} GPUs` : ""}` : "no attention layers: no KV cache",
        state: layout.stateLayers ? `${batch} slot(s) × ${layout.stateLayers} recurrent layers × ${b(layout.stateBytesPerSeq / layout.stateLayers)} (F32 conv + SSM state) = ${b(batch * layout.stateBytesPerSeq)}` : "no recurrent layers: no state",
        activations: `compute buffer = max(logits ${n(a.vocab)} × ${n(c.tokens)} × 4 B = ${b(c.logits)}, attention ${fa ? `mask ${n(c.nkv)} × ${n(c.tokens)} × 2 B` : `KQ ${n(c.nkv)} × ${n(c.tokens)} × ${heads} heads × 4 B + F32 mask + KQV and residual`} = ${b(c.attn)}, FFN ${b(c.ffn)}) + ${b(d.graphOverheadBytes)} graph = ${b(c.total)}`,
        overhead: `CUDA context ${b(d.cudaContextBytes)}${extraOverhead ? ` + ${b(extraOverhead)} ${engine} keeps free` : ""} = ${b(overhead)}`,
        host: `input embeddings ${b(wb.tokenEmbd)} + output buffer (${n(a.vocab)} + ${n(a.hidden)}) × ${batch} × 4 B = ${b(wb.tokenEmbd + hostOutput(batch))}`,
      };
    },
  };
}

export const llamaCpp: RuntimeProfile = { id: "llama.cpp", prepare: (s) => prepareLlamaCpp(s) };
