// Each engine's flags, as data: the names the engine accepts, whether the flag
// changes memory (and which setting it sets), is accepted and ignored (ports,
// keys, sampling, logging), or is not modelled (an error that says so).
// Names and meanings follow each engine's CLI (vLLM EngineArgs, SGLang
// ServerArgs, llama.cpp common/arg.cpp, Ollama envconfig and Modelfile
// parameters, mlx_lm.generate, transformers' generate/from_pretrained keywords).
import type { EngineArgs, EngineSettings } from "./engineFlags";
import { fail } from "./errors";
import type { RuntimeId } from "./runtimeIds";
import { GiB, KiB, MiB } from "./units";

/** How a flag reads its value: a switch takes none, onOff takes an optional on/off/auto. */
export type FlagKind = "value" | "switch" | "onOff";

export interface FlagSpec {
  names: string[];
  kind: FlagKind;
  effect: "memory" | "ignored" | "unmodelled";
  /** For unmodelled flags: why. */
  why?: string;
  apply: (out: EngineArgs, value: string, name: string) => void;
}

const noop = () => undefined;

// ---- value readers ---------------------------------------------------------------

/** A whole number with an optional k/m suffix ("32k" = 32,768 as vLLM reads it). */
function int(name: string, v: string, min: number, max: number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(v.replace(/_/g, ""));
  const x = m ? Number(m[1]) * (m[2].toLowerCase() === "k" ? 1024 : m[2].toLowerCase() === "m" ? 1024 * 1024 : 1) : NaN;
  if (!Number.isInteger(x)) fail("invalid", `${name} must be a whole number, got '${v.slice(0, 40)}'.`);
  if (x < min || x > max) fail("invalid", `${name} must be between ${min.toLocaleString("en-US")} and ${max.toLocaleString("en-US")}, got ${x.toLocaleString("en-US")}.`);
  return x;
}

function fraction(name: string, v: string): number {
  const x = Number(v);
  if (!(x > 0 && x <= 1)) fail("invalid", `${name} must be a fraction between 0 and 1, got '${v.slice(0, 40)}'.`);
  return x;
}

/** Bytes with an optional unit: "8GiB", "8G" and "8g" are 2^30-based as vLLM's human-readable sizes; plain numbers are bytes. */
function bytes(name: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(v);
  if (!m) fail("invalid", `${name} must be a size like 8GiB or 8589934592, got '${v.slice(0, 40)}'.`);
  const scale = { "": 1, k: KiB, m: MiB, g: GiB, t: 1024 * GiB }[m[2].toLowerCase() as "" | "k" | "m" | "g" | "t"];
  const x = Number(m[1]) * scale;
  if (!(x > 0 && x < 2 ** 50)) fail("invalid", `${name} must be a positive size, got '${v.slice(0, 40)}'.`);
  return x;
}

function bool(name: string, v: string): boolean {
  if (/^(1|true|on|yes|enabled?)$/i.test(v)) return true;
  if (/^(0|false|off|no|disabled?)$/i.test(v)) return false;
  return fail("invalid", `${name} must be on or off (1/0, true/false), got '${v.slice(0, 40)}'.`);
}

/** The JSON object of a flag like --speculative-config '{"num_speculative_tokens": 3}'. */
function jsonObject(name: string, v: string): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch {
    return fail("invalid", `${name} must be a JSON object, got '${v.slice(0, 60)}'.`);
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) fail("invalid", `${name} must be a JSON object.`);
  return o as Record<string, unknown>;
}

/** KV cache element types by the engines' own names. */
const KV_NAMES: Record<string, string> = {
  auto: "auto",
  fp8: "fp8",
  fp8_e4m3: "fp8",
  fp8_e5m2: "fp8_e5m2",
  bfloat16: "bf16",
  bf16: "bf16",
  float16: "fp16",
  half: "fp16",
  f16: "fp16",
  fp16: "fp16",
  q8_0: "q8_0",
  q4_0: "q4_0",
};

function kvDtype(name: string, v: string): string {
  const k = v.trim().toLowerCase();
  const id = Object.prototype.hasOwnProperty.call(KV_NAMES, k) ? KV_NAMES[k] : undefined;
  if (!id) fail("unsupported", `${name} ${v.slice(0, 30)} is not a KV cache type FitMyGPU models (it models ${Object.keys(KV_NAMES).join(", ")}).`);
  return id;
}

/** vLLM --quantization values → our weight formats. */
const VLLM_QUANT: Record<string, string> = {
  awq: "awq",
  awq_marlin: "awq",
  gptq: "gptq",
  gptq_marlin: "gptq",
  fp8: "fp8",
  bitsandbytes: "bnb-nf4",
  mxfp4: "mxfp4",
  modelopt_fp4: "nvfp4",
  experts_int8: "int8",
};

function quantFlag(table: Record<string, string>) {
  return (out: EngineArgs, v: string, name: string) => {
    const k = v.trim().toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(table, k)) fail("unsupported", `${name} ${v.slice(0, 30)} is not a weight format FitMyGPU models (it knows ${Object.keys(table).join(", ")}); give --quant instead.`);
    out.quant = table[k];
  };
}

// ---- table builders --------------------------------------------------------------

const set =
  <K extends keyof EngineSettings>(key: K, read: (name: string, v: string) => EngineSettings[K]) =>
  (out: EngineArgs, v: string, name: string) => {
    out.settings[key] = read(name, v);
  };

const value = (names: string[], apply: FlagSpec["apply"]): FlagSpec => ({ names, kind: "value", effect: "memory", apply });
const sw = (names: string[], apply: FlagSpec["apply"]): FlagSpec => ({ names, kind: "switch", effect: "memory", apply });
const ignoredValue = (...names: string[]): FlagSpec => ({ names, kind: "value", effect: "ignored", apply: noop });
const ignoredSwitch = (...names: string[]): FlagSpec => ({ names, kind: "switch", effect: "ignored", apply: noop });
const unmodelled = (names: string[], why: string, kind: FlagKind = "value"): FlagSpec => ({ names, kind, effect: "unmodelled", why, apply: noop });

const MAX_TOKENS = 100_000_000;
const positive = (max: number) => (name: string, v: string) => int(name, v, 1, max);

// ---- vLLM ------------------------------------------------------------------------

/** --limit-mm-per-prompt as JSON ({"image": 0}) or the older image=0,video=0 form: text only when every count is 0. */
function limitMm(out: EngineArgs, v: string, name: string): void {
  let counts: unknown[];
  if (v.trim().startsWith("{")) counts = Object.values(jsonObject(name, v));
  else counts = v.split(",").map((p) => Number(p.split("=")[1]));
  if (!counts.length || counts.some((c) => typeof c !== "number" || !Number.isFinite(c) || c < 0)) fail("invalid", `${name} must give a count per modality, e.g. '{"image": 0, "video": 0}'.`);
  out.settings.textOnly = counts.every((c) => c === 0);
}

function speculativeConfig(out: EngineArgs, v: string, name: string): void {
  const o = jsonObject(name, v);
  const method = typeof o.method === "string" ? o.method.toLowerCase() : undefined;
  if (method !== undefined && !/mtp$/.test(method)) fail("unsupported", `${name} method '${String(o.method).slice(0, 30)}' is not modelled; FitMyGPU models MTP drafters (method "mtp") only.`);
  if (o.model !== undefined && method === undefined) fail("unsupported", `${name} with a draft model is not modelled; FitMyGPU models MTP drafters (method "mtp") only.`);
  const k = o.num_speculative_tokens;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k > 64) fail("invalid", `${name} needs num_speculative_tokens, a whole number from 0 to 64.`);
  out.settings.speculativeTokens = k;
}

const VLLM: FlagSpec[] = [
  value(["--model"], (out, v) => (out.model = v)),
  value(["--max-model-len"], (out, v, name) => {
    if (/^(auto|-1)$/i.test(v.trim())) fail("unsupported", `${name} ${v} asks vLLM to pick the longest context that fits; FitMyGPU answers that as the max context (estimate's maxContext, FIT.MAXCTX). Give a number here.`);
    out.settings.maxModelLen = int(name, v, 1, MAX_TOKENS);
  }),
  value(["--gpu-memory-utilization"], set("memoryFraction", fraction)),
  value(["--tensor-parallel-size", "-tp"], set("tensorParallel", positive(1024))),
  value(["--max-num-seqs"], set("maxNumSeqs", positive(1_000_000))),
  value(["--max-num-batched-tokens"], set("maxNumBatchedTokens", positive(MAX_TOKENS))),
  sw(["--enable-chunked-prefill"], (out) => (out.settings.chunkedPrefill = true)),
  sw(["--no-enable-chunked-prefill"], (out) => (out.settings.chunkedPrefill = false)),
  sw(["--enable-prefix-caching"], (out) => (out.settings.prefixCaching = true)),
  sw(["--no-enable-prefix-caching"], (out) => (out.settings.prefixCaching = false)),
  sw(["--enforce-eager"], (out) => (out.settings.enforceEager = true)),
  value(["--kv-cache-dtype"], set("kvCacheDtype", kvDtype)),
  value(["--block-size"], set("blockSize", positive(1024))),
  value(["--limit-mm-per-prompt"], limitMm),
  value(["--speculative-config"], speculativeConfig),
  value(["--num-speculative-tokens"], set("speculativeTokens", (n, v) => int(n, v, 0, 64))),
  value(["--kv-cache-memory", "--kv-cache-memory-bytes"], set("kvCacheMemoryBytes", bytes)),
  value(["--mamba-ssm-cache-dtype"], (out, v, name) => {
    const k = v.trim().toLowerCase();
    if (k === "auto") return;
    if (k !== "float32" && k !== "bfloat16" && k !== "float16") fail("invalid", `${name} must be auto, float32, bfloat16 or float16.`);
    out.settings.ssmCacheDtype = k;
  }),
  value(["--quantization", "-q"], quantFlag(VLLM_QUANT)),
  value(["--dtype"], (out, v, name) => {
    const k = v.trim().toLowerCase();
    if (k === "float32") out.quant = "fp32";
    else if (!["auto", "half", "float16", "bfloat16", "float"].includes(k)) fail("invalid", `${name} must be auto, half, float16, bfloat16 or float32.`);
    if (k === "float") out.quant = "fp32";
  }),
  value(["--cpu-offload-gb"], set("cpuOffloadBytes", (n, v) => {
    const x = Number(v);
    if (!(x >= 0 && x < 1e6)) fail("invalid", `${n} must be a number of GiB, got '${v.slice(0, 30)}'.`);
    return x * GiB;
  })),
  value(["--pipeline-parallel-size", "-pp"], (_out, v, name) => {
    if (int(name, v, 1, 1024) !== 1) fail("unsupported", `${name} ${v}: pipeline parallelism is not modelled; FitMyGPU models tensor parallelism (-tp).`);
  }),
  value(["--data-parallel-size", "-dp"], noop),
  ignoredSwitch("--enable-expert-parallel", "--trust-remote-code", "--disable-log-requests", "--disable-log-stats", "--enable-log-requests", "--enable-auto-tool-choice", "--disable-fastapi-docs", "--enable-prompt-tokens-details", "--disable-frontend-multiprocessing", "--disable-custom-all-reduce", "--async-scheduling", "--enable-force-include-usage", "--disable-uvicorn-access-log", "--enable-server-load-tracking", "--headless"),
  ignoredValue("--host", "--port", "--api-key", "--served-model-name", "--uvicorn-log-level", "--tokenizer", "--tokenizer-mode", "--chat-template", "--tool-call-parser", "--reasoning-parser", "--download-dir", "--seed", "--revision", "--code-revision", "--tokenizer-revision", "--generation-config", "--max-log-len", "--allowed-origins", "--allowed-methods", "--allowed-headers", "--ssl-keyfile", "--ssl-certfile", "--root-path", "--response-role", "--load-format", "--config-format", "--hf-token", "--api-server-count", "--distributed-executor-backend", "--swap-space", "--max-num-partial-prefills", "--max-long-partial-prefills", "--guided-decoding-backend", "--override-generation-config", "--chat-template-content-format", "--middleware", "--scheduling-policy", "--max-parallel-loading-workers", "--log-level", "--otlp-traces-endpoint", "--data-parallel-address", "--data-parallel-rpc-port", "--data-parallel-start-rank", "--data-parallel-size-local", "--mm-processor-kwargs", "--media-io-kwargs", "--structured-outputs-config"),
  unmodelled(["--enable-lora"], "LoRA adapters add weights and activation buffers", "switch"),
  unmodelled(["--lora-modules", "--max-loras", "--max-lora-rank"], "LoRA adapters add weights and activation buffers"),
  unmodelled(["--compilation-config", "-O", "--cuda-graph-sizes"], "it changes which CUDA graphs are captured and their memory"),
  unmodelled(["--disable-sliding-window"], "sliding layers would then hold the full context", "switch"),
  unmodelled(["--hf-overrides", "--rope-scaling", "--rope-theta"], "it changes the model's config"),
  unmodelled(["--mamba-cache-dtype"], "the conv-state dtype is taken from the model"),
  unmodelled(["--num-gpu-blocks-override"], "it fixes the KV pool by block count"),
];

// ---- SGLang ----------------------------------------------------------------------

const SGLANG_QUANT: Record<string, string> = { awq: "awq", awq_marlin: "awq", gptq: "gptq", gptq_marlin: "gptq", fp8: "fp8", bitsandbytes: "bnb-nf4", w8a8_int8: "int8", mxfp4: "mxfp4", modelopt_fp4: "nvfp4" };

const SGLANG: FlagSpec[] = [
  value(["--model-path", "--model"], (out, v) => (out.model = v)),
  value(["--context-length"], set("maxModelLen", positive(MAX_TOKENS))),
  value(["--mem-fraction-static"], set("memoryFraction", fraction)),
  value(["--tp-size", "--tp", "--tensor-parallel-size"], set("tensorParallel", positive(1024))),
  value(["--max-running-requests"], set("maxNumSeqs", positive(1_000_000))),
  value(["--chunked-prefill-size"], (out, v, name) => {
    // -1 disables chunking: the whole prompt is one chunk.
    out.settings.maxNumBatchedTokens = v.trim() === "-1" ? 0 : int(name, v, 1, MAX_TOKENS);
  }),
  value(["--max-total-tokens"], set("maxTotalTokens", positive(1_000_000_000))),
  value(["--kv-cache-dtype"], set("kvCacheDtype", kvDtype)),
  sw(["--disable-cuda-graph"], (out) => (out.settings.enforceEager = true)),
  value(["--cuda-graph-max-bs"], set("cudaGraphMaxBs", positive(100_000))),
  value(["--quantization"], quantFlag(SGLANG_QUANT)),
  value(["--dtype"], (out, v, name) => {
    const k = v.trim().toLowerCase();
    if (k === "float32") out.quant = "fp32";
    else if (!["auto", "half", "float16", "bfloat16"].includes(k)) fail("invalid", `${name} must be auto, half, float16, bfloat16 or float32.`);
  }),
  value(["--dp-size", "--dp"], noop),
  sw(["--enable-piecewise-cuda-graph"], (out) => (out.settings.piecewiseCudaGraph = true)),
  sw(["--disable-piecewise-cuda-graph"], (out) => (out.settings.piecewiseCudaGraph = false)),
  value(["--piecewise-cuda-graph-max-tokens"], set("piecewiseMaxTokens", positive(MAX_TOKENS))),
  ignoredSwitch("--trust-remote-code", "--enable-metrics", "--disable-radix-cache", "--enable-torch-compile", "--log-requests", "--enable-cache-report", "--skip-server-warmup", "--enable-mixed-chunk", "--disable-overlap-schedule", "--show-time-cost", "--enable-multimodal", "--enable-p2p-check", "--skip-tokenizer-init", "--disable-outlines-disk-cache"),
  ignoredValue("--host", "--port", "--api-key", "--served-model-name", "--tokenizer-path", "--chat-template", "--log-level", "--reasoning-parser", "--tool-call-parser", "--schedule-policy", "--grammar-backend", "--attention-backend", "--sampling-backend", "--random-seed", "--download-dir", "--revision", "--load-format", "--device", "--piecewise-cuda-graph-compiler", "--stream-interval", "--watchdog-timeout", "--page-size", "--schedule-conservativeness", "--nnodes", "--node-rank", "--dist-init-addr", "--decode-log-interval"),
  unmodelled(["--speculative-algorithm", "--speculative-draft-model-path", "--speculative-num-steps", "--speculative-eagle-topk", "--speculative-num-draft-tokens"], "speculative decoding on SGLang adds draft weights and KV"),
  unmodelled(["--enable-dp-attention"], "data-parallel attention changes how KV is split", "switch"),
  unmodelled(["--ep-size", "--ep"], "expert parallelism changes the per-GPU weights"),
  unmodelled(["--lora-paths", "--max-loras-per-batch"], "LoRA adapters add weights"),
  unmodelled(["--mamba-full-memory-ratio", "--max-mamba-cache-size"], "the hybrid state pool split is not modelled"),
];

// ---- llama.cpp -------------------------------------------------------------------

/** llama.cpp cache types we model: f16 (fp16), bf16, q8_0, q4_0; the others are refused by name. */
function ggmlKv(name: string, v: string): string {
  const k = v.trim().toLowerCase();
  if (k === "f16" || k === "bf16" || k === "q8_0" || k === "q4_0") return kvDtype(name, k);
  return fail("unsupported", `${name} ${v.slice(0, 20)} is not modelled; FitMyGPU models the f16, bf16, q8_0 and q4_0 cache types.`);
}

function flashAttn(out: EngineArgs, v: string, name: string): void {
  const k = v.trim().toLowerCase();
  if (k === "auto") delete out.settings.flashAttention;
  else out.settings.flashAttention = bool(name, k);
}

function overrideTensor(out: EngineArgs, v: string, name: string): void {
  // -ot "exps=CPU" or several: "blk\.(1|2)\.ffn.*=CPU,exps=CUDA0".
  const rules = v.split(",").map((r) => {
    const eq = r.lastIndexOf("=");
    if (eq <= 0) fail("invalid", `${name} takes pattern=device pairs, e.g. "exps=CPU", got '${r.slice(0, 40)}'.`);
    return { pattern: r.slice(0, eq), device: r.slice(eq + 1) };
  });
  out.settings.overrideTensors = [...(out.settings.overrideTensors ?? []), ...rules];
}

const LLAMA: FlagSpec[] = [
  value(["--model", "-m"], (out, v) => (out.model = v)),
  value(["--hf-repo", "-hf", "-hfr"], (out, v) => (out.model = v)),
  value(["--ctx-size", "-c"], (out, v, name) => {
    // -c 0 takes the model's training context.
    out.settings.ctxSize = int(name, v, 0, MAX_TOKENS) || undefined;
  }),
  value(["--parallel", "-np"], set("parallel", positive(10_000))),
  value(["--ubatch-size", "-ub"], set("ubatch", positive(1_000_000))),
  value(["--batch-size", "-b"], set("batch", positive(1_000_000))),
  { names: ["--flash-attn", "-fa"], kind: "onOff", effect: "memory", apply: flashAttn },
  value(["--cache-type-k", "-ctk"], set("kvCacheDtypeK", ggmlKv)),
  value(["--cache-type-v", "-ctv"], set("kvCacheDtypeV", ggmlKv)),
  value(["--mmproj", "-mm", "--mmproj-url", "-mmu"], (out) => (out.settings.mmproj = true)),
  sw(["--no-mmproj"], (out) => (out.settings.mmproj = false)),
  value(["--n-gpu-layers", "-ngl", "--gpu-layers"], (out, v, name) => {
    out.settings.gpuLayers = /^(all|auto)$/i.test(v.trim()) ? 1_000_000 : int(name, v, 0, 1_000_000);
  }),
  value(["--override-tensor", "-ot"], overrideTensor),
  value(["--n-cpu-moe", "-ncmoe"], set("cpuMoeLayers", (n, v) => int(n, v, 0, 100_000))),
  sw(["--cpu-moe", "-cmoe"], (out) => (out.settings.cpuMoeLayers = 1_000_000)),
  value(["--tensor-split", "-ts"], (out, v, name) => {
    const parts = v.split(/[,/]/).map(Number);
    if (!parts.length || parts.some((x) => !(x >= 0) || !Number.isFinite(x)) || !parts.some((x) => x > 0)) fail("invalid", `${name} takes split proportions like 3,1, got '${v.slice(0, 40)}'.`);
    out.settings.tensorSplit = parts;
  }),
  value(["--split-mode", "-sm"], (out, v, name) => {
    const k = v.trim().toLowerCase();
    if (k !== "layer" && k !== "row" && k !== "none") fail("invalid", `${name} must be none, layer or row.`);
    out.settings.splitMode = k;
  }),
  sw(["--no-kv-offload", "-nkvo"], (out) => (out.settings.noKvOffload = true)),
  ignoredSwitch("--jinja", "--no-webui", "--metrics", "--slots", "--no-slots", "--cont-batching", "-cb", "--no-cont-batching", "-nocb", "--mlock", "--no-mmap", "--verbose", "-v", "--log-disable", "--log-timestamps", "--log-prefix", "--log-colors", "--props", "--embedding", "--embeddings", "--reranking", "--no-warmup", "--kv-unified", "-kvu", "--swa-full", "--context-shift", "--no-context-shift", "--check-tensors", "--no-perf", "--special", "-sp", "--escape", "--no-escape", "-e", "--interactive", "-i", "-cnv", "--conversation", "-no-cnv", "-st", "--single-turn"),
  ignoredValue("--host", "--port", "--threads", "-t", "--threads-batch", "-tb", "--api-key", "--chat-template", "--chat-template-file", "--temp", "--top-k", "--top-p", "--min-p", "--repeat-penalty", "--repeat-last-n", "--presence-penalty", "--frequency-penalty", "--n-predict", "-n", "--seed", "-s", "--alias", "-a", "--timeout", "--numa", "--rope-scaling", "--rope-scale", "--rope-freq-base", "--rope-freq-scale", "--yarn-orig-ctx", "--reasoning-format", "--reasoning-budget", "--cache-reuse", "--main-gpu", "-mg", "--device", "-dev", "--prompt", "-p", "--file", "-f", "--system-prompt", "-sys", "--log-file", "--log-verbosity", "-lv", "--poll", "--prio", "--keep", "--n-probs", "--path", "--api-prefix", "--hf-token", "-hft", "--hf-file", "-hff", "--threads-http", "--sleep-idle-seconds"),
  unmodelled(["--model-draft", "-md", "--draft-max", "--draft", "--hf-repo-draft", "-hfd"], "a draft model adds its own weights and KV"),
  unmodelled(["--lora", "--lora-scaled", "--control-vector"], "adapters add weights"),
  unmodelled(["--fit", "-fit", "--fit-target", "-fitt"], "llama.cpp's own fitting changes -c and -ngl; FitMyGPU tells you what fits instead (max context, most GPU layers)"),
];

// ---- Ollama ----------------------------------------------------------------------

/** Ollama reads a boolean environment variable with strconv.ParseBool-like rules. */
const OLLAMA: FlagSpec[] = [
  value(["num_ctx", "OLLAMA_CONTEXT_LENGTH"], set("maxModelLen", positive(MAX_TOKENS))),
  value(["OLLAMA_NUM_PARALLEL"], set("parallel", positive(10_000))),
  value(["OLLAMA_KV_CACHE_TYPE"], set("kvCacheDtype", ggmlKv)),
  value(["OLLAMA_FLASH_ATTENTION"], set("flashAttention", bool)),
  value(["OLLAMA_GPU_OVERHEAD"], set("gpuOverheadBytes", (n, v) => int(n, v, 0, 2 ** 50))),
  value(["num_gpu"], set("gpuLayers", (n, v) => int(n, v, 0, 1_000_000))),
  value(["num_batch"], set("ubatch", positive(1_000_000))),
  ignoredValue("OLLAMA_HOST", "OLLAMA_KEEP_ALIVE", "OLLAMA_MODELS", "OLLAMA_DEBUG", "OLLAMA_ORIGINS", "OLLAMA_MAX_LOADED_MODELS", "OLLAMA_MAX_QUEUE", "OLLAMA_SCHED_SPREAD", "OLLAMA_NOPRUNE", "OLLAMA_LOAD_TIMEOUT", "OLLAMA_NOHISTORY", "OLLAMA_MULTIUSER_CACHE", "OLLAMA_NEW_ENGINE", "OLLAMA_LLM_LIBRARY", "CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "num_predict", "num_thread", "temperature", "top_k", "top_p", "min_p", "repeat_penalty", "repeat_last_n", "seed", "stop", "num_keep", "mirostat", "mirostat_eta", "mirostat_tau", "tfs_z", "typical_p", "presence_penalty", "frequency_penalty", "use_mmap", "use_mlock", "numa", "main_gpu"),
  ignoredSwitch("--verbose", "--insecure", "--nowordwrap"),
  unmodelled(["--think", "--format", "--keepalive"], "it is a chat option, not a server setting"),
];

// ---- Transformers ----------------------------------------------------------------

const TRANSFORMERS: FlagSpec[] = [
  value(["model", "pretrained_model_name_or_path"], (out, v) => (out.model = v)),
  value(["attn_implementation"], (out, v, name) => {
    const k = v.trim().toLowerCase();
    if (k !== "eager" && k !== "sdpa" && k !== "flash_attention_2") fail("unsupported", `${name}=${v.slice(0, 30)} is not modelled; FitMyGPU models eager, sdpa and flash_attention_2.`);
    out.settings.attnImplementation = k;
  }),
  value(["cache_implementation"], (out, v, name) => {
    const k = v.trim().toLowerCase();
    if (k !== "dynamic" && k !== "static") fail("unsupported", `${name}=${v.slice(0, 30)} is not modelled; FitMyGPU models the dynamic and static caches.`);
    out.settings.cacheImplementation = k;
  }),
  value(["max_new_tokens"], set("maxNewTokens", positive(MAX_TOKENS))),
  value(["dtype", "torch_dtype"], (out, v, name) => {
    const k = v.trim().toLowerCase().replace(/^torch\./, "");
    if (k === "float32") out.quant = "fp32";
    else if (k === "float16") out.quant = "fp16";
    else if (k === "bfloat16") out.quant = "bf16";
    else if (k !== "auto") fail("invalid", `${name} must be auto, bfloat16, float16 or float32.`);
  }),
  value(["load_in_4bit"], (out, v, name) => {
    if (bool(name, v)) out.quant = "bnb-nf4";
  }),
  value(["load_in_8bit"], (out, v, name) => {
    if (bool(name, v)) out.quant = "bnb-int8";
  }),
  ignoredValue("device_map", "do_sample", "temperature", "top_p", "top_k", "trust_remote_code", "use_cache", "low_cpu_mem_usage", "revision", "num_beams_ignored"),
  unmodelled(["num_beams"], "beam search keeps a cache per beam"),
];

// ---- MLX -------------------------------------------------------------------------

const MLX: FlagSpec[] = [
  value(["--model"], (out, v) => (out.model = v)),
  value(["--max-kv-size"], set("maxKvSize", positive(MAX_TOKENS))),
  value(["--kv-bits"], (out, v, name) => {
    const k = int(name, v, 1, 16);
    if (k !== 8 && k !== 4) fail("unsupported", `${name} ${k} is not modelled; FitMyGPU models 8- and 4-bit KV caches.`);
    out.settings.kvCacheDtype = k === 8 ? "q8_0" : "q4_0";
  }),
  value(["--max-tokens", "-m"], set("maxNewTokens", positive(MAX_TOKENS))),
  value(["--prefill-step-size"], set("prefillStepSize", positive(1_000_000))),
  ignoredValue("--prompt", "-p", "--temp", "--top-p", "--min-p", "--top-k", "--seed", "--system-prompt", "--chat-template-config", "--adapter-path", "--host", "--port", "--kv-group-size", "--quantized-kv-start", "--draft-model", "--num-draft-tokens", "--max-tokens-per-sec"),
  ignoredSwitch("--verbose", "--ignore-chat-template", "--use-default-chat-template", "--trust-remote-code"),
];

export const FLAG_TABLES: Record<RuntimeId, FlagSpec[]> = { vllm: VLLM, sglang: SGLANG, "llama.cpp": LLAMA, ollama: OLLAMA, transformers: TRANSFORMERS, mlx: MLX };

/** How to recognise each engine's program at the start of a command; `match` returns the words it consumed. */
export interface Program {
  runtime: RuntimeId;
  engine: string;
  /** The first plain word after the program is the model (vllm serve MODEL, ollama run TAG). */
  positionalModel: boolean;
  match: (words: string[]) => number | undefined;
}

const base = (w: string | undefined) => (w ?? "").split(/[\\/]/).pop()!.toLowerCase();
const isPython = (w: string | undefined) => /^python(\d(\.\d+)?)?(\.exe)?$/.test(base(w));

export const PROGRAMS: Program[] = [
  {
    runtime: "vllm",
    engine: "vLLM",
    positionalModel: true,
    match: (w) => {
      if (base(w[0]) === "vllm" && w[1] === "serve") return 2;
      if (isPython(w[0]) && w[1] === "-m" && /^vllm\.entrypoints\.(openai\.)?api_server$/.test(w[2] ?? "")) return 3;
      return undefined;
    },
  },
  {
    runtime: "sglang",
    engine: "SGLang",
    positionalModel: false,
    match: (w) => {
      if (isPython(w[0]) && w[1] === "-m" && (w[2] === "sglang.launch_server" || w[2] === "sglang.bench_one_batch")) return 3;
      if (base(w[0]) === "sglang" && w[1] === "serve") return 2;
      return undefined;
    },
  },
  {
    runtime: "llama.cpp",
    engine: "llama.cpp",
    positionalModel: false,
    match: (w) => (/^llama-(server|cli|bench)(\.exe)?$/.test(base(w[0])) ? 1 : undefined),
  },
  {
    runtime: "ollama",
    engine: "Ollama",
    positionalModel: true,
    match: (w) => (base(w[0]) === "ollama" && (w[1] === "run" || w[1] === "serve") ? 2 : undefined),
  },
  {
    runtime: "mlx",
    engine: "MLX",
    positionalModel: false,
    match: (w) => {
      if (/^mlx_lm\.(generate|server)$/.test(base(w[0]))) return 1;
      if (base(w[0]) === "mlx_lm" && (w[1] === "generate" || w[1] === "server")) return 2;
      if (isPython(w[0]) && w[1] === "-m" && /^mlx_lm(\.(generate|server))?$/.test(w[2] ?? "")) return w[2] === "mlx_lm" && (w[3] === "generate" || w[3] === "server") ? 4 : 3;
      return undefined;
    },
  },
  {
    runtime: "transformers",
    engine: "Transformers",
    positionalModel: false,
    match: (w) => (base(w[0]) === "transformers" ? 1 : undefined),
  },
];
