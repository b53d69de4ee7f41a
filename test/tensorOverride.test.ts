// llama.cpp's -ot/--override-tensor: which expert bytes the rules keep in system
// RAM, found the way llama.cpp finds them (regex_search, first matching rule),
// and the rules that are refused rather than guessed at.
import { cpuExpertShares } from "../src/core/tensorOverride";
import { searchMatcher } from "../src/core/modulePattern";
import { estimate } from "../src/core/estimate";

const rules = (s: string) =>
  s.split(",").map((r) => {
    const eq = r.lastIndexOf("=");
    return { pattern: r.slice(0, eq), device: r.slice(eq + 1) };
  });
const moe = (n: number) => new Array<boolean>(n).fill(true);

describe("search semantics", () => {
  test("a pattern is found anywhere in the name, as std::regex_search finds it", () => {
    expect(searchMatcher("exps", "t")("blk.3.ffn_up_exps.weight")).toBe(true);
    expect(searchMatcher("\\.ffn_.*_exps\\.", "t")("blk.3.ffn_up_exps.weight")).toBe(true);
    expect(searchMatcher("^exps", "t")("blk.3.ffn_up_exps.weight")).toBe(false);
    expect(searchMatcher("blk\\.(1[0-9])\\.", "t")("blk.12.ffn_up_exps.weight")).toBe(true);
    expect(searchMatcher("blk\\.(1[0-9])\\.", "t")("blk.2.ffn_up_exps.weight")).toBe(false);
    expect(searchMatcher("blk\\.(1[0-9])\\.", "t")("blk.112.ffn_up_exps.weight")).toBe(false);
  });
  test("a hostile pattern stays linear", () => {
    const t = Date.now();
    expect(searchMatcher("(a|a)*b", "t")("a".repeat(20_000))).toBe(false);
    expect(Date.now() - t).toBeLessThan(2000);
  });
});

describe("cpuExpertShares", () => {
  test("exps=CPU keeps every block's experts in RAM", () => {
    expect(cpuExpertShares(rules("exps=CPU"), 4, moe(4))).toEqual([1, 1, 1, 1]);
    expect(cpuExpertShares(rules("\\.ffn_.*_exps\\.=CPU"), 3, moe(3))).toEqual([1, 1, 1]);
  });
  test("block ranges, one projection (a third of the bytes), dense blocks untouched", () => {
    expect(cpuExpertShares(rules("blk\\.(2|3)\\.ffn_.*_exps=CPU"), 5, moe(5))).toEqual([0, 0, 1, 1, 0]);
    expect(cpuExpertShares(rules("ffn_down_exps=CPU"), 2, moe(2))).toEqual([1 / 3, 1 / 3]);
    expect(cpuExpertShares(rules("blk\\.1\\.ffn_(up|gate)_exps=CPU,blk\\.2\\.ffn_.*_exps=CPU"), 3, moe(3))).toEqual([0, 2 / 3, 1]);
    expect(cpuExpertShares(rules("exps=CPU"), 3, [false, true, true])).toEqual([0, 1, 1]);
  });
  test("the first matching rule decides, and the router and norms may follow the experts", () => {
    expect(cpuExpertShares(rules("blk\\.0\\.ffn_.*_exps=CPU,exps=CPU"), 2, moe(2))).toEqual([1, 1]);
    expect(cpuExpertShares(rules("blk\\.0\\.ffn_(gate_inp|norm|.*_exps)=CPU"), 2, moe(2))).toEqual([1, 0]);
  });
  test("moving attention, dense FFN, shared experts, embeddings or output is refused by name", () => {
    expect(() => cpuExpertShares(rules("attn=CPU"), 2, moe(2))).toThrow(/moves blk\.0\.attn_q\.weight to CPU; FitMyGPU models -ot for routed experts/);
    expect(() => cpuExpertShares(rules("blk\\.1\\.ffn_.*=CPU"), 2, moe(2))).toThrow(/moves blk\.1\.ffn_gate\.weight/);
    expect(() => cpuExpertShares(rules("shexp=CPU"), 2, moe(2))).toThrow(/shexp/);
    expect(() => cpuExpertShares(rules("token_embd=CPU"), 2, moe(2))).toThrow(/token_embd\.weight/);
    expect(() => cpuExpertShares(rules("exps=CUDA1"), 2, moe(2))).toThrow(/to CUDA1/);
    expect(() => cpuExpertShares(rules("(?<=x)exps=CPU"), 2, moe(2))).toThrow(/lookaround/);
  });
});

describe("through the estimate", () => {
  const base = { model: "qwen3-30b-a3b", quant: "q4_k_m", runtime: "llama.cpp", gpu: "rtx 4060 ti 16gb", ctx: 32768 };
  test("exps=CPU moves the routed experts' bytes from the GPU to system RAM, nothing else", () => {
    const all = estimate(base);
    const ot = estimate({ ...base, engineArgs: "-ot exps=CPU" });
    const moved = all.perGpu.weightsBytes - ot.perGpu.weightsBytes;
    expect(moved).toBeGreaterThan(10 * 2 ** 30);
    expect(ot.hostBytes - all.hostBytes).toBeGreaterThanOrEqual(moved * 0.99);
    expect(ot.offloaded).toBe(true);
    expect(ot.gpuLayers).toBe(all.gpuLayers);
    // The same as --cpu-moe, which keeps every block's experts on the CPU.
    expect(estimate({ ...base, engineArgs: "--cpu-moe" }).perGpu.weightsBytes).toBe(ot.perGpu.weightsBytes);
  });
  test("experts in RAM are read at host bandwidth: slower than on the GPU, faster than the whole model in RAM", () => {
    const gpu = estimate({ ...base, ctx: 4096 });
    const ot = estimate({ ...base, ctx: 4096, engineArgs: "-ot exps=CPU" });
    const cpuOnly = estimate({ ...base, ctx: 4096, engineArgs: "-ngl 0" });
    expect(ot.decodeTokensPerSecond!).toBeLessThan(gpu.decodeTokensPerSecond!);
    expect(ot.decodeTokensPerSecond!).toBeGreaterThan(cpuOnly.decodeTokensPerSecond!);
  });
});
