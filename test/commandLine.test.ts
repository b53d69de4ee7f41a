// The command that reproduces a setup: building it and reading it back
// (commandInput) gives the same fields and the same estimate, for every
// engine; a pasted command splits into the calculator's fields and the flags
// no field holds; flags that belong in a field are refused by name.
import { catalog, findModel } from "../src/core/catalog";
import { buildCommand, checkEngineFlags, fieldsFromCommand, type CommandSetup } from "../src/core/commandLine";
import { estimate, type EstimateInput } from "../src/core/estimate";
import { commandInput } from "../src/core/serveCommand";

/** The estimate input a calculator holding these fields passes to the core. */
function inputOf(s: CommandSetup): EstimateInput {
  return { model: s.model as string, runtime: s.runtime, quant: s.quant, ctx: s.ctx, batch: s.batch, gpus: s.gpus, kvDtype: s.kvDtype === "auto" ? null : s.kvDtype, gpuUtil: s.gpuUtil ?? null, speculativeTokens: s.speculativeTokens ?? null, engineArgs: s.engineArgs ?? null, gpu: s.runtime === "mlx" ? "m3 ultra" : "h100 sxm" };
}

/** Builds the command, reads it back, and returns the fields with the calculator's own values where the command says nothing. */
function roundTrip(s: CommandSetup): CommandSetup {
  const f = fieldsFromCommand(buildCommand(s).command);
  return { model: f.model, runtime: f.runtime, quant: f.quant ?? "native", ctx: f.ctx ?? s.ctx, batch: f.batch ?? s.batch, gpus: f.gpus ?? s.gpus, kvDtype: f.kvDtype ?? "auto", gpuUtil: f.gpuUtil ?? null, speculativeTokens: f.speculativeTokens ?? null, engineArgs: f.engineArgs };
}

const base: CommandSetup = { model: "qwen3-8b", runtime: "vllm", quant: "native", ctx: 32768, batch: 4, gpus: 1, kvDtype: "auto", gpuUtil: null, engineArgs: "" };

describe("buildCommand", () => {
  test.each<[string, Partial<CommandSetup>, string]>([
    ["vLLM", { gpus: 2, gpuUtil: 0.85, kvDtype: "fp8", engineArgs: "--max-num-seqs 64" }, "vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2 --gpu-memory-utilization 0.85 --kv-cache-dtype fp8 --max-num-seqs 64"],
    ["vLLM with an AWQ repo", { quant: "awq" }, "vllm serve Qwen/Qwen3-8B-AWQ --max-model-len 32768"],
    ["SGLang", { runtime: "sglang", gpus: 2, gpuUtil: 0.8 }, "python -m sglang.launch_server --model-path Qwen/Qwen3-8B --context-length 32768 --tp 2 --mem-fraction-static 0.8"],
    ["llama.cpp", { runtime: "llama.cpp", quant: "q4_k_m", batch: 2, kvDtype: "q8_0" }, "llama-server -m Qwen3-8B-Q4_K_M.gguf -c 65536 -np 2 -ctk q8_0 -ctv q8_0"],
    ["Ollama", { runtime: "ollama", quant: "q8_0", batch: 2, ctx: 8192 }, "OLLAMA_CONTEXT_LENGTH=8192 OLLAMA_NUM_PARALLEL=2 ollama run qwen3:8b-q8_0"],
    ["Transformers", { runtime: "transformers", quant: "bnb-nf4" }, "transformers model=Qwen/Qwen3-8B load_in_4bit=true"],
    ["MLX", { runtime: "mlx", quant: "mlx-4bit" }, "mlx_lm.generate --model mlx-community/Qwen3-8B-4bit"],
  ])("%s", (_name, change, command) => expect(buildCommand({ ...base, ...change }).command).toBe(command));

  test("says what the command cannot carry", () => {
    expect(buildCommand({ ...base, engineVersion: "0.6.3" }).notes.join(" ")).toMatch(/not told the concurrency.*pip install vllm==0\.6\.3/);
    expect(buildCommand({ ...base, runtime: "ollama", quant: "q4_k_m" }).notes.join(" ")).toMatch(/Ollama server \(ollama serve\)/);
  });

  test("vLLM MTP speculative decoding is a --speculative-config", () => {
    expect(buildCommand({ ...base, model: "qwen3.5-35b-a3b", speculativeTokens: 2 }).command).toBe(`vllm serve Qwen/Qwen3.5-35B-A3B --max-model-len 32768 --speculative-config '{"method":"mtp","num_speculative_tokens":2}'`);
  });
});

describe("building then parsing round-trips", () => {
  const cases: Array<Partial<CommandSetup>> = [
    {},
    { gpus: 2, gpuUtil: 0.85, kvDtype: "fp8", engineArgs: "--max-num-seqs 64 --enforce-eager" },
    { quant: "awq" },
    { quant: "fp8", gpus: 4 },
    { runtime: "sglang", gpus: 2, gpuUtil: 0.8, kvDtype: "fp8_e5m2" },
    { runtime: "llama.cpp", quant: "q4_k_m", batch: 3, ctx: 16384, kvDtype: "q8_0" },
    { runtime: "llama.cpp", quant: "q6_k", gpus: 2, engineArgs: "-ub 256" },
    { runtime: "llama.cpp", quant: "bf16" },
    { runtime: "ollama", quant: "q4_k_m", batch: 2, ctx: 8192 },
    { runtime: "ollama", quant: "q8_0", kvDtype: "q8_0" },
    { runtime: "transformers", quant: "bnb-nf4", batch: 1 },
    { runtime: "mlx", quant: "mlx-8bit", kvDtype: "q8_0" },
  ];
  test.each(cases.map((c) => [JSON.stringify(c), c] as const))("%s", (_name, change) => {
    const s = { ...base, ...change };
    const back = roundTrip(s);
    expect(back).toMatchObject({ model: "qwen3-8b", runtime: s.runtime, ctx: s.ctx, batch: s.batch, gpus: s.gpus, gpuUtil: s.gpuUtil ?? null, kvDtype: s.kvDtype });
    const a = estimate(inputOf(s));
    const b = estimate(inputOf(back));
    expect([b.totalBytes, b.perGpu.totalBytes, b.maxContext]).toEqual([a.totalBytes, a.perGpu.totalBytes, a.maxContext]);
  });

  test("every catalog model's command finds the model again, on every engine that runs it", () => {
    const misses: string[] = [];
    for (const m of catalog().models) {
      for (const [runtime, quant] of [["vllm", "native"], ["sglang", "native"], ["llama.cpp", "q4_k_m"], ["ollama", "q4_k_m"], ["transformers", "native"], ["mlx", "mlx-4bit"]] as const) {
        const { command } = buildCommand({ ...base, model: m.record.id, runtime, quant });
        try {
          const back = commandInput(command);
          // A repo named for its own format (…-BF16, …-FP8) reads back as that format, which is the native one.
          const q = back.quant === m.record.checkpoint.dtype ? "native" : (back.quant ?? "native");
          if (back.model !== m.record.id || q !== quant) misses.push(`${command} → ${back.model} ${back.quant}`);
        } catch (e) {
          misses.push(`${command}: ${(e as Error).message}`);
        }
      }
    }
    expect(misses).toEqual([]);
  });
});

describe("a pasted command sets the fields; the rest stays engine flags", () => {
  test("vLLM", () => {
    expect(fieldsFromCommand("vllm serve Qwen/Qwen3-8B-AWQ --max-model-len 32768 -tp 2 --gpu-memory-utilization 0.85 --max-num-seqs 64 --port 8000")).toEqual({
      model: "qwen3-8b",
      runtime: "vllm",
      quant: "awq",
      ctx: 32768,
      gpus: 2,
      gpuUtil: 0.85,
      engineArgs: "--max-num-seqs 64 --port 8000",
    });
  });
  test("llama.cpp: -c is shared by the -np slots", () => {
    expect(fieldsFromCommand("llama-server -m Qwen3-8B-Q4_K_M.gguf -c 65536 -np 2 -fa on -ctk q8_0 -ctv q8_0")).toEqual({ model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", ctx: 32768, batch: 2, kvDtype: "q8_0", engineArgs: "-fa on" });
    // A K type alone is no field's value: it stays a flag.
    expect(fieldsFromCommand("llama-server -m Qwen3-8B-Q4_K_M.gguf -c 8192 -ctk q8_0")).toMatchObject({ ctx: 8192, engineArgs: "-ctk q8_0" });
  });
  test("Ollama", () => {
    expect(fieldsFromCommand("OLLAMA_NUM_PARALLEL=4 OLLAMA_KV_CACHE_TYPE=q8_0 OLLAMA_FLASH_ATTENTION=1 ollama run qwen3:8b num_ctx=8192")).toEqual({ model: "qwen3-8b", runtime: "ollama", quant: "q4_k_m", ctx: 8192, batch: 4, kvDtype: "q8_0", engineArgs: "OLLAMA_FLASH_ATTENTION=1" });
  });
  test("a command the parser refuses is its error", () => {
    expect(() => fieldsFromCommand("vllm serve Qwen/Qwen3-8B --enable-lora")).toThrow(/--enable-lora is not modelled/);
    expect(() => fieldsFromCommand("docker run vllm")).toThrow(/Cannot tell the engine/);
  });
});

describe("engine flags for the calculator", () => {
  test("flags no field holds are accepted as given", () => {
    expect(checkEngineFlags("vllm", " --max-num-seqs 64 --enforce-eager ")).toBe("--max-num-seqs 64 --enforce-eager");
    expect(checkEngineFlags("llama.cpp", "-ub 256 -ctk q8_0")).toBe("-ub 256 -ctk q8_0");
  });
  test.each([
    ["vllm", "--max-model-len 8192", /--max-model-len sets what the Context field holds/],
    ["vllm", "-tp 2", /-tp sets what the GPU count field holds/],
    ["vllm", "--quantization awq", /--quantization sets what the Weights field holds/],
    ["llama.cpp", "-np 4", /-np sets what the Concurrent requests field holds/],
    ["llama.cpp", "-ctk q8_0 -ctv q8_0", /-ctk sets what the KV cache field holds/],
    ["ollama", "OLLAMA_KV_CACHE_TYPE=q8_0", /OLLAMA_KV_CACHE_TYPE sets what the KV cache field holds/],
    ["vllm", "--max-num-seqz 8", /vLLM flag '--max-num-seqz' is not one FitMyGPU knows/],
  ] as const)("%s %s is refused", (runtime, flags, message) => expect(() => checkEngineFlags(runtime, flags)).toThrow(message));
  test("a model read from a GGUF keeps its own weights when its file is named in a command", () => {
    expect(findModel("qwen3-8b").record.checkpoint.dtype).toBe("bf16");
  });
});
