// Hub lookups against a local mock Hub (test/support/mockHub.ts) on 127.0.0.1,
// through the CLI's own fetch adapter (Node's fetch, HF_ENDPOINT, HF_TOKEN,
// HF_HUB_DOWNLOAD_TIMEOUT): config.json and the safetensors index become an
// import; GGUFs are read by byte ranges, header only; gated, missing, slow and
// malformed answers are clear errors, and nothing is imported from them.
import * as fs from "fs";
import * as path from "path";
import { importModel } from "../src/core/configImport";
import { estimate } from "../src/core/estimate";
import { hubConfigInput, hubEndpoint, hubGgufInput, hubRepo, hubUrls, looksLikeRepoId, repoGgufs, repoId, type Hub } from "../src/core/hub";
import { hubFromEnv } from "../src/cli/modelSources";
import { startMockHub, type MockHub } from "./support/mockHub";
import { fileOf, splitFiles, tinyGemma3, tinyLlama, tinyQwen3, tinyQwen3Moe } from "./support/tinyGguf";
import { rejectsWithFitError } from "./support/fitError";

const QWEN_VL_72B = fs.readFileSync(path.join(__dirname, "fixtures/hub/Qwen2.5-VL-72B-Instruct.config.json"), "utf8");
const qwen3 = tinyQwen3();
const moe = tinyQwen3Moe();
const parts = splitFiles(moe, 2);
const qwen3Config = { model_type: "qwen3", hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 64, intermediate_size: 512, vocab_size: 512, max_position_embeddings: 8192, tie_word_embeddings: false, torch_dtype: "bfloat16" };

let hub: MockHub;
const env = (extra: Record<string, string> = {}) => ({ HF_ENDPOINT: hub.url, HF_HUB_DOWNLOAD_TIMEOUT: "2", ...extra });
const client = (extra: Record<string, string> = {}): Hub => hubFromEnv(env(extra));

beforeAll(async () => {
  hub = await startMockHub({
    "Qwen/Qwen2.5-VL-72B-Instruct": { files: { "config.json": QWEN_VL_72B, "README.md": "# card", "model-00001-of-00038.safetensors": "x" } },
    "tiny/qwen3": {
      files: {
        "config.json": JSON.stringify(qwen3Config),
        "model.safetensors.index.json": JSON.stringify({ metadata: { total_size: 2 * 1_900_000 }, weight_map: { "model.embed_tokens.weight": "model-00001-of-00002.safetensors" } }),
      },
    },
    "tiny/qwen3-GGUF": {
      files: {
        "tiny-qwen3-Q4_K_M.gguf": { body: fileOf(qwen3), lfs: true },
        "Q2/tiny-moe-Q2_K-00001-of-00002.gguf": { body: parts[0], lfs: true },
        "Q2/tiny-moe-Q2_K-00002-of-00002.gguf": { body: parts[1], lfs: true },
        "mmproj-tiny-F16.gguf": "not read",
      },
    },
    "meta/gated": { gatedToken: "hf_right", files: { "config.json": JSON.stringify(qwen3Config), "gated-Q4_K_M.gguf": fileOf(tinyLlama()) } },
    "owner/private": { private: true, files: { "config.json": "{}" } },
    "owner/slow": { files: { "config.json": { body: JSON.stringify(qwen3Config), delayMs: 5000 } } },
    "owner/slow-list": { apiDelayMs: 5000, files: { "config.json": "{}" } },
    "owner/malformed": { files: { "config.json": '{ "model_type": "qwen3", "hidden_size": 4096,' } },
    "owner/not-a-model": { files: { "config.json": JSON.stringify({ model_type: "bert", hidden_size: 768 }) } },
    "owner/no-range": { files: { "big.gguf": { body: fileOf(tinyGemma3()), ignoreRange: true } } },
    "owner/only-readme": { files: { "README.md": "nothing here" } },
  });
});
afterAll(() => hub.close());

const rejects = rejectsWithFitError;

const lookUp = async (repo: string, h = client()) => hubConfigInput(h, await hubRepo(h, repo));

describe("names and URLs", () => {
  test("repo ids follow the Hub's rules; anything else never reaches a URL", () => {
    expect(repoId(" Qwen/Qwen2.5-VL-72B-Instruct ")).toBe("Qwen/Qwen2.5-VL-72B-Instruct");
    for (const bad of ["qwen3-8b", "a/b/c", "../etc/passwd", "owner/na me", "owner/-x", "owner/x.", "owner/a--b", "owner/a..b", "/x", "", "o/" + "x".repeat(97)]) {
      expect(looksLikeRepoId(bad)).toBe(false);
      expect(() => repoId(bad)).toThrow(/not a Hugging Face repo id/);
    }
  });

  test("endpoints: https, or http on this machine; HF_ENDPOINT's default", () => {
    expect(hubEndpoint(undefined)).toBe("https://huggingface.co");
    expect(hubEndpoint("https://hf-mirror.com/")).toBe("https://hf-mirror.com");
    expect(hubEndpoint("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
    expect(() => hubEndpoint("http://hf-mirror.com")).toThrow(/https URL/);
    expect(() => hubEndpoint("https://user:pw@huggingface.co")).toThrow(/credentials/);
    expect(() => hubEndpoint("huggingface.co")).toThrow(/not a URL/);
    expect(hubUrls.repo("https://huggingface.co", "Qwen/Qwen3-8B")).toBe("https://huggingface.co/api/models/Qwen/Qwen3-8B?blobs=true");
    expect(hubUrls.file("https://huggingface.co", "o/r", "Q4 K/a b.gguf")).toBe("https://huggingface.co/o/r/resolve/main/Q4%20K/a%20b.gguf");
  });

  test("a repo's GGUFs: split parts under their first part, projectors left out", () => {
    expect(repoGgufs([{ path: "a-Q4_K_M.gguf", size: 10 }, { path: "B/b-00002-of-00002.gguf", size: 5 }, { path: "B/b-00001-of-00002.gguf", size: 7 }, { path: "mmproj-F16.gguf" }, { path: "config.json" }])).toEqual([
      { path: "B/b-00001-of-00002.gguf", parts: ["B/b-00001-of-00002.gguf", "B/b-00002-of-00002.gguf"], size: 12 },
      { path: "a-Q4_K_M.gguf", parts: ["a-Q4_K_M.gguf"], size: 10 },
    ]);
  });
});

describe("config.json from the Hub", () => {
  test("Qwen/Qwen2.5-VL-72B-Instruct: the file list, then config.json; 73.4B parameters with the vision tower", async () => {
    hub.requests.length = 0;
    const input = await lookUp("Qwen/Qwen2.5-VL-72B-Instruct");
    expect(hub.requests.map((r) => r.path)).toEqual(["/api/models/Qwen/Qwen2.5-VL-72B-Instruct?blobs=true", "/Qwen/Qwen2.5-VL-72B-Instruct/resolve/main/config.json"]);
    const m = importModel(input);
    expect(m.record.name).toBe("Qwen2.5-VL-72B-Instruct");
    expect(m.record.checkpoint.repo).toBe("Qwen/Qwen2.5-VL-72B-Instruct");
    expect(m.params.text).toBe(72_706_203_648);
    expect(m.params.total / 1e9).toBeCloseTo(73.4, 1);
    expect(m.record.modality).toBe("text+vision");
  });

  test("model.safetensors.index.json is read when the repo lists it, and pins the checkpoint bytes", async () => {
    const input = await lookUp("tiny/qwen3");
    expect(input.index).toEqual({ metadata: { total_size: 3_800_000 } });
    expect(importModel(input).record.checkpoint.safetensorsBytes).toBe(3_800_000);
  });

  test("a gated repo: without a token the gated message, and no file is asked for; with the wrong token a 403; with the right one it imports", async () => {
    hub.requests.length = 0;
    await rejects(lookUp("meta/gated"), /^gated repo: accept its licence on the Hub and give a token/);
    expect(hub.requests.map((r) => r.path)).toEqual(["/api/models/meta/gated?blobs=true"]);
    await rejects(lookUp("meta/gated", client({ HF_TOKEN: "hf_wrong" })), /gated repo: the Hub refused the token for meta\/gated \(HTTP 403\)/);
    const ok = await lookUp("meta/gated", client({ HF_TOKEN: "hf_right" }));
    expect(importModel(ok).arch.modelType).toBe("qwen3");
    expect(hub.requests.at(-1)!.authorization).toBe("Bearer hf_right");
  });

  test("a missing file or repo is named", async () => {
    await rejects(lookUp("owner/only-readme"), /^no config\.json in this repo \(owner\/only-readme\)/);
    await rejects(lookUp("tiny/qwen3-GGUF"), /no config\.json in this repo .* It has GGUF files: read one of them instead \(e\.g\. Q2\/tiny-moe-Q2_K-00001-of-00002\.gguf\)/);
    await rejects(lookUp("nobody/nothing"), /No model repo 'nobody\/nothing' on the Hub/);
    await rejects(lookUp("owner/private"), /No model repo 'owner\/private' .*\(or it is private: give a token/);
  });

  test("a slow Hub times out with a message (HF_HUB_DOWNLOAD_TIMEOUT)", async () => {
    const h = client({ HF_HUB_DOWNLOAD_TIMEOUT: "0.3" });
    await rejects(lookUp("owner/slow", h), /did not answer in time for config\.json of owner\/slow \(timeout\)/);
    await rejects(lookUp("owner/slow-list", h), /did not answer in time for the file list of owner\/slow-list/);
  });

  test("malformed JSON and configs of other model types are refused before anything is imported", async () => {
    await rejects(lookUp("owner/malformed"), /config\.json of owner\/malformed is not valid JSON/);
    const input = await lookUp("owner/not-a-model");
    expect(() => importModel(input)).toThrow(/Unsupported model_type 'bert'/);
  });

  test("an unreachable endpoint is a message, not a crash", async () => {
    const closed = await startMockHub({});
    await closed.close();
    await rejects(lookUp("Qwen/Qwen3-8B", hubFromEnv({ HF_ENDPOINT: closed.url })), /Could not reach the Hub at http:\/\/127\.0\.0\.1:\d+ for the file list of Qwen\/Qwen3-8B/);
  });
});

describe("GGUF from the Hub by byte ranges", () => {
  test("a single file through the Hub's redirect: only its header is read, weights exact", async () => {
    const h = client();
    const info = await hubRepo(h, "tiny/qwen3-GGUF");
    expect(info.ggufs.map((g) => g.path)).toEqual(["Q2/tiny-moe-Q2_K-00001-of-00002.gguf", "tiny-qwen3-Q4_K_M.gguf"]);
    hub.requests.length = 0;
    const input = await hubGgufInput(h, info, "tiny-qwen3-Q4_K_M.gguf");
    const ranges = hub.requests.filter((r) => r.path.startsWith("/cdn/")).map((r) => r.range);
    expect(ranges).toEqual(["bytes=0-1048575"]);
    expect(fileOf(qwen3).length).toBeGreaterThan(1048576);
    const m = importModel(input);
    expect(m.record.checkpoint.repo).toBe("tiny/qwen3-GGUF");
    expect(m.record.name).toBe("tiny-qwen3-Q4_K_M");
    expect(m.fileWeights!.totalBytes).toBe(qwen3.tensorBytes);
    expect(estimate({ model: m, runtime: "llama.cpp" }).weightsBytes).toBe(qwen3.tensorBytes - m.fileWeights!.tokenEmbdBytes);
  });

  test("a split file in a folder: every part's header, summed", async () => {
    const h = client();
    const info = await hubRepo(h, "tiny/qwen3-GGUF");
    const m = importModel(await hubGgufInput(h, info, "Q2/tiny-moe-Q2_K-00001-of-00002.gguf"));
    expect(m.fileWeights!.totalBytes).toBe(moe.tensorBytes);
    expect(m.fileWeights!.files).toEqual(["tiny-moe-Q2_K-00001-of-00002.gguf", "tiny-moe-Q2_K-00002-of-00002.gguf"]);
  });

  test("a server that ignores Range is refused before the file is downloaded; gated GGUFs need the token", async () => {
    const h = client();
    await rejects(hubGgufInput(h, await hubRepo(h, "owner/no-range"), "big.gguf"), /ignored the byte-range request for big\.gguf .* does not download whole files/);
    await rejects(hubGgufInput(h, await hubRepo(h, "meta/gated"), "gated-Q4_K_M.gguf"), /^gated repo: accept its licence/);
    const withToken = client({ HF_TOKEN: "hf_right" });
    const m = importModel(await hubGgufInput(withToken, await hubRepo(withToken, "meta/gated"), "gated-Q4_K_M.gguf"));
    expect(m.fileWeights!.totalBytes).toBe(tinyLlama().tensorBytes);
    await rejects(hubGgufInput(h, await hubRepo(h, "tiny/qwen3-GGUF"), "nope.gguf"), /No GGUF file 'nope\.gguf' in tiny\/qwen3-GGUF; it has /);
  });
});
