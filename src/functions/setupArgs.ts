// Builds the core's inputs from one position of a FIT.* call, with the same
// defaults as the CLI: native weights, 4,096 tokens, 1 request, vLLM, auto KV, 1 GPU.
// A blank cell is left to the engine's flags (engine_args) first, as on the CLI.
import { findModel, findRuntime } from "../core/catalog";
import { MAX_BATCH, MAX_CTX, MAX_GPUS, placedSetup, prepare, type EstimateInput, type Prepared } from "../core/estimate";
import { positiveInt } from "../core/errors";
import { count, isBlank, requiredText, text, type Cell } from "./cellArgs";

export const DEFAULT_CTX = 4096;
export const DEFAULT_BATCH = 1;

/** Names of a setup, in the order a FIT function receives them (any may be absent). */
export interface SetupCells {
  model: Cell;
  gpu?: Cell;
  quant?: Cell;
  runtime?: Cell;
  kvDtype?: Cell;
  gpus?: Cell;
  engineArgs?: Cell;
}

/** The estimator input for one cell position. */
export function setupInput(c: SetupCells, needGpu: boolean): EstimateInput {
  return {
    model: requiredText("model", c.model),
    gpu: needGpu ? requiredText("gpu", c.gpu) : undefined,
    quant: text("quant", c.quant) ?? null,
    runtime: text("runtime", c.runtime, "vllm"),
    kvDtype: text("kv_dtype", c.kvDtype) ?? null,
    gpus: isBlank(c.gpus) ? null : positiveInt("gpus", count("gpus", c.gpus ?? null, 1), MAX_GPUS),
    engineArgs: text("engine_args", c.engineArgs) ?? null,
  };
}

/** The setup as the engine runs it at one cell position: ctx and batch as given, else from engine_args (-c, -np, --max-model-len, --max-num-seqs), else 4,096 × 1. */
export function placedAt(input: EstimateInput, ctx: Cell, batch: Cell): { p: Prepared; ctx: number; batch: number } {
  const c = isBlank(ctx) ? null : ctxOf(ctx);
  const b = isBlank(batch) ? null : batchOf(batch);
  // The hot path (a sheet of thousands of cells): one cached lookup unless the flags or Ollama's own placement are involved.
  const p = prepare(input);
  if (c !== null && b !== null && p.setup.runtime.id !== "ollama") return { p, ctx: c, batch: b };
  return placedSetup({ ...input, ctx: c, batch: b });
}

/** A context length in tokens (default 4,096). */
export const ctxOf = (v: Cell): number => positiveInt("ctx", count("ctx", v, DEFAULT_CTX), MAX_CTX);
/** A number of concurrent requests (default 1). */
export const batchOf = (v: Cell): number => positiveInt("batch", count("batch", v, DEFAULT_BATCH), MAX_BATCH);

/**
 * The weight format KVCACHE assumes: the checkpoint's own when the engine runs
 * it, else bf16/fp16 (weights do not change the KV cache, only what the engine accepts).
 */
export function quantForKv(model: string, runtime: string | undefined): string {
  const rt = findRuntime(runtime ?? "vllm");
  const dtype = findModel(model).record.checkpoint.dtype;
  if (rt.quants.includes(dtype)) return "native";
  return rt.quants.find((q) => q === "bf16" || q === "fp16") ?? rt.quants[0];
}
