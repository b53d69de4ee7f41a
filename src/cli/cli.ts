// fitmygpu: the command-line face of the estimator. Human output is an aligned
// table with units; --json is a stable machine contract. Bad input: exit 2.
import * as fs from "fs";
import { importModel } from "../core/configImport";
import { formatFieldValue, MODEL_FIELDS, modelSpecJson } from "../core/spec";
import { modelPageView } from "../core/modelPages";
import { COMPARISON_COLUMNS, comparisonRows, type ComparisonColumn } from "../core/comparison";
import { catalog, findModel, findRuntime, type ModelEntry } from "../core/catalog";
import { commandInput } from "../core/serveCommand";
import { FitError, isFitError } from "../core/errors";
import { compareGpus, estimate, explain, setupNotes, speed, statusOf, type Estimate, type EstimateInput } from "../core/estimate";
import { formatBytes, formatCount, formatParams, toGiB } from "../core/units";
import type { Hub } from "../core/hub";
import { hasModelSource, hubFromEnv, resolveModelSource, type SourceFlags } from "./modelSources";

const HELP = `fitmygpu — will this LLM fit on this GPU, and how well will it run?

Usage:
  fitmygpu estimate <model> [--quant Q] [--ctx N] [--batch B] [--runtime R] [--kv-dtype D]
                    [--gpu NAME] [--vram-gib X] [--gpus N] [--gpu-util F]
                    [--engine-args "FLAGS"] [--engine-version V] [--speculative-tokens K] [--explain] [--json]
  fitmygpu estimate --command "vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2" [--gpu NAME] [options]
  fitmygpu fit <model> [same options, without --gpu]   every catalog GPU for one setup
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
--engine-version selects release behaviour (vLLM 0.6.3, llama.cpp b6123, Ollama 0.29.0; default:
the latest release). --speculative-tokens K (vLLM only) models MTP speculative decoding.`;

type Flags = Record<string, string | boolean | string[]>;

/** Flags that may be given more than once (the parts of a split GGUF). */
const REPEATABLE = new Set(["gguf"]);

function parse(argv: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, inline] = a.slice(2).split("=", 2);
      if (["json", "explain", "help"].includes(k)) flags[k] = true;
      else {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new FitError("invalid", `--${k} needs a value.`);
        if (REPEATABLE.has(k)) flags[k] = [...((flags[k] as string[] | undefined) ?? []), v];
        else flags[k] = v;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

const MODEL_FLAGS = ["config", "index", "name", "params", "context-window"];
/** Model sources resolved (fetched or read) before the command runs: see modelSources.ts. */
const SOURCE_FLAGS = ["hf", "hf-file", "gguf"];
const KNOWN = new Set([...SOURCE_FLAGS, "quant", "ctx", "batch", "runtime", "kv-dtype", "gpu", "vram-gib", "gpus", "gpu-util", "engine-version", "speculative-tokens", "engine-args", "command", "json", "explain", "help", ...MODEL_FLAGS]);

function number(flags: Flags, key: string): number | undefined {
  const v = flags[key];
  if (v === undefined) return undefined;
  const x = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(x)) throw new FitError("invalid", `--${key} must be a number, got '${String(v)}'.`);
  return x;
}

function readText(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new FitError("invalid", `Cannot read the --${flag} file '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

/** A model named two ways is refused before anything is fetched or read. */
function checkSourceArgs(name: string | undefined, flags: Flags): void {
  if (name) throw new FitError("invalid", `Give either a model name or --hf/--gguf, not both ('${name}').`);
  if (flags.config !== undefined || flags.index !== undefined) throw new FitError("invalid", "--config/--index and --hf/--gguf are alternatives: give one.");
}

/** Commands that take a model, so the only ones for which --hf / --gguf are fetched or read. */
export const MODEL_COMMANDS = new Set(["estimate", "fit", "model"]);

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

function checkFlags(flags: Flags): void {
  for (const k of Object.keys(flags)) if (!KNOWN.has(k)) throw new FitError("invalid", `Unknown option --${k}. See fitmygpu --help.`);
}

function input(model: string | undefined, flags: Flags, resolved?: ModelEntry): EstimateInput {
  checkFlags(flags);
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

const gib = (bytes: number) => `${toGiB(bytes).toFixed(2)} GiB`;

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
  if (e.gpuLayers !== undefined) Object.assign(j, { gpuLayers: e.gpuLayers, cpuLayers: e.cpuLayers });
  j.gpuShare = e.gpuShare;
  j.devices = e.devices;
  return j;
}

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
    out(`KV capacity ${formatCount(e.kvCapacityTokens!)} tokens · max concurrency at ${formatCount(e.ctx)} tokens ${e.maxConcurrency!.toFixed(2)}x · max context at batch ${e.batch}: ${formatCount(e.maxContext!)}`);
    if (e.gpu) {
      const s = speed(inp);
      out(`decode ≈ ${s.perSequence.toFixed(1)} tok/s per sequence, ${s.aggregate.toFixed(1)} tok/s total; time to first token ≈ ${s.ttftSeconds.toFixed(2)} s`);
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
  const fixed = (digits: number) => (v: number | string | null) => (v === null ? "—" : typeof v === "number" ? v.toFixed(digits) : v);
  const show: Record<ComparisonColumn, (v: number | string | null) => string> = { name: fixed(0), vramGiB: fixed(1), requiredGiB: fixed(2), status: fixed(0), headroomGiB: fixed(2), maxConcurrency: fixed(2), tokensPerSecond: fixed(0) };
  const t = [COMPARISON_COLUMNS.map((c) => c.label), ...comparisonRows(inp).map((r) => COMPARISON_COLUMNS.map((c) => show[c.key](r[c.key])))];
  out(table(t));
}

const stdout = (s: string) => process.stdout.write(s + "\n");
const stderr = (s: string) => process.stderr.write(s + "\n");

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
      checkFlags(flags);
      checkSourceArgs(positional[1], flags);
      resolved = await resolveModelSource(sources, hub);
    }
  } catch (e) {
    return report(e, err);
  }
  return main(argv, out, err, resolved);
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. A model from --hf/--gguf comes resolved (see run). */
export function main(argv: string[], out: (s: string) => void = stdout, err: (s: string) => void = stderr, resolved?: ModelEntry): number {
  try {
    const { positional, flags } = parse(argv);
    const cmd = positional[0];
    if (!cmd || flags.help || cmd === "help") {
      out(HELP);
      return 0;
    }
    const c = catalog();
    const filter = (positional[1] ?? "").toLowerCase();
    switch (cmd) {
      case "estimate":
        runEstimate(positional, flags, out, resolved);
        return 0;
      case "fit":
        runFit(positional, flags, out, resolved);
        return 0;
      case "model": {
        checkFlags(flags);
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
        throw new FitError("invalid", `Unknown command '${cmd}'. Commands: estimate, fit, model, models, gpus, quants, runtimes.`);
    }
  } catch (e) {
    return report(e, err);
  }
}
