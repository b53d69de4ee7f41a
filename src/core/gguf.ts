// A GGUF header reader: the metadata key/values and the tensor infos of a GGUF
// file (v2 and v3, little-endian), never its tensor data. Pure: it reads bytes
// through a ByteSource the caller supplies (a local file, a Blob slice, HTTP
// range requests), asking for more only while the header is incomplete.
// Format: ggml/docs/gguf.md and ggml/src/gguf.cpp (gguf_init_from_file_impl).
import { fail } from "./errors";
import { ggmlTypeById, ggmlTypeNames, type GgmlTypeInfo } from "./quant";

/** Where the bytes of one GGUF file come from. */
export interface ByteSource {
  /** The file's name, for messages (and split-part names). */
  readonly name: string;
  /** Total size in bytes when known (a local file; an HTTP source learns it from Content-Range). */
  readonly size: number | undefined;
  /** Up to `length` bytes from `offset`; fewer only at the end of the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A metadata value; arrays longer than MAX_KEPT_ARRAY (token lists, merges) keep only their length. */
export type GgufValue = number | boolean | string | GgufValue[] | { omittedArray: string; length: number };

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the row length (ne0). */
  dims: number[];
  type: GgmlTypeInfo;
  /** Offset from the start of the data section. */
  offset: number;
  elements: number;
  /** ggml_nbytes: rows × (ne0 / block) × bytes per block. */
  bytes: number;
}

export interface GgufHeader {
  version: 2 | 3;
  /** Metadata keys in file order (a Map, so no key can reach an object prototype). */
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Where the tensor data starts: the header's end, aligned. */
  dataOffset: number;
  /** Bytes the header occupies (what was needed from the file). */
  headerBytes: number;
}

/** The header is read in growing chunks, from this size (most headers are a few MiB: the token list). */
const FIRST_CHUNK = 1 << 20;
/** Largest header accepted; real ones stay under ~50 MiB even with 250K-token vocabularies and merges. */
export const MAX_HEADER_BYTES = 256 << 20;
const MAX_TENSORS = 1_000_000;
const MAX_KEYS = 1_000_000;
const MAX_STRING = 64 << 20;
/** Arrays up to this length are kept (per-layer values, at most a few hundred layers); longer ones (token lists, merges) keep their length only. */
const MAX_KEPT_ARRAY = 4096;
const MAX_DIMS = 4; // GGML_MAX_DIMS

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32

/** Thrown inside the parser when the buffer ends before the header does. */
class NeedMore {
  constructor(readonly atLeast: number) {}
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** A little-endian cursor over the bytes read so far. */
class Cursor {
  private view: DataView;
  pos = 0;
  constructor(private bytes: Uint8Array, private what: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.length) throw new NeedMore(at + n);
    this.pos = at + n;
    return at;
  }
  u8 = () => this.view.getUint8(this.need(1));
  i8 = () => this.view.getInt8(this.need(1));
  u16 = () => this.view.getUint16(this.need(2), true);
  i16 = () => this.view.getInt16(this.need(2), true);
  u32 = () => this.view.getUint32(this.need(4), true);
  i32 = () => this.view.getInt32(this.need(4), true);
  f32 = () => this.view.getFloat32(this.need(4), true);
  f64 = () => this.view.getFloat64(this.need(8), true);
  /** A uint64 as a number; values past 2^53 are refused where they must be exact (counts, sizes, offsets). */
  u64(field: string, exact = true): number {
    const v = this.view.getBigUint64(this.need(8), true);
    if (exact && v > BigInt(Number.MAX_SAFE_INTEGER)) fail("invalid", `${this.what}: ${field} is ${v}, too large to be real.`);
    return Number(v);
  }
  i64 = () => Number(this.view.getBigInt64(this.need(8), true));
  str(field: string): string {
    const n = this.u64(`the length of ${field}`);
    if (n > MAX_STRING) fail("invalid", `${this.what}: ${field} claims ${n.toLocaleString("en-US")} bytes; not a real GGUF.`);
    const at = this.need(n);
    try {
      return decoder.decode(this.bytes.subarray(at, at + n));
    } catch {
      return fail("invalid", `${this.what}: ${field} is not valid UTF-8.`);
    }
  }
  /** Skips n bytes (the elements of long numeric arrays). */
  skip(n: number): void {
    this.need(n);
  }
  /** Skips a string without decoding it (token lists). */
  skipStr(field: string): void {
    const n = this.u64(`the length of ${field}`);
    if (n > MAX_STRING) fail("invalid", `${this.what}: ${field} claims ${n.toLocaleString("en-US")} bytes; not a real GGUF.`);
    this.need(n);
  }
}

// gguf_type (ggml/include/gguf.h)
const T = { UINT8: 0, INT8: 1, UINT16: 2, INT16: 3, UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10, INT64: 11, FLOAT64: 12 } as const;
const TYPE_NAMES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"];
const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

function scalar(c: Cursor, type: number, key: string): number | boolean | string {
  switch (type) {
    case T.UINT8: return c.u8();
    case T.INT8: return c.i8();
    case T.UINT16: return c.u16();
    case T.INT16: return c.i16();
    case T.UINT32: return c.u32();
    case T.INT32: return c.i32();
    case T.FLOAT32: return c.f32();
    case T.BOOL: return c.u8() !== 0;
    case T.STRING: return c.str(`the value of '${key}'`);
    case T.UINT64: return c.u64(`'${key}'`, false);
    case T.INT64: return c.i64();
    case T.FLOAT64: return c.f64();
    default: return fail("invalid", `GGUF metadata '${key}' has value type ${type}, which is not a GGUF type.`);
  }
}

function value(c: Cursor, type: number, key: string, what: string): GgufValue {
  if (type !== T.ARRAY) return scalar(c, type, key);
  const elem = c.u32();
  if (elem === T.ARRAY) fail("invalid", `${what}: metadata '${key}' is an array of arrays, which GGUF does not allow.`);
  if (TYPE_NAMES[elem] === undefined) fail("invalid", `${what}: metadata '${key}' is an array of type ${elem}, which is not a GGUF type.`);
  const n = c.u64(`the length of '${key}'`);
  if (n > MAX_KEPT_ARRAY) {
    // Token lists and merges: only their length is used (the vocabulary size); skip the elements.
    if (elem === T.STRING) for (let i = 0; i < n; i++) c.skipStr(`an element of '${key}'`);
    else {
      const bytes = n * SCALAR_BYTES[elem];
      if (!Number.isSafeInteger(bytes) || bytes > MAX_HEADER_BYTES) fail("invalid", `${what}: metadata '${key}' claims ${n.toLocaleString("en-US")} elements; not a real GGUF.`);
      c.skip(bytes);
    }
    return { omittedArray: TYPE_NAMES[elem], length: n };
  }
  const out: GgufValue[] = [];
  for (let i = 0; i < n; i++) out.push(scalar(c, elem, key));
  return out;
}

/** ggml_nbytes of a tensor of `dims` elements (ne0 first) of `type`, or an error naming the tensor. */
function tensorBytes(name: string, dims: number[], type: GgmlTypeInfo, what: string): { elements: number; bytes: number } {
  const elements = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(elements)) fail("invalid", `${what}: tensor '${name}' has ${dims.join(" × ")} elements; not a real tensor.`);
  if (dims[0] % type.blockSize !== 0) fail("invalid", `${what}: tensor '${name}' has rows of ${dims[0]} elements, not a multiple of ${type.name}'s block of ${type.blockSize}.`);
  return { elements, bytes: (elements / type.blockSize) * type.typeBytes };
}

/** Parses a header from the bytes read so far; throws NeedMore when they end too soon. */
function parse(bytes: Uint8Array, what: string): GgufHeader {
  const c = new Cursor(bytes, what);
  const magic = c.u32();
  if (magic !== GGUF_MAGIC) fail("invalid", `${what} is not a GGUF file (it does not start with 'GGUF').`);
  const version = c.u32();
  if (version === 1) fail("unsupported", `${what} is a GGUF v1 file (2023); only v2 and v3 are read. Re-convert it with a current llama.cpp.`);
  if (version !== 2 && version !== 3) {
    const swapped = ((version & 0xff) << 24) | ((version & 0xff00) << 8) | ((version >>> 8) & 0xff00) | (version >>> 24);
    if (swapped === 2 || swapped === 3) fail("unsupported", `${what} is a big-endian GGUF; only little-endian files are read.`);
    fail("unsupported", `${what} is GGUF version ${version}; this reader knows versions 2 and 3.`);
  }
  const nTensors = c.u64("the tensor count");
  const nKeys = c.u64("the metadata count");
  if (nTensors > MAX_TENSORS) fail("invalid", `${what} claims ${nTensors.toLocaleString("en-US")} tensors; not a real GGUF.`);
  if (nKeys > MAX_KEYS) fail("invalid", `${what} claims ${nKeys.toLocaleString("en-US")} metadata keys; not a real GGUF.`);
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < nKeys; i++) {
    const key = c.str(`metadata key #${i + 1}`);
    const type = c.u32();
    if (TYPE_NAMES[type] === undefined) fail("invalid", `${what}: metadata '${key}' has value type ${type}, which is not a GGUF type.`);
    if (metadata.has(key)) fail("invalid", `${what}: metadata key '${key}' appears twice.`);
    metadata.set(key, value(c, type, key, what));
  }
  const align = metadata.get("general.alignment");
  const alignment = align === undefined ? 32 : align;
  if (typeof alignment !== "number" || !Number.isInteger(alignment) || alignment <= 0 || alignment > 1 << 20 || (alignment & (alignment - 1)) !== 0) fail("invalid", `${what}: general.alignment must be a power of two, got ${String(align)}.`);
  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    const name = c.str(`the name of tensor #${i + 1}`);
    if (names.has(name)) fail("invalid", `${what}: tensor '${name}' appears twice.`);
    names.add(name);
    const nDims = c.u32();
    if (nDims < 1 || nDims > MAX_DIMS) fail("invalid", `${what}: tensor '${name}' has ${nDims} dimensions; GGUF allows 1 to ${MAX_DIMS}.`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.u64(`dimension ${d} of tensor '${name}'`));
    const typeId = c.u32();
    const type = ggmlTypeById(typeId);
    if (!type) fail("unsupported", `${what}: tensor '${name}' has ggml type ${typeId}, which FitMyGPU does not know (it knows ${ggmlTypeNames().join(", ")}).`);
    const offset = c.u64(`the offset of tensor '${name}'`);
    if (offset % alignment !== 0) fail("invalid", `${what}: tensor '${name}' starts at offset ${offset}, not aligned to ${alignment} bytes.`);
    tensors.push({ name, dims, type, offset, ...tensorBytes(name, dims, type, what) });
  }
  const headerBytes = c.pos;
  return { version, metadata, tensors, alignment, dataOffset: Math.ceil(headerBytes / alignment) * alignment, headerBytes };
}

/**
 * Reads the header of one GGUF file: only as many bytes as the header takes,
 * in doubling chunks. A file that ends inside its header, or whose tensor data
 * would run past its end, is reported as truncated.
 */
export async function readGgufHeader(src: ByteSource): Promise<GgufHeader> {
  const what = `GGUF file '${src.name}'`;
  let want = Math.min(FIRST_CHUNK, src.size ?? FIRST_CHUNK);
  let buf = await src.read(0, want);
  for (;;) {
    const atEnd = buf.length < want || (src.size !== undefined && buf.length >= src.size);
    let header: GgufHeader | undefined;
    let needed = 0;
    try {
      header = parse(buf, what);
    } catch (e) {
      if (!(e instanceof NeedMore)) throw e;
      needed = e.atLeast;
    }
    if (header) {
      checkComplete(header, src, what);
      return header;
    }
    const size = src.size;
    if (atEnd || (size !== undefined && needed > size)) {
      // Too short even for the magic and version: not a GGUF cut short, just not a GGUF.
      if (buf.length < 8) fail("invalid", `${what} is not a GGUF file (it has only ${buf.length} bytes).`);
      fail("invalid", `${what} is truncated: it ends at ${(size ?? buf.length).toLocaleString("en-US")} bytes, inside its header.`);
    }
    if (needed > MAX_HEADER_BYTES) fail("invalid", `${what} has a header larger than ${MAX_HEADER_BYTES / 2 ** 20} MiB; not a real GGUF.`);
    const next = Math.min(Math.max(needed, buf.length * 2), MAX_HEADER_BYTES, size ?? Infinity);
    const more = await src.read(buf.length, next - buf.length);
    const joined = new Uint8Array(buf.length + more.length);
    joined.set(buf, 0);
    joined.set(more, buf.length);
    want = next;
    buf = joined;
  }
}

/** With the file size known, every tensor's data must lie inside the file. */
function checkComplete(h: GgufHeader, src: ByteSource, what: string): void {
  const size = src.size;
  if (size === undefined) return;
  let end = h.dataOffset;
  let last = "";
  for (const t of h.tensors) {
    if (h.dataOffset + t.offset + t.bytes > end) {
      end = h.dataOffset + t.offset + t.bytes;
      last = t.name;
    }
  }
  if (end > size) fail("invalid", `${what} is truncated: tensor '${last}' ends at byte ${end.toLocaleString("en-US")} but the file has ${size.toLocaleString("en-US")} bytes.`);
}

/** A ByteSource over bytes already in memory (tests, small uploads). */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}
