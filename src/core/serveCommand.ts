// A whole serve command as input: `vllm serve Qwen/Qwen3-8B-AWQ --max-model-len 32768 -tp 2`,
// `llama-server -m Qwen3-8B-Q4_K_M.gguf -c 65536 -np 2`, `OLLAMA_NUM_PARALLEL=2 ollama run qwen3:8b`.
// The command names the engine, the model (a Hugging Face repo, a GGUF file or
// an Ollama tag, with the weight format its name implies) and the engine flags.
import { findModel } from "./catalog";
import { parseCommand } from "./engineFlags";
import { fail, isFitError } from "./errors";
import type { EstimateInput } from "./estimate";

/** Weight formats named in checkpoint, GGUF file and Ollama tag names, most specific first. */
const NAME_QUANTS: Array<[RegExp, string]> = [
  [/(^|[-_.:])(iq1_s)(?=$|[-_.])/i, "iq1_s"],
  [/(^|[-_.:])(iq1_m)(?=$|[-_.])/i, "iq1_m"],
  [/(^|[-_.:])(iq2_xxs)(?=$|[-_.])/i, "iq2_xxs"],
  [/(^|[-_.:])(iq2_m)(?=$|[-_.])/i, "iq2_m"],
  [/(^|[-_.:])(iq3_xxs)(?=$|[-_.])/i, "iq3_xxs"],
  [/(^|[-_.:])(iq3_m)(?=$|[-_.])/i, "iq3_m"],
  [/(^|[-_.:])(iq4_xs)(?=$|[-_.])/i, "iq4_xs"],
  [/(^|[-_.:])(iq4_nl)(?=$|[-_.])/i, "iq4_nl"],
  [/(^|[-_.:])(q2_k)(?=$|[-_.])/i, "q2_k"],
  [/(^|[-_.:])(q3_k_s)(?=$|[-_.])/i, "q3_k_s"],
  [/(^|[-_.:])(q3_k_m)(?=$|[-_.])/i, "q3_k_m"],
  [/(^|[-_.:])(q3_k_l)(?=$|[-_.])/i, "q3_k_l"],
  [/(^|[-_.:])(q4_k_s)(?=$|[-_.])/i, "q4_k_s"],
  [/(^|[-_.:])(q4_k_m)(?=$|[-_.])/i, "q4_k_m"],
  [/(^|[-_.:])(q4_0)(?=$|[-_.])/i, "q4_0"],
  [/(^|[-_.:])(q4_1)(?=$|[-_.])/i, "q4_1"],
  [/(^|[-_.:])(q5_k_s)(?=$|[-_.])/i, "q5_k_s"],
  [/(^|[-_.:])(q5_k_m)(?=$|[-_.])/i, "q5_k_m"],
  [/(^|[-_.:])(q6_k)(?=$|[-_.])/i, "q6_k"],
  [/(^|[-_.:])(q8_0)(?=$|[-_.])/i, "q8_0"],
  [/(^|[-_.:])(bf16)(?=$|[-_.])/i, "bf16"],
  [/(^|[-_.:])(f16|fp16)(?=$|[-_.])/i, "fp16"],
  [/(^|[-_.:])(awq)(?=$|[-_.])/i, "awq"],
  [/(^|[-_.:])gptq[-_]int8(?=$|[-_.])/i, "gptq-int8"],
  [/(^|[-_.:])(gptq)([-_]int4)?(?=$|[-_.])/i, "gptq"],
  [/(^|[-_.:])(nvfp4)(?=$|[-_.])/i, "nvfp4"],
  [/(^|[-_.:])(mxfp4)(?=$|[-_.])/i, "mxfp4"],
  [/(^|[-_.:])(fp8)([-_]dynamic)?(?=$|[-_.])/i, "fp8"],
  [/(^|[-_.:])(bnb[-_]4bit)(?=$|[-_.])/i, "bnb-nf4"],
  [/(^|[-_.:])(4bit)(?=$|[-_.])/i, "mlx-4bit"],
  [/(^|[-_.:])(8bit)(?=$|[-_.])/i, "mlx-8bit"],
];

/** The weight format a model name implies (a GGUF file's type, a repo's -AWQ suffix), if any. */
export function quantFromName(name: string): string | undefined {
  for (const [re, q] of NAME_QUANTS) if (re.test(name)) return q;
  return undefined;
}

/** Names to try for a model named in a command: as given, then without path, extension, split suffix, quant and GGUF markers. */
function candidates(name: string): string[] {
  const out = [name];
  let base = name.replace(/\\/g, "/");
  // A local path or GGUF file: the file name; a Hub repo keeps owner/name.
  if (base.startsWith("/") || base.startsWith(".") || /\.gguf$/i.test(base) || base.split("/").length > 2) base = base.split("/").pop() ?? base;
  base = base.replace(/\.gguf$/i, "").replace(/-\d{5}-of-\d{5}$/i, "");
  out.push(base);
  let stripped = base;
  for (const [re] of NAME_QUANTS) stripped = stripped.replace(re, "");
  stripped = stripped.replace(/[-_.](gguf|ud|imatrix|i1)(?=$|[-_.])/gi, "").replace(/[-_.:]+$/, "");
  out.push(stripped);
  // "Qwen/Qwen3-8B-GGUF" → "Qwen/Qwen3-8B"; "unsloth/Qwen3-8B-GGUF" → "Qwen3-8B".
  if (stripped.includes("/")) out.push(stripped.split("/").pop()!);
  // Ollama tags: "qwen3:8b-instruct-q8_0" → "qwen3:8b".
  const tag = /^([^:]+):([0-9.]+[a-z]?)(?:-|$)/i.exec(base);
  if (tag) out.push(`${tag[1]}:${tag[2]}`);
  return [...new Set(out.filter((s) => s.trim() !== ""))];
}

/** Finds the catalog model a command names; the error is the resolver's for the name as given. */
export function modelFromCommand(name: string): string {
  let first: unknown;
  for (const c of candidates(name)) {
    try {
      return findModel(c).record.id;
    } catch (e) {
      if (!isFitError(e)) throw e;
      first ??= e;
    }
  }
  throw first;
}

/** The estimate input a serve command describes: engine, model, weight format and flags (the rest of the input is the caller's). */
export function commandInput(text: string): EstimateInput & { model: string; runtime: string; engineArgs: string } {
  const parsed = parseCommand(text);
  if (!parsed.model) fail("invalid", `The command names no model: give it as ${parsed.runtime === "llama.cpp" ? "-m FILE.gguf" : parsed.runtime === "sglang" ? "--model-path REPO" : parsed.runtime === "ollama" ? "ollama run TAG" : "the model after the program (vllm serve REPO) or --model REPO"}.`);
  const model = modelFromCommand(parsed.model);
  // Ollama's library tags are Q4_K_M unless the tag names another type.
  const quant = parsed.quant ?? quantFromName(parsed.model) ?? (parsed.runtime === "ollama" ? "q4_k_m" : undefined);
  return { model, runtime: parsed.runtime, quant, engineArgs: parsed.flagsText };
}
