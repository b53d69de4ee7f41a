// Capacity planning: the smallest deployment for a workload agrees with the
// memory and speed models, meets its targets (and one replica fewer does not),
// and grows, costs and fails the way a planner expects.
import fc from "fast-check";
import { comparePlans, HOURS_PER_MONTH, plan, type PlanInput } from "../src/core/capacityPlan";
import { concurrencyOf, estimate, prepare, speedTermsOf } from "../src/core/estimate";
import { isFitError } from "../src/core/errors";
import { prefillSeconds, speedParams, stepSeconds, backendOf } from "../src/core/speed";
import { main } from "../src/cli/cli";
import { catalog } from "../src/core/catalog";
import { defaultPrice } from "../src/core/prices";

const H100 = { model: "qwen3-8b", gpu: "H100 SXM", quant: "fp8", runtime: "vllm" };
const WORK = { users: 400, promptTokens: 2000, outputTokens: 300, tokensPerSecondPerUser: 20 };
const base: PlanInput = { setup: H100, workload: WORK, pricePerGpuHour: 2.5 };

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(argv, (s) => (out += s + "\n"), (s) => (err += s + "\n"));
  return { code, out, err };
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isFitError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected a FitError");
}

describe("the issue's example: qwen3-8b fp8 on H100 SXM, 400 users, 2,000 + 300 tokens, 20 tok/s each, $2.50/GPU-hour", () => {
  const p = plan(base);

  test("the deployment adds up", () => {
    expect(p.gpusPerReplica).toBeGreaterThanOrEqual(1);
    expect(p.totalGpus).toBe(p.replicas * p.gpusPerReplica);
    expect(p.replicas).toBe(Math.ceil(WORK.users / p.maxConcurrencyPerReplica));
    expect(p.concurrencyPerReplica).toBe(Math.ceil(WORK.users / p.replicas));
    expect(p.concurrencyPerReplica).toBeLessThanOrEqual(p.maxConcurrencyPerReplica);
    expect(["memory", "throughput", "latency"]).toContain(p.limitedBy);
  });

  test("memory agrees with estimate: a replica holds no more requests of 2,300 tokens than estimate's max concurrency", () => {
    const e = estimate({ ...H100, gpus: p.gpusPerReplica, ctx: 2300, batch: p.concurrencyPerReplica });
    expect(e.fits).toBe(true);
    expect(p.maxConcurrencyPerReplica).toBeLessThanOrEqual(Math.floor(e.maxConcurrency! + 1e-9));
  });

  test("speed agrees with the speed model: per-user decode is the step rate at that load, less the share spent on prompts", () => {
    const e = estimate({ ...H100, gpus: p.gpusPerReplica, ctx: 2000 + 150, batch: p.concurrencyPerReplica });
    expect(p.decodeTokensPerSecondPerUser).toBeLessThanOrEqual(e.decodeTokensPerSecond! + 1e-9);
    // Prompts of 2,000 tokens take about half of an H100's time at this load; decode gets the rest.
    expect(p.decodeTokensPerSecondPerUser).toBeGreaterThan(0.3 * e.decodeTokensPerSecond!);
    expect(p.throughputTokensPerSecond).toBeCloseTo(p.concurrencyPerReplica * p.decodeTokensPerSecondPerUser, 6);
    // Time to first token: one 2,000-token prompt after the step in flight.
    const prompt = estimate({ ...H100, gpus: p.gpusPerReplica, ctx: 2000, batch: 1 });
    expect(p.ttftSeconds).toBeGreaterThan(prompt.ttftSeconds!);
    expect(p.ttftSeconds).toBeLessThan(prompt.ttftSeconds! + 1 / e.decodeTokensPerSecond! + 1e-9);
  });

  test("meets the target, and one replica fewer does not", () => {
    expect(p.decodeTokensPerSecondPerUser).toBeGreaterThanOrEqual(20);
    // One replica fewer must carry more requests each than a replica can within the target.
    expect(Math.ceil(WORK.users / (p.replicas - 1 || 1))).toBeGreaterThan(p.maxConcurrencyPerReplica);
  });

  test("costs: GPUs × price, 730 hours a month, per million output tokens at this load", () => {
    expect(p.pricePerGpuHour).toBe(2.5);
    expect(p.priceSource).toBe("your price");
    expect(p.costPerHour).toBeCloseTo(p.totalGpus * 2.5, 9);
    expect(p.costPerMonth).toBeCloseTo(p.costPerHour! * HOURS_PER_MONTH, 9);
    const tokensPerHour = p.replicas * p.concurrencyPerReplica * p.decodeTokensPerSecondPerUser * 3600;
    expect(p.costPerMillionOutputTokens).toBeCloseTo(p.costPerHour! / (tokensPerHour / 1e6), 9);
  });

  test("the CLI prints exactly the documented keys, with the same numbers", () => {
    const r = run(["plan", "qwen3-8b", "--gpu", "H100 SXM", "--quant", "fp8", "--runtime", "vllm", "--users", "400", "--prompt-tokens", "2000", "--output-tokens", "300", "--tokens-per-second-per-user", "20", "--price-per-gpu-hour", "2.5", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(["gpusPerReplica", "replicas", "totalGpus", "concurrencyPerReplica", "throughputTokensPerSecond", "decodeTokensPerSecondPerUser", "ttftSeconds", "limitedBy", "pricePerGpuHour", "costPerHour", "costPerMonth", "costPerMillionOutputTokens"]);
    expect(j.totalGpus).toBe(p.totalGpus);
    expect(j.costPerMonth).toBeCloseTo(p.costPerMonth!, 9);
    const plain = run(["plan", "qwen3-8b", "--gpu", "H100 SXM", "--quant", "fp8", "--users", "400", "--prompt-tokens", "2000", "--output-tokens", "300", "--tokens-per-second-per-user", "20", "--price-per-gpu-hour", "2.5"]);
    expect(plain.out).toMatch(new RegExp(`Total GPUs\\s+${p.totalGpus}\\n`));
    expect(plain.out).toMatch(/Price per GPU-hour\s+\$2\.50 \(your price\)/);
  });
});

describe("the load model, worked by hand", () => {
  test("one user: decode is one over (step + the prompt share), TTFT is the prompt plus one step", () => {
    const setup = { model: "llama-3.1-8b-instruct", gpu: "nvidia-a100-sxm-80gb", quant: "bf16", runtime: "vllm" };
    const p = plan({ setup, workload: { users: 1, promptTokens: 1000, outputTokens: 500 }, pricePerGpuHour: 2 });
    expect(p.totalGpus).toBe(1);
    const pr = prepare({ ...setup, gpus: 1 });
    const params = speedParams(pr.setup.runtime, backendOf(pr.gpu!));
    const s = stepSeconds(speedTermsOf(pr, 1250, 1), params);
    const P = prefillSeconds(speedTermsOf(pr, 1000, 1), params);
    const T = P + s;
    expect(p.ttftSeconds).toBeCloseTo(T, 9);
    // One user back to back: of each request's duration D = T + 500 / r, the GPU spends P − overhead on the prompt.
    const r = p.decodeTokensPerSecondPerUser;
    const D = T + 500 / r;
    const share = (P - params.prefillOverheadSeconds) / D;
    expect(r).toBeCloseTo((1 - share) / s, 6);
    // With no targets, memory is the only limit.
    expect(p.limitedBy).toBe("memory");
    // vLLM runs at most max_num_seqs requests: 256 on an A100 (its default outside ≥70 GiB non-A100 GPUs).
    expect(pr.run.settings.max_num_seqs).toBe(256);
    expect(p.maxConcurrencyPerReplica).toBe(Math.min(Math.floor(concurrencyOf(pr, pr.vramBytes!, 1500) + 1e-9), 256));
  });

  test("requests per minute: enough replicas to complete them, at the fewest requests in flight that do", () => {
    const p = plan({ setup: H100, workload: { requestsPerMinute: 6000, promptTokens: 2000, outputTokens: 300, tokensPerSecondPerUser: 20 }, pricePerGpuHour: 2.5 });
    const perReplica = 6000 / 60 / p.replicas;
    // Little's law: requests in flight = arrival rate × duration.
    const duration = p.ttftSeconds + 300 / p.decodeTokensPerSecondPerUser;
    expect(p.concurrencyPerReplica / duration).toBeGreaterThanOrEqual(perReplica - 1e-9);
    expect(p.decodeTokensPerSecondPerUser).toBeGreaterThanOrEqual(20);
  });

  test("a llama.cpp replica that needs two GPUs says they add memory, not speed, and how to run it", () => {
    const p = plan({ setup: { model: "llama-3.1-70b-instruct", gpu: "rtx 4090", quant: "q4_k_m", runtime: "llama.cpp" }, workload: { users: 4, promptTokens: 1000, outputTokens: 300 }, pricePerGpuHour: 0.4 });
    expect(p.gpusPerReplica).toBe(2);
    expect(p.notes.join(" ")).toMatch(/-np \d+ -c \d+/);
    expect(p.notes.join(" ")).toMatch(/add memory, not speed/);
  });

  test("engine flags that fix the GPUs per replica are kept", () => {
    const p = plan({ setup: { ...H100, engineArgs: "--tensor-parallel-size 2" }, workload: WORK, pricePerGpuHour: 2.5 });
    expect(p.gpusPerReplica).toBe(2);
    const capped = plan({ setup: { ...H100, engineArgs: "--max-num-seqs 16" }, workload: WORK, pricePerGpuHour: 2.5 });
    expect(capped.maxConcurrencyPerReplica).toBeLessThanOrEqual(16);
    expect(capped.replicas).toBeGreaterThanOrEqual(25);
  });
});

describe("prices", () => {
  test("without a price, the catalog's median cloud quote is used and its date shown", () => {
    const p = plan({ setup: H100, workload: WORK });
    const d = defaultPrice(catalog().index.gpu.map.get("h100-sxm")!)!;
    expect(p.pricePerGpuHour).toBe(d.usd);
    expect(p.priceDate).toBe(d.oldest);
    expect(p.priceSource).toMatch(/^catalog: median of \d+ on-demand quotes/);
    expect(p.notes.join(" ")).toMatch(/a starting point, not a quote/);
  });
  test("a GPU without a catalog price gives no costs and says to give one", () => {
    const noPrice = catalog().gpus.find((g) => !defaultPrice(g) && g.vendor === "NVIDIA" && g.memoryBytes > 40 * 2 ** 30 && g.bf16Tflops)!;
    const p = plan({ setup: { ...H100, gpu: noPrice.id }, workload: { users: 10, promptTokens: 1000, outputTokens: 100 } });
    expect(p.costPerMonth).toBeNull();
    expect(p.notes.join(" ")).toMatch(/no cloud price .* give a price per GPU-hour/);
  });
});

describe("when no deployment can meet the workload, it says which target fails", () => {
  test("a per-user speed above what one request reaches", () => {
    expect(failure(() => plan({ setup: { ...H100, gpu: "rtx 4090", quant: "bf16" }, workload: { ...WORK, tokensPerSecondPerUser: 5000 } }))).toMatch(/per-user speed target of 5000 tok\/s cannot be met: one request alone decodes at [\d.]+ tok\/s on \d+ GPUs? .* more replicas do not make one request faster/);
  });
  test("a time to first token shorter than one prompt takes", () => {
    expect(failure(() => plan({ setup: H100, workload: { ...WORK, ttftSeconds: 0.001 } }))).toMatch(/time-to-first-token target of 0\.001 s cannot be met: one 2,000-token prompt takes [\d.]+ s/);
  });
  test("a request longer than the context window", () => {
    expect(failure(() => plan({ setup: H100, workload: { ...WORK, promptTokens: 200_000 } }))).toMatch(/longer than the model's [\d,]+-token context window/);
  });
  test("bad loads", () => {
    expect(failure(() => plan({ setup: H100, workload: { promptTokens: 10, outputTokens: 10 } }))).toMatch(/Give the load/);
    expect(failure(() => plan({ setup: H100, workload: { users: 4, requestsPerMinute: 3, promptTokens: 10, outputTokens: 10 } }))).toMatch(/not both/);
    expect(failure(() => plan({ ...base, pricePerGpuHour: -1 }))).toMatch(/price per GPU-hour/);
    expect(failure(() => plan({ ...base, hoursPerMonth: 1000 }))).toMatch(/at most 744/);
    expect(failure(() => plan({ setup: { ...H100, gpu: undefined }, workload: WORK }))).toMatch(/GPU from the catalog is required/);
  });
  test("the CLI exits 2 with the message", () => {
    const r = run(["plan", "qwen3-8b", "--gpu", "rtx 4090", "--users", "4", "--prompt-tokens", "2000", "--output-tokens", "300", "--tokens-per-second-per-user", "5000"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: The per-user speed target of 5000 tok\/s cannot be met/);
    expect(run(["plan", "qwen3-8b", "--gpu", "h100 sxm", "--users", "4", "--prompt-tokens", "2000"]).err).toMatch(/plan needs --output-tokens/);
    expect(run(["plan", "qwen3-8b", "--users", "4", "--prompt-tokens", "2000", "--output-tokens", "9"]).err).toMatch(/plan needs --gpu \(or --compare/);
    expect(run(["plan", "qwen3-8b", "--gpu", "h100 sxm", "--ctx", "9", "--users", "4", "--prompt-tokens", "2000", "--output-tokens", "9"]).err).toMatch(/plan chooses --ctx itself/);
  });
});

describe("comparing GPUs for a workload", () => {
  const rows = comparePlans({ setup: { model: "qwen3-8b", quant: "fp8", runtime: "vllm" }, workload: WORK });
  test("every catalog GPU once: those that can serve it first, cheapest per million output tokens first, unpriced ones after", () => {
    expect(rows.length).toBe(catalog().gpus.length);
    const served = rows.filter((r) => r.plan);
    expect(served.length).toBeGreaterThan(10);
    const priced = served.filter((r) => r.plan!.costPerMillionOutputTokens !== null);
    for (let i = 1; i < priced.length; i++) expect(priced[i].plan!.costPerMillionOutputTokens!).toBeGreaterThanOrEqual(priced[i - 1].plan!.costPerMillionOutputTokens!);
    const firstUnpriced = served.findIndex((r) => r.plan!.costPerMillionOutputTokens === null);
    if (firstUnpriced >= 0) expect(served.slice(firstUnpriced).every((r) => r.plan!.costPerMillionOutputTokens === null)).toBe(true);
    // GPUs that cannot say why (Apple silicon does not run vLLM).
    expect(rows.find((r) => r.gpu.vendor === "Apple")!.reason).toMatch(/Apple silicon/);
  });
  test("each row is the plan for that GPU", () => {
    const first = rows[0];
    expect(plan({ setup: { model: "qwen3-8b", quant: "fp8", runtime: "vllm", gpu: first.gpu.id }, workload: WORK }).totalGpus).toBe(first.plan!.totalGpus);
  });
  test("the CLI ranks the same GPUs", () => {
    const r = run(["plan", "qwen3-8b", "--compare", "--quant", "fp8", "--users", "400", "--prompt-tokens", "2000", "--output-tokens", "300", "--tokens-per-second-per-user", "20", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Array<{ gpu: string }>;
    expect(j.map((x) => x.gpu)).toEqual(rows.filter((x) => x.plan).map((x) => x.gpu.id));
  });
});

describe("invariants", () => {
  const gpus = ["H100 SXM", "L40S", "rtx 4090", "nvidia-a100-sxm-80gb"];
  const arb = fc.record({
    gpu: fc.constantFrom(...gpus),
    users: fc.integer({ min: 1, max: 3000 }),
    prompt: fc.integer({ min: 16, max: 8000 }),
    output: fc.integer({ min: 16, max: 2000 }),
    tps: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  });
  const attempt = (p: PlanInput) => {
    try {
      return plan(p);
    } catch (e) {
      if (isFitError(e) && e.kind === "no-answer") return undefined;
      throw e;
    }
  };
  const input = (x: { gpu: string; users: number; prompt: number; output: number; tps: number | null }, price = 2): PlanInput => ({
    setup: { model: "qwen3-8b", gpu: x.gpu, quant: "fp8", runtime: "vllm" },
    workload: { users: x.users, promptTokens: x.prompt, outputTokens: x.output, tokensPerSecondPerUser: x.tps },
    pricePerGpuHour: price,
  });

  test("more users never needs fewer GPUs", () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 2000 }), (x, more) => {
        const a = attempt(input(x));
        const b = attempt(input({ ...x, users: x.users + more }));
        if (a && b) expect(b.totalGpus).toBeGreaterThanOrEqual(a.totalGpus);
        // A workload that fails for fewer users fails for more.
        if (!a) expect(b).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  test("a higher price never lowers the cost", () => {
    fc.assert(
      fc.property(arb, fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), (x, p1, p2) => {
        const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const a = attempt(input(x, lo));
        const b = attempt(input(x, hi));
        if (a && b) {
          expect(b.costPerMonth!).toBeGreaterThanOrEqual(a.costPerMonth!);
          expect(b.costPerMillionOutputTokens!).toBeGreaterThanOrEqual(a.costPerMillionOutputTokens!);
        }
      }),
      { numRuns: 60 },
    );
  });

  test("the answer meets the targets, and one replica fewer does not", () => {
    fc.assert(
      fc.property(arb, (x) => {
        const p = attempt(input(x));
        if (!p) return;
        if (x.tps !== null) expect(p.decodeTokensPerSecondPerUser).toBeGreaterThanOrEqual(x.tps - 1e-9);
        expect(p.concurrencyPerReplica).toBeLessThanOrEqual(p.maxConcurrencyPerReplica);
        if (p.replicas > 1) expect(Math.ceil(x.users / (p.replicas - 1))).toBeGreaterThan(p.maxConcurrencyPerReplica);
      }),
      { numRuns: 60 },
    );
  });
});
