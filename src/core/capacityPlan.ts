// Capacity planning: the smallest deployment of one setup (model, GPU, format,
// engine flags) that serves a workload, and what it costs.
//
// Each replica runs b requests at once. Memory caps b at the requests of
// prompt + output tokens the engine holds (the same concurrency as `estimate`);
// the engine's own limit (vLLM max_num_seqs, SGLang max_running_requests,
// -np / OLLAMA_NUM_PARALLEL when given) caps it too. Speed comes from the speed
// model: a decode step s(b) at the mean context (prompt + output/2) and the
// prefill time P of one prompt. A replica shares its time between prompts and
// decode steps: with requests arriving at b / D per second (D = a request's
// duration), a share ρ = (b / D) · Pgpu of the time goes to prompts (Pgpu is P
// without the fixed request overhead, which does not hold the GPU), so each user
// decodes at (1 − ρ) / s(b) tokens/s. A new request waits for the step in
// flight, then its prompt: TTFT = P + s(b). D = TTFT + output / (per-user rate).
// All three fall as b grows, so the most requests a replica serves within the
// targets is found by bisection; the limit that stops it is `limitedBy`.
import { catalog, catalogGeneration } from "./catalog";
import type { GpuRecord } from "./catalogSchema";
import { concurrencyOf, keyOf, prepare, speedTermsOf, type EstimateInput, type Prepared } from "./estimate";
import { fail, FitError, positiveInt } from "./errors";
import { defaultPrice } from "./prices";
import { backendOf, prefillSeconds, speedParams, stepSeconds, type SpeedParams } from "./speed";
import { tupleCache } from "./tupleCache";

/** What the deployment must serve. */
export interface Workload {
  /** Concurrent users, each with one request in flight. */
  users?: number | null;
  /** Requests per minute, the alternative to users. */
  requestsPerMinute?: number | null;
  promptTokens: number;
  outputTokens: number;
  /** Least decode speed each user must see, tokens/s. */
  tokensPerSecondPerUser?: number | null;
  /** Longest acceptable time to first token, seconds. */
  ttftSeconds?: number | null;
}

export interface PlanInput {
  /** The setup: model, GPU, quant, runtime, engine flags (ctx, batch and GPU count come from the plan). */
  setup: Omit<EstimateInput, "ctx" | "batch" | "gpus">;
  workload: Workload;
  /** The user's price per GPU-hour; without it the catalog's median cloud price is used. */
  pricePerGpuHour?: number | null;
  /** Hours a month is billed for (default 730). */
  hoursPerMonth?: number | null;
}

export type Limit = "memory" | "throughput" | "latency";

/** The smallest deployment that meets the workload, and its cost. */
export interface Plan {
  model: string;
  gpu: string;
  quant: string;
  runtime: string;
  gpusPerReplica: number;
  replicas: number;
  totalGpus: number;
  /** Requests one replica runs at this load, and the most it could within the targets. */
  concurrencyPerReplica: number;
  maxConcurrencyPerReplica: number;
  /** What stops a replica taking more requests. */
  limitedBy: Limit;
  decodeTokensPerSecondPerUser: number;
  /** Output tokens per second of one replica at this load. */
  throughputTokensPerSecond: number;
  ttftSeconds: number;
  pricePerGpuHour: number | null;
  /** Where the price came from: the user's, or the catalog's median cloud quote with its dates. */
  priceSource: string;
  /** The oldest date among the catalog quotes used (prices get old); null for the user's own price. */
  priceDate: string | null;
  hoursPerMonth: number;
  costPerHour: number | null;
  costPerMonth: number | null;
  costPerMillionOutputTokens: number | null;
  notes: string[];
}

export const HOURS_PER_MONTH = 730;
/** Largest tensor-parallel group a plan considers for one replica. */
export const MAX_GPUS_PER_REPLICA = 64;
const MAX_USERS = 10_000_000;

/** One replica's behaviour at b concurrent requests. */
interface Load {
  b: number;
  decodePerUser: number;
  ttft: number;
  /** Seconds one request takes from arrival to its last token. */
  duration: number;
}

interface Replica {
  tp: number;
  p: Prepared;
  /** The most requests memory and the engine allow. */
  memoryCap: number;
  /** The most requests memory alone allows. */
  memoryOnly: number;
  /** Engine's own cap on running requests, when it has one. */
  engineCap?: { value: number; name: string };
  at: (b: number) => Load;
}

function replicaOf(input: PlanInput, tp: number, w: Required<Pick<Workload, "promptTokens" | "outputTokens">>): Replica | undefined {
  let p: Prepared;
  try {
    p = prepare({ ...input.setup, gpus: tp });
  } catch (e) {
    // A count the engine cannot split the model over is skipped, like FIT.MINGPUS does.
    if (e instanceof FitError && e.kind === "unsupported") return undefined;
    throw e;
  }
  if (!p.gpu || p.vramBytes === undefined) fail("invalid", "A GPU from the catalog is required to plan (its memory, bandwidth and compute).");
  const ctx = w.promptTokens + w.outputTokens;
  const memory = Math.floor(concurrencyOf(p, p.vramBytes, ctx) + 1e-9);
  const engineCap = engineCapOf(p);
  const params: SpeedParams = speedParams(p.setup.runtime, backendOf(p.gpu));
  const prefill = prefillSeconds(speedTermsOf(p, w.promptTokens, 1), params);
  if (!Number.isFinite(prefill)) fail("no-answer", `The catalog has no compute figure for ${p.gpu.name}, so its time to first token is unknown; plan on another GPU.`);
  const prefillOnGpu = prefill - params.prefillOverheadSeconds;
  const meanCtx = w.promptTokens + Math.ceil(w.outputTokens / 2);
  const at = (b: number): Load => {
    const s = stepSeconds(speedTermsOf(p, meanCtx, b), params);
    const ttft = prefill + s;
    // The share x = 1 − ρ of time left for decode solves T·x² + (O·s + b·Pgpu − T)·x − O·s = 0 (see the header).
    const O = w.outputTokens;
    const lin = O * s + b * prefillOnGpu - ttft;
    const x = (-lin + Math.sqrt(lin * lin + 4 * ttft * O * s)) / (2 * ttft);
    const decodePerUser = x / s;
    return { b, decodePerUser, ttft, duration: ttft + O / decodePerUser };
  };
  return { tp, p, memoryCap: Math.min(memory, engineCap?.value ?? Infinity), memoryOnly: memory, engineCap, at };
}

/** The engine's own cap on requests it runs at once, where its settings fix one. */
function engineCapOf(p: Prepared): { value: number; name: string } | undefined {
  const s = p.run.settings;
  if (p.run.maxBatch) return { value: p.run.maxBatch.value, name: "the engine's one slot" };
  const pick = (key: string, name: string) => (typeof s[key] === "number" ? { value: s[key] as number, name } : undefined);
  return pick("max_num_seqs", "max_num_seqs") ?? pick("max_running_requests", "max_running_requests") ?? (p.setup.settings.parallel !== undefined ? { value: p.setup.settings.parallel, name: p.setup.runtime.id === "ollama" ? "OLLAMA_NUM_PARALLEL" : "-np" } : undefined);
}

/** Does one replica at b requests meet the speed and latency targets? The first target it misses, or undefined. */
function missed(l: Load, w: Workload): Exclude<Limit, "memory"> | undefined {
  if (w.tokensPerSecondPerUser != null && l.decodePerUser < w.tokensPerSecondPerUser) return "throughput";
  if (w.ttftSeconds != null && l.ttft > w.ttftSeconds) return "latency";
  return undefined;
}

/** The most requests a replica serves within memory and the targets (0 when not even one), and what stops it. */
function capacityOf(r: Replica, w: Workload): { cap: number; limitedBy: Limit } {
  if (r.memoryCap < 1) return { cap: 0, limitedBy: "memory" };
  const first = missed(r.at(1), w);
  if (first) return { cap: 0, limitedBy: first };
  if (!missed(r.at(r.memoryCap), w)) return { cap: r.memoryCap, limitedBy: "memory" };
  let lo = 1;
  let hi = r.memoryCap;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (missed(r.at(mid), w)) hi = mid;
    else lo = mid;
  }
  return { cap: lo, limitedBy: missed(r.at(lo + 1), w)! };
}

/** Requests per second one replica completes at b concurrent requests (Little's law). */
const rate = (l: Load) => l.b / l.duration;

function checkWorkload(w: Workload): Workload {
  const hasUsers = w.users != null;
  const hasRate = w.requestsPerMinute != null;
  if (hasUsers === hasRate) fail("invalid", hasUsers ? "Give concurrent users or requests per minute, not both." : "Give the load: concurrent users, or requests per minute.");
  const positive = (name: string, v: number | null | undefined, max: number) => {
    if (v == null) return v;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v > max) fail("invalid", `${name} must be a number above 0 and at most ${max.toLocaleString("en-US")}, got ${String(v)}.`);
    return v;
  };
  return {
    users: w.users == null ? null : positiveInt("users", w.users, MAX_USERS),
    requestsPerMinute: positive("requests per minute", w.requestsPerMinute, 1e9),
    promptTokens: positiveInt("prompt tokens", w.promptTokens, 10_000_000),
    outputTokens: positiveInt("output tokens", w.outputTokens, 10_000_000),
    tokensPerSecondPerUser: positive("tokens per second per user", w.tokensPerSecondPerUser, 1e6),
    ttftSeconds: positive("time to first token", w.ttftSeconds, 1e6),
  };
}

const planCache = tupleCache<Plan | FitError>();
let cacheGeneration = -1;

/** The smallest deployment of the setup that serves the workload within its targets; a FitError naming the target that cannot be met. Cached per distinct input (sheets repeat them). */
export function plan(input: PlanInput): Plan {
  if (cacheGeneration !== catalogGeneration()) {
    planCache.clear();
    cacheGeneration = catalogGeneration();
  }
  const u = input.setup;
  const w = input.workload;
  // The setup's own cache key (estimate.ts), then the workload and the price.
  const key = [...keyOf(u), w.users, w.requestsPerMinute, w.promptTokens, w.outputTokens, w.tokensPerSecondPerUser, w.ttftSeconds, input.pricePerGpuHour, input.hoursPerMonth];
  const hit = typeof u.model === "string" ? planCache.get(key) : undefined;
  if (hit instanceof FitError) throw hit;
  if (hit) return hit;
  let result: Plan | FitError;
  try {
    result = planUncached(input);
  } catch (e) {
    if (!(e instanceof FitError)) throw e;
    result = e;
  }
  if (typeof u.model === "string") {
    if (planCache.size() > 20_000) planCache.clear();
    planCache.set(key, result);
  }
  if (result instanceof FitError) throw result;
  return result;
}

function planUncached(input: PlanInput): Plan {
  const w = checkWorkload(input.workload);
  const hours = input.hoursPerMonth == null ? HOURS_PER_MONTH : input.hoursPerMonth;
  if (!(typeof hours === "number" && Number.isFinite(hours) && hours > 0 && hours <= 744)) fail("invalid", `hours per month must be above 0 and at most 744, got ${String(hours)}.`);
  const need = { promptTokens: w.promptTokens, outputTokens: w.outputTokens };
  const ctx = w.promptTokens + w.outputTokens;
  const window = prepare({ ...input.setup, gpus: null }).setup.model.record.contextWindow;
  if (ctx > window) fail("no-answer", `A request of ${ctx.toLocaleString("en-US")} tokens (prompt + output) is longer than the model's ${window.toLocaleString("en-US")}-token context window.`);
  let best: { r: Replica; cap: number; limitedBy: Limit; replicas: number } | undefined;
  let firstFailure: { tp: number; limitedBy: Limit; load?: Load } | undefined;
  // Engine flags that fix the GPUs of a replica (--tensor-parallel-size, -ts) are kept; otherwise the plan chooses.
  const st = prepare({ ...input.setup, gpus: null }).setup.settings;
  const fixed = st.tensorParallel ?? st.tensorSplit?.length;
  for (let tp = fixed ?? 1; tp <= (fixed ?? MAX_GPUS_PER_REPLICA); tp++) {
    if (best && tp >= best.replicas * best.r.tp) break;
    const r = replicaOf(input, tp, need);
    if (!r) continue;
    const { cap, limitedBy } = capacityOf(r, w);
    if (cap === 0) {
      // Explain with the replica that came closest: the fastest lone request (or first token) over the replicas that hold one.
      const load = r.memoryCap >= 1 ? r.at(1) : undefined;
      const better = !firstFailure || !firstFailure.load || (load && (limitedBy === "throughput" ? load.decodePerUser > firstFailure.load.decodePerUser : load.ttft < firstFailure.load.ttft));
      if (better && (load || !firstFailure)) firstFailure = { tp, limitedBy, load };
      continue;
    }
    const replicas = w.users != null ? Math.ceil(w.users / cap) : Math.ceil(w.requestsPerMinute! / 60 / rate(r.at(cap)) - 1e-9);
    if (!best || replicas * tp < best.replicas * best.r.tp) best = { r, cap, limitedBy, replicas: Math.max(1, replicas) };
  }
  if (!best) return fail("no-answer", infeasible(input, w, firstFailure));
  const { r, cap, limitedBy, replicas } = best;
  // The load each replica carries: users spread evenly (the fullest replica counts), or the arrival rate shared.
  const concurrency = w.users != null ? Math.ceil(w.users / replicas) : loadFor(r, cap, w.requestsPerMinute! / 60 / replicas);
  const l = r.at(concurrency);
  const gpu = r.p.gpu as GpuRecord;
  const price = priceOf(gpu, input.pricePerGpuHour);
  const totalGpus = replicas * r.tp;
  const costPerHour = price.usd === null ? null : totalGpus * price.usd;
  const outputPerHour = replicas * concurrency * l.decodePerUser * 3600;
  const notes = [...price.notes];
  if (limitedBy === "memory" && r.engineCap && cap === r.engineCap.value && r.memoryOnly > cap) notes.push(`A replica runs at most ${cap} requests (${r.engineCap.name}); memory would hold ${r.memoryOnly}.`);
  if (r.p.setup.runtime.id === "llama.cpp" || r.p.setup.runtime.id === "ollama") {
    if (r.p.setup.settings.parallel === undefined) notes.push(`Run each replica with ${r.p.setup.runtime.id === "ollama" ? `OLLAMA_NUM_PARALLEL=${cap}` : `-np ${cap} -c ${cap * ctx}`} so it holds ${cap} requests.`);
    if (r.tp > 1) notes.push(`${r.p.setup.runtime.name} splits layers over the ${r.tp} GPUs of a replica; they run one after another, so more GPUs add memory, not speed.`);
  }
  return {
    model: r.p.setup.model.record.id,
    gpu: gpu.id,
    quant: r.p.setup.quant.id,
    runtime: r.p.setup.runtime.id,
    gpusPerReplica: r.tp,
    replicas,
    totalGpus,
    concurrencyPerReplica: concurrency,
    maxConcurrencyPerReplica: cap,
    limitedBy,
    decodeTokensPerSecondPerUser: l.decodePerUser,
    throughputTokensPerSecond: concurrency * l.decodePerUser,
    ttftSeconds: l.ttft,
    pricePerGpuHour: price.usd,
    priceSource: price.source,
    priceDate: price.date,
    hoursPerMonth: hours,
    costPerHour,
    costPerMonth: costPerHour === null ? null : costPerHour * hours,
    costPerMillionOutputTokens: costPerHour === null ? null : costPerHour / (outputPerHour / 1e6),
    notes,
  };
}

/** The fewest requests in flight at which a replica completes `perSecond` requests per second (at most `cap`). */
function loadFor(r: Replica, cap: number, perSecond: number): number {
  let lo = 1;
  let hi = cap;
  if (rate(r.at(1)) >= perSecond) return 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (rate(r.at(mid)) >= perSecond) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Why no deployment meets the workload, in the user's terms. */
function infeasible(input: PlanInput, w: Workload, f: { tp: number; limitedBy: Limit; load?: Load } | undefined): string {
  const setup = prepare({ ...input.setup, gpus: null });
  const where = `${setup.setup.model.record.name} on ${setup.gpu?.name ?? "this GPU"} (${setup.setup.runtime.name})`;
  if (!f || f.limitedBy === "memory" || !f.load) return `No replica of up to ${MAX_GPUS_PER_REPLICA} GPUs holds one request of ${(w.promptTokens + w.outputTokens).toLocaleString("en-US")} tokens for ${where}.`;
  const gpus = `${f.tp} GPU${f.tp > 1 ? "s" : ""}`;
  if (f.limitedBy === "throughput") return `The per-user speed target of ${w.tokensPerSecondPerUser} tok/s cannot be met: one request alone decodes at ${f.load.decodePerUser.toFixed(1)} tok/s on ${gpus} for ${where}, and more replicas do not make one request faster.`;
  return `The time-to-first-token target of ${w.ttftSeconds} s cannot be met: one ${w.promptTokens.toLocaleString("en-US")}-token prompt takes ${f.load.ttft.toFixed(2)} s on ${gpus} for ${where}.`;
}

/** The price per GPU-hour used: the user's own, else the catalog's median cloud quote, with its source and date. */
export function priceOf(gpu: GpuRecord, given: number | null | undefined): { usd: number | null; source: string; date: string | null; notes: string[] } {
  if (given != null) {
    if (typeof given !== "number" || !Number.isFinite(given) || given < 0 || given > 1e5) fail("invalid", `price per GPU-hour must be a number from 0 to 100,000 dollars, got ${String(given)}.`);
    return { usd: given, source: "your price", date: null, notes: [] };
  }
  const d = defaultPrice(gpu);
  if (!d) return { usd: null, source: "none", date: null, notes: [`The catalog has no cloud price for ${gpu.name}: give a price per GPU-hour for costs.`] };
  const span = d.oldest && d.newest ? (d.oldest === d.newest ? d.oldest : `${d.oldest} to ${d.newest}`) : "undated";
  return {
    usd: d.usd,
    source: `catalog: median of ${d.from.length} on-demand quote${d.from.length > 1 ? "s" : ""} (${span})`,
    date: d.oldest,
    notes: [`Price $${d.usd}/GPU-hour is the median of ${d.from.length} public on-demand quote${d.from.length > 1 ? "s" : ""} dated ${span}: a starting point, not a quote; give your own.`],
  };
}

/** One GPU of a workload comparison: its plan, or why it cannot serve the workload. */
export interface PlanRow {
  gpu: GpuRecord;
  plan?: Plan;
  reason?: string;
}

/** Every catalog GPU for one workload and setup, cheapest per million output tokens first; GPUs without a price or an answer last. */
export function comparePlans(input: Omit<PlanInput, "setup"> & { setup: Omit<PlanInput["setup"], "gpu" | "vramGiB"> }): PlanRow[] {
  checkWorkload(input.workload);
  // Bad names fail once, here, rather than once per GPU.
  prepare({ ...input.setup, gpus: null });
  const rows: PlanRow[] = catalog().gpus.map((gpu) => {
    try {
      return { gpu, plan: plan({ ...input, setup: { ...input.setup, gpu: gpu.id } }) };
    } catch (e) {
      // Bad input is bad on every GPU: say so once. A GPU that cannot run or serve the workload gets its reason.
      if (e instanceof FitError && e.kind !== "invalid") return { gpu, reason: e.message };
      throw e;
    }
  });
  const key = (r: PlanRow) => r.plan?.costPerMillionOutputTokens ?? Infinity;
  const rank = (r: PlanRow) => (r.plan ? (r.plan.costPerMillionOutputTokens === null ? 1 : 0) : 2);
  return rows.sort((a, b) => rank(a) - rank(b) || key(a) - key(b) || (a.plan?.totalGpus ?? 0) - (b.plan?.totalGpus ?? 0));
}

/** Why no catalog GPU serves a workload: the reason given for the GPU whose single request came closest, or the first reason. */
export function noGpuServes(rows: PlanRow[]): string {
  const target = rows.find((r) => r.reason && /cannot be met/.test(r.reason)) ?? rows.find((r) => r.reason);
  return `No catalog GPU can serve this workload within its targets${target ? `. For example: ${target.reason}` : "."}`;
}
