// npm run bench: estimates per second (prepared setups, and the full name-resolving API), and one GPU comparison.
import { catalog } from "../src/core/catalog";
import { compareGpus, estimate, evaluate, prepare } from "../src/core/estimate";

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
const t0 = process.hrtime.bigint();
const N = 200;
for (let i = 0; i < N; i++) sink += compareGpus({ model: models[i % models.length], quant: "q4_k_m", runtime: "llama.cpp", ctx: 8192 }).length;
console.log(`${"one GPU comparison over every catalog GPU".padEnd(58)} ${(Number(process.hrtime.bigint() - t0) / 1e6 / N).toFixed(3).padStart(10)} ms each`);
if (sink === 42) console.log("");
