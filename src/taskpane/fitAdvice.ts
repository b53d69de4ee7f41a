// What would make an out-of-memory setup fit, each answer computed by the core
// for the form's own setup: the best-quality smaller weight format that fits,
// the fewest GPUs that fit, the longest context and the most concurrent
// requests that fit, and — where the engine offloads layers — how many layers
// can stay on the GPU.
import { findModel, findRuntime } from "../core/catalog";
import { isFitError } from "../core/errors";
import { fitsAt, maxBatchOf, maxContextOf, prepare, requiredPerGpu, type Prepared } from "../core/estimate";
import { formatBytes, formatCount } from "../core/units";
import { weightBytes } from "../core/weightBytes";
import { findQuant } from "../core/catalog";
import { inputOf, quantsFor, type CalcState } from "./calculatorModel";

/** One suggestion: what to change, in words, and the form change that applies it. */
export interface Advice {
  kind: "quant" | "gpus" | "context" | "batch" | "offload";
  text: string;
  change: Partial<CalcState>;
}

function prepared(s: CalcState): Prepared | undefined {
  try {
    return prepare(inputOf(s));
  } catch (e) {
    if (isFitError(e)) return undefined;
    throw e;
  }
}

function fits(s: CalcState): boolean {
  const p = prepared(s);
  if (!p || p.vramBytes === undefined) return false;
  try {
    return fitsAt(p, p.vramBytes, s.ctx, s.batch);
  } catch (e) {
    if (isFitError(e)) return false;
    throw e;
  }
}

/** The engine's flag that keeps only N layers on the GPU (llama.cpp -ngl, Ollama num_gpu); none for engines that do not offload layers. */
function offloadFlag(runtime: string): ((n: number) => string) | undefined {
  const id = findRuntime(runtime).id;
  if (id === "llama.cpp") return (n) => `-ngl ${n}`;
  if (id === "ollama") return (n) => `num_gpu=${n}`;
  return undefined;
}

/** Suggestions for a setup that does not fit (empty when it fits or cannot be estimated). */
export function fitAdvice(s: CalcState): Advice[] {
  const p = prepared(s);
  if (!p || p.vramBytes === undefined || fits(s)) return [];
  const vram = p.vramBytes;
  const out: Advice[] = [];
  const gpuName = p.gpu?.name ?? "this GPU";

  // The smaller format with the most bits per weight that fits.
  const model = findModel(s.model);
  const bits = (q: string) => weightBytes(model, findQuant(q)).bitsPerWeight;
  const here = bits(s.quant);
  const smaller = quantsFor(s.runtime)
    .filter((q) => q !== s.quant && q !== "gguf" && bits(q) < here)
    .sort((a, b) => bits(b) - bits(a))
    .find((q) => fits({ ...s, quant: q }));
  if (smaller) {
    const need = requiredPerGpu(prepared({ ...s, quant: smaller })!, s.ctx, s.batch);
    out.push({ kind: "quant", text: `${smaller} weights (${bits(smaller).toFixed(1)} bits per weight): ${formatBytes(need)} per GPU fits.`, change: { quant: smaller } });
  }

  // The fewest GPUs of this kind that fit (counts the engine cannot split the model over are skipped).
  for (let n = s.gpus + 1; n <= 16; n++) {
    if (fits({ ...s, gpus: n })) {
      out.push({ kind: "gpus", text: `${n} × ${gpuName}${findRuntime(s.runtime).id === "vllm" || findRuntime(s.runtime).id === "sglang" ? " (tensor parallel)" : " (layers split over them)"} fit.`, change: { gpus: n } });
      break;
    }
  }

  try {
    const maxCtx = maxContextOf(p, vram, s.batch);
    if (maxCtx > 0 && maxCtx < s.ctx) out.push({ kind: "context", text: `A context of up to ${formatCount(maxCtx)} tokens fits.`, change: { ctx: maxCtx } });
    if (s.batch > 1) {
      const maxBatch = maxBatchOf(p, vram, s.ctx);
      if (maxBatch > 0) out.push({ kind: "batch", text: `${formatCount(maxBatch)} concurrent request${maxBatch === 1 ? "" : "s"} of ${formatCount(s.ctx)} tokens fit.`, change: { batch: maxBatch } });
    }
  } catch (e) {
    if (!isFitError(e)) throw e;
  }

  // The smallest whole number that fits when `flagged(n)` is applied, searching n in [1, max]; undefined when even max does not fit.
  const least = (max: number, flagged: (n: number) => CalcState): number | undefined => {
    if (!fits(flagged(max))) return undefined;
    let lo = 0;
    let hi = max;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fits(flagged(mid))) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  const runtimeId = findRuntime(s.runtime).id;
  const moeBlocks = model.arch.layers.filter((l) => l.ffn.kind === "moe").length;
  // MoE on llama.cpp: keep the experts of the first N blocks in RAM; attention stays on the GPU (much faster than -ngl).
  if (runtimeId === "llama.cpp" && moeBlocks > 0 && !/--n-cpu-moe|-ncmoe|--cpu-moe|-cmoe|-ot\b|--override-tensor/.test(s.engineArgs)) {
    const n = least(model.arch.layers.length, (k) => ({ ...s, engineArgs: `${s.engineArgs} --n-cpu-moe ${k}`.trim() }));
    if (n !== undefined) out.push({ kind: "offload", text: `Offload experts: --n-cpu-moe ${n} keeps the routed experts of the first ${n} blocks in system RAM; attention and the rest stay on the GPU.`, change: { engineArgs: `${s.engineArgs} --n-cpu-moe ${n}`.trim() } });
  }
  // vLLM: the fewest GiB of weights per GPU kept in pinned host memory (--cpu-offload-gb).
  if (runtimeId === "vllm" && !/--cpu-offload-gb/.test(s.engineArgs)) {
    const gb = least(Math.ceil(weightBytes(model, findQuant(s.quant)).total / s.gpus / 2 ** 30), (k) => ({ ...s, engineArgs: `${s.engineArgs} --cpu-offload-gb ${k}`.trim() }));
    if (gb !== undefined) out.push({ kind: "offload", text: `Offload weights: --cpu-offload-gb ${gb} keeps ${gb} GiB of each GPU's weights in host memory, read over PCIe every step (slow).`, change: { engineArgs: `${s.engineArgs} --cpu-offload-gb ${gb}`.trim() } });
  }

  // Offload: the most layers that fit on the GPU, the rest in system RAM.
  const flag = offloadFlag(s.runtime);
  if (flag && !/(^|\s)(-ngl|--n-gpu-layers|--gpu-layers|num_gpu=)/.test(s.engineArgs)) {
    const layers = model.arch.layers.length + 1;
    const withLayers = (n: number): CalcState => ({ ...s, engineArgs: `${s.engineArgs} ${flag(n)}`.trim() });
    if (fits(withLayers(0))) {
      let lo = 0;
      let hi = layers;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (fits(withLayers(mid))) lo = mid;
        else hi = mid;
      }
      if (lo > 0) out.push({ kind: "offload", text: `Offload: ${flag(lo)} keeps ${lo} of ${layers} layers on the GPU; the rest run from system RAM on the CPU (much slower).`, change: { engineArgs: withLayers(lo).engineArgs } });
    }
  }
  return out;
}
