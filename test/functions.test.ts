// The FIT.* functions, called by id the way Excel calls them (functions.json
// generated from the JSDoc, as the build does), with normal use, every optional
// argument omitted, and bad input for every parameter.
import * as fs from "fs";
import * as path from "path";
import { generateCustomFunctionsMetadata } from "custom-functions-metadata";
import * as functions from "../src/functions/functions";
import { estimate, maxContext, minGpus } from "../src/core/estimate";
import { comparePlans, plan } from "../src/core/capacityPlan";
import { GiB } from "../src/core/units";
import { catalog, clearCustomEntries } from "../src/core/catalog";
import { customModelInput, registerCustom } from "../src/core/customStore";
import { excelCaller, type Registered } from "../scripts/excelCall";
import { renderFunctionDocs, exampleOf, type FunctionMeta } from "../scripts/functionDocs";
import { StubError } from "../scripts/customFunctionsStub";

const SOURCE = path.resolve(__dirname, "../src/functions/functions.ts");
let metas: FunctionMeta[];
let call: (id: string, args: unknown[]) => unknown;

beforeAll(async () => {
  const r = await generateCustomFunctionsMetadata([SOURCE], false);
  expect(r.errors).toEqual([]);
  metas = JSON.parse(r.metadataJson).functions;
  const registry = new Map<string, Registered>();
  for (const a of r.associate) {
    const fn = (functions as unknown as Record<string, Registered>)[a.functionName];
    expect(typeof fn).toBe("function");
    registry.set(a.id, fn);
  }
  call = excelCaller(metas, registry);
});

/** The single value of a 1×1 result. */
function one(r: unknown): unknown {
  expect(Array.isArray(r)).toBe(true);
  const m = r as unknown[][];
  expect(m.length).toBe(1);
  expect(m[0].length).toBe(1);
  return m[0][0];
}

function excelError(fn: () => unknown, what = "the call"): StubError {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StubError);
    return e as StubError;
  }
  throw new Error(`expected an Excel error from ${what}, got ${JSON.stringify(result)}`);
}

const IDS = ["VRAM", "WEIGHTS", "KVCACHE", "BREAKDOWN", "FITS", "STATUS", "HEADROOM", "MAXCTX", "MAXBATCH", "MINGPUS", "TOKS", "TTFT", "GPULAYERS", "OFFLOAD", "GPUSNEEDED", "COSTMONTH", "COSTPERMTOK", "PLAN", "PLANCOMPARE", "MODEL", "GPU", "MODELS", "GPUS", "QUANTS", "RUNTIMES", "COMPARE"];

describe("functions.json", () => {
  test("registers exactly the released ids (ids never change once released)", () => {
    expect(metas.map((f) => f.id).sort()).toEqual([...IDS].sort());
  });

  test("ids and names follow Excel's naming rules", () => {
    const macroNames = new Set(["RUN", "ECHO", "CALL", "EXEC", "REGISTER", "EVALUATE"]);
    for (const f of metas) {
      expect(f.id).toMatch(/^[A-Z][A-Z0-9_.]{2,}$/);
      expect(f.name).toMatch(/^[A-Z][A-Z0-9_.]{2,}$/);
      expect(f.id.length).toBeLessThanOrEqual(128);
      // Nothing that reads as a cell reference (A1 style up to XFD, or R1C1).
      expect(f.name).not.toMatch(/^[A-Z]{1,3}[0-9]+$/);
      expect(f.name).not.toMatch(/^R[0-9]*C[0-9]*$/);
      expect(macroNames.has(f.name)).toBe(false);
    }
    expect(new Set(metas.map((f) => f.name)).size).toBe(metas.length);
  });

  test("every function and argument has help text written for Excel users, with an example", () => {
    for (const f of metas) {
      expect(f.description?.length).toBeGreaterThan(30);
      expect(f.description).toMatch(/Example: =FIT\./);
      for (const p of f.parameters) expect((p.description ?? "").length).toBeGreaterThan(5);
      // Optional arguments come after required ones.
      const firstOptional = f.parameters.findIndex((p) => p.optional);
      if (firstOptional >= 0) expect(f.parameters.slice(firstOptional).every((p) => p.optional)).toBe(true);
    }
  });

  test("no function is volatile or streaming", () => {
    for (const f of metas) expect((f as unknown as { options?: object }).options).toBeUndefined();
  });

  test("every example in the help text evaluates", () => {
    for (const f of metas) {
      const ex = exampleOf(f);
      expect(() => call(f.id, ex.args)).not.toThrow();
    }
  });

  test("docs/functions.md is generated from functions.json and up to date (npm run docs)", () => {
    const expected = renderFunctionDocs(metas, "FIT", call as never);
    const file = path.resolve(__dirname, "../docs/functions.md");
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe(expected);
  });
});

describe("memory functions", () => {
  test("VRAM equals the core's per-GPU total, in GiB", () => {
    const e = estimate({ model: "qwen3-8b", quant: "q4_k_m", ctx: 32768, batch: 2, runtime: "llama.cpp" });
    expect(one(call("VRAM", ["qwen3-8b", "q4_k_m", 32768, 2, "llama.cpp"]))).toBeCloseTo(e.perGpu.totalBytes / GiB, 9);
  });

  test("omitted optionals take the defaults: 4096 tokens, 1 request, vllm, auto KV, 1 GPU", () => {
    const e = estimate({ model: "qwen3-8b", quant: "bf16" });
    expect(one(call("VRAM", ["qwen3-8b", "bf16"]))).toBeCloseTo(e.perGpu.totalBytes / GiB, 9);
    expect(one(call("VRAM", ["qwen3-8b", "bf16", null, null, null, null, null]))).toBeCloseTo(e.perGpu.totalBytes / GiB, 9);
    // Blank cells count as omitted, and a blank quant is the checkpoint's own format.
    expect(one(call("VRAM", ["qwen3-8b", "", "", "", "", "", ""]))).toBeCloseTo(estimate({ model: "qwen3-8b" }).perGpu.totalBytes / GiB, 9);
  });

  test("per GPU with tensor parallelism", () => {
    const one8 = one(call("VRAM", ["llama-3.1-70b", "bf16", 8192, 1, "vllm", "auto", 1])) as number;
    const tp4 = one(call("VRAM", ["llama-3.1-70b", "bf16", 8192, 1, "vllm", "auto", 4])) as number;
    expect(tp4).toBeLessThan(one8 / 3);
  });

  test("WEIGHTS and KVCACHE are the weight and KV terms", () => {
    const e = estimate({ model: "llama-3.1-8b", quant: "awq", ctx: 65536, batch: 1 });
    expect(one(call("WEIGHTS", ["llama-3.1-8b", "awq"]))).toBeCloseTo(e.perGpu.weightsBytes / GiB, 9);
    const kv = one(call("KVCACHE", ["llama-3.1-8b", 65536])) as number;
    // 32 layers × 8 KV heads × 128 × 2 (K and V) × 2 bytes = 128 KiB per token.
    expect(kv).toBeCloseTo((65536 * 131072) / GiB, 1);
    expect(one(call("KVCACHE", ["llama-3.1-8b", 65536, 1, "fp8"]))).toBeCloseTo(kv / 2, 1);
    // An fp8 checkpoint on llama.cpp: KVCACHE still answers (weights do not change the KV cache).
    expect(one(call("KVCACHE", ["deepseek-v3", 4096, 1, "", "llama.cpp"]))).toBeGreaterThan(0);
  });

  test("BREAKDOWN spills terms that sum to the total, and notes a context above the window", () => {
    const t = call("BREAKDOWN", ["qwen3.5-35b-a3b", "q4_k_m", 32768, 1, "llama.cpp"]) as unknown[][];
    expect(t[0]).toEqual(["Term", "GiB"]);
    const get = (label: string) => t.find((r) => r[0] === label)?.[1] as number;
    const sum = ["Weights", "KV cache", "State (linear attention / SSM)", "Activations", "Overhead (CUDA context, graphs, allocator)"].reduce((s, l) => s + get(l), 0);
    expect(get("Total per GPU")).toBeCloseTo(sum, 9);
    expect(get("State (linear attention / SSM)")).toBeGreaterThan(0);
    const over = call("BREAKDOWN", ["qwen3-8b", "bf16", 1_000_000]) as unknown[][];
    expect(over.some((r) => r[0] === "Note" && /exceeds .* context window/.test(String(r[1])))).toBe(true);
  });
});

describe("fit functions", () => {
  test("FITS, STATUS and HEADROOM agree with each other and with the core", () => {
    const args = ["qwen3-8b", "rtx 4090", "bf16", 32768];
    const e = estimate({ model: "qwen3-8b", gpu: "rtx 4090", quant: "bf16", ctx: 32768 });
    expect(one(call("FITS", args))).toBe(e.fits);
    expect(one(call("HEADROOM", args))).toBeCloseTo(e.headroomBytes! / GiB, 9);
    expect(["Fits", "Tight", "OOM"]).toContain(one(call("STATUS", args)));
    expect(one(call("STATUS", ["llama-3.1-70b", "rtx 4090", "bf16"]))).toBe("OOM");
    expect(one(call("FITS", ["llama-3.1-70b", "rtx 4090", "bf16"]))).toBe(false);
    expect(one(call("HEADROOM", ["llama-3.1-70b", "rtx 4090", "bf16"]))).toBeLessThan(0);
    expect(one(call("STATUS", ["qwen3-0.6b", "h100 sxm", "bf16"]))).toBe("Fits");
  });

  test("MAXCTX, MAXBATCH, MINGPUS and TOKS", () => {
    const mc = one(call("MAXCTX", ["qwen3-8b", "rtx 4090", "q4_k_m", 1, "llama.cpp"])) as number;
    expect(mc).toBe(maxContext({ model: "qwen3-8b", gpu: "rtx 4090", quant: "q4_k_m", runtime: "llama.cpp" }));
    expect(mc).toBeGreaterThan(0);
    expect(one(call("MAXCTX", ["llama-3.1-70b", "rtx 3060", "bf16"]))).toBe(0);
    const mb = one(call("MAXBATCH", ["llama-3.1-8b", "h100 sxm", "bf16", 8192])) as number;
    expect(mb).toBeGreaterThan(10);
    expect(one(call("MAXBATCH", ["llama-3.1-8b", "h100 sxm", "bf16", 8192 * 2]))).toBeLessThanOrEqual(mb);
    const n = one(call("MINGPUS", ["llama-3.1-70b", "rtx 4090", "awq", 8192])) as number;
    expect(n).toBe(minGpus({ model: "llama-3.1-70b", gpu: "rtx 4090", quant: "awq", ctx: 8192 }));
    expect(n).toBeGreaterThan(1);
    const t1 = one(call("TOKS", ["qwen3-8b", "rtx 4090", "q4_k_m", 4096, 1, "llama.cpp"])) as number;
    const t8 = one(call("TOKS", ["qwen3-8b", "rtx 4090", "q4_k_m", 4096, 8, "llama.cpp"])) as number;
    expect(t1).toBeGreaterThan(20);
    expect(t8).toBeGreaterThan(t1);
  });

  test("MINGPUS with no count that fits is #N/A with a message", () => {
    const e = excelError(() => call("MINGPUS", ["deepseek-v3", "rtx 3060", "bf16", 131072, 64]));
    expect(e.code).toBe("#N/A");
    expect(e.message).toMatch(/No count of up to 64 GPUs/);
  });
});

describe("engine flags, offload and speed", () => {
  test("engine_args fill blank ctx, batch and GPUs the way the CLI reads them", () => {
    const e = estimate({ model: "qwen3-8b", quant: "q4_k_m", runtime: "llama.cpp", engineArgs: "-c 32768 -np 4 -fa on" });
    expect(e.ctx).not.toBe(4096);
    expect(one(call("VRAM", ["qwen3-8b", "q4_k_m", null, null, "llama.cpp", null, null, "-c 32768 -np 4 -fa on"]))).toBeCloseTo(e.perGpu.totalBytes / GiB, 9);
    // An explicit cell wins over the flags.
    const explicit = estimate({ model: "qwen3-8b", quant: "q4_k_m", runtime: "llama.cpp", ctx: 1024, batch: 1, engineArgs: "-c 32768 -np 4 -fa on" });
    expect(one(call("VRAM", ["qwen3-8b", "q4_k_m", 1024, 1, "llama.cpp", null, null, "-c 32768 -np 4 -fa on"]))).toBeCloseTo(explicit.perGpu.totalBytes / GiB, 9);
    const tp = estimate({ model: "llama-3.1-70b-instruct", quant: "fp8", engineArgs: "--tensor-parallel-size 2 --max-model-len 8192" });
    expect(tp.gpus).toBe(2);
    expect(one(call("VRAM", ["llama-3.1-70b-instruct", "fp8", null, null, "vllm", null, null, "--tensor-parallel-size 2 --max-model-len 8192"]))).toBeCloseTo(tp.perGpu.totalBytes / GiB, 9);
  });

  test("GPULAYERS is the most layers that fit: one more does not", () => {
    const args = ["llama-3.1-70b-instruct", "rtx 4090", "q4_k_m", 8192, 1, "llama.cpp"];
    const n = one(call("GPULAYERS", args)) as number;
    expect(n).toBe(estimate({ model: "llama-3.1-70b-instruct", gpu: "rtx 4090", quant: "q4_k_m", ctx: 8192, runtime: "llama.cpp" }).maxGpuLayers);
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(81);
    expect(one(call("FITS", [...args.slice(0, 6), null, null, `-ngl ${n}`]))).toBe(true);
    expect(one(call("FITS", [...args.slice(0, 6), null, null, `-ngl ${n + 1}`]))).toBe(false);
    expect(one(call("STATUS", [...args.slice(0, 6), null, null, `-ngl ${n}`]))).toBe("Fits with offload");
    // A model that fits whole: every layer.
    expect(one(call("GPULAYERS", ["qwen3-8b", "rtx 4090", "q4_k_m"]))).toBe(37);
    const e = excelError(() => call("GPULAYERS", ["qwen3-8b", "rtx 4090", "bf16", 4096, 1, "vllm"]));
    expect(e.code).toBe("#VALUE!");
    expect(e.message).toMatch(/vLLM does not split layers between GPU and CPU; llama.cpp and Ollama do/);
  });

  test("OFFLOAD and STATUS show Ollama's own split, as ollama ps does", () => {
    const args = ["llama-3.1-70b-instruct", "rtx 4090", "q4_k_m", 4096, 1, "ollama"];
    expect(one(call("OFFLOAD", args))).toMatch(/^\d{1,2}%\/\d{1,2}% CPU\/GPU$/);
    expect(one(call("STATUS", args))).toBe("Fits with offload");
    expect(one(call("FITS", args))).toBe(true);
    expect(one(call("OFFLOAD", ["qwen3-8b", "rtx 4090", "q4_k_m", 4096, 1, "ollama"]))).toBe("100% GPU");
    expect(one(call("STATUS", ["qwen3-8b", "rtx 4090", "q4_k_m", 4096, 1, "ollama"]))).toBe("Fits");
    // vLLM offloads only when told to.
    expect(one(call("STATUS", ["llama-3.1-8b-instruct", "rtx 4090", "bf16", 4096, 1, "vllm"]))).not.toBe("Fits with offload");
    expect(one(call("OFFLOAD", ["llama-3.1-8b-instruct", "rtx 4090", "bf16", 4096, 1, "vllm", null, null, "--cpu-offload-gb 8"]))).toMatch(/CPU\/GPU$/);
    expect(one(call("STATUS", ["llama-3.1-8b-instruct", "rtx 4090", "bf16", 4096, 1, "vllm", null, null, "--cpu-offload-gb 8"]))).toBe("Fits with offload");
    const e = excelError(() => call("OFFLOAD", ["llama-3.1-70b-instruct", "rtx 4090", "bf16", 4096, 1, "vllm"]));
    expect(e.code).toBe("#N/A");
    expect(e.message).toMatch(/^Does not fit: \d+\.\d\d GiB needed per GPU/);
  });

  test("TOKS measures and TTFT are the estimate's speed figures", () => {
    const e = estimate({ model: "qwen3-30b-a3b", gpu: "rtx 4090", quant: "q4_k_m", ctx: 8192, batch: 4, runtime: "llama.cpp" });
    const base = ["qwen3-30b-a3b", "rtx 4090", "q4_k_m", 8192, 4, "llama.cpp", null];
    expect(one(call("TOKS", base))).toBeCloseTo(e.decodeTokensPerSecondTotal!, 9);
    expect(one(call("TOKS", [...base, "total"]))).toBeCloseTo(e.decodeTokensPerSecondTotal!, 9);
    expect(one(call("TOKS", [...base, "per request"]))).toBeCloseTo(e.decodeTokensPerSecond!, 9);
    expect(one(call("TOKS", [...base, "prefill"]))).toBeCloseTo(e.prefillTokensPerSecond!, 9);
    expect(one(call("TTFT", ["qwen3-30b-a3b", "rtx 4090", "q4_k_m", 8192, "llama.cpp"]))).toBeCloseTo(8192 / (one(call("TOKS", ["qwen3-30b-a3b", "rtx 4090", "q4_k_m", 8192, 1, "llama.cpp", null, "prefill"])) as number), 9);
  });
});

describe("capacity-planning functions", () => {
  const setup = { model: "qwen3-8b", gpu: "H100 SXM", quant: "fp8", runtime: "vllm" };
  const workload = { users: 400, promptTokens: 2000, outputTokens: 300, tokensPerSecondPerUser: 20 };
  const p = plan({ setup, workload, pricePerGpuHour: 2.5 });
  const args = ["qwen3-8b", "H100 SXM", "fp8", 400, 2000, 300, 20, null];

  test("GPUSNEEDED, COSTMONTH and COSTPERMTOK are the plan's answers", () => {
    expect(one(call("GPUSNEEDED", args))).toBe(p.totalGpus);
    expect(one(call("COSTMONTH", [...args, 2.5]))).toBeCloseTo(p.costPerMonth!, 9);
    expect(one(call("COSTPERMTOK", [...args, 2.5]))).toBeCloseTo(p.costPerMillionOutputTokens!, 9);
    // hours_per_month scales the month.
    expect(one(call("COSTMONTH", [...args, 2.5, null, null, null, 200]))).toBeCloseTo(p.costPerHour! * 200, 9);
  });

  test("PLAN gives one field, or spills the whole plan with the price's source and date", () => {
    expect(one(call("PLAN", [...args.slice(0, 6), "replicas", 20, null, 2.5]))).toBe(p.replicas);
    expect(one(call("PLAN", [...args.slice(0, 6), "limited_by", 20, null, 2.5]))).toBe(p.limitedBy);
    const t = call("PLAN", [...args.slice(0, 6), null, 20]) as unknown[][];
    expect(t[0]).toEqual(["Field", "Value"]);
    const row = (k: string) => t.find((r) => r[0] === k)![1];
    expect(row("total_gpus")).toBe(p.totalGpus);
    expect(String(row("price_source"))).toMatch(/^catalog: median of \d+ on-demand quotes/);
    expect(String(row("price_date"))).toMatch(/^\d{4}-\d{2}/);
  });

  test("a column of user counts spills one answer each, never fewer GPUs further down", () => {
    const r = (call("GPUSNEEDED", ["qwen3-8b", "H100 SXM", "fp8", [[10], [100], [1000], [5000]], 2000, 300, 20]) as number[][]).map((x) => x[0]);
    for (let i = 1; i < r.length; i++) expect(r[i]).toBeGreaterThanOrEqual(r[i - 1]);
  });

  test("PLANCOMPARE spills every GPU that can serve the workload, cheapest first", () => {
    const t = call("PLANCOMPARE", ["qwen3-8b", "fp8", 400, 2000, 300, 20]) as unknown[][];
    expect(t[0]).toEqual(["GPU", "GPUs per replica", "Replicas", "Total GPUs", "Limited by", "Price per GPU-hour", "Price date", "Cost per month", "Cost per 1M output tokens"]);
    const served = comparePlans({ setup: { model: "qwen3-8b", quant: "fp8" }, workload }).filter((x) => x.plan);
    expect(t.length).toBe(served.length + 1);
    expect(t[1][0]).toBe(served[0].gpu.name);
  });

  test("a workload no GPU can serve is #N/A naming the target", () => {
    const e = excelError(() => call("GPUSNEEDED", ["qwen3-8b", "rtx 4090", "bf16", 4, 2000, 300, 5000]));
    expect(e.code).toBe("#N/A");
    expect(e.message).toMatch(/per-user speed target of 5000 tok\/s cannot be met/);
    const c = excelError(() => call("COSTMONTH", ["qwen3-8b", "nvidia-h200-nvl-141gb", "fp8", 4, 2000, 300]));
    expect(c.code).toBe("#N/A");
    expect(c.message).toMatch(/give price_per_gpu_hour/);
  });
});

describe("ranges spill one result per cell", () => {
  test("a column of models", () => {
    const r = call("VRAM", [[["qwen3-8b"], ["llama-3.1-8b"], ["qwen35"]], "q4_k_m", 32768, 1, "llama.cpp"]) as unknown[][];
    expect(r.length).toBe(3);
    expect(r[0][0]).toBeCloseTo(estimate({ model: "qwen3-8b", quant: "q4_k_m", ctx: 32768, runtime: "llama.cpp" }).perGpu.totalBytes / GiB, 9);
    expect(r[1][0]).toBeCloseTo(estimate({ model: "llama-3.1-8b", quant: "q4_k_m", ctx: 32768, runtime: "llama.cpp" }).perGpu.totalBytes / GiB, 9);
    expect(r[2][0]).toBeInstanceOf(StubError);
    expect((r[2][0] as StubError).code).toBe("#N/A");
  });

  test("a column of models against a row of GPUs gives the grid", () => {
    const r = call("STATUS", [[["qwen3-8b"], ["llama-3.1-70b"]], [["rtx 4090", "h100 sxm"]], "bf16"]) as unknown[][];
    expect(r.length).toBe(2);
    expect(r[0].length).toBe(2);
    expect(r[1][0]).toBe("OOM");
  });

  test("a column of contexts never needs less memory further down", () => {
    const ctx = [[1024], [4096], [32768], [131072]];
    const r = (call("VRAM", ["qwen3-8b", "bf16", ctx]) as number[][]).map((x) => x[0]);
    for (let i = 1; i < r.length; i++) expect(r[i]).toBeGreaterThanOrEqual(r[i - 1]);
  });

  test("ranges that do not line up are #VALUE!", () => {
    const e = excelError(() => call("VRAM", [[["qwen3-8b"], ["qwen3-4b"]], "bf16", [[1], [2], [3]]]));
    expect(e.code).toBe("#VALUE!");
    expect(e.message).toMatch(/Ranges must line up/);
  });
});

describe("spec and list functions", () => {
  test("MODEL returns one field or spills the spec table", () => {
    const m = catalog().index.model.map.get("qwen3-8b")!;
    expect(one(call("MODEL", ["qwen3-8b", "total_params"]))).toBe(m.params.total);
    expect(one(call("MODEL", ["Qwen/Qwen3-8B", "layers"]))).toBe(36);
    expect(one(call("MODEL", ["qwen3-8b", "company"]))).toBe("Alibaba Cloud (Qwen)");
    const t = call("MODEL", ["qwen3-8b"]) as unknown[][];
    expect(t[0]).toEqual(["Field", "Value"]);
    for (const k of ["total_params", "active_params", "layers", "hidden_size", "attention_heads", "kv_heads", "kv_layers", "context_window", "license", "release_date", "company", "family", "architecture", "modality"]) expect(t.some((r) => r[0] === k)).toBe(true);
  });

  test("GPU returns one field or spills the spec table", () => {
    expect(one(call("GPU", ["rtx 4090", "vram_gib"]))).toBeCloseTo(catalog().index.gpu.map.get("rtx-4090")!.memoryBytes / GiB, 9);
    expect(one(call("GPU", ["rtx-4090", "class"]))).toBe("consumer");
    expect(typeof one(call("GPU", ["h100-sxm", "bandwidth_gbs"]))).toBe("number");
    const t = call("GPU", ["rtx 4090"]) as unknown[][];
    expect(t.some((r) => r[0] === "bf16_tflops")).toBe(true);
  });

  test("MODELS, GPUS, QUANTS and RUNTIMES spill one column", () => {
    const all = call("MODELS", []) as unknown[][];
    expect(all.length).toBe(catalog().models.length);
    expect(all.every((r) => r.length === 1)).toBe(true);
    const qwen = call("MODELS", ["qwen"]) as unknown[][];
    expect(qwen.length).toBeGreaterThan(3);
    expect(qwen.length).toBeLessThan(all.length);
    expect((call("GPUS", ["datacenter"]) as unknown[][]).length).toBeGreaterThan(5);
    expect((call("GPUS", []) as unknown[][]).length).toBe(catalog().gpus.length);
    const lq = (call("QUANTS", ["llama.cpp"]) as string[][]).map((r) => r[0]);
    expect(lq).toContain("q4_k_m");
    expect(lq).not.toContain("awq");
    expect((call("QUANTS", []) as unknown[][]).length).toBe(catalog().quants.length);
    expect((call("RUNTIMES", []) as string[][]).map((r) => r[0])).toEqual(["vllm", "sglang", "llama.cpp", "ollama", "transformers", "mlx"].filter((id) => catalog().runtimes.some((r) => r.id === id)).sort((a, b) => catalog().runtimes.findIndex((r) => r.id === a) - catalog().runtimes.findIndex((r) => r.id === b)));
  });

  test("COMPARE spills a header and one row per catalog GPU", () => {
    const t = call("COMPARE", ["qwen3-32b", "awq", 8192]) as unknown[][];
    expect(t[0]).toEqual(["GPU", "VRAM GiB", "Required GiB", "Status", "Headroom GiB", "Max concurrency", "Tokens/s"]);
    expect(t.length).toBe(catalog().gpus.length + 1);
    const h100 = t.find((r) => r[0] === catalog().index.gpu.map.get("h100-sxm")!.name)!;
    expect(h100[3]).toBe("Fits");
    // Apple silicon cannot run vLLM: the row says so instead of a number.
    expect(t.some((r) => r[3] === "Unsupported")).toBe(true);
  });
});

describe("bad input gets a specific Excel error, never a crash", () => {
  // Value for each parameter name that must be refused, and the error it gives.
  const BAD: Record<string, Array<[unknown, string, RegExp]>> = {
    model: [["qwen35", "#N/A", /Unknown model 'qwen35'\. Did you mean/], ["", "#VALUE!", /(A model name|model) is required/], [true, "#VALUE!", /must be text/]],
    gpu: [["rtx 9999", "#N/A", /Unknown GPU 'rtx 9999'/], ["", "#VALUE!", /(A GPU name|gpu) is required/]],
    quant: [["q4_k_x", "#N/A", /Unknown quant 'q4_k_x'/]],
    runtime: [["vllmx", "#N/A", /Unknown runtime 'vllmx'/]],
    kv_dtype: [["fp7", "#N/A", /Unknown KV dtype 'fp7'/]],
    ctx: [[0, "#VALUE!", /ctx must be at least 1/], [-5, "#VALUE!", /at least 1/], [1.5, "#VALUE!", /whole number/], ["lots", "#VALUE!", /ctx must be a whole number/], [1e12, "#VALUE!", /at most/]],
    batch: [[0, "#VALUE!", /batch must be at least 1/], [2.5, "#VALUE!", /whole number/], [1e9, "#VALUE!", /at most/]],
    gpus: [[0, "#VALUE!", /gpus must be at least 1/], ["two", "#VALUE!", /whole number/], [100000, "#VALUE!", /at most/]],
    field: [["weight", "#VALUE!", /Unknown (model|GPU|plan) field 'weight'\. Fields:/]],
    users: [[0, "#VALUE!", /users must be at least 1/], [2.5, "#VALUE!", /whole number/], ["many", "#VALUE!", /users must be a whole number/]],
    prompt_tokens: [[0, "#VALUE!", /prompt tokens must be at least 1/], ["", "#VALUE!", /prompt_tokens is required/], ["long", "#VALUE!", /prompt_tokens must be a whole number/]],
    output_tokens: [[-3, "#VALUE!", /output tokens must be at least 1/], ["", "#VALUE!", /output_tokens is required/]],
    tokens_per_second_per_user: [[-1, "#VALUE!", /tokens per second per user must be a number above 0/], ["fast", "#VALUE!", /must be a number, got 'fast'/], [1e5, "#N/A", /cannot be met/]],
    ttft_seconds: [[0, "#VALUE!", /time to first token must be a number above 0/], [1e-6, "#N/A", /time-to-first-token target of 0.000001 s cannot be met/]],
    price_per_gpu_hour: [[-2, "#VALUE!", /price per GPU-hour must be a number from 0/], ["cheap", "#VALUE!", /must be a number, got 'cheap'/]],
    requests_per_minute: [[5, "#VALUE!", /not both/], ["lots", "#VALUE!", /must be a number/]],
    hours_per_month: [[0, "#VALUE!", /hours per month must be above 0/], [800, "#VALUE!", /at most 744/]],
    filter: [["zzzz-nothing", "#N/A", /No (model|GPU) matches/]],
    engine_args: [["--max-num-seqs lots", "#VALUE!", /--max-num-seqs must be a whole number, got 'lots'/], ["--frobnicate 3", "#VALUE!", /'--frobnicate' is not one FitMyGPU knows/]],
    measure: [["median", "#VALUE!", /Unknown measure 'median': use total, per_request or prefill/]],
  };
  const GOOD: Record<string, unknown> = { model: "qwen3-8b", gpu: "rtx 4090", quant: "bf16", ctx: 4096, batch: 1, runtime: "vllm", kv_dtype: "auto", gpus: 1, field: "layers", filter: "", engine_args: "", measure: "", users: 50, prompt_tokens: 1000, output_tokens: 200, tokens_per_second_per_user: "", ttft_seconds: "", price_per_gpu_hour: 2, requests_per_minute: "", hours_per_month: "" };

  test("every parameter of every function", () => {
    let checked = 0;
    for (const f of metas) {
      f.parameters.forEach((p, i) => {
        const cases = BAD[p.name];
        if (!cases) throw new Error(`no bad input listed for ${f.id}(${p.name})`);
        for (const [value, code, message] of cases) {
          if (p.name === "field" && f.id === "GPU" && /model/.test(String(message))) continue;
          const args = f.parameters.map((q, j) => (j === i ? value : q.name === "field" && f.id === "GPU" ? "class" : q.name === "field" && f.id === "PLAN" ? "replicas" : GOOD[q.name]));
          const e = excelError(() => call(f.id, args), `FIT.${f.id}(${JSON.stringify(args)})`);
          if (e.code !== code || !message.test(e.message ?? "")) throw new Error(`FIT.${f.id}(${p.name}=${JSON.stringify(value)}) gave ${e.code} '${e.message}', expected ${code} ${message}`);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(150);
  });

  test("a batch the engine cannot run is #VALUE! (Ollama runs hybrid models one sequence at a time)", () => {
    expect(one(call("VRAM", ["qwen3.5-35b-a3b", "q4_k_m", 4096, 1, "ollama"]))).toBeGreaterThan(0);
    const e = excelError(() => call("VRAM", ["qwen3.5-35b-a3b", "q4_k_m", 4096, 2, "ollama"]));
    expect(e.code).toBe("#VALUE!");
  });

  test("unsupported combinations say what is allowed", () => {
    const fp8 = excelError(() => call("VRAM", ["qwen3-8b", "q4_k_m", 4096, 1, "llama.cpp", "fp8"]));
    expect(fp8.code).toBe("#VALUE!");
    expect(fp8.message).toMatch(/llama\.cpp does not support a 'fp8' KV cache\. Supported: /);
    const gptq = excelError(() => call("VRAM", ["qwen3-8b", "gptq", 4096, 1, "mlx"]));
    expect(gptq.code).toBe("#VALUE!");
    expect(gptq.message).toMatch(/does not run 'gptq' weights\. Supported on/);
    const apple = excelError(() => call("FITS", ["qwen3-8b", "m3 max", "bf16", 4096, 1, "vllm"]));
    expect(apple.message).toMatch(/Apple silicon/);
  });
});

describe("custom models and GPUs from the workbook", () => {
  afterAll(() => clearCustomEntries());

  test("FIT functions resolve custom names like catalog names, and lists include them", () => {
    const config = catalog().index.model.map.get("qwen3-8b")!.record.config;
    registerCustom({ models: [customModelInput({ config, name: "Team Qwen FT" })], gpus: [{ name: "Lab card 40G", memoryGiB: 40, bandwidthGBs: 1000, bf16Tflops: 150 }] });
    const catalogVram = one(call("VRAM", ["qwen3-8b", "bf16", 8192])) as number;
    expect(one(call("VRAM", ["Team Qwen FT", "bf16", 8192]))).toBeCloseTo(catalogVram, 9);
    expect(one(call("STATUS", ["team qwen ft", "Lab card 40G", "bf16", 8192]))).toBe("Fits");
    expect((call("MODELS", ["team qwen ft"]) as string[][]).map((r) => r[0])).toEqual(["team-qwen-ft"]);
    expect((call("GPUS", ["lab card"]) as string[][]).length).toBe(1);
    clearCustomEntries();
    const e = excelError(() => call("VRAM", ["Team Qwen FT", "bf16", 8192]));
    expect(e.code).toBe("#N/A");
  });
});
