// Ollama's own engine (runner/ollamarunner, v0.6.0–v0.29) keeps one kvcache.Causal for all slots, with
// sliding-window layers sized as parallel × max(window, memory) + num_batch (kvcache/causal.go Init).
import { estimate, prepare } from "../src/core/estimate";
import { parseEngineVersion } from "../src/core/engineVersion";
import { cellsHeld, tokensHeld, type CacheRule } from "../src/core/layerKinds";
import { ollamaEngineCacheRule } from "../src/core/runtimes/ollama";

const v = (text: string) => parseEngineVersion(text, "ollama");
const gemma4 = (release: string) => ollamaEngineCacheRule(v(release), "gemma4", true, 512);

describe("Ollama's engine KV cache (kvcache/causal.go @ 8d0dcf4b6)", () => {
  test("Gemma 4: sliding layers keep max(window, 4096) per slot plus one batch, padded once; full layers the whole cache", () => {
    const r = gemma4("0.20.7");
    expect(cellsHeld("sliding", 1024, 32768, 1, r)).toBe(4096 + 512);
    expect(cellsHeld("sliding", 1024, 32768, 2, r)).toBe(2 * 4096 + 512);
    expect(cellsHeld("full", null, 32768, 2, r)).toBe(65536);
    // The memory reaches the context: the sliding layers keep everything.
    expect(cellsHeld("sliding", 1024, 4096, 1, r)).toBe(4096);
    expect(cellsHeld("sliding", 1024, 3000, 2, r)).toBe(6144);
    // One request's share is the one-slot cache.
    expect(tokensHeld("sliding", 1024, 32768, r)).toBe(4608);
  });
  test("Gemma 3 keeps its window (+1 per slot with several slots from v0.12.4); padding 32 without flash attention until v0.13.2", () => {
    const g3 = (release: string, fa: boolean): CacheRule => ollamaEngineCacheRule(v(release), "gemma3", fa, 512);
    expect(cellsHeld("sliding", 1024, 8192, 1, g3("0.12.6", true))).toBe(1536);
    expect(cellsHeld("sliding", 1024, 8192, 2, g3("0.12.6", true))).toBe(Math.ceil((2 * 1025 + 512) / 256) * 256);
    expect(cellsHeld("sliding", 1024, 8192, 2, g3("0.12.3", true))).toBe(2 * 1024 + 512);
    expect(cellsHeld("sliding", 1024, 8192, 2, g3("0.12.6", false))).toBe(Math.ceil((2 * 1025 + 512) / 32) * 32);
    expect(cellsHeld("sliding", 1024, 8192, 2, g3("0.13.2", false))).toBe(Math.ceil((2 * 1025 + 512) / 256) * 256);
    // Before v0.6.3 every layer held the whole cache.
    expect(cellsHeld("sliding", 1024, 8192, 1, g3("0.6.2", true))).toBe(8192);
  });
  test("chunked attention (Llama 4) keeps the whole context; gpt-oss keeps 4096 per slot from v0.11.0", () => {
    expect(cellsHeld("chunked", 8192, 32768, 1, ollamaEngineCacheRule(v("0.12.0"), "llama4", true, 512))).toBe(32768);
    expect(cellsHeld("sliding", 128, 8192, 1, ollamaEngineCacheRule(v("0.11.3"), "gptoss", true, 512))).toBe(4608);
  });

  test("Gemma 4 26B at 32K on Ollama 0.20.7: 25 × 4,608 × 8 KiB + 5 × 32,768 × 4 KiB, as the KV line of the log (1.5 GiB)", () => {
    const args = { model: "gemma-4-26b-a4b", quant: "q4_k_m", runtime: "ollama", gpu: "rtx 3090", ctx: 32768, engineArgs: "OLLAMA_FLASH_ATTENTION=1", engineVersion: "0.20.7" };
    const e = estimate(args);
    expect(e.kvCacheBytes).toBe(25 * 4608 * 8192 + 5 * 32768 * 4096);
    // Two slots share one cache: the batch is added once.
    expect(estimate({ ...args, batch: 2 }).kvCacheBytes).toBe(25 * (2 * 4096 + 512) * 8192 + 5 * 65536 * 4096);
    // The llama-server of v0.30 and later keeps llama.cpp's PAD(window + n_ubatch) per slot (n_ubatch 1,024 at 32K).
    expect(estimate({ ...args, engineVersion: "0.30.0" }).kvCacheBytes).toBe(25 * 2048 * 8192 + 5 * 32768 * 4096);
    const notes = prepare(args).run.notes.join("\n");
    expect(notes).toMatch(/one cache for all slots/);
  });
  test("the compute graph is reserved with one logits row per slot (reserveWorstCaseGraph), not a whole batch", () => {
    const args = { model: "gemma-4-26b-a4b", quant: "q4_k_m", runtime: "ollama", gpu: "rtx 3090", ctx: 32768, engineArgs: "OLLAMA_FLASH_ATTENTION=1", engineVersion: "0.20.7" };
    const wholeBatchLogits = 262144 * 512 * 4;
    expect(estimate(args).activationBytes).toBeLessThan(wholeBatchLogits);
    // The llama.cpp runner of the same release reserved logits for the whole ubatch (before llama.cpp PR #23861).
    expect(estimate({ model: "qwen3-8b", quant: "q4_k_m", runtime: "ollama", gpu: "rtx 3090", ctx: 8192, engineVersion: "0.7.0" }).activationBytes).toBeGreaterThan(151936 * 512 * 4);
    expect(prepare(args).run.notes.join("\n")).toMatch(/not a model of that graph/);
  });
  test("architectures on Ollama's llama.cpp runner keep llama.cpp's cells per slot", () => {
    const args = { model: "qwen3-8b", quant: "q4_k_m", runtime: "ollama", gpu: "rtx 4090", ctx: 8000, batch: 2, engineVersion: "0.7.0" };
    // 36 layers × 8 KV heads × 128 × 2 (K, V) × 2 B; each slot PAD(8000, 256) = 8,192 cells.
    expect(estimate(args).kvCacheBytes).toBe(2 * 36 * 8192 * 8 * 128 * 2 * 2);
  });
});
