// Fits each engine's speed efficiencies per backend to the measured speeds in
// calibration/speed.json. Every run goes through the CLI's own reading of its
// arguments (estimateInputOf); the speed model splits each estimate into terms
// at peak rates (speed.ts), so a candidate's prediction is a closed form of
// those terms and a grid search over the efficiencies is cheap. The loss is
// the mean absolute log error, so one odd row cannot pull the fit far.
import { estimateInputOf } from "../src/cli/cli";
import { shellWords } from "../src/core/engineFlags";
import { placedSetup, speedTermsOf } from "../src/core/estimate";
import { backendOf, prefillSeconds, stepSeconds, type Backend, type SpeedParams, type SpeedTerms } from "../src/core/speed";
import { loadSpeedRuns, median, type SpeedRun } from "./accuracyCases";
import { quantile } from "./accuracyReport";

/** One measured rate with the terms of its estimate. */
export interface SpeedRow {
  id: string;
  engine: string;
  backend: Backend;
  gpu: string;
  kind: "decode" | "prefill";
  /** Decode rates are per sequence unless `aggregate` (all `batch` sequences). */
  aggregate: boolean;
  measured: number;
  terms: SpeedTerms;
}

/** The rows of the speed set, each with the terms its CLI arguments give. */
export function speedRows(runs: SpeedRun[] = loadSpeedRuns()): SpeedRow[] {
  return runs.flatMap((r) => {
    const argv = shellWords(r.cli).slice(1);
    const { p, ctx, batch } = placedSetup(estimateInputOf(argv));
    const terms = speedTermsOf(p, ctx, batch);
    const base = { id: r.id, engine: p.setup.runtime.id, backend: backendOf(p.gpu!), gpu: p.gpu!.id, terms };
    const out: SpeedRow[] = [];
    if (r.measured.decodeTokensPerSecond !== undefined) out.push({ ...base, kind: "decode", aggregate: false, measured: r.measured.decodeTokensPerSecond });
    if (r.measured.decodeTokensPerSecondTotal !== undefined) out.push({ ...base, kind: "decode", aggregate: true, measured: r.measured.decodeTokensPerSecondTotal });
    if (r.measured.prefillTokensPerSecond !== undefined) out.push({ ...base, kind: "prefill", aggregate: false, measured: r.measured.prefillTokensPerSecond });
    return out;
  });
}

/** The rate a row's terms predict under some efficiencies. */
export function predict(row: SpeedRow, p: SpeedParams): number {
  if (row.kind === "prefill") return row.terms.ctx / prefillSeconds(row.terms, p);
  const step = stepSeconds(row.terms, p);
  return (row.aggregate ? row.terms.batch : 1) / step;
}

const logError = (row: SpeedRow, p: SpeedParams) => Math.abs(Math.log(predict(row, p) / row.measured));
const meanLoss = (rows: SpeedRow[], p: SpeedParams) => rows.reduce((s, r) => s + logError(r, p), 0) / rows.length;

// The search space: plausible efficiencies, and fixed costs up to 2 ms per layer (Transformers' eager
// generate loop spends about half a millisecond per layer on Python and kernel launches).

function range(from: number, to: number, step: number): number[] {
  const n = Math.round((to - from) / step);
  return Array.from({ length: n + 1 }, (_, i) => Number((from + i * step).toFixed(9)));
}

/** What a decode fit finds: bandwidth share, per-unit rate (null: no unit limit) and per-layer overhead. */
export type DecodeFit = Pick<SpeedParams, "bandwidthEfficiency" | "layerOverheadSeconds"> & { unitBandwidthGBs: number | null };

/** The best point of a grid over bandwidth share, per-unit rate and per-layer overhead; earlier points win ties, so no unit limit unless one fits better. */
function searchDecode(rows: SpeedRow[], bandwidth: number[], overhead: number[], unitRates: Array<number | null>): DecodeFit {
  let best: DecodeFit = { bandwidthEfficiency: bandwidth[0], unitBandwidthGBs: unitRates[0], layerOverheadSeconds: overhead[0] };
  let bestLoss = Infinity;
  for (const unitBandwidthGBs of unitRates)
    for (const bandwidthEfficiency of bandwidth)
      for (const layerOverheadSeconds of overhead) {
        const loss = meanLoss(rows, { bandwidthEfficiency, unitBandwidthGBs, layerOverheadSeconds, computeEfficiency: 1, prefillOverheadSeconds: 0 });
        if (loss < bestLoss - 1e-12) {
          bestLoss = loss;
          best = { bandwidthEfficiency, unitBandwidthGBs, layerOverheadSeconds };
        }
      }
  return best;
}

/**
 * Fewest GPUs (with a known unit count) a per-unit rate is fitted on: on one GPU it cannot be told apart
 * from the bandwidth share, and two leave the share and the rate one GPU each.
 */
export const MIN_UNIT_GPUS = 3;

/** The decode efficiencies that fit `rows` best: a coarse grid, then a fine one around its best point. */
export function fitDecode(rows: SpeedRow[]): DecodeFit {
  const unitGpus = new Set(rows.filter((r) => Number.isFinite(r.terms.bandwidthPerUnitGBs)).map((r) => r.gpu)).size;
  // Per-unit rates from 2 to 40 GB/s per SM: from far below to far above any GPU's peak bandwidth per unit.
  const rates = unitGpus >= MIN_UNIT_GPUS ? [null, ...range(2, 40, 2)] : [null];
  const coarse = searchDecode(rows, range(0.2, 1, 0.02), range(0, 2e-3, 10e-6), rates);
  const near = (x: number, half: number, step: number, lo: number, hi: number) => range(Math.max(lo, x - half), Math.min(hi, x + half), step);
  const u = coarse.unitBandwidthGBs;
  return searchDecode(rows, near(coarse.bandwidthEfficiency, 0.02, 0.005, 0.2, 1), near(coarse.layerOverheadSeconds, 10e-6, 0.5e-6, 0, 2e-3), u === null ? [null] : near(u, 1.5, 0.5, 1, 40));
}

/** The prefill efficiencies (compute share, fixed time to first token) that fit `rows` best, given the decode fit's bandwidth share and per-unit rate. */
export function fitPrefill(rows: SpeedRow[], decode: Pick<SpeedParams, "bandwidthEfficiency" | "unitBandwidthGBs">): Pick<SpeedParams, "computeEfficiency" | "prefillOverheadSeconds"> {
  const { bandwidthEfficiency, unitBandwidthGBs } = decode;
  const search = (compute: number[], overhead: number[]) => {
    let best = { computeEfficiency: compute[0], prefillOverheadSeconds: overhead[0] };
    let bestLoss = Infinity;
    for (const computeEfficiency of compute)
      for (const prefillOverheadSeconds of overhead) {
        const loss = meanLoss(rows, { bandwidthEfficiency, unitBandwidthGBs, layerOverheadSeconds: 0, computeEfficiency, prefillOverheadSeconds });
        if (loss < bestLoss - 1e-12) {
          bestLoss = loss;
          best = { computeEfficiency, prefillOverheadSeconds };
        }
      }
    return best;
  };
  const coarse = search(range(0.02, 1, 0.02), range(0, 0.2, 0.005));
  return search(range(Math.max(0.02, coarse.computeEfficiency - 0.02), Math.min(1, coarse.computeEfficiency + 0.02), 0.005), range(Math.max(0, coarse.prefillOverheadSeconds - 0.005), Math.min(0.2, coarse.prefillOverheadSeconds + 0.005), 0.0005));
}

/**
 * Where an engine's efficiencies come from when it has too few measurements of its own: Ollama runs
 * llama.cpp's engine, so llama.cpp's fit stands in and Ollama's rows only check it; SGLang and
 * Transformers take vLLM's prefill (the same PyTorch GEMMs) when they have no prefill rows.
 */
export const BORROW: Record<string, { decode?: string; prefill?: string }> = {
  ollama: { decode: "llama.cpp", prefill: "llama.cpp" },
  sglang: { prefill: "vllm" },
  transformers: { prefill: "vllm" },
};

/** Fewest rows a fit of its own needs: decode fits two parameters, prefill one. */
export const MIN_ROWS = { decode: 4, prefill: 3 };

export interface FittedBackend {
  params: SpeedParams;
  /** How each part was obtained: "fitted to N rows on G GPUs" or "from <engine> <backend>". */
  decodeFrom: string;
  prefillFrom: string;
  decodeRows: number;
  prefillRows: number;
  gpus: string[];
}

export type SpeedFit = Record<string, Partial<Record<Backend, FittedBackend>>>;

const gpuCount = (rows: SpeedRow[]) => {
  const n = new Set(rows.map((r) => r.gpu)).size;
  return `${n} GPU${n === 1 ? "" : "s"}`;
};

const usable = (r: SpeedRow) => r.kind === "decode" || Number.isFinite(r.terms.computeSeconds);

/** Fits every engine and backend that has measurements, borrowing where an engine has too few. */
export function fitAll(rows: SpeedRow[], engines: string[]): SpeedFit {
  const out: SpeedFit = {};
  const of = (engine: string, backend: Backend, kind: SpeedRow["kind"]) => rows.filter((r) => r.engine === engine && r.backend === backend && r.kind === kind && usable(r));
  const decodeFit = new Map<string, { fit: DecodeFit; from: string }>();
  const backends: Backend[] = ["cuda", "rocm", "metal", "other"];
  const decodeOf = (engine: string, backend: Backend): { fit: DecodeFit; from: string } | undefined => {
    const key = `${engine}/${backend}`;
    if (decodeFit.has(key)) return decodeFit.get(key);
    const borrow = BORROW[engine]?.decode;
    const own = of(engine, backend, "decode");
    let v: { fit: DecodeFit; from: string } | undefined;
    if (borrow) {
      const b = decodeOf(borrow, backend);
      v = b && { fit: b.fit, from: `from ${borrow} ${backend}` };
    } else if (own.length >= MIN_ROWS.decode) v = { fit: fitDecode(own), from: `fitted to ${own.length} rows on ${gpuCount(own)}` };
    if (v) decodeFit.set(key, v);
    return v;
  };
  for (const engine of engines) {
    for (const backend of backends) {
      const d = decodeOf(engine, backend);
      if (!d) continue;
      const ownPrefill = of(engine, backend, "prefill");
      let prefill: Pick<SpeedParams, "computeEfficiency" | "prefillOverheadSeconds"> | undefined;
      let prefillFrom = "";
      const borrow = BORROW[engine]?.prefill;
      if (!(borrow && engine === "ollama") && ownPrefill.length >= MIN_ROWS.prefill) {
        prefill = fitPrefill(ownPrefill, d.fit);
        prefillFrom = `fitted to ${ownPrefill.length} rows on ${gpuCount(ownPrefill)}`;
      } else {
        const lender = borrow ? out[borrow]?.[backend] ?? out[borrow]?.cuda : undefined;
        if (lender) {
          prefill = { computeEfficiency: lender.params.computeEfficiency, prefillOverheadSeconds: lender.params.prefillOverheadSeconds };
          prefillFrom = `from ${borrow} ${out[borrow!]?.[backend] ? backend : "cuda"}`;
        } else if (backend !== "cuda" && out[engine]?.cuda) {
          const c = out[engine]!.cuda!.params;
          prefill = { computeEfficiency: c.computeEfficiency, prefillOverheadSeconds: c.prefillOverheadSeconds };
          prefillFrom = `from ${engine} cuda`;
        }
      }
      if (prefill === undefined) {
        prefill = { computeEfficiency: NaN, prefillOverheadSeconds: NaN };
        prefillFrom = "no prefill measurements";
      }
      const all = rows.filter((r) => r.engine === engine && r.backend === backend);
      (out[engine] ??= {})[backend] = {
        params: { ...d.fit, ...prefill },
        decodeFrom: d.from,
        prefillFrom,
        decodeRows: of(engine, backend, "decode").length,
        prefillRows: ownPrefill.length,
        gpus: [...new Set(all.map((r) => r.gpu))].sort(),
      };
    }
  }
  return out;
}

/** Errors on GPUs left out of the fit: each GPU's rows predicted from a fit to the same engine's rows on its other GPUs. */
export function leaveOneGpuOut(rows: SpeedRow[], kind: SpeedRow["kind"]): Array<{ row: SpeedRow; error: number }> {
  const out: Array<{ row: SpeedRow; error: number }> = [];
  const groups = new Map<string, SpeedRow[]>();
  // Engines that borrow their decode fit have no fit of their own to hold a GPU out of.
  for (const r of rows) if (!BORROW[r.engine]?.decode && usable(r)) groups.set(`${r.engine}/${r.backend}`, [...(groups.get(`${r.engine}/${r.backend}`) ?? []), r]);
  for (const group of groups.values()) {
    for (const gpu of new Set(group.map((r) => r.gpu))) {
      const test = group.filter((r) => r.gpu === gpu && r.kind === kind);
      const train = group.filter((r) => r.gpu !== gpu);
      const trainDecode = train.filter((r) => r.kind === "decode");
      const trainPrefill = train.filter((r) => r.kind === "prefill");
      if (!test.length || trainDecode.length < MIN_ROWS.decode || new Set(trainDecode.map((r) => r.gpu)).size < 2) continue;
      if (kind === "prefill" && trainPrefill.length < MIN_ROWS.prefill) continue;
      const d = fitDecode(trainDecode);
      const params: SpeedParams = { ...d, ...(kind === "prefill" ? fitPrefill(trainPrefill, d) : { computeEfficiency: 1, prefillOverheadSeconds: 0 }) };
      for (const row of test) out.push({ row, error: predict(row, params) / row.measured - 1 });
    }
  }
  return out;
}

/** n, median and 90th percentile of absolute relative errors. */
export function errorSummary(errors: number[]): { n: number; median: number; p90: number } {
  const s = [...errors].sort((a, b) => a - b);
  return { n: s.length, median: median(s), p90: quantile(s, 0.9) };
}
