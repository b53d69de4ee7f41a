// GGUF headers: the reader takes only the header bytes, the metadata of each
// supported architecture becomes the same layer kinds a config.json gives, and
// the weights are exactly the file's tensor bytes, placed as llama.cpp places
// them. Files are written by the tests (test/support/ggufWriter.ts) for tiny
// models of several architectures and quant mixes, split and truncated.
import { importModel } from "../src/core/configImport";
import { customModelInput, readCustom, serializeCustom } from "../src/core/customStore";
import { estimate } from "../src/core/estimate";
import { bytesSource, readGgufHeader, type ByteSource } from "../src/core/gguf";
import { ggufBaseName, ggufImportInput, ggufSplitNames, readGgufModel } from "../src/core/ggufModel";
import { writeGguf, GGML, tensorBytes } from "./support/ggufWriter";
import { DYNAMIC, F16, fileOf, Q4_K_M, splitFiles, tinyDeepseek2, tinyGemma2, tinyGemma3, tinyGptOss, tinyGraniteHybrid, tinyLlama, tinyMixtral, tinyPhi3, tinyQwen2, tinyQwen2Moe, tinyQwen3, tinyQwen3Moe, type TinyModel } from "./support/tinyGguf";
import { rejectsWithFitError } from "./support/fitError";

/** A source that records every read, to prove only the header is read. */
function recording(name: string, bytes: Uint8Array): ByteSource & { reads: Array<[number, number]> } {
  const reads: Array<[number, number]> = [];
  return { name, size: bytes.length, reads, read: async (o, n) => (reads.push([o, n]), bytes.subarray(o, Math.min(bytes.length, o + n))) };
}

async function load(m: TinyModel, name = "tiny-Q4_K_M.gguf") {
  const input = await readGgufModel([bytesSource(name, fileOf(m))]);
  return { input, entry: importModel(input) };
}

const kinds = (e: ReturnType<typeof importModel>) => e.arch.layers.map((l) => l.mixers.map((x) => x.kind).join("+") || "mlp");

const rejects = rejectsWithFitError;

describe("GGUF header reader", () => {
  test("reads v3 metadata of every value type and the tensor infos, with ggml_nbytes per tensor", async () => {
    const file = writeGguf({
      metadata: [
        ["general.architecture", { str: "llama" }],
        ["a.u8", { u8: 200 }], ["a.i8", { i8: -5 }], ["a.u16", { u16: 60000 }], ["a.i16", { i16: -300 }], ["a.i32", { i32: -7 }],
        ["a.f32", { f32: 0.5 }], ["a.f64", { f64: 0.25 }], ["a.u64", { u64: 2 ** 40 }], ["a.i64", { i64: -(2 ** 40) }], ["a.bool", { bool: true }],
        ["a.arr", { arr: "u32", values: [1, 2, 3] }], ["a.flags", { arr: "bool", values: [true, false] }], ["a.str", { str: "héllo" }],
      ],
      tensors: [
        { name: "x", dims: [256, 3], type: "Q4_K" },
        { name: "y", dims: [32, 2, 2], type: "Q8_0" },
        { name: "z", dims: [7], type: "F32" },
      ],
    });
    const h = await readGgufHeader(bytesSource("t.gguf", file));
    expect(h.version).toBe(3);
    expect(Object.fromEntries(h.metadata)).toEqual({
      "general.architecture": "llama", "a.u8": 200, "a.i8": -5, "a.u16": 60000, "a.i16": -300, "a.i32": -7, "a.f32": 0.5, "a.f64": 0.25,
      "a.u64": 2 ** 40, "a.i64": -(2 ** 40), "a.bool": true, "a.arr": [1, 2, 3], "a.flags": [true, false], "a.str": "héllo",
    });
    expect(h.tensors.map((t) => [t.name, t.type.name, t.dims, t.elements, t.bytes])).toEqual([
      ["x", "Q4_K", [256, 3], 768, 3 * 144],
      ["y", "Q8_0", [32, 2, 2], 128, 4 * 34],
      ["z", "F32", [7], 7, 28],
    ]);
    expect(h.tensors.map((t) => t.offset)).toEqual([0, 448, 608]);
    expect(h.dataOffset % 32).toBe(0);
    expect(h.dataOffset).toBeGreaterThanOrEqual(h.headerBytes);
  });

  test("reads v2 files too", async () => {
    const h = await readGgufHeader(bytesSource("v2.gguf", fileOf(tinyLlama(), { version: 2 })));
    expect(h.version).toBe(2);
    expect(h.metadata.get("llama.block_count")).toBe(4);
  });

  test("every ggml type the writer knows is sized as ggml sizes it", async () => {
    const tensors = Object.entries(GGML).map(([type, [, block]]) => ({ name: `t.${type}`, dims: [block * 2, 3], type }));
    const h = await readGgufHeader(bytesSource("types.gguf", writeGguf({ metadata: [], tensors })));
    for (const t of h.tensors) expect([t.type.name, t.bytes]).toEqual([t.name.slice(2), tensorBytes({ name: t.name, dims: t.dims, type: t.name.slice(2) })]);
  });

  test("long arrays (the token list) keep their length only, and only the header is read", async () => {
    const m = tinyLlama(F16, { vocab: 16384 });
    const file = fileOf(m);
    expect(file.length).toBeGreaterThan(12 * 2 ** 20);
    const src = recording("big.gguf", file);
    const h = await readGgufHeader(src);
    expect(h.metadata.get("tokenizer.ggml.tokens")).toEqual({ omittedArray: "string", length: 16384 });
    const furthest = Math.max(...src.reads.map(([o, n]) => o + n));
    expect(furthest).toBeLessThanOrEqual(2 ** 20);
    expect(h.headerBytes).toBeLessThan(furthest);
  });

  test("a header longer than the first chunk is read in growing chunks", async () => {
    const many = Array.from({ length: 20000 }, (_, i) => [`k.${i}`, { str: "x".repeat(60) }] as [string, { str: string }]);
    const file = writeGguf({ metadata: many, tensors: [{ name: "w", dims: [32, 4], type: "Q8_0" }] });
    const src = recording("long.gguf", file);
    const h = await readGgufHeader(src);
    expect(h.metadata.size).toBe(20000);
    expect(src.reads.length).toBeGreaterThan(1);
  });

  test("not a GGUF, v1, big-endian and future versions are clear errors", async () => {
    await rejects(readGgufHeader(bytesSource("a.bin", new TextEncoder().encode("PK\u0003\u0004 not gguf at all"))), /'a\.bin' is not a GGUF file/);
    await rejects(readGgufHeader(bytesSource("v1.gguf", fileOf(tinyLlama(), { version: 1 }))), /GGUF v1 file .* only v2 and v3/);
    const be = fileOf(tinyLlama());
    new DataView(be.buffer).setUint32(4, 3, false);
    await rejects(readGgufHeader(bytesSource("be.gguf", be)), /big-endian GGUF/);
    await rejects(readGgufHeader(bytesSource("v9.gguf", fileOf(tinyLlama(), { version: 9 }))), /GGUF version 9; this reader knows versions 2 and 3/);
  });

  test("an unknown tensor type is an error naming the tensor and the type id", async () => {
    const m = tinyLlama();
    await rejects(readGgufHeader(bytesSource("odd.gguf", fileOf(m, { rawTypeIds: { "blk.1.attn_q.weight": 31 } }))), /tensor 'blk\.1\.attn_q\.weight' has ggml type 31, which FitMyGPU does not know \(it knows F32, F16, Q4_0/);
  });

  test("a file cut inside its header, or inside its tensor data, is reported as truncated", async () => {
    const file = fileOf(tinyLlama());
    const h = await readGgufHeader(bytesSource("whole.gguf", file));
    await rejects(readGgufHeader(bytesSource("cut.gguf", file.subarray(0, 1000))), /'cut\.gguf' is truncated: it ends at 1,000 bytes, inside its header/);
    await rejects(readGgufHeader(bytesSource("cut2.gguf", file.subarray(0, h.dataOffset + 100))), /'cut2\.gguf' is truncated: tensor '.*' ends at byte [\d,]+ but the file has [\d,]+ bytes/);
    // Without a known size (an HTTP source before its first answer), a short read still ends the file.
    const unsized: ByteSource = { name: "stream.gguf", size: undefined, read: async (o, n) => file.subarray(0, 500).subarray(o, o + n) };
    await rejects(readGgufHeader(unsized), /truncated/);
  });

  test("hostile counts and lengths are refused without allocating", async () => {
    const file = fileOf(tinyLlama());
    const view = new DataView(file.buffer.slice(0));
    view.setBigUint64(8, 2n ** 40n, true); // tensor count
    await rejects(readGgufHeader(bytesSource("hostile.gguf", new Uint8Array(view.buffer))), /claims [\d,]+ tensors; not a real GGUF/);
    const dup = writeGguf({ metadata: [["a", { u32: 1 }], ["a", { u32: 2 }]], tensors: [] });
    await rejects(readGgufHeader(bytesSource("dup.gguf", dup)), /metadata key 'a' appears twice/);
    const proto = writeGguf({ metadata: [["__proto__", { str: "x" }]], tensors: [] });
    const h = await readGgufHeader(bytesSource("proto.gguf", proto));
    expect(h.metadata.get("__proto__")).toBe("x");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("GGUF architectures → layer kinds, weights exactly the file's tensor bytes", () => {
  test.each([
    ["llama (Q4_K_M)", () => tinyLlama(), "llama", false],
    ["qwen2 (tied)", () => tinyQwen2(), "qwen2", true],
    ["qwen2vl (Qwen2.5-VL text)", () => tinyQwen2(DYNAMIC, "qwen2vl"), "qwen2", true],
    ["qwen3 (F16)", () => tinyQwen3(F16), "qwen3", false],
    ["qwen3moe (dynamic mix)", () => tinyQwen3Moe(), "qwen3_moe", false],
    ["qwen2moe (shared expert)", () => tinyQwen2Moe(), "qwen2_moe", false],
    ["mixtral (llama + experts)", () => tinyMixtral(), "mixtral", false],
    ["gemma3 (sliding window)", () => tinyGemma3(), "gemma3_text", true],
    ["gemma2 (sliding window, tied)", () => tinyGemma2(), "gemma2", true],
    ["phi3 (fused QKV and gate/up)", () => tinyPhi3(), "phi3", false],
    ["granitehybrid (Mamba2 + attention)", () => tinyGraniteHybrid(), "granitemoehybrid", false],
    ["deepseek2 (MLA + MoE)", () => tinyDeepseek2(), "deepseek_v3", false],
    ["gpt-oss (MXFP4 experts)", () => tinyGptOss(), "gpt_oss", false],
  ])("%s", async (_, make, modelType, tied) => {
    const m = make();
    const { input, entry } = await load(m);
    expect(entry.arch.modelType).toBe(modelType);
    expect(entry.arch.tiedEmbeddings).toBe(tied);
    expect(entry.record.checkpoint.dtype).toBe("gguf");
    expect(entry.fileWeights!.totalBytes).toBe(m.tensorBytes);
    expect(entry.fileWeights!.params).toBe(m.elements);
    // The architecture read from the metadata accounts for the file's parameters.
    expect(Math.abs(entry.params.total / m.elements - 1)).toBeLessThan(0.01);
    const e = estimate({ model: entry, runtime: "llama.cpp", ctx: 4096 });
    const embd = entry.fileWeights!.tokenEmbdBytes;
    // llama.cpp keeps the input embeddings on the host; a tied model copies them to the GPU as its output.
    expect(e.weightsBytes).toBe(tied ? m.tensorBytes : m.tensorBytes - embd);
    expect(e.hostBytes - embd).toBe((entry.arch.vocab + entry.arch.hidden) * 4);
    expect(e.weightsBytes + (tied ? 0 : embd)).toBe(m.tensorBytes);
    expect(input.name).toBe("tiny-Q4_K_M");
  });

  test("gemma3: five of every six layers slide over a 512-token window; KV is held as for its config", async () => {
    const { entry } = await load(tinyGemma3());
    const k = kinds(entry);
    expect(k.filter((x) => x === "sliding")).toHaveLength(10);
    expect(k[5]).toBe("full");
    expect(k[11]).toBe("full");
    const w = entry.arch.layers[0].mixers[0];
    expect(w.kind === "sliding" && w.window).toBe(512);
    // At 32K the sliding layers hold PAD(512 + 512, 256) cells, the full ones the whole context.
    const e = estimate({ model: entry, runtime: "llama.cpp", ctx: 32768 });
    const perToken = 1 * (256 + 256) * 2;
    expect(e.kvCacheBytes).toBe(2 * 32768 * perToken + 10 * 1024 * perToken);
    const { entry: g2 } = await load(tinyGemma2());
    expect(kinds(g2)).toEqual(["sliding", "full", "sliding", "full"]);
    // Without a window in the file, llama.cpp runs every layer as full attention.
    const { entry: full } = await load(tinyGemma3(Q4_K_M, 6, 0));
    expect(new Set(kinds(full))).toEqual(new Set(["full"]));
  });

  test("granitehybrid: layers with 0 KV heads are Mamba2 and hold fixed state, the others hold KV", async () => {
    const { entry } = await load(tinyGraniteHybrid());
    expect(kinds(entry)).toEqual(["mamba2", "mamba2", "full", "mamba2", "mamba2", "full"]);
    const m = entry.arch.layers[0].mixers[0];
    expect(m.kind === "mamba2" && [m.dInner, m.dState, m.heads, m.groups, m.convKernel]).toEqual([512, 64, 8, 1, 4]);
    const e = estimate({ model: entry, runtime: "llama.cpp", ctx: 8192 });
    expect(e.stateBytes).toBeGreaterThan(0);
    // Mamba2 state in F32: conv (k-1) × (d_inner + 2·groups·d_state) + d_inner × d_state, 4 layers.
    expect(e.stateBytes).toBe(4 * 4 * (3 * (512 + 128) + 512 * 64));
  });

  test("MoE: experts, active experts and widths come from the metadata and the expert tensors", async () => {
    const { entry } = await load(tinyQwen3Moe());
    const f = entry.arch.layers[0].ffn;
    expect(f.kind === "moe" && [f.experts, f.topK, f.expertIntermediate]).toEqual([8, 2, 256]);
    expect(entry.params.active).toBeLessThan(entry.params.total);
    const { entry: ds } = await load(tinyDeepseek2());
    expect(kinds(ds)).toEqual(["mla", "mla", "mla", "mla"]);
    expect(ds.arch.layers[0].ffn.kind).toBe("dense");
    const f2 = ds.arch.layers[1].ffn;
    expect(f2.kind === "moe" && [f2.experts, f2.sharedIntermediate, f2.routerBias]).toEqual([8, 256, true]);
  });

  test("the weight split: token_embd, output, experts and norms land in their groups", async () => {
    const m = tinyQwen3Moe();
    const { entry } = await load(m);
    const w = entry.fileWeights!;
    const bytesOf = (re: RegExp) => m.spec.tensors.filter((t) => re.test(t.name)).reduce((s, t) => s + tensorBytes(t), 0);
    expect(w.tokenEmbdBytes).toBe(bytesOf(/^token_embd\.weight$/));
    expect(w.outputBytes).toBe(bytesOf(/^output\.weight$/));
    expect(w.byGroup.experts).toBe(bytesOf(/_exps\./));
    expect(w.byGroup.router).toBe(bytesOf(/ffn_gate_inp/));
    expect(w.types).toEqual({ BF16: w.tokenEmbdBytes, Q6_K: w.outputBytes, IQ2_XXS: w.byGroup.experts, Q8_0: bytesOf(/attn_(q|k|v|output)\.weight/), IQ4_XS: w.byGroup.router, F32: bytesOf(/norm/) });
  });

  test("unknown and unsupported architectures are errors naming them", async () => {
    const m = tinyLlama();
    const swap = (arch: string) => writeGguf({ ...m.spec, metadata: m.spec.metadata.map(([k, v]) => (k === "general.architecture" ? [k, { str: arch }] : [k, v])) });
    await rejects(readGgufModel([bytesSource("x.gguf", swap("rwkv7"))]), /GGUF architecture 'rwkv7' \(general\.architecture\) is not supported\. Supported: .*llama/);
    await rejects(readGgufModel([bytesSource("mmproj.gguf", swap("clip"))]), /vision projector \(mmproj/);
    await rejects(readGgufModel([bytesSource("none.gguf", writeGguf({ metadata: [], tensors: [{ name: "w", dims: [32], type: "F32" }] }))]), /no general\.architecture/);
  });

  test("a file whose tensors disagree with its metadata is refused, not half-understood", async () => {
    const m = tinyLlama();
    const lying = writeGguf({ ...m.spec, metadata: m.spec.metadata.map(([k, v]) => (k === "llama.feed_forward_length" ? [k, { u32: 4096 }] : [k, v])) });
    await rejects(readGgufModel([bytesSource("lying.gguf", lying)]).then(importModel), /metadata describes a llama of [\d,]+ parameters but its tensors hold [\d,]+/);
  });
});

describe("split GGUFs", () => {
  const m = tinyQwen3Moe();
  const parts = splitFiles(m, 3);
  const names = ggufSplitNames("Tiny-Q4_K_M-00001-of-00003.gguf")!;

  test("part names follow gguf-split's scheme", () => {
    expect(names).toEqual(["Tiny-Q4_K_M-00001-of-00003.gguf", "Tiny-Q4_K_M-00002-of-00003.gguf", "Tiny-Q4_K_M-00003-of-00003.gguf"]);
    expect(ggufSplitNames("model.gguf")).toBeUndefined();
    expect(ggufBaseName("dir/Tiny-Q4_K_M-00002-of-00003.gguf")).toBe("Tiny-Q4_K_M");
  });

  test("the parts are summed, in any order", async () => {
    const input = await readGgufModel([2, 0, 1].map((i) => bytesSource(names[i], parts[i])));
    const entry = importModel(input);
    expect(entry.fileWeights!.totalBytes).toBe(m.tensorBytes);
    expect(entry.fileWeights!.files).toEqual(names);
    expect(input.name).toBe("Tiny-Q4_K_M");
  });

  test("a missing, repeated or foreign part is an error naming it", async () => {
    await rejects(readGgufModel([bytesSource(names[0], parts[0])]), /split into 3 parts; parts 2, 3 are missing \(Tiny-Q4_K_M-00002-of-00003\.gguf, Tiny-Q4_K_M-00003-of-00003\.gguf\)/);
    await rejects(readGgufModel([bytesSource(names[0], parts[0]), bytesSource("copy.gguf", parts[0]), bytesSource(names[2], parts[2])]), /are both part 1 of 3/);
    const other = splitFiles(tinyLlama(), 2);
    await rejects(readGgufModel([bytesSource(names[0], parts[0]), bytesSource("o2.gguf", other[1]), bytesSource(names[2], parts[2])]), /2-part GGUF but .* of a 3-part one/);
  });
});

describe("GGUF models in the workbook store and the engines", () => {
  test("stored with their exact weights, read back, re-registered", async () => {
    const { input } = await load(tinyQwen3Moe(), "Tiny-MoE-IQ2.gguf");
    const stored = customModelInput(input);
    expect(stored.gguf!.totalBytes).toBe(tinyQwen3Moe().tensorBytes);
    const text = serializeCustom({ models: [stored], gpus: [] });
    const { entries, inputs } = readCustom(text);
    expect(inputs.unloaded ?? []).toEqual([]);
    expect(entries.models[0].fileWeights).toEqual(stored.gguf);
    expect(entries.models[0].record.name).toBe("Tiny-MoE-IQ2");
  });

  test("tampered weights (groups that do not add up) are refused, nothing registered", async () => {
    const { input } = await load(tinyLlama());
    const bad = { ...input, gguf: { ...input.gguf!, byGroup: { ...input.gguf!.byGroup, mlp: input.gguf!.byGroup.mlp + 1 } } };
    expect(() => customModelInput(bad)).toThrow(/groups do not add up/);
  });

  test("native runs the file on llama.cpp and Ollama; vLLM is refused; other quants use the per-tensor rules", async () => {
    const { entry } = await load(tinyLlama());
    expect(estimate({ model: entry, runtime: "ollama" }).weightsBytes).toBe(entry.fileWeights!.totalBytes - entry.fileWeights!.tokenEmbdBytes);
    expect(() => estimate({ model: entry, runtime: "vllm" })).toThrow(/cannot run .* native gguf checkpoint/);
    const q8 = estimate({ model: entry, runtime: "llama.cpp", quant: "q8_0" }).weightsBytes;
    expect(q8).toBeGreaterThan(estimate({ model: entry, runtime: "llama.cpp" }).weightsBytes);
    expect(() => estimate({ model: "qwen3-8b", runtime: "llama.cpp", quant: "gguf" })).toThrow(/only a model read from a GGUF file has them/);
  });

  test("ggufImportInput keeps a given name and repo", async () => {
    const h = await readGgufHeader(bytesSource("a.gguf", fileOf(tinyQwen3())));
    const input = ggufImportInput([{ name: "a.gguf", header: h }], { name: "My Qwen GGUF", hfId: "me/tiny-GGUF" });
    const e = importModel(input);
    expect([e.record.name, e.record.checkpoint.repo, e.record.id]).toEqual(["My Qwen GGUF", "me/tiny-GGUF", "my-qwen-gguf"]);
  });
});
