// fitmygpu: the command-line face of the estimator. Human output is an aligned
// table with units; --json is a stable machine contract. Bad input: exit 2.
import * as fs from "fs";
import { importModel, MAX_JSON_CHARS } from "../core/configImport";
import { formatFieldValue, MODEL_FIELDS, modelSpecJson } from "../core/spec";
import { modelPageView } from "../core/modelPages";
import { COMPARISON_COLUMNS, comparisonRows, type ComparisonColumn } from "../core/comparison";
import { catalog, findModel, findRuntime, type ModelEntry } from "../core/catalog";
import { commandInput } from "../core/serveCommand";
import { FitError, isFitError } from "../core/errors";
import { compareGpus, estimate, explain, MAX_BATCH, MAX_CTX, MAX_GPUS, setupNotes, statusOf, type Estimate, type EstimateInput } from "../core/estimate";
import { comparePlans, noGpuServes, plan, type Plan } from "../core/capacityPlan";
import { UNPRINTABLE } from "../core/names";
import { formatBytes, formatCount, formatFixed, formatParams, toGiB } from "../core/units";
import type { Hub } from "../core/hub";
import { hasModelSource, hubFromEnv, resolveModelSource, type SourceFlags } from "./modelSources";

const HELP = `fitmygpu — will this LLM fit on this GPU, and how well will it run?

Usage:
  fitmygpu estimate <model> [--quant Q] [--ctx N] [--batch B] [--runtime R] [--kv-dtype D]
                    [--gpu NAME] [--vram-gib X] [--gpus N] [--gpu-util F]
                    [--engine-args "FLAGS"] [--engine-version V] [--speculative-tokens K]
                    [--ngl N] [--cpu-moe N] [--ram-gib X] [--cpu-bandwidth-gbs X] [--explain] [--json]
  fitmygpu estimate --command "vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2" [--gpu NAME] [options]
  fitmygpu fit <model> [same options, without --gpu]   every catalog GPU for one setup
  fitmygpu plan <model> --gpu NAME [--quant Q] [--runtime R] [--engine-args "FLAGS"]
                    --users N | --requests-per-minute R --prompt-tokens P --output-tokens O
                    [--tokens-per-second-per-user T] [--ttft-seconds S]
                    [--price-per-gpu-hour X] [--hours-per-month H] [--json]
                                                        the smallest deployment for a workload, and its cost
  fitmygpu plan <model> --compare [same options, without --gpu]
                                                        every GPU that can serve it, cheapest first
  fitmygpu model <model> [--json]                       the model's spec table
  fitmygpu estimate|fit|model --config config.json [--index model.safetensors.index.json]
                    [--name "My model"] [--params N] [--context-window N] [options]
                                                        a model beyond the catalog, from its config.json
  fitmygpu estimate|fit|model --hf owner/name [--hf-file FILE.gguf] [--name ...] [options]
                                                        a Hugging Face repo's config.json (or one of its GGUFs)
  fitmygpu estimate|fit|model --gguf FILE.gguf [--gguf PART2.gguf ...] [--name ...] [options]
                                                        a local GGUF: its header only, weights exact
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
--hf looks the repo up on the Hub (HF_ENDPOINT, default https://huggingface.co; HF_TOKEN for gated
repos; HF_HUB_DOWNLOAD_TIMEOUT seconds per request, default 30): config.json, and
model.safetensors.index.json when present; --hf-file reads one of its GGUFs by byte ranges.
--gguf reads a GGUF's header (a split file: its first part finds the others beside it); its native
format is the file's own tensor types, run by llama.cpp and Ollama. Nothing is fetched otherwise.
--engine-args takes the engine's own flags (vLLM: --max-num-seqs 64 --enforce-eager; llama.cpp:
-c 65536 -np 2 -fa on -ctk q8_0; Ollama: OLLAMA_NUM_PARALLEL=2 num_ctx=8192); --command takes a
whole serve command, model and context included. Explicit options win over flags.
--ngl N (llama.cpp -ngl, Ollama num_gpu) puts N layers, counting the output layer, on the GPUs;
--cpu-moe N keeps the experts of the first N blocks in system RAM (llama.cpp --n-cpu-moe). --ram-gib
is the system RAM the engine may use; --cpu-bandwidth-gbs its bandwidth for offloaded layers (90).
plan: users are concurrent requests in flight; a replica is one engine instance (its GPUs run
tensor parallel, or a llama.cpp layer split); prices default to the median of the catalog's public
on-demand quotes (dated: a starting point) unless --price-per-gpu-hour is given; a month is 730 hours.
--engine-version selects release behaviour (vLLM 0.6.3, llama.cpp b6123, Ollama 0.29.0; default:
the latest release). --speculative-tokens K (vLLM only) models MTP speculative decoding.`;

type Flags = Record<string, string | boolean | string[]>;

/** Flags that may be given more than once (the parts of a split GGUF). */
const REPEATABLE = new Set(["gguf"]);

const SWITCHES = ["json", "explain", "help", "compare"];

function parse(argv: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  // No prototype: "--__proto__ x" or "--constructor" must be an unknown option, not Object.prototype's.
  const flags: Flags = Object.create(null);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const k = a.slice(2, eq < 0 ? undefined : eq);
      if (k in flags && !REPEATABLE.has(k)) throw new FitError("invalid", `--${k} is given twice.`);
      if (SWITCHES.includes(k)) {
        if (eq >= 0) throw new FitError("invalid", `--${k} takes no value (got '${a}'); leave it out for the default.`);
        flags[k] = true;
      } else {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new FitError("invalid", [...COMMANDS.values()].some((c) => c.flags.includes(k)) ? `--${k} needs a value.` : `Unknown option --${k}. See fitmygpu --help.`);
        if (REPEATABLE.has(k)) flags[k] = [...((flags[k] as string[] | undefined) ?? []), v];
        else flags[k] = v;
      }
    } else if (a.length > 1 && a.startsWith("-")) throw new FitError("invalid", `Unknown option '${a}': options start with -- (e.g. --ctx 8192).`);
    else positional.push(a);
  }
  return { positional, flags };
}

const MODEL_FLAGS = ["config", "index", "name", "params", "context-window"];
/** Model sources resolved (fetched or read) before the command runs: see modelSources.ts. */
const SOURCE_FLAGS = ["hf", "hf-file", "gguf"];
const SETUP_FLAGS = ["quant", "ctx", "batch", "runtime", "kv-dtype", "gpu", "vram-gib", "gpus", "gpu-util", "engine-version", "speculative-tokens", "engine-args", "command", "ngl", "cpu-moe", "ram-gib", "cpu-bandwidth-gbs", "explain", ...MODEL_FLAGS, ...SOURCE_FLAGS];
/** The workload and price options of `plan`. */
const PLAN_FLAGS = ["users", "requests-per-minute", "prompt-tokens", "output-tokens", "tokens-per-second-per-user", "ttft-seconds", "price-per-gpu-hour", "hours-per-month", "compare"];

/** What each command accepts: how many arguments after its name, and which options (--json and --help go everywhere). */
const COMMANDS = new Map<string, { args: number; flags: string[] }>([
  ["estimate", { args: 1, flags: SETUP_FLAGS }],
  ["fit", { args: 1, flags: SETUP_FLAGS }],
  ["plan", { args: 1, flags: [...SETUP_FLAGS.filter((k) => k !== "explain"), ...PLAN_FLAGS] }],
  ["model", { args: 1, flags: [...MODEL_FLAGS, ...SOURCE_FLAGS] }],
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
  ["ngl", { min: 0, max: 1_000_000, whole: true }],
  ["cpu-moe", { min: 0, max: 1_000_000, whole: true }],
  ["ram-gib", { min: 0.25, max: 100_000 }],
  ["cpu-bandwidth-gbs", { min: 1, max: 100_000 }],
  ["users", { min: 1, max: 10_000_000, whole: true }],
  ["requests-per-minute", { min: 0, max: 1e9, above: true }],
  ["prompt-tokens", { min: 1, max: MAX_CTX, whole: true }],
  ["output-tokens", { min: 1, max: MAX_CTX, whole: true }],
  ["tokens-per-second-per-user", { min: 0, max: 1e6, above: true }],
  ["ttft-seconds", { min: 0, max: 1e6, above: true }],
  ["price-per-gpu-hour", { min: 0, max: 100_000 }],
  ["hours-per-month", { min: 0, max: 744, above: true }],
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

/** A model named two ways is refused before anything is fetched or read. */
function checkSourceArgs(name: string | undefined, flags: Flags): void {
  if (name) throw new FitError("invalid", `Give either a model name or --hf/--gguf, not both ('${name}').`);
  if (flags.config !== undefined || flags.index !== undefined) throw new FitError("invalid", "--config/--index and --hf/--gguf are alternatives: give one.");
}

/** Commands that take a model, so the only ones for which --hf / --gguf are fetched or read. */
export const MODEL_COMMANDS = new Set(["estimate", "fit", "model", "plan"]);

/** The --hf / --hf-file / --gguf flags, for resolveModelSource. */
export function sourceFlags(flags: Flags): SourceFlags {
  const text = (k: string) => (typeof flags[k] === "string" ? (flags[k] as string) : undefined);
  return { hf: text("hf"), hfFile: text("hf-file"), gguf: flags.gguf as string[] | undefined, name: text("name"), params: number(flags, "params"), contextWindow: number(flags, "context-window") };
}

/**
 * The model named on the command line, the one --config imports (files are read here, parsed and
 * validated in core), or the one --hf / --gguf named, already resolved by `run` (`resolved`).
 */
function modelArg(name: string | undefined, flags: Flags, example: string, resolved?: ModelEntry): string | ModelEntry {
  if (hasModelSource(sourceFlags(flags))) {
    checkSourceArgs(name, flags);
    if (!resolved) throw new FitError("invalid", "--hf and --gguf are read before the command runs: call run(), not main().");
    return resolved;
  }
  if (flags["hf-file"] !== undefined) throw new FitError("invalid", "--hf-file names a GGUF in a Hub repo: give the repo with --hf owner/name.");
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

function input(model: string | undefined, flags: Flags, resolved?: ModelEntry): EstimateInput {
  const explicit = {
    quant: flags.quant as string | undefined,
    ctx: number(flags, "ctx"),
    batch: number(flags, "batch"),
    kvDtype: flags["kv-dtype"] as string | undefined,
    gpu: flags.gpu as string | undefined,
    vramGiB: number(flags, "vram-gib"),
    gpus: number(flags, "gpus"),
    gpuUtil: number(flags, "gpu-util"),
    engineVersion: flags["engine-version"] as string | undefined,
    speculativeTokens: number(flags, "speculative-tokens"),
    gpuLayers: number(flags, "ngl"),
    cpuMoeLayers: number(flags, "cpu-moe"),
    ramGiB: number(flags, "ram-gib"),
    hostBandwidthGBs: number(flags, "cpu-bandwidth-gbs"),
  };
  if (flags.command !== undefined) {
    if (model) throw new FitError("invalid", `Give either a model name or --command, not both ('${model}').`);
    if (flags.config !== undefined || resolved) throw new FitError("invalid", "Give either --command or a model source (--config, --hf, --gguf), not both.");
    const c = commandInput(String(flags.command));
    if (flags.runtime !== undefined && findRuntime(flags.runtime).id !== c.runtime) throw new FitError("invalid", `--runtime ${String(flags.runtime)} disagrees with the command, which runs ${c.runtime}.`);
    // Flags given with --engine-args come after the command's own, so they win.
    const engineArgs = [c.engineArgs, flags["engine-args"] as string | undefined].filter((x) => x && x.trim() !== "").join(" ");
    return { ...explicit, model: c.model, runtime: c.runtime, quant: explicit.quant ?? c.quant, engineArgs };
  }
  return {
    ...explicit,
    model: modelArg(model, flags, "fitmygpu estimate qwen3-8b --gpu rtx-4090", resolved),
    runtime: flags.runtime as string | undefined,
    engineArgs: flags["engine-args"] as string | undefined,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd()).join("\n");
}

const gib = (bytes: number) => `${formatFixed(toGiB(bytes), 2)} GiB`;

/** Terminal width for wrapped output (80 when not a terminal). */
const WIDTH = Math.max(60, Math.min(120, process.stdout.columns ?? 80));

/** Label/value lines with labels aligned and long values wrapped under their column. */
function fieldList(rows: Array<[string, string]>): string {
  const labelWidth = Math.max(...rows.map(([l]) => l.length));
  const room = Math.max(30, WIDTH - labelWidth - 2);
  const lines: string[] = [];
  for (const [label, value] of rows) {
    const wrapped = wrap(value, room);
    wrapped.forEach((line, i) => lines.push(`${(i === 0 ? label : "").padEnd(labelWidth)}  ${line}`.trimEnd()));
  }
  return lines.join("\n");
}

/** Splits text into lines of at most `width` characters at spaces (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return lines.length || line ? [...lines, line] : [""];
}


/**
 * The `estimate --json` object: the contract's keys in their order (model … perGpu, then the GPU's
 * gpu … maxContext), with the engine's settings, the layer placement and the per-device parts after them.
 */
function estimateJson(e: Estimate): Record<string, unknown> {
  const { model, quant, runtime, kvDtype, ctx, batch, gpus, weightsBytes, kvCacheBytes, stateBytes, activationBytes, overheadBytes, totalBytes, hostBytes, perGpu } = e;
  const j: Record<string, unknown> = { model, quant, runtime, kvDtype, ctx, batch, gpus, weightsBytes, kvCacheBytes, stateBytes, activationBytes, overheadBytes, totalBytes, hostBytes, perGpu };
  if (e.vramBytes !== undefined) Object.assign(j, { gpu: e.gpu ?? null, vramBytes: e.vramBytes, budgetBytes: e.budgetBytes, fits: e.fits, headroomBytes: e.headroomBytes, kvCapacityTokens: e.kvCapacityTokens, maxConcurrency: e.maxConcurrency, maxContext: e.maxContext });
  j.engineSettings = e.engineSettings;
  if (e.kvPoolBytes !== undefined) j.kvPoolBytes = e.kvPoolBytes;
  if (e.vramBytes !== undefined) j.status = statusOf(e);
  if (e.gpuLayers !== undefined) Object.assign(j, { gpuLayers: e.gpuLayers, cpuLayers: e.cpuLayers });
  if (e.maxGpuLayers !== undefined) j.maxGpuLayers = e.maxGpuLayers;
  j.processorSplit = e.processorSplit;
  j.gpuShare = e.gpuShare;
  j.offloaded = e.offloaded;
  if (e.ramBytes !== undefined) Object.assign(j, { ramBytes: e.ramBytes, fitsRam: e.fitsRam });
  if (e.decodeTokensPerSecond !== undefined) Object.assign(j, { decodeTokensPerSecond: e.decodeTokensPerSecond, decodeTokensPerSecondTotal: e.decodeTokensPerSecondTotal, prefillTokensPerSecond: finite(e.prefillTokensPerSecond), ttftSeconds: finite(e.ttftSeconds) });
  j.devices = e.devices;
  return j;
}

/** A figure that may be unknown (a GPU without a compute figure): null in JSON, never NaN. */
const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

function runEstimate(positional: string[], flags: Flags, out: (s: string) => void, resolved?: ModelEntry): void {
  const inp = input(positional[1], flags, resolved);
  const e = estimate(inp);
  if (flags.json) {
    out(JSON.stringify(estimateJson(e), null, 2));
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
    if (e.gpuLayers !== undefined) out(`layers on the GPU: ${e.gpuLayers} of ${e.gpuLayers + e.cpuLayers!} (${e.processorSplit})${e.maxGpuLayers !== undefined ? ` · most that fit: ${e.maxGpuLayers}` : ""}`);
    else if (e.offloaded) out(`processor split: ${e.processorSplit} (weights in system RAM are read over the PCIe link every step)`);
    if (e.decodeTokensPerSecond !== undefined) {
      // The time to first token needs the GPU's BF16 TFLOPS, which the catalog does not have for every GPU.
      const ttft = e.ttftSeconds !== undefined && Number.isFinite(e.ttftSeconds) ? `≈ ${formatFixed(e.ttftSeconds, 2)} s (prefill ≈ ${formatFixed(e.prefillTokensPerSecond!, 0)} tok/s)` : "unknown (no BF16 TFLOPS figure for this GPU)";
      out(`decode ≈ ${formatFixed(e.decodeTokensPerSecond, 1)} tok/s per sequence, ${formatFixed(e.decodeTokensPerSecondTotal!, 1)} tok/s total; time to first token ${ttft}`);
    }
  }
  if (e.ramBytes !== undefined) out(`system RAM: ${gib(e.hostBytes)} of ${gib(e.ramBytes)} given${e.fitsRam ? "" : " — not enough"}`);
  for (const w of e.warnings) out(`warning: ${w}`);
  if (flags.explain) {
    out("");
    const ex = explain(inp);
    for (const [k, v] of Object.entries(ex)) out(`${k}: ${v}`);
    for (const n of setupNotes(inp)) out(`note: ${n}`);
  }
}

function runFit(positional: string[], flags: Flags, out: (s: string) => void, resolved?: ModelEntry): void {
  if (flags.gpu || flags["vram-gib"]) throw new FitError("invalid", "fit compares every catalog GPU; drop --gpu/--vram-gib (use estimate for one GPU).");
  if (flags.command !== undefined) throw new FitError("invalid", "fit takes --engine-args, not --command; name the model and the runtime.");
  const inp = input(positional[1], flags, resolved);
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


/** The `plan --json` keys, in order: the deployment, the load per replica, the price and the costs. */
export const PLAN_KEYS = ["gpusPerReplica", "replicas", "totalGpus", "concurrencyPerReplica", "throughputTokensPerSecond", "decodeTokensPerSecondPerUser", "ttftSeconds", "limitedBy", "pricePerGpuHour", "costPerHour", "costPerMonth", "costPerMillionOutputTokens"] as const;

const planJson = (p: Plan) => Object.fromEntries(PLAN_KEYS.map((k) => [k, p[k]]));

function runPlan(positional: string[], flags: Flags, out: (s: string) => void, resolved?: ModelEntry): void {
  for (const k of ["ctx", "batch", "gpus"]) if (flags[k] !== undefined) throw new FitError("invalid", `plan chooses --${k} itself from the workload; drop it.`);
  const setup = input(positional[1], flags, resolved);
  const required = (k: string) => {
    const v = number(flags, k);
    if (v === undefined) throw new FitError("invalid", `plan needs --${k}.`);
    return v;
  };
  const workload = {
    users: number(flags, "users") ?? null,
    requestsPerMinute: number(flags, "requests-per-minute") ?? null,
    promptTokens: required("prompt-tokens"),
    outputTokens: required("output-tokens"),
    tokensPerSecondPerUser: number(flags, "tokens-per-second-per-user") ?? null,
    ttftSeconds: number(flags, "ttft-seconds") ?? null,
  };
  const common = { workload, pricePerGpuHour: number(flags, "price-per-gpu-hour") ?? null, hoursPerMonth: number(flags, "hours-per-month") ?? null };
  const money = (x: number | null, digits = 2) => (x === null ? "—" : `$${x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`);
  if (flags.compare) {
    if (setup.gpu != null || setup.vramGiB != null) throw new FitError("invalid", "plan --compare ranks every catalog GPU; drop --gpu/--vram-gib.");
    const rows = comparePlans({ ...common, setup });
    const ok = rows.filter((r) => r.plan);
    if (!ok.length) throw new FitError("no-answer", noGpuServes(rows));
    if (flags.json) {
      out(JSON.stringify(ok.map((r) => ({ gpu: r.gpu.id, name: r.gpu.name, ...planJson(r.plan!), priceSource: r.plan!.priceSource })), null, 2));
      return;
    }
    out(table([["GPU", "GPUs/replica", "replicas", "total", "limited by", "$/GPU-h", "per month", "per 1M out"], ...ok.map((r) => [r.gpu.name, String(r.plan!.gpusPerReplica), String(r.plan!.replicas), String(r.plan!.totalGpus), r.plan!.limitedBy, money(r.plan!.pricePerGpuHour), money(r.plan!.costPerMonth, 0), money(r.plan!.costPerMillionOutputTokens, 3)])]));
    const cannot = rows.length - ok.length;
    out(`\n${ok.length} GPUs can serve this workload, cheapest per million output tokens first${ok.some((r) => r.plan!.pricePerGpuHour === null) ? " (GPUs without a catalog price last: give --price-per-gpu-hour)" : ""}; ${cannot} cannot. Prices are medians of public on-demand quotes: a starting point, not a quote.`);
    return;
  }
  if (setup.gpu == null) throw new FitError("invalid", "plan needs --gpu (or --compare to rank every catalog GPU).");
  const p = plan({ ...common, setup });
  if (flags.json) {
    out(JSON.stringify(planJson(p), null, 2));
    return;
  }
  out(`${p.model} · ${p.quant} · ${p.runtime} on ${p.gpu}`);
  out(
    fieldList([
      ["GPUs per replica", String(p.gpusPerReplica)],
      ["Replicas", String(p.replicas)],
      ["Total GPUs", String(p.totalGpus)],
      ["Requests per replica", `${p.concurrencyPerReplica} (at most ${p.maxConcurrencyPerReplica}, limited by ${p.limitedBy})`],
      ["Decode per user", `${p.decodeTokensPerSecondPerUser.toFixed(1)} tok/s`],
      ["Replica throughput", `${p.throughputTokensPerSecond.toFixed(0)} output tok/s`],
      ["Time to first token", `${p.ttftSeconds.toFixed(2)} s`],
      ["Price per GPU-hour", `${money(p.pricePerGpuHour)} (${p.priceSource})`],
      ["Cost per hour", money(p.costPerHour)],
      [`Cost per month (${p.hoursPerMonth} h)`, money(p.costPerMonth, 0)],
      ["Cost per 1M output tokens", money(p.costPerMillionOutputTokens, 3)],
    ]),
  );
  for (const n of p.notes) out(`note: ${n}`);
}

/** Bad input: one line on stderr, exit 2; anything else is a bug (exit 1). */
function report(e: unknown, err: (s: string) => void): number {
  if (isFitError(e)) {
    err(`error: ${e.message}`);
    return 2;
  }
  err(`internal error: ${(e as Error).message}`);
  return 1;
}

/**
 * Runs the CLI as dist/cli.js does: a model named by --hf or --gguf is fetched or
 * read first (only then: no other command touches the network), then `main` runs.
 * `hub` is the Hub the environment names (replaceable in tests).
 */
export async function run(argv: string[], out: (s: string) => void = stdout, err: (s: string) => void = stderr, hub: () => Hub = () => hubFromEnv(process.env)): Promise<number> {
  let resolved: ModelEntry | undefined;
  try {
    const { positional, flags } = parse(argv);
    const sources = sourceFlags(flags);
    if (MODEL_COMMANDS.has(positional[0]) && hasModelSource(sources) && !flags.help) {
      checkArgs(positional[0], positional, flags);
      checkSourceArgs(positional[1], flags);
      resolved = await resolveModelSource(sources, hub);
    }
  } catch (e) {
    return report(e, (s) => err(printable(s)));
  }
  return main(argv, out, err, resolved);
}

/** The estimator input `fitmygpu estimate <argv…>` runs (argv without "estimate"): the one reading of the CLI's arguments, for tools that fit against it. */
export function estimateInputOf(argv: string[]): EstimateInput {
  const { positional, flags } = parse(["estimate", ...argv]);
  return input(positional[1], flags);
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

const stdout = (s: string) => process.stdout.write(s + "\n");
const stderr = (s: string) => process.stderr.write(s + "\n");

/** Runs the CLI with `argv` (without node and script); returns the exit code. A model from --hf/--gguf comes resolved (see run). */
export function main(argv: string[], rawOut: (s: string) => void = stdout, rawErr: (s: string) => void = stderr, resolved?: ModelEntry): number {
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
        runEstimate(positional, flags, out, resolved);
        return 0;
      case "fit":
        runFit(positional, flags, out, resolved);
        return 0;
      case "plan":
        runPlan(positional, flags, out, resolved);
        return 0;
      case "model": {
        const arg = modelArg(positional[1], flags, "fitmygpu model qwen3-8b", resolved);
        const m = typeof arg === "string" ? findModel(arg) : arg;
        if (flags.json) {
          out(JSON.stringify(modelSpecJson(m), null, 2));
          return 0;
        }
        // The spec, then the model's page as the pane shows it: written sections with their source numbers, memory behaviour, sources.
        const page = modelPageView(m);
        out(
          fieldList([
            ...MODEL_FIELDS.map((f): [string, string] => [f.labelFor?.(m) ?? f.label, formatFieldValue(f.format, f.value(m))]),
            ...page.sections.flatMap((sec) => [["", ""] as [string, string], ...sec.paragraphs.map((p, i): [string, string] => [i === 0 ? sec.heading : "", `${p}${sec.cites.length && i === sec.paragraphs.length - 1 ? ` [${sec.cites.join(", ")}]` : ""}`])]),
            ["", ""],
            ...page.sources.map((src, i): [string, string] => [i === 0 ? "Sources" : "", `[${src.n}] ${src.label} ${src.url}`]),
          ]),
        );
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
        throw new FitError("invalid", `Unknown command '${cmd}'. Commands: estimate, fit, plan, model, models, gpus, quants, runtimes.`);
    }
  } catch (e) {
    return report(e, err);
  }
}
