// The accuracy set: every measured run in calibration/, each given as the
// arguments a user would type (`fitmygpu estimate --command "vllm serve …"
// --gpu …`). The harness runs the CLI's own entry point on them and compares
// its JSON with the quoted figures. Nothing here passes settings a user cannot
// give, and nothing is fitted to the rows.
import * as fs from "fs";
import * as path from "path";
import { main } from "../src/cli/cli";
import { findModel, findQuant } from "../src/core/catalog";
import { shellWords } from "../src/core/engineFlags";
import { weightBytes } from "../src/core/weightBytes";
import { GiB, MiB } from "../src/core/units";

export type Term = "weights" | "kvCache" | "kvPool" | "kvCapacityTokens" | "maxConcurrency" | "activations" | "nonTorch" | "compute" | "peak" | "gpuLayers" | "decode" | "prefill";

export interface Comparison {
  id: string;
  engine: string;
  term: Term;
  estimate: number;
  measured: number;
  unit: string;
  /** Signed relative error (estimate − measured) / measured. */
  error: number;
}

/** Figures a run's source states; units are in the names. */
export interface Measured {
  weightsGiB?: number;
  kvPoolGiB?: number;
  kvTokens?: number;
  maxConcurrency?: number;
  activationsGiB?: number;
  nonTorchGiB?: number;
  modelBufferMiB?: number;
  kvBufferMiB?: number;
  computeBufferMiB?: number;
  peakGiB?: number;
  gpuLayers?: number;
}

/** A measured run: where it was read, the log lines, the CLI arguments that reproduce its setup, and its figures. */
export interface MemoryRun {
  id: string;
  engine: string;
  url: string;
  read: string;
  quote: string[];
  /** `fitmygpu` arguments, e.g. `estimate --command "vllm serve …" --gpu "H100 SXM" --engine-version 0.19.0 --json`. */
  cli: string;
  measured: Measured;
  notes: string;
}

/** A checkpoint or GGUF file whose size is known: the model and format a user names. */
export interface FileRun {
  id: string;
  url: string;
  read: string;
  quote: string[];
  model: string;
  /** GGUF files hold the text model only (the vision projector is a separate mmproj file). */
  textOnly: boolean;
  sizes: Array<{ quant: string; bytes: number }>;
  notes: string;
}

/** A measured speed: where it was read, the rows, the CLI arguments of its setup (--ctx is the mean context of the measured tokens), and the rate. */
export interface SpeedRun {
  id: string;
  engine: string;
  /** The backend the source ran: CUDA, ROCm, Vulkan or Metal. */
  backend: string;
  engineVersion: string | null;
  url: string;
  read: string;
  quote: string[];
  /** The benchmark command as the source gives it. */
  sourceCommand: string;
  cli: string;
  measured: { decodeTokensPerSecond?: number; decodeTokensPerSecondTotal?: number; prefillTokensPerSecond?: number };
  notes: string;
}

const DIR = path.join(__dirname, "..", "calibration");
export const MEMORY_FILES = ["vllm", "sglang", "llamacpp", "ollama", "transformers", "mlx"];

/** Every measured memory run in calibration/. */
export function loadRuns(): MemoryRun[] {
  return MEMORY_FILES.flatMap((f) => JSON.parse(fs.readFileSync(path.join(DIR, `${f}.json`), "utf8")) as MemoryRun[]);
}

/** Every measured speed in calibration/speed.json. */
export function loadSpeedRuns(): SpeedRun[] {
  return JSON.parse(fs.readFileSync(path.join(DIR, "speed.json"), "utf8")) as SpeedRun[];
}

/** Every file-size record in calibration/files.json. */
export function loadFiles(): FileRun[] {
  return JSON.parse(fs.readFileSync(path.join(DIR, "files.json"), "utf8")) as FileRun[];
}

/** One comparison of an estimate with a measured figure; a measured 0 (no layer on the GPU) is taken relative to 1, so a miss still shows. */
export const cmp = (id: string, engine: string, term: Term, est: number, meas: number, unit: string): Comparison => ({ id, engine, term, estimate: est, measured: meas, unit, error: (est - meas) / (meas === 0 ? 1 : meas) });

interface Part {
  label: string;
  bytes: number;
}
interface EstimateJson {
  perGpu: { weightsBytes: number; kvCacheBytes: number; stateBytes: number; activationBytes: number; overheadBytes: number; totalBytes: number };
  kvPoolBytes?: number;
  kvCapacityTokens?: number;
  maxConcurrency?: number;
  gpuLayers?: number;
  decodeTokensPerSecond?: number;
  decodeTokensPerSecondTotal?: number;
  prefillTokensPerSecond?: number | null;
  devices: Array<{ kind: string; terms: Record<string, Part[]> }>;
}

/** Runs the CLI with a run's arguments and returns its JSON (a run whose arguments the CLI refuses is a broken case). */
export function runCli(cli: string): EstimateJson {
  let out = "";
  let err = "";
  const code = main(shellWords(cli), (s) => (out += s + "\n"), (s) => (err += s + "\n"));
  if (code !== 0) throw new Error(`fitmygpu ${cli}\n  → exit ${code}: ${err.trim()}`);
  return JSON.parse(out) as EstimateJson;
}

/** The comparisons a run supports. */
export function compareRun(r: MemoryRun): Comparison[] {
  const e = runCli(r.cli);
  const m = r.measured;
  const g = e.perGpu;
  const out: Comparison[] = [];
  const add = (term: Term, est: number | undefined, meas: number | undefined, unit: string) => {
    if (meas === undefined) return;
    if (est === undefined) throw new Error(`${r.id}: the estimate has no ${term}`);
    out.push(cmp(r.id, r.engine, term, est, meas, unit));
  };
  const gpu = e.devices.find((d) => d.kind === "gpu");
  const overheadOf = (pred: (label: string) => boolean) => (gpu ? gpu.terms.overhead.filter((p) => pred(p.label)).reduce((s, p) => s + p.bytes, 0) : 0);
  add("weights", g.weightsBytes / GiB, m.weightsGiB, "GiB");
  add("weights", g.weightsBytes / MiB, m.modelBufferMiB, "MiB");
  add("kvPool", e.kvPoolBytes !== undefined ? e.kvPoolBytes / GiB : undefined, m.kvPoolGiB, "GiB");
  add("kvCache", g.kvCacheBytes / MiB, m.kvBufferMiB, "MiB");
  add("kvCapacityTokens", e.kvCapacityTokens, m.kvTokens, "tokens");
  add("maxConcurrency", e.maxConcurrency, m.maxConcurrency, "x");
  add("activations", g.activationBytes / GiB, m.activationsGiB, "GiB");
  add("compute", g.activationBytes / MiB, m.computeBufferMiB, "MiB");
  // vLLM's logged non-torch memory: its non-torch and NCCL parts, not the CUDA-graph estimate.
  add("nonTorch", overheadOf((l) => /^non-torch|NCCL/i.test(l)) / GiB, m.nonTorchGiB, "GiB");
  // torch.cuda.max_memory_allocated and mlx's peak count tensors only: no CUDA context.
  add("peak", (g.totalBytes - overheadOf((l) => /CUDA context/i.test(l))) / GiB, m.peakGiB, "GiB");
  add("gpuLayers", e.gpuLayers, m.gpuLayers, "layers");
  return out;
}

/** The comparison of a measured speed with the estimate for its arguments. */
export function compareSpeedRun(r: SpeedRun): Comparison[] {
  const e = runCli(r.cli);
  const m = r.measured;
  const pairs: Array<[Term, number | null | undefined, number | undefined]> = [
    ["decode", e.decodeTokensPerSecond, m.decodeTokensPerSecond],
    ["decode", e.decodeTokensPerSecondTotal, m.decodeTokensPerSecondTotal],
    ["prefill", e.prefillTokensPerSecond, m.prefillTokensPerSecond],
  ];
  return pairs.flatMap(([term, est, meas]) => {
    if (meas === undefined) return [];
    // Prefill needs the GPU's compute figure; without one the estimate says "unknown" and the row is listed, not compared.
    if (est === null && term === "prefill") throw new NotEstimated(`${r.id}: no prefill estimate, the catalog has no compute figure for this GPU`);
    if (est === undefined || est === null) throw new Error(`${r.id}: the estimate has no ${term} speed`);
    return [cmp(r.id, r.engine, term, est, meas, "tok/s")];
  });
}

/** A measured figure the estimator cannot give for a stated reason (not a broken case). */
export class NotEstimated extends Error {}

/** Weight bytes of a model's checkpoint or GGUF file under a format (text only for GGUFs). */
export function fileBytes(model: string, quant: string, textOnly = false): number {
  const w = weightBytes(findModel(model), findQuant(quant));
  return textOnly ? w.total - w.byGroup.vision : w.total;
}

/** The comparisons of every file-size record. */
export function compareFiles(files = loadFiles()): Comparison[] {
  return files.flatMap((f) => f.sizes.map((s) => cmp(f.id, "file", "weights", fileBytes(f.model, s.quant, f.textOnly) / GiB, s.bytes / GiB, "GiB")));
}

/** Every comparison (the memory runs, the file sizes, then the speeds), and the runs whose arguments the CLI refused. */
export function runAccuracy(): { comparisons: Comparison[]; broken: Array<{ id: string; error: string }>; notEstimated: Array<{ id: string; reason: string }> } {
  const broken: Array<{ id: string; error: string }> = [];
  const notEstimated: Array<{ id: string; reason: string }> = [];
  const guarded =
    <R extends { id: string }>(fn: (r: R) => Comparison[]) =>
    (r: R): Comparison[] => {
      try {
        return fn(r);
      } catch (e) {
        if (e instanceof NotEstimated) notEstimated.push({ id: r.id, reason: e.message });
        else broken.push({ id: r.id, error: (e as Error).message });
        return [];
      }
    };
  const comparisons = loadRuns().flatMap(guarded(compareRun));
  const speeds = loadSpeedRuns().flatMap(guarded(compareSpeedRun));
  return { comparisons: [...comparisons, ...compareFiles(), ...speeds], broken, notEstimated };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
