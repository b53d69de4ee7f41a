// npm run bench: estimates per second (prepared setups, and the full name-resolving API), and one GPU comparison.
import { catalog } from "../src/core/catalog";
import { compareGpus, estimate, evaluate, prepare } from "../src/core/estimate";
import { excelCaller } from "./excelCall";
import { loadRegisteredFunctions } from "./registeredFunctions";

const models = catalog().models.slice(0, 40).map((m) => m.record.id);
const setups = models.flatMap((model) => [
  { model, quant: "q4_k_m", runtime: "llama.cpp", gpu: "nvidia-rtx-4090" },
  { model, quant: "bf16", runtime: "vllm", gpu: "nvidia-h100-sxm-80gb" },
]);
const prepared = setups.map((s) => prepare(s));

function time(label: string, n: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(n, 10000); i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(58)} ${(n / s).toFixed(0).padStart(10)} /s   (${((s / n) * 1e6).toFixed(3)} µs each)`);
}

let sink = 0;
time("estimate, prepared setup (weights, KV, state, fit)", 2_000_000, (i) => {
  sink += evaluate(prepared[i % prepared.length], 1024 + (i % 64) * 512, 1 + (i % 4), false).totalBytes;
});
time("estimate, full API (names resolved, cached setup, max context)", 200_000, (i) => {
  sink += estimate({ ...setups[i % setups.length], ctx: 1024 + (i % 64) * 512, batch: 1 + (i % 4) }).totalBytes;
});
// First comparison of a setup prepares it for every GPU; later ones (another ctx or batch) reuse that.
{
  const n = models.length;
  let t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += compareGpus({ model: models[i], quant: "q4_k_m", runtime: "llama.cpp", ctx: 8192 }).length;
  const cold = Number(process.hrtime.bigint() - t) / 1e6 / n;
  t = process.hrtime.bigint();
  for (let i = 0; i < 5 * n; i++) sink += compareGpus({ model: models[i % n], quant: "q4_k_m", runtime: "llama.cpp", ctx: 4096 + 1024 * (i % 7) }).length;
  const warm = Number(process.hrtime.bigint() - t) / 1e6 / (5 * n);
  console.log(`${"one GPU comparison over every catalog GPU, new setup".padEnd(58)} ${cold.toFixed(3).padStart(10)} ms each`);
  console.log(`${"one GPU comparison over every catalog GPU, prepared setup".padEnd(58)} ${warm.toFixed(3).padStart(10)} ms each  (target < 1 ms)`);
}
if (sink === 42) console.log("");

// A sheet-sized load through the registered custom functions (dist/functions.js
// as Excel loads it): 10,000 FIT.VRAM / FIT.FITS cells with varied arguments.
{
  const { functions, registry } = loadRegisteredFunctions();
  const call = excelCaller(functions, registry);
  const gpus = ["rtx 4090", "h100 sxm", "rtx 3090", "a100 80gb", "l40s"];
  const quants = ["q4_k_m", "bf16", "awq", "fp8", "q8_0"];
  const cells = Array.from({ length: 10_000 }, (_, i) => {
    const model = models[i % models.length];
    const quant = quants[(i >> 3) % quants.length];
    const runtime = quant.startsWith("q") ? "llama.cpp" : "vllm";
    const ctx = 1024 * (1 + (i % 128));
    return i % 2 === 0 ? { id: "VRAM", args: [model, quant, ctx, 1 + (i % 4), runtime] } : { id: "FITS", args: [model, gpus[i % gpus.length], quant, ctx, 1 + (i % 4), runtime] };
  });
  let errors = 0;
  const run = () => {
    for (const c of cells) {
      try {
        call(c.id, c.args);
      } catch {
        errors++;
      }
    }
  };
  // The runtime parses and validates the catalog once, on the first call of any function.
  const load = process.hrtime.bigint();
  call("RUNTIMES", []);
  const loadMs = Number(process.hrtime.bigint() - load) / 1e6;
  const cold = process.hrtime.bigint();
  run();
  const coldMs = Number(process.hrtime.bigint() - cold) / 1e6;
  errors = 0;
  const warm = process.hrtime.bigint();
  run();
  const warmMs = Number(process.hrtime.bigint() - warm) / 1e6;
  console.log(`${"catalog parsed and validated (once per Excel runtime)".padEnd(58)} ${loadMs.toFixed(1).padStart(10)} ms`);
  console.log(`${"10,000 FIT.VRAM/FIT.FITS cells, first calculation".padEnd(58)} ${coldMs.toFixed(1).padStart(10)} ms total  (prepares each distinct setup once)`);
  console.log(`${"10,000 FIT.VRAM/FIT.FITS cells, recalculation".padEnd(58)} ${warmMs.toFixed(1).padStart(10)} ms total  (target < 100 ms; ${errors} cells are Excel errors)`);
}

// Unknown names: each cell is #N/A with "Did you mean". A column of one typo is
// searched once; different names compare only their first 32 characters.
{
  const { functions, registry } = loadRegisteredFunctions();
  const call = excelCaller(functions, registry);
  call("RUNTIMES", []); // this runtime's catalog, parsed before timing
  const column = (names: string[]) => {
    const t = process.hrtime.bigint();
    call("VRAM", [names.map((n) => [n]), "q4_k_m", 4096, 1, "llama.cpp"]);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const one = column(Array.from({ length: 10_000 }, () => "my-private-finetune-of-a-model-that-is-not-in-the-catalog-" + "v".repeat(37)));
  const each = column(Array.from({ length: 10_000 }, (_, i) => `unknown-${i}-` + "abcdefghij".repeat(1 + ((i * 7919) % 3_276)).slice(0, (i * 104_729) % 32_767)));
  console.log(`${"10,000 FIT.VRAM cells of one unknown 95-character name".padEnd(58)} ${one.toFixed(1).padStart(10)} ms total  (target < 1,000 ms)`);
  console.log(`${"10,000 FIT.VRAM cells of different unknown names ≤ 32,767".padEnd(58)} ${each.toFixed(1).padStart(10)} ms total  (target < 1,000 ms)`);
}
