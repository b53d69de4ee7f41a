// The engine's own flags as input: `--max-num-seqs 64`, `-c 65536 -np 2`,
// `OLLAMA_NUM_PARALLEL=4`, or a whole serve command. Flags become typed
// EngineSettings; flags that change nothing in memory are accepted and ignored;
// a flag we do not model is an error that names it. The flag tables are data
// (engineFlagTables.ts); this module only reads them.
import { fail } from "./errors";
import { FLAG_TABLES, PROGRAMS, type FlagSpec } from "./engineFlagTables";
import type { RuntimeId } from "./runtimeIds";

/** Settings an engine takes from its flags; absent = the engine's default (for the release). */
export interface EngineSettings {
  /** Tokens of one request the engine is sized for: vLLM --max-model-len, SGLang --context-length, Ollama num_ctx. */
  maxModelLen?: number;
  /** llama.cpp -c: KV cells of all slots together. */
  ctxSize?: number;
  /** Parallel sequences: llama.cpp -np, Ollama OLLAMA_NUM_PARALLEL. */
  parallel?: number;
  /** Tensor-parallel size: vLLM -tp, SGLang --tp. */
  tensorParallel?: number;
  /** vLLM --gpu-memory-utilization, SGLang --mem-fraction-static, MLX working-set share. */
  memoryFraction?: number;
  /** vLLM --kv-cache-memory: the KV pool in bytes, skipping the utilization budget. */
  kvCacheMemoryBytes?: number;
  /** vLLM --max-num-seqs, SGLang --max-running-requests. */
  maxNumSeqs?: number;
  /** vLLM --max-num-batched-tokens, SGLang --chunked-prefill-size. */
  maxNumBatchedTokens?: number;
  /** vLLM --enable-chunked-prefill (V0 releases only change the batch default with it). */
  chunkedPrefill?: boolean;
  /** SGLang --max-total-tokens: the KV pool in tokens. */
  maxTotalTokens?: number;
  /** llama.cpp -ub (physical batch). */
  ubatch?: number;
  /** llama.cpp -b (logical batch). */
  batch?: number;
  /** vLLM --enable-prefix-caching / --no-enable-prefix-caching. */
  prefixCaching?: boolean;
  /** vLLM --enforce-eager, SGLang --disable-cuda-graph: no CUDA graphs. */
  enforceEager?: boolean;
  /** SGLang piecewise prefill CUDA graphs (--enable-/--disable-piecewise-cuda-graph; on by default from v0.5.10). */
  piecewiseCudaGraph?: boolean;
  /** SGLang --piecewise-cuda-graph-max-tokens. */
  piecewiseMaxTokens?: number;
  /** SGLang --cuda-graph-max-bs. */
  cudaGraphMaxBs?: number;
  /** vLLM --block-size. */
  blockSize?: number;
  /** vLLM --limit-mm-per-prompt with every modality at 0: a vision-language model served text only. */
  textOnly?: boolean;
  /** vLLM --speculative-config num_speculative_tokens (MTP). */
  speculativeTokens?: number;
  /** KV cache element type: vLLM/SGLang --kv-cache-dtype, llama.cpp -ctk, OLLAMA_KV_CACHE_TYPE, MLX --kv-bits. */
  kvCacheDtype?: string;
  /** llama.cpp -ctk: the K cache type alone (V stays f16 unless -ctv is given). */
  kvCacheDtypeK?: string;
  /** llama.cpp -ctv (V cache type, when it differs from K). */
  kvCacheDtypeV?: string;
  /** vLLM --mamba-ssm-cache-dtype: recurrent state element type. */
  ssmCacheDtype?: "float32" | "bfloat16" | "float16";
  /** llama.cpp -fa, OLLAMA_FLASH_ATTENTION. */
  flashAttention?: boolean;
  /** llama.cpp --mmproj given: the vision projector is loaded. */
  mmproj?: boolean;
  /** Ollama OLLAMA_GPU_OVERHEAD: bytes reserved per GPU. */
  gpuOverheadBytes?: number;
  /** Transformers attn_implementation. */
  attnImplementation?: "eager" | "sdpa" | "flash_attention_2";
  /** Transformers cache_implementation. */
  cacheImplementation?: "dynamic" | "static";
  /** Transformers max_new_tokens, mlx_lm --max-tokens. */
  maxNewTokens?: number;
  /** mlx_lm --max-kv-size: a rotating KV cache of this many tokens. */
  maxKvSize?: number;
  /** mlx_lm --prefill-step-size. */
  prefillStepSize?: number;
  // Offload (modelled with partial offload).
  /** llama.cpp -ngl, Ollama num_gpu: repeating layers on the GPU(s). */
  gpuLayers?: number;
  /** llama.cpp -ot: tensor-name patterns and the buffer they go to. */
  overrideTensors?: Array<{ pattern: string; device: string }>;
  /** llama.cpp --n-cpu-moe N: the experts of the first N layers stay on the CPU (--cpu-moe: all). */
  cpuMoeLayers?: number;
  /** llama.cpp -ts: split fractions over GPUs. */
  tensorSplit?: number[];
  /** llama.cpp -sm. */
  splitMode?: "layer" | "row" | "none";
  /** llama.cpp --no-kv-offload: the KV cache stays in host memory. */
  noKvOffload?: boolean;
  /** vLLM --cpu-offload-gb: GiB of weights per GPU kept in host memory. */
  cpuOffloadBytes?: number;
}

/** What a flag string or command says beyond settings: the model, format and workload it names. */
export interface EngineArgs {
  settings: EngineSettings;
  /** Model named by the command (vllm serve X, -m file.gguf, ollama run tag). */
  model?: string;
  /** Weight format the command implies (--quantization awq, a Q4_K_M file name). */
  quant?: string;
  /** Flags accepted but with no effect on memory, as given. */
  ignored: string[];
}

export interface ParsedCommand extends EngineArgs {
  runtime: RuntimeId;
  /** The command's engine flags alone, requoted, as parseEngineArgs takes them. */
  flagsText: string;
}

/** Joins words back into a command line, quoting those a shell would split. */
export function quoteWords(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** Longest flag string accepted; a serve command is a few hundred characters. */
export const MAX_ENGINE_ARGS = 4000;

/**
 * Splits a command line into words the way a POSIX shell would for plain
 * commands: single and double quotes, backslash escapes and line
 * continuations; no variables or globbing.
 */
export function shellWords(text: string): string[] {
  if (text.length > MAX_ENGINE_ARGS) fail("invalid", `Engine flags are at most ${MAX_ENGINE_ARGS.toLocaleString("en-US")} characters long, got ${text.length.toLocaleString("en-US")}.`);
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      const next = text[++i];
      if (next === "\n" || next === "\r") continue;
      word += next;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) fail("invalid", `Engine flags have an unclosed ${quote === '"' ? "double" : "single"} quote.`);
  if (inWord) words.push(word);
  return words;
}

/** A flag name folded for lookup: `--max_num_seqs` and `--max-num-seqs` are one flag. */
const foldFlag = (name: string) => name.toLowerCase().replace(/_/g, "-");

interface Lookup {
  byName: Map<string, FlagSpec>;
}

const lookups = new Map<RuntimeId, Lookup>();

function lookup(runtime: RuntimeId): Lookup {
  let l = lookups.get(runtime);
  if (!l) {
    const byName = new Map<string, FlagSpec>();
    for (const spec of FLAG_TABLES[runtime]) for (const n of spec.names) byName.set(foldFlag(n), spec);
    l = { byName };
    lookups.set(runtime, l);
  }
  return l;
}

/** Shows an input word safely inside an error message (no control characters, bounded length). */
function quoteWord(w: string): string {
  const clean = w.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `'${clean.length > 60 ? clean.slice(0, 57) + "…" : clean}'`;
}

/** Parses one engine's flags (no program name). */
export function parseEngineArgs(runtime: RuntimeId, text: string): EngineArgs {
  return parseWords(runtime, shellWords(text), false);
}

/** One flag of a flag string as given (its words) and what it sets: settings keys, the weight format, or nothing (ignored flags). */
export interface FlagGroup {
  words: string[];
  keys: Array<keyof EngineSettings>;
  setsQuant: boolean;
  /** The flag names the model (--model, -m, model=). */
  setsModel: boolean;
}

/** Parses one engine's flags and says, flag by flag, what each sets (for surfaces that map some flags onto their own fields). */
export function flagGroups(runtime: RuntimeId, text: string): { args: EngineArgs; groups: FlagGroup[] } {
  const groups: FlagGroup[] = [];
  const args = parseWords(runtime, shellWords(text), false, undefined, groups);
  return { args, groups };
}

function engineName(runtime: RuntimeId): string {
  return PROGRAMS.find((p) => p.runtime === runtime)?.engine ?? runtime;
}

function parseWords(runtime: RuntimeId, words: string[], positionalModel: boolean, positionalAt?: { index: number }, groups?: FlagGroup[]): EngineArgs {
  const { byName } = lookup(runtime);
  const out: EngineArgs = { settings: {}, ignored: [] };
  const engine = engineName(runtime);
  const assignStyle = runtime === "ollama" || runtime === "transformers";
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const first = i;
    let name: string;
    let inline: string | undefined;
    if (w.startsWith("-") && w.length > 1 && !/^-\d/.test(w)) {
      const eq = w.indexOf("=");
      name = eq > 0 ? w.slice(0, eq) : w;
      inline = eq > 0 ? w.slice(eq + 1) : undefined;
    } else if (assignStyle && /^[A-Za-z_][A-Za-z0-9_.]*=/.test(w)) {
      const eq = w.indexOf("=");
      name = w.slice(0, eq);
      inline = w.slice(eq + 1);
    } else if (positionalModel && out.model === undefined) {
      out.model = w;
      if (positionalAt) positionalAt.index = i;
      continue;
    } else {
      fail("invalid", `Unexpected ${quoteWord(w)} in the ${engine} flags: give flags${assignStyle ? " as NAME=value" : " such as --name value"}.`);
    }
    const spec = byName.get(foldFlag(name));
    if (!spec) fail("invalid", `${engine} flag ${quoteWord(name)} is not one FitMyGPU knows. Flags that change memory: ${memoryFlags(runtime)}.`);
    let value: string | undefined = inline;
    if (spec.kind !== "switch") {
      if (value === undefined) {
        const next = words[i + 1];
        if (spec.kind === "onOff" && (next === undefined || !/^(on|off|auto|true|false|1|0)$/i.test(next))) value = "on";
        else if (next === undefined) fail("invalid", `${engine} flag ${name} needs a value.`);
        else value = words[++i];
      }
    } else if (value !== undefined) fail("invalid", `${engine} flag ${name} takes no value.`);
    if (spec.effect === "unmodelled") fail("unsupported", `${engine} flag ${name} is not modelled${spec.why ? `: ${spec.why}` : ""}. Remove it to estimate without it.`);
    if (spec.effect === "ignored") {
      out.ignored.push(value !== undefined ? `${name} ${value}` : name);
      groups?.push({ words: words.slice(first, i + 1), keys: [], setsQuant: false, setsModel: false });
      continue;
    }
    spec.apply(out, value ?? "", name);
    if (groups) {
      // What this flag alone sets, whatever earlier flags set.
      const probe: EngineArgs = { settings: {}, ignored: [] };
      spec.apply(probe, value ?? "", name);
      groups.push({ words: words.slice(first, i + 1), keys: Object.keys(probe.settings) as Array<keyof EngineSettings>, setsQuant: probe.quant !== undefined, setsModel: probe.model !== undefined });
    }
  }
  return out;
}

function memoryFlags(runtime: RuntimeId): string {
  return FLAG_TABLES[runtime]
    .filter((s) => s.effect === "memory")
    .map((s) => s.names[0])
    .join(", ");
}

/**
 * Parses a whole serve command: `vllm serve Qwen/Qwen3-8B --max-model-len 32768`,
 * `python -m sglang.launch_server --model-path …`, `llama-server -m file.gguf -c 8192`,
 * `OLLAMA_NUM_PARALLEL=2 ollama run qwen3:8b`, `mlx_lm.generate --model …`.
 */
export function parseCommand(text: string): ParsedCommand {
  const words = shellWords(text);
  // Leading NAME=value words are environment assignments (Ollama's settings live there).
  const env: string[] = [];
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])) env.push(words[i++]);
  if (words[i] === "env") i++;
  const rest = words.slice(i);
  for (const p of PROGRAMS) {
    const n = p.match(rest);
    if (n === undefined) continue;
    const args = [...env.filter(() => p.runtime === "ollama" || p.runtime === "transformers"), ...rest.slice(n)];
    const at = { index: -1 };
    const parsed = parseWords(p.runtime, args, p.positionalModel, at);
    if (env.length && p.runtime !== "ollama" && p.runtime !== "transformers") parsed.ignored.push(...env);
    return { ...parsed, runtime: p.runtime, flagsText: quoteWords(args.filter((_, i) => i !== at.index)) };
  }
  const shown = rest.slice(0, 3).join(" ");
  return fail("invalid", `Cannot tell the engine from the command ${quoteWord(shown || text)}. Start it with vllm serve, python -m sglang.launch_server, llama-server, ollama run, mlx_lm.generate or transformers.`);
}
