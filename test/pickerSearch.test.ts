// The pickers' forgiving search: spaces, punctuation and small typos are
// forgiven, digits are not, and the best match comes first.
import { searchGpus, searchModels } from "../src/taskpane/calculatorModel";
import { matchScore, substringDistance } from "../src/taskpane/pickerSearch";

const firstModel = (q: string) => searchModels(q).options[0]?.label;
const firstGpu = (q: string) => searchGpus(q).options[0]?.label;

describe("substringDistance", () => {
  test.each([
    ["qwen", "xxqwenxx", 0],
    ["quen", "qwen3", 1],
    ["gtx4090", "geforcertx4090", 1],
    ["rtx4090", "geforcertx4080", 2],
    ["4090", "geforcertx5090", 2],
  ])("%s in %s: %d", (q, t, d) => expect(substringDistance(q, t)).toBe(d));
});

describe("the pickers", () => {
  test.each([
    ["qwen35", /^Qwen3\.5/],
    ["quen3.5", /^Qwen3\.5/],
    ["qwen3.5 35b a3b", /^Qwen3\.5-35B-A3B$/],
    ["qwen3 8b", /^Qwen3-8B$/],
    ["llama 3.1 8b", /^Llama 3\.1 8B/],
    ["llama 3.1 70b", /^Llama 3\.1 70B/],
    ["gemma 3 4b", /^Gemma 3 4B/i],
    ["gpt-oss-20b", /^gpt-oss-20b$/],
    ["Qwen/Qwen3-8B", /^Qwen3-8B$/],
  ])("model '%s' → %s first", (q, re) => expect(firstModel(q)).toMatch(re));
  test.each([
    ["rtx4090", /^GeForce RTX 4090/],
    ["gtx 4090", /^GeForce RTX 4090/],
    ["4090", /^GeForce RTX 4090/],
    ["h100 sxm", /^H100 SXM/],
    ["m3 ultra 512", /M3 Ultra \(512GB\)/],
  ])("GPU '%s' → %s first", (q, re) => expect(firstGpu(q)).toMatch(re));
  test("a digit is never a typo: '4090' lists no 5090 or 3090", () => {
    expect(searchGpus("4090").options.map((o) => o.label).filter((l) => !/4090/.test(l))).toEqual([]);
  });
  test("the empty query lists 50 and says how many there are", () => {
    const r = searchModels("");
    expect(r.options).toHaveLength(50);
    expect(r.total).toBeGreaterThanOrEqual(109);
  });
  test("nothing matches gibberish", () => {
    expect(matchScore("zzzzqqqq", ["Qwen3-8B"])).toBe(0);
  });
});
