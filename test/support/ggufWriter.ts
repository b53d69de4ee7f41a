// Writes GGUF files (v2/v3, little-endian) for the tests, as llama.cpp's
// gguf.cpp lays them out: header, metadata, tensor infos, padding to the
// alignment, then each tensor's data (zeros) at its aligned offset. The type
// table is written out here from ggml's block structs, independently of the
// catalog's, so the reader's byte sums are checked against a second source.

/** ggml type id, elements per block, bytes per block (ggml-common.h block_* structs). */
export const GGML: Record<string, [id: number, block: number, bytes: number]> = {
  F32: [0, 1, 4], F16: [1, 1, 2], Q4_0: [2, 32, 18], Q4_1: [3, 32, 20], Q5_0: [6, 32, 22], Q5_1: [7, 32, 24], Q8_0: [8, 32, 34], Q8_1: [9, 32, 36],
  Q2_K: [10, 256, 84], Q3_K: [11, 256, 110], Q4_K: [12, 256, 144], Q5_K: [13, 256, 176], Q6_K: [14, 256, 210], Q8_K: [15, 256, 292],
  IQ2_XXS: [16, 256, 66], IQ2_XS: [17, 256, 74], IQ3_XXS: [18, 256, 98], IQ1_S: [19, 256, 50], IQ4_NL: [20, 32, 18], IQ3_S: [21, 256, 110],
  IQ2_S: [22, 256, 82], IQ4_XS: [23, 256, 136], I8: [24, 1, 1], I16: [25, 1, 2], I32: [26, 1, 4], I64: [27, 1, 8], F64: [28, 1, 8],
  IQ1_M: [29, 256, 56], BF16: [30, 1, 2], TQ1_0: [34, 256, 54], TQ2_0: [35, 256, 66], MXFP4: [39, 32, 17],
};

export type Value =
  | { u8: number } | { i8: number } | { u16: number } | { i16: number } | { u32: number } | { i32: number } | { f32: number } | { f64: number }
  | { u64: number | bigint } | { i64: number } | { bool: boolean } | { str: string }
  | { arr: "u32" | "i32" | "f32" | "bool" | "str"; values: Array<number | boolean | string> };

export interface TensorSpec {
  name: string;
  /** ggml order: dims[0] is the row length. */
  dims: number[];
  type: string;
}

export interface GgufSpec {
  version?: number;
  metadata: Array<[string, Value]>;
  tensors: TensorSpec[];
  alignment?: number;
  /** Write only the header (no tensor data): a file cut where its data starts. */
  headerOnly?: boolean;
  /** A raw type id to write in place of a tensor's type (for unknown-type tests). */
  rawTypeIds?: Record<string, number>;
}

/** Bytes of a tensor as ggml_nbytes computes them. */
export function tensorBytes(t: TensorSpec): number {
  const [, block, bytes] = GGML[t.type];
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.dims[0] % block !== 0) throw new Error(`${t.name}: row ${t.dims[0]} not a multiple of ${t.type}'s block ${block}`);
  return (n / block) * bytes;
}

class Out {
  private chunks: Uint8Array[] = [];
  length = 0;
  private push(b: Uint8Array) {
    this.chunks.push(b);
    this.length += b.length;
  }
  private num(n: number, write: (v: DataView) => void) {
    const b = new Uint8Array(n);
    write(new DataView(b.buffer));
    this.push(b);
  }
  u8 = (v: number) => this.num(1, (d) => d.setUint8(0, v));
  i8 = (v: number) => this.num(1, (d) => d.setInt8(0, v));
  u16 = (v: number) => this.num(2, (d) => d.setUint16(0, v, true));
  i16 = (v: number) => this.num(2, (d) => d.setInt16(0, v, true));
  u32 = (v: number) => this.num(4, (d) => d.setUint32(0, v, true));
  i32 = (v: number) => this.num(4, (d) => d.setInt32(0, v, true));
  f32 = (v: number) => this.num(4, (d) => d.setFloat32(0, v, true));
  f64 = (v: number) => this.num(8, (d) => d.setFloat64(0, v, true));
  u64 = (v: number | bigint) => this.num(8, (d) => d.setBigUint64(0, BigInt(v), true));
  i64 = (v: number) => this.num(8, (d) => d.setBigInt64(0, BigInt(v), true));
  str = (s: string) => {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.push(b);
  };
  zeros = (n: number) => this.push(new Uint8Array(n));
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const TYPE_IDS: Record<string, number> = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, str: 8, arr: 9, u64: 10, i64: 11, f64: 12 };

function writeValue(o: Out, v: Value): void {
  const [tag, x] = Object.entries(v)[0] as [string, unknown];
  o.u32(TYPE_IDS[tag]);
  if (tag === "arr") {
    const a = v as { arr: string; values: Array<number | boolean | string> };
    o.u32(TYPE_IDS[a.arr]);
    o.u64(a.values.length);
    for (const e of a.values) scalar(o, a.arr, e);
    return;
  }
  scalar(o, tag, x);
}

function scalar(o: Out, tag: string, x: unknown): void {
  if (tag === "bool") return o.u8(x ? 1 : 0);
  if (tag === "str") return o.str(String(x));
  (o as unknown as Record<string, (v: unknown) => void>)[tag](x);
}

/** A GGUF file with `spec`'s metadata and tensors (data zero-filled unless headerOnly). */
export function writeGguf(spec: GgufSpec): Uint8Array {
  const o = new Out();
  const alignment = spec.alignment ?? 32;
  o.u32(0x46554747);
  o.u32(spec.version ?? 3);
  o.u64(spec.tensors.length);
  o.u64(spec.metadata.length);
  for (const [k, v] of spec.metadata) {
    o.str(k);
    writeValue(o, v);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of spec.tensors) {
    o.str(t.name);
    o.u32(t.dims.length);
    for (const d of t.dims) o.u64(d);
    o.u32(spec.rawTypeIds?.[t.name] ?? GGML[t.type][0]);
    o.u64(offset);
    offsets.push(offset);
    offset += Math.ceil(tensorBytes(t) / alignment) * alignment;
  }
  if (!spec.headerOnly) {
    o.zeros((alignment - (o.length % alignment)) % alignment);
    o.zeros(offset);
  }
  return o.bytes();
}
