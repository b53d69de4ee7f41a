// The serve command that reproduces a setup, and the way back: a pasted command
// split into the fields a form holds and the engine flags left over. Building
// then parsing round-trips through commandInput() (serveCommand.ts), so the
// command a user copies is the setup the estimate describes.
import { findModel, type ModelEntry, type RuntimeId } from "./catalog";
import { flagGroups, parseEngineArgs, quoteWords, type EngineSettings, type FlagGroup } from "./engineFlags";
import { profileOf } from "./estimate";
import { fail } from "./errors";
import { commandInput, quantFromName } from "./serveCommand";

/** A setup as the calculator holds it: the fields, plus engine flags for everything else. */
export interface CommandSetup {
  model: string | ModelEntry;
  runtime: RuntimeId;
  /** Weight format id ("native", "awq", "q4_k_m", …). */
  quant: string;
  /** Tokens per request. */
  ctx: number;
  /** Concurrent requests. */
  batch: number;
  gpus: number;
  /** KV cache type id; "auto" = the engine's default (no flag). */
  kvDtype: string;
  /** vLLM gpu_memory_utilization / SGLang mem_fraction_static; null = the engine's default. */
  gpuUtil?: number | null;
  /** vLLM MTP speculative tokens; null = off. */
  speculativeTokens?: number | null;
  /** vLLM release; not part of a command (it is what you install), so it comes back as a note. */
  engineVersion?: string | null;
  /** The engine's own flags for settings the fields do not cover, appended as given. */
  engineArgs?: string;
}

export interface BuiltCommand {
  /** One line, shell-quoted, that commandInput() reads back. */
  command: string;
  /** What the command cannot say (the concurrency vLLM is not told, the release to install, …). */
  notes: string[];
}

const KV_FLAG_NAMES: Partial<Record<RuntimeId, Record<string, string>>> = {
  vllm: { bf16: "bfloat16", fp16: "float16", fp8: "fp8", fp8_e5m2: "fp8_e5m2" },
  sglang: { bf16: "bfloat16", fp16: "float16", fp8: "fp8_e4m3", fp8_e5m2: "fp8_e5m2" },
  "llama.cpp": { fp16: "f16", bf16: "bf16", q8_0: "q8_0", q4_0: "q4_0" },
  ollama: { fp16: "f16", q8_0: "q8_0", q4_0: "q4_0" },
};

/** vLLM / SGLang --quantization names for formats a base checkpoint can be loaded as. */
const QUANT_FLAG: Record<string, string> = { awq: "awq", gptq: "gptq", fp8: "fp8", "bnb-nf4": "bitsandbytes", mxfp4: "mxfp4", nvfp4: "modelopt_fp4" };

/** The GGUF file-type name of a format, as GGUF file names and Ollama tags carry it. */
function ggufType(quant: string, m: ModelEntry): string | undefined {
  const q = quant === "native" ? m.record.checkpoint.dtype : quant;
  if (q === "fp16") return "F16";
  if (q === "bf16") return "BF16";
  if (q === "mxfp4") return "MXFP4";
  return quantFromName(q) === q ? q.toUpperCase() : undefined;
}

const lastPart = (repo: string) => repo.split("/").pop() ?? repo;

/** How each engine's command names a model, for reading a name back. */
const READER: Record<RuntimeId, string> = { vllm: "vllm serve", sglang: "vllm serve", transformers: "vllm serve", mlx: "vllm serve", "llama.cpp": "llama-server -m", ollama: "ollama run" };

/** Does a command naming `name` find this model, in this format, again (as commandInput reads names)? */
function readsBack(runtime: RuntimeId, name: string, m: ModelEntry, quant: string): boolean {
  try {
    const back = commandInput(`${READER[runtime]} ${quoteWords([name])}`);
    const q = back.quant ?? "native";
    return back.model === m.record.id && (q === quant || (quant === "native" && q === m.record.checkpoint.dtype));
  } catch {
    return false;
  }
}

/**
 * The model's name as a command carries it (`decorate` adds the file or tag around it):
 * its repo's name as people download it, else its display name, else its id, whichever
 * the command's reader finds again in the same format.
 */
function nameFor(runtime: RuntimeId, m: ModelEntry, quant: string, decorate: (base: string) => string): string {
  const bases = [lastPart(m.record.checkpoint.repo), m.record.name, m.record.id];
  return decorate(bases.find((b) => readsBack(runtime, decorate(b), m, quant)) ?? m.record.id);
}

/** The repo to serve for a format: a published repo whose name implies it (Qwen/Qwen3-8B-AWQ), else the model's own. */
function repoFor(m: ModelEntry, quant: string): { repo: string; named: boolean } {
  const quantized = m.record.hfIds.quantized.find((r) => quantFromName(r) === quant && !/gguf/i.test(r));
  if (quantized) return { repo: quantized, named: true };
  return { repo: m.record.checkpoint.repo, named: false };
}

/** The command that reproduces a setup on its engine, with notes for what a command cannot carry. */
export function buildCommand(s: CommandSetup): BuiltCommand {
  const m = typeof s.model === "string" ? findModel(s.model) : s.model;
  const notes: string[] = [];
  const words: string[] = [];
  const env: string[] = [];
  const kvName = s.kvDtype === "auto" ? undefined : KV_FLAG_NAMES[s.runtime]?.[s.kvDtype];
  if (s.kvDtype !== "auto" && kvName === undefined) notes.push(`The ${s.kvDtype} KV cache has no flag here; it is the engine's default or not available.`);
  const extra = s.engineArgs?.trim() ? s.engineArgs.trim() : "";
  const isGgufModel = m.record.checkpoint.dtype === "gguf";
  switch (s.runtime) {
    case "vllm":
    case "sglang": {
      const { repo, named } = repoFor(m, s.quant);
      const vllm = s.runtime === "vllm";
      words.push(...(vllm ? ["vllm", "serve", repo] : ["python", "-m", "sglang.launch_server", "--model-path", repo]));
      if (!named && s.quant !== "native" && s.quant !== "bf16") {
        if (QUANT_FLAG[s.quant]) words.push("--quantization", QUANT_FLAG[s.quant]);
        else if (s.quant === "fp16") words.push("--dtype", "float16");
        else if (s.quant === "fp32") words.push("--dtype", "float32");
        else notes.push(`No flag names ${s.quant} weights: serve a checkpoint quantized that way (${m.record.checkpoint.repo} is ${m.record.checkpoint.dtype}).`);
      }
      words.push(vllm ? "--max-model-len" : "--context-length", String(s.ctx));
      if (s.gpus > 1) words.push(vllm ? "-tp" : "--tp", String(s.gpus));
      if (s.gpuUtil != null) words.push(vllm ? "--gpu-memory-utilization" : "--mem-fraction-static", String(s.gpuUtil));
      if (kvName) words.push("--kv-cache-dtype", kvName);
      if (vllm && s.speculativeTokens) words.push("--speculative-config", JSON.stringify({ method: "mtp", num_speculative_tokens: s.speculativeTokens }));
      notes.push(`${vllm ? "vLLM" : "SGLang"} is not told the concurrency: it fits as many requests of ${s.ctx.toLocaleString("en-US")} tokens as its KV pool holds (the estimate's ${s.batch.toLocaleString("en-US")}).`);
      if (vllm && s.engineVersion) notes.push(`Install the release: pip install vllm==${s.engineVersion.replace(/^v/, "")}.`);
      break;
    }
    case "llama.cpp": {
      const type = isGgufModel ? "" : ggufType(s.quant, m);
      if (!isGgufModel && type === undefined) notes.push(`${s.quant} weights have no GGUF type name; the file name does not say the format.`);
      const file = isGgufModel ? `${m.record.name}.gguf` : nameFor("llama.cpp", m, s.quant, (b) => `${b}${type ? `-${type}` : ""}.gguf`);
      words.push("llama-server", "-m", file, "-c", String(s.ctx * s.batch), "-np", String(s.batch));
      if (s.gpus > 1) words.push("-ts", Array(s.gpus).fill("1").join(","));
      if (kvName) words.push("-ctk", kvName, "-ctv", kvName);
      break;
    }
    case "ollama": {
      // Ollama's settings are the server's environment; its library tags name the format after the size.
      env.push(`OLLAMA_CONTEXT_LENGTH=${s.ctx}`, `OLLAMA_NUM_PARALLEL=${s.batch}`);
      if (kvName) env.push(`OLLAMA_KV_CACHE_TYPE=${kvName}`, "OLLAMA_FLASH_ATTENTION=1");
      const type = isGgufModel ? undefined : ggufType(s.quant, m);
      const suffix = isGgufModel || s.quant === "q4_k_m" || type === undefined ? "" : type.toLowerCase();
      if (!isGgufModel && s.quant !== "q4_k_m" && type === undefined) notes.push(`${s.quant} weights have no Ollama tag suffix.`);
      const withSuffix = (tag: string) => (suffix ? `${tag}${tag.includes(":") ? "-" : ":"}${suffix}` : tag);
      const tag = m.record.aliases.find((a) => /^[a-z0-9][a-z0-9._-]*:[a-z0-9._-]+$/.test(a) && readsBack("ollama", withSuffix(a), m, s.quant));
      words.push("ollama", "run", tag ? withSuffix(tag) : nameFor("ollama", m, s.quant, withSuffix));
      notes.push("Set the variables for the Ollama server (ollama serve), then run the model.");
      if (s.gpus > 1) notes.push(`Ollama spreads layers over the ${s.gpus} GPUs it sees; no flag sets that.`);
      break;
    }
    case "transformers": {
      const { repo, named } = repoFor(m, s.quant);
      words.push("transformers", `model=${repo}`);
      if (!named) {
        const kw: Record<string, string> = { "bnb-nf4": "load_in_4bit=true", "bnb-int8": "load_in_8bit=true", fp16: "dtype=float16", bf16: "dtype=bfloat16", fp32: "dtype=float32" };
        if (kw[s.quant]) words.push(kw[s.quant]);
        else if (s.quant !== "native") notes.push(`No keyword names ${s.quant} weights: load a checkpoint quantized that way.`);
      }
      notes.push(`Transformers takes the prompt (${s.ctx.toLocaleString("en-US")} tokens × ${s.batch.toLocaleString("en-US")}) in code, not as settings.`);
      break;
    }
    case "mlx": {
      const suffix = s.quant === "mlx-4bit" ? "4bit" : s.quant === "mlx-8bit" ? "8bit" : s.quant === "native" ? "" : s.quant;
      words.push("mlx_lm.generate", "--model", nameFor("mlx", m, s.quant, (b) => `mlx-community/${b}${suffix ? `-${suffix}` : ""}`));
      if (s.kvDtype === "q8_0" || s.kvDtype === "q4_0") words.push("--kv-bits", s.kvDtype === "q8_0" ? "8" : "4");
      notes.push(`mlx_lm takes the prompt (${s.ctx.toLocaleString("en-US")} tokens) on its command line or stdin.`);
      break;
    }
  }
  const line = [quoteWords(env), quoteWords(words), extra].filter(Boolean).join(" ");
  return { command: line, notes };
}

/** Settings the calculator's fields hold; a flag setting one of them belongs in that field, not in the flags. */
const FIELD_OF: Partial<Record<keyof EngineSettings, string>> = {
  maxModelLen: "Context",
  ctxSize: "Context",
  parallel: "Concurrent requests",
  tensorParallel: "GPU count",
  tensorSplit: "GPU count",
  memoryFraction: "GPU memory share",
  kvCacheDtype: "KV cache",
  speculativeTokens: "MTP speculative tokens",
};

/** The field a flag's setting belongs to (llama.cpp's -ctk/-ctv too, when both are given alike). */
function fieldOf(g: FlagGroup, bothKv: boolean): string | undefined {
  if (g.setsQuant) return "Weights";
  for (const k of g.keys) {
    if (FIELD_OF[k]) return FIELD_OF[k];
    if ((k === "kvCacheDtypeK" || k === "kvCacheDtypeV") && bothKv) return "KV cache";
  }
  return undefined;
}

/** -ctk and -ctv naming one type: the KV cache field says that. */
function sameKv(runtime: RuntimeId, text: string): boolean {
  const st = parseEngineArgs(runtime, text).settings;
  return st.kvCacheDtypeK !== undefined && st.kvCacheDtypeK === st.kvCacheDtypeV;
}

/**
 * Checks the calculator's "Engine flags": the engine's parser accepts them, and
 * none sets what a field holds (one place per setting). Returns the flags, trimmed.
 */
export function checkEngineFlags(runtime: RuntimeId, text: string): string {
  const t = text.trim();
  if (!t) return "";
  const { groups } = flagGroups(runtime, t);
  const both = sameKv(runtime, t);
  for (const g of groups) {
    const field = fieldOf(g, both);
    if (field) fail("invalid", `${g.words[0].replace(/=.*$/, "")} sets what the ${field} field holds: set it there.`);
    if (g.setsModel) fail("invalid", `${g.words[0].replace(/=.*$/, "")} names the model: pick it in the Model field.`);
  }
  return t;
}

/** A pasted command as the calculator's fields and the engine flags left over. Fields the command does not set are absent. */
export interface CommandFields {
  model: string;
  runtime: RuntimeId;
  quant?: string;
  ctx?: number;
  batch?: number;
  gpus?: number;
  gpuUtil?: number;
  kvDtype?: string;
  speculativeTokens?: number;
  /** The flags no field holds, in the engine's syntax. */
  engineArgs: string;
}

/** Splits a serve command into the calculator's fields and the remaining engine flags (throws the parser's FitError). */
export function fieldsFromCommand(text: string): CommandFields {
  const input = commandInput(text);
  const runtime = input.runtime as RuntimeId;
  const { groups } = flagGroups(runtime, input.engineArgs);
  const both = sameKv(runtime, input.engineArgs);
  const consumed: EngineSettings = {};
  const rest: string[] = [];
  for (const g of groups) {
    if (g.setsModel) continue;
    if (!fieldOf(g, both)) {
      rest.push(...g.words);
      continue;
    }
    Object.assign(consumed, parseEngineArgs(runtime, quoteWords(g.words)).settings);
  }
  const w = profileOf(runtime).workload(consumed);
  const out: CommandFields = { model: input.model, runtime, engineArgs: quoteWords(rest) };
  // A model read from a GGUF runs as that file, whatever its name says.
  if (findModel(input.model).record.checkpoint.dtype === "gguf") out.quant = "native";
  else if (input.quant) out.quant = input.quant;
  // llama.cpp's -c without -np is one slot of that many cells; vLLM's --max-model-len is one request's context.
  if (w.ctx !== undefined) out.ctx = w.ctx;
  if (w.batch !== undefined) out.batch = w.batch;
  const gpus = consumed.tensorParallel ?? consumed.tensorSplit?.length;
  if (gpus !== undefined) out.gpus = gpus;
  if (consumed.memoryFraction !== undefined) out.gpuUtil = consumed.memoryFraction;
  const kv = consumed.kvCacheDtype ?? (both ? consumed.kvCacheDtypeK : undefined);
  if (kv !== undefined) out.kvDtype = kv;
  if (consumed.speculativeTokens !== undefined) out.speculativeTokens = consumed.speculativeTokens;
  return out;
}
