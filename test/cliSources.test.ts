// The CLI's --hf, --hf-file and --gguf through run(), the entry dist/cli.js
// uses, against the mock Hub (HF_ENDPOINT) and GGUF files written to a temp
// directory: the "done when" commands, and bad input as one line on
// stderr with exit code 2.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, run } from "../src/cli/cli";
import { hubFromEnv, localGgufParts } from "../src/cli/modelSources";
import { startMockHub, type MockHub } from "./support/mockHub";
import { fileOf, splitFiles, tinyGemma3, tinyLlama, tinyQwen3Moe } from "./support/tinyGguf";

const QWEN_VL_72B = fs.readFileSync(path.join(__dirname, "fixtures/hub/Qwen2.5-VL-72B-Instruct.config.json"), "utf8");
let hub: MockHub;
let dir: string;
const llama = tinyLlama();
const gemma = tinyGemma3();
const moe = tinyQwen3Moe();

beforeAll(async () => {
  hub = await startMockHub({
    "Qwen/Qwen2.5-VL-72B-Instruct": { files: { "config.json": QWEN_VL_72B } },
    "tiny/llama-GGUF": { files: { "tiny-llama-Q4_K_M.gguf": { body: fileOf(llama), lfs: true } } },
    "meta/gated": { gatedToken: "hf_ok", files: { "config.json": "{}" } },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-gguf-"));
  fs.writeFileSync(path.join(dir, "tiny-llama-Q4_K_M.gguf"), fileOf(llama));
  fs.writeFileSync(path.join(dir, "tiny-gemma3.gguf"), fileOf(gemma));
  splitFiles(moe, 3).forEach((b, i) => fs.writeFileSync(path.join(dir, `tiny-moe-0000${i + 1}-of-00003.gguf`), b));
  fs.writeFileSync(path.join(dir, "cut.gguf"), fileOf(llama).subarray(0, 4000));
});
afterAll(async () => {
  await hub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, (s) => out.push(s), (s) => err.push(s), () => hubFromEnv({ HF_ENDPOINT: hub.url, HF_HUB_DOWNLOAD_TIMEOUT: "2", ...env }));
  return { code, out: out.join("\n"), err: err.join("\n") };
}
const file = (name: string) => path.join(dir, name);

describe("fitmygpu --hf", () => {
  test("model --hf Qwen/Qwen2.5-VL-72B-Instruct --json: the contract keys and the right parameter count", async () => {
    const r = await cli(["model", "--hf", "Qwen/Qwen2.5-VL-72B-Instruct", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(["id", "name", "company", "family", "releaseDate", "architecture", "license", "modality", "contextWindow", "extendedContextWindow", "totalParams", "activeParams", "layers", "hiddenSize", "attentionHeads", "kvHeads", "headDim", "kvLayers", "vocabSize", "hfIds"]);
    expect(j.totalParams / 1e9).toBeCloseTo(73.4, 1);
    expect([j.layers, j.hiddenSize, j.attentionHeads, j.kvHeads, j.headDim, j.vocabSize, j.contextWindow]).toEqual([80, 8192, 64, 8, 128, 152064, 128000]);
    expect(j.hfIds).toEqual(["Qwen/Qwen2.5-VL-72B-Instruct"]);
  });

  test("estimate and fit take --hf too", async () => {
    const e = await cli(["estimate", "--hf", "Qwen/Qwen2.5-VL-72B-Instruct", "--gpu", "nvidia-h100-sxm-80gb", "--gpus", "4", "--json"]);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.out).weightsBytes / 1e9).toBeCloseTo(2 * 73.41, 0);
    const f = await cli(["fit", "--hf", "Qwen/Qwen2.5-VL-72B-Instruct", "--quant", "awq"]);
    expect(f.code).toBe(0);
    expect(f.out).toMatch(/H100/);
  });

  test("a GGUF in a Hub repo by --hf-file, read by byte ranges", async () => {
    hub.requests.length = 0;
    const r = await cli(["estimate", "--hf", "tiny/llama-GGUF", "--hf-file", "tiny-llama-Q4_K_M.gguf", "--runtime", "llama.cpp", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.quant).toBe("native");
    expect(j.weightsBytes + (j.hostBytes - (512 + 256) * 4)).toBe(llama.tensorBytes);
    expect(hub.requests.filter((q) => q.path.startsWith("/cdn/")).every((q) => /^bytes=\d+-\d+$/.test(q.range ?? ""))).toBe(true);
  });

  test("gated, missing and malformed input: exit 2, one line on stderr", async () => {
    for (const [args, re] of [
      [["model", "--hf", "meta/gated"], /^error: gated repo: accept its licence on the Hub and give a token/],
      [["model", "--hf", "nobody/nothing"], /^error: No model repo 'nobody\/nothing'/],
      [["model", "--hf", "not-a-repo"], /^error: 'not-a-repo' is not a Hugging Face repo id/],
      [["model", "--hf-file", "x.gguf"], /^error: --hf-file names a GGUF in a Hub repo/],
      [["model", "--hf", "tiny/llama-GGUF"], /^error: no config\.json in this repo \(tiny\/llama-GGUF\); it has GGUF files: read one with --hf-file, e\.g\. --hf-file tiny-llama-Q4_K_M\.gguf/],
      [["model", "qwen3-8b", "--hf", "Qwen/Qwen3-8B"], /^error: Give either a model name or --hf\/--gguf, not both/],
      [["model", "--hf", "Qwen/Qwen2.5-VL-72B-Instruct", "--gguf", "x.gguf"], /^error: Give either --hf or --gguf, not both/],
    ] as Array<[string[], RegExp]>) {
      const r = await cli(args);
      expect([r.code, r.err.split("\n").length]).toEqual([2, 1]);
      expect(r.err).toMatch(re);
    }
    const bad = await cli(["model", "--hf", "Qwen/Qwen2.5-VL-72B-Instruct"], { HF_ENDPOINT: "ftp://example.org" });
    expect(bad.err).toMatch(/^error: The Hub endpoint must be an https URL/);
  });

  test("commands without --hf or --gguf never touch the network", async () => {
    hub.requests.length = 0;
    expect((await cli(["estimate", "qwen3-8b", "--json"])).code).toBe(0);
    expect((await cli(["model", "Qwen/Qwen3-8B", "--json"])).code).toBe(0);
    expect(hub.requests).toEqual([]);
  });
});

describe("fitmygpu --gguf", () => {
  test("estimate --gguf FILE --runtime llama.cpp --json: weights are the file's tensor bytes (input embeddings on the host)", async () => {
    const r = await cli(["estimate", "--gguf", file("tiny-llama-Q4_K_M.gguf"), "--runtime", "llama.cpp", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.model).toBe("tiny-llama-q4-k-m");
    const embd = (256 * 512 / 256) * 144; // token_embd [256, 512] in Q4_K
    expect(j.weightsBytes).toBe(llama.tensorBytes - embd);
    expect(j.hostBytes).toBe(embd + (512 + 256) * 4);
    // A tied model (Gemma 3) copies its embeddings to the GPU as the output head: all of the file.
    const g = JSON.parse((await cli(["estimate", "--gguf", file("tiny-gemma3.gguf"), "--runtime", "llama.cpp", "--json"])).out);
    expect(g.weightsBytes).toBe(gemma.tensorBytes);
  });

  test("model --gguf shows the architecture; Ollama runs it; vLLM is refused", async () => {
    const m = await cli(["model", "--gguf", file("tiny-gemma3.gguf")]);
    expect(m.out.replace(/\n\s+/g, " ")).toMatch(/10 × sliding-window attention \(window 512/);
    expect(m.out).toMatch(/Read by the user from tiny-gemma3\.gguf/);
    expect((await cli(["estimate", "--gguf", file("tiny-gemma3.gguf"), "--runtime", "ollama"])).code).toBe(0);
    const v = await cli(["estimate", "--gguf", file("tiny-gemma3.gguf"), "--runtime", "vllm"]);
    expect([v.code, v.err]).toEqual([2, expect.stringMatching(/^error: vLLM cannot run tiny-gemma3's native gguf checkpoint/)]);
  });

  test("a split GGUF: the first part finds the others; all parts may be given; a missing part is named", async () => {
    expect(localGgufParts([file("tiny-moe-00001-of-00003.gguf")])).toHaveLength(3);
    const a = JSON.parse((await cli(["estimate", "--gguf", file("tiny-moe-00001-of-00003.gguf"), "--runtime", "llama.cpp", "--json"])).out);
    const b = JSON.parse((await cli(["estimate", "--gguf", file("tiny-moe-00003-of-00003.gguf"), "--gguf", file("tiny-moe-00001-of-00003.gguf"), "--gguf", file("tiny-moe-00002-of-00003.gguf"), "--runtime", "llama.cpp", "--json"])).out);
    expect(a.weightsBytes).toBe(b.weightsBytes);
    const r = await cli(["estimate", "--gguf", file("tiny-moe-00002-of-00003.gguf"), "--runtime", "llama.cpp"]);
    expect(r.err).toMatch(/^error: This GGUF is split into 3 parts; parts 1, 3 are missing/);
  });

  test("unreadable, truncated or foreign files: exit 2, one line", async () => {
    for (const [f, re] of [
      ["missing.gguf", /^error: Cannot read the --gguf file '.*missing\.gguf': ENOENT/],
      ["", /^error: Cannot read the --gguf file/],
      ["cut.gguf", /^error: GGUF file 'cut\.gguf' is truncated/],
    ] as Array<[string, RegExp]>) {
      const r = await cli(["model", "--gguf", f ? file(f) : dir]);
      expect([r.code, r.err.split("\n").length]).toEqual([2, 1]);
      expect(r.err).toMatch(re);
    }
    fs.writeFileSync(file("config.json"), "{}");
    expect((await cli(["model", "--gguf", file("config.json")])).err).toMatch(/is not a GGUF file/);
  });

  test("main() alone refuses --gguf (it is read by run first)", () => {
    const err: string[] = [];
    expect(main(["model", "--gguf", "x.gguf"], () => undefined, (s) => err.push(s))).toBe(2);
    expect(err[0]).toMatch(/read before the command runs/);
  });
});
