// fitmygpu: the command-line face of the estimator. Human output is an aligned
// table with units; --json is a stable machine contract. Bad input: exit 2.
import * as fs from "fs";
import { importModel, MAX_JSON_CHARS } from "../core/configImport";
import { modelSpecJson } from "../core/spec";
import { COMPARISON_COLUMNS, comparisonRows, type ComparisonColumn } from "../core/comparison";
import { catalog, findModel, type ModelEntry } from "../core/catalog";
import { FitError, isFitError } from "../core/errors";
import { compareGpus, estimate, explain, MAX_BATCH, MAX_CTX, MAX_GPUS, setupNotes, speed, statusOf, type EstimateInput } from "../core/estimate";
import { describeMixer } from "../core/layerKinds";
import { UNPRINTABLE } from "../core/names";
import { formatBytes, formatCount, formatFixed, formatParams, toGiB } from "../core/units";

const HELP = `fitmygpu — will this LLM fit on this GPU, and how well will it run?

Usage:
  fitmygpu estimate <model> [--quant Q] [--ctx N] [--batch B] [--runtime R] [--kv-dtype D]
                    [--gpu NAME | --vram-gib X] [--gpus N] [--gpu-util F]
                    [--engine-version V] [--speculative-tokens K] [--explain] [--json]
  fitmygpu fit <model> [same options, without --gpu]   every catalog GPU for one setup
  fitmygpu model <model> [--json]                       the model's spec table
  fitmygpu estimate|fit|model --config config.json [--index model.safetensors.index.json]
                    [--name "My model"] [--params N] [--context-window N] [options]
                                                        a model beyond the catalog, from its config.json
  fitmygpu models [filter] [--json]
  fitmygpu gpus [filter] [--json]
  fitmygpu quants [--runtime R] [--json]
  fitmygpu runtimes [--json]

Defaults: --quant native --ctx 4096 --batch 1 --runtime vllm --kv-dtype auto --gpus 1.
ctx is the context of one request; batch is the number of concurrent requests
(llama.cpp: -np batch with -c ctx×batch). --gpus is the tensor-parallel size.
Memory is reported in GiB (2^30 bytes); --json reports bytes.
--config reads a Hugging Face config.json in place of a model name; --index adds the exact
checkpoint size (metadata.total_size); --params states the card's parameter count.
--engine-version (vLLM only, e.g. 0.6.3 or v0.10.1.1; default: latest) selects release behaviour:
the V0 sampler profile before 0.8, 256-byte MLA entries in 0.7.2–0.7.x, CUDA-graph memory
deducted from 0.21. --speculative-tokens K (vLLM only) models MTP speculative decoding.`;

type Flags = Record<string, string | boolean>;

const SWITCHES = ["json", "explain", "help"];

function parse(argv: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  // No prototype: "--__proto__ x" or "--constructor" must be an unknown option, not Object.prototype's.
  const flags: Flags = Object.create(null);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const k = a.slice(2, eq < 0 ? undefined : eq);
      if (k in flags) throw new FitError("invalid", `--${k} is given twice.`);
      if (SWITCHES.includes(k)) {
        if (eq >= 0) throw new FitError("invalid", `--${k} takes no value (got '${a}'); leave it out for the default.`);
        flags[k] = true;
      } else {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new FitError("invalid", [...COMMANDS.values()].some((c) => c.flags.includes(k)) ? `--${k} needs a value.` : `Unknown option --${k}. See fitmygpu --help.`);
        flags[k] = v;
      }
    } else if (a.length > 1 && a.startsWith("-")) throw new FitError("invalid", `Unknown option '${a}': options start with -- (e.g. --ctx 8192).`);
    else positional.push(a);
  }
  return { positional, flags };
}

const MODEL_FLAGS = ["config", "index", "name", "params", "context-window"];
const SETUP_FLAGS = ["quant", "ctx", "batch", "runtime", "kv-dtype", "gpu", "vram-gib", "gpus", "gpu-util", "engine-version", "speculative-tokens", "explain", ...MODEL_FLAGS];

/** What each command accepts: how many arguments after its name, and which options (--json and --help go everywhere). */
const COMMANDS = new Map<string, { args: number; flags: string[] }>([
  ["estimate", { args: 1, flags: SETUP_FLAGS }],
  ["fit", { args: 1, flags: SETUP_FLAGS }],
  ["model", { args: 1, flags: MODEL_FLAGS }],
  ["models", { args: 1, flags: [] }],
  ["gpus", { args: 1, flags: [] }],
  ["quants", { args: 0, flags: ["runtime"] }],
  ["runtimes", { args: 0, flags: [] }],
]);

/** Unknown options and stray arguments are errors: a mistyped option must not silently run with a default. */
function checkArgs(cmd: string, positional: string[], flags: Flags): void {
  const spec = COMMANDS.get(cmd);
  if (!spec) throw new FitError("invalid", `Unknown command '${cmd}'. Commands: ${[...COMMANDS.keys()].join(", ")}.`);
  for (const k of Object.keys(flags)) if (!spec.flags.includes(k) && k !== "json" && k !== "help") throw new FitError("invalid", `Unknown option --${k} for ${cmd}. See fitmygpu --help.`);
  const extra = positional.slice(1 + spec.args);
  if (extra.length) throw new FitError("invalid", `Unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((x) => `'${x}'`).join(" ")}: ${cmd} takes ${spec.args ? "one name" : "no arguments"}; options start with --.`);
}

/** Bounds of numeric options: the core's limits, so a typo is refused here with the option's name. */
const NUMBERS = new Map<string, { min: number; max: number; whole?: boolean; above?: boolean }>([
  ["ctx", { min: 1, max: MAX_CTX, whole: true }],
  ["batch", { min: 1, max: MAX_BATCH, whole: true }],
  ["gpus", { min: 1, max: MAX_GPUS, whole: true }],
  // A GPU under 256 MiB, or one 1e-300 GiB large, is a typo; 100,000 GiB is the core's ceiling.
  ["vram-gib", { min: 0.25, max: 100_000 }],
  ["gpu-util", { min: 0, max: 1, above: true }],
  ["speculative-tokens", { min: 0, max: 64, whole: true }],
  ["params", { min: 1, max: 1e14 }],
  ["context-window", { min: 1, max: 1e9, whole: true }],
]);

function number(flags: Flags, key: string): number | undefined {
  const v = flags[key];
  if (v === undefined) return undefined;
  const x = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(x)) throw new FitError("invalid", `--${key} must be a number, got '${String(v)}'.`);
  const b = NUMBERS.get(key);
  if (b) {
    if (b.whole && !Number.isInteger(x)) throw new FitError("invalid", `--${key} must be a whole number, got ${v}.`);
    if (b.above ? x <= b.min : x < b.min) throw new FitError("invalid", `--${key} must be ${b.above ? "more than" : "at least"} ${b.min}, got ${v}.`);
    if (x > b.max) throw new FitError("invalid", `--${key} must be at most ${b.max.toLocaleString("en-US")}, got ${v}.`);
  }
  return x;
}

/**
 * A file's text, read in chunks that stop at the cap: --config /dev/zero (or a
 * multi-GB file) fails after MAX_JSON_CHARS bytes instead of filling memory.
 */
function readText(flag: string, file: string): string {
  const fail = (why: string): never => {
    throw new FitError("invalid", `Cannot read the --${flag} file '${file}': ${why}.`);
  };
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, MAX_JSON_CHARS + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_JSON_CHARS) fail(`it is larger than ${MAX_JSON_CHARS / 2 ** 20} MiB, far beyond any config.json or index`);
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (e) {
    if (e instanceof FitError) throw e;
    return fail((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The model named on the command line, or the one --config imports (files are read here, parsed and validated in core). */
function modelArg(name: string | undefined, flags: Flags, example: string): string | ModelEntry {
  if (flags.config === undefined) {
    for (const k of MODEL_FLAGS) if (flags[k] !== undefined) throw new FitError("invalid", `--${k} goes with --config.`);
    if (!name) throw new FitError("invalid", `Name a model (or give --config config.json), e.g. ${example}.`);
    return name;
  }
  if (name) throw new FitError("invalid", `Give either a model name or --config, not both ('${name}').`);
  return importModel({
    config: readText("config", String(flags.config)),
    index: flags.index !== undefined ? readText("index", String(flags.index)) : undefined,
    name: flags.name as string | undefined,
    statedParams: number(flags, "params"),
    contextWindow: number(flags, "context-window"),
  });
}

function input(model: string | undefined, flags: Flags): EstimateInput {
  return {
    model: modelArg(model, flags, "fitmygpu estimate qwen3-8b --gpu rtx-4090"),
    quant: flags.quant as string | undefined,
    ctx: number(flags, "ctx"),
    batch: number(flags, "batch"),
    runtime: flags.runtime as string | undefined,
    kvDtype: flags["kv-dtype"] as string | undefined,
    gpu: flags.gpu as string | undefined,
    vramGiB: number(flags, "vram-gib"),
    gpus: number(flags, "gpus"),
    gpuUtil: number(flags, "gpu-util"),
    engineVersion: flags["engine-version"] as string | undefined,
    speculativeTokens: number(flags, "speculative-tokens"),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd()).join("\n");
}

const gib = (bytes: number) => `${formatFixed(toGiB(bytes), 2)} GiB`;


function runEstimate(positional: string[], flags: Flags, out: (s: string) => void): void {
  const inp = input(positional[1], flags);
  const e = estimate(inp);
  if (flags.json) {
    const { warnings, ...rest } = e;
    void warnings;
    out(JSON.stringify(rest, null, 2));
    return;
  }
  const per = e.perGpu;
  const rows = [
    ["term", e.gpus > 1 ? "per GPU" : "GiB", ...(e.gpus > 1 ? ["all GPUs"] : [])],
    ["weights", gib(per.weightsBytes), ...(e.gpus > 1 ? [gib(e.weightsBytes)] : [])],
    ["KV cache", gib(per.kvCacheBytes), ...(e.gpus > 1 ? [gib(e.kvCacheBytes)] : [])],
    ["state", gib(per.stateBytes), ...(e.gpus > 1 ? [gib(e.stateBytes)] : [])],
    ["activations", gib(per.activationBytes), ...(e.gpus > 1 ? [gib(e.activationBytes)] : [])],
    ["overhead", gib(per.overheadBytes), ...(e.gpus > 1 ? [gib(e.overheadBytes)] : [])],
    ["total", gib(per.totalBytes), ...(e.gpus > 1 ? [gib(e.totalBytes)] : [])],
    ["host RAM", gib(e.hostBytes), ...(e.gpus > 1 ? [""] : [])],
  ];
  out(`${e.model} · ${e.quant} · ${e.runtime} · KV ${e.kvDtype} · ctx ${formatCount(e.ctx)} × ${e.batch} · ${e.gpus} GPU${e.gpus > 1 ? "s" : ""}`);
  out(table(rows));
  if (e.vramBytes !== undefined) {
    out("");
    out(`${e.gpu ?? "GPU"}: ${gib(e.vramBytes)} reported, engine budget ${gib(e.budgetBytes!)} → ${statusOf(e)}, headroom ${gib(e.headroomBytes!)}`);
    out(`KV capacity ${formatCount(e.kvCapacityTokens!)} tokens · max concurrency at ${formatCount(e.ctx)} tokens ${formatFixed(e.maxConcurrency!, 2)}x · max context at batch ${e.batch}: ${formatCount(e.maxContext!)}`);
    if (e.gpu) {
      const s = speed(inp);
      // The time to first token needs the GPU's BF16 TFLOPS, which the catalog does not have for every GPU.
      out(`decode ≈ ${formatFixed(s.perSequence, 1)} tok/s per sequence, ${formatFixed(s.aggregate, 1)} tok/s total; time to first token ${Number.isFinite(s.ttftSeconds) ? `≈ ${formatFixed(s.ttftSeconds, 2)} s` : "unknown (no BF16 TFLOPS figure for this GPU)"}`);
    }
  }
  for (const w of e.warnings) out(`warning: ${w}`);
  if (flags.explain) {
    out("");
    const ex = explain(inp);
    for (const [k, v] of Object.entries(ex)) out(`${k}: ${v}`);
    for (const n of setupNotes(inp)) out(`note: ${n}`);
  }
}

function runFit(positional: string[], flags: Flags, out: (s: string) => void): void {
  if (flags.gpu || flags["vram-gib"]) throw new FitError("invalid", "fit compares every catalog GPU; drop --gpu/--vram-gib (use estimate for one GPU).");
  const inp = input(positional[1], flags);
  if (flags.json) {
    const rows = compareGpus(inp);
    out(JSON.stringify(rows.map((r) => ({ gpu: r.gpu.id, name: r.gpu.name, vramBytes: r.gpu.memoryBytes, status: r.status ?? null, requiredBytes: r.estimate?.perGpu.totalBytes ?? null, headroomBytes: r.estimate?.headroomBytes ?? null, maxConcurrency: r.estimate?.maxConcurrency ?? null, tokensPerSecond: r.tokensPerSecond ?? null, error: r.error ?? null })), null, 2));
    return;
  }
  // The human table shows the same columns as FIT.COMPARE and the pane.
  const fixed = (digits: number) => (v: number | string | null) => (v === null ? "—" : typeof v === "number" ? formatFixed(v, digits) : v);
  const show: Record<ComparisonColumn, (v: number | string | null) => string> = { name: fixed(0), vramGiB: fixed(1), requiredGiB: fixed(2), status: fixed(0), headroomGiB: fixed(2), maxConcurrency: fixed(2), tokensPerSecond: fixed(0) };
  const t = [COMPARISON_COLUMNS.map((c) => c.label), ...comparisonRows(inp).map((r) => COMPARISON_COLUMNS.map((c) => show[c.key](r[c.key])))];
  out(table(t));
}

/** Text made safe for a terminal: each unprintable character as a \u escape (valid inside JSON strings too); newlines kept only where the output has lines. */
function printable(s: string, keepNewlines = false): string {
  const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return s.replace(UNPRINTABLE, (c) => (keepNewlines && c === "\n" ? c : escape(c)));
}

/** `fitmygpu models --json | head -1`: when the reader goes away, stop quietly instead of dying with an EPIPE stack trace. */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WritableStream, exit: (code: number) => void): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    exit(0);
  });
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export function main(argv: string[], rawOut: (s: string) => void = (s) => process.stdout.write(s + "\n"), rawErr: (s: string) => void = (s) => process.stderr.write(s + "\n")): number {
  // Everything printed passes here, so no command echoes a control character raw; an error stays one line.
  const out = (s: string) => rawOut(printable(s, true));
  const err = (s: string) => rawErr(printable(s));
  try {
    const { positional, flags } = parse(argv);
    const cmd = positional[0];
    if (!cmd || flags.help || cmd === "help") {
      out(HELP);
      return 0;
    }
    checkArgs(cmd, positional, flags);
    const c = catalog();
    const filter = (positional[1] ?? "").toLowerCase();
    switch (cmd) {
      case "estimate":
        runEstimate(positional, flags, out);
        return 0;
      case "fit":
        runFit(positional, flags, out);
        return 0;
      case "model": {
        const arg = modelArg(positional[1], flags, "fitmygpu model qwen3-8b");
        const m = typeof arg === "string" ? findModel(arg) : arg;
        const j = modelSpecJson(m);
        if (flags.json) out(JSON.stringify(j, null, 2));
        else {
          out(table(Object.entries(j).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : k.endsWith("Params") ? formatParams(v as number) : typeof v === "number" ? formatCount(v) : String(v ?? "—")]).map((r) => [r[0], r[1]])));
          const kinds = new Map<string, number>();
          for (const l of m.arch.layers) for (const x of l.mixers) kinds.set(describeMixer(x), (kinds.get(describeMixer(x)) ?? 0) + 1);
          out("\nlayers: " + [...kinds].map(([d, n]) => `${n} × ${d}`).join("; "));
          out(`notes: ${m.record.notes}`);
          if (m.record.sources.length) out(`sources: ${m.record.sources.map((s) => s.url).join(" ")}`);
        }
        return 0;
      }
      case "models": {
        const ms = c.models.filter((m) => !filter || [m.record.id, m.record.name, m.record.company, m.record.family].some((s) => s.toLowerCase().includes(filter)));
        if (flags.json) out(JSON.stringify(ms.map(modelSpecJson), null, 2));
        else out(table([["id", "name", "params", "active", "context"], ...ms.map((m) => [m.record.id, m.record.name, formatParams(m.params.total), formatParams(m.params.active), formatCount(m.record.contextWindow)])]));
        return 0;
      }
      case "gpus": {
        const gs = c.gpus.filter((g) => !filter || [g.id, g.name, g.vendor, g.class].some((s) => s.toLowerCase().includes(filter)));
        if (flags.json) out(JSON.stringify(gs.map((g) => ({ id: g.id, name: g.name, vramBytes: g.memoryBytes, bandwidthGBs: g.bandwidthGBs, bf16Tflops: g.bf16Tflops, fp8Tflops: g.fp8Tflops, unifiedMemory: g.unifiedMemory })), null, 2));
        else out(table([["id", "name", "memory", "GB/s", "BF16 TFLOPS"], ...gs.map((g) => [g.id, g.name, formatBytes(g.memoryBytes), String(g.bandwidthGBs), g.bf16Tflops === null ? "—" : String(g.bf16Tflops)])]));
        return 0;
      }
      case "quants": {
        const rt = flags.runtime ? c.index.runtime.map.get(String(flags.runtime).toLowerCase()) : undefined;
        if (flags.runtime && !rt) throw new FitError("not-found", `Unknown runtime '${flags.runtime}'. Known: ${c.runtimes.map((r) => r.id).join(", ")}.`);
        const qs = c.quants.filter((q) => !rt || rt.quants.includes(q.id));
        if (flags.json) out(JSON.stringify(qs.map((q) => ({ id: q.id, name: q.name, runtimes: c.runtimes.filter((r) => r.quants.includes(q.id)).map((r) => r.id) })), null, 2));
        else out(table([["id", "name", "runtimes"], ...qs.map((q) => [q.id, q.name, c.runtimes.filter((r) => r.quants.includes(q.id)).map((r) => r.id).join(", ")])]));
        return 0;
      }
      case "runtimes":
        if (flags.json) out(JSON.stringify(c.runtimes.map((r) => ({ id: r.id, name: r.name, kvDtypes: r.kvDtypes, quants: r.quants })), null, 2));
        else out(table([["id", "name", "KV dtypes"], ...c.runtimes.map((r) => [r.id, r.name, r.kvDtypes.join(", ")])]));
        return 0;
      default:
        throw new FitError("invalid", `Unknown command '${cmd}'. Commands: estimate, fit, model, models, gpus, quants, runtimes.`);
    }
  } catch (e) {
    if (isFitError(e)) {
      err(`error: ${e.message}`);
      return 2;
    }
    err(`internal error: ${(e as Error).message}`);
    return 1;
  }
}
