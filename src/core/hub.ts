// Hugging Face Hub lookups, made only when the user asks for one. This module
// knows which URLs to ask (the repo's file list through the public API,
// config.json, model.safetensors.index.json, byte ranges of a GGUF) and what
// the answers mean; the request itself is a function the surface passes in
// (Node's fetch in the CLI, the browser's in the pane), with its own timeout.
// Endpoint and token follow huggingface_hub: HF_ENDPOINT (default
// https://huggingface.co) and an optional bearer token for gated repos.
import type { ConfigImportInput } from "./configImport";
import { MAX_JSON_CHARS, safeJsonObject } from "./configImport";
import { fail, isFitError } from "./errors";
import { looksLikeRepoId } from "./repoName";
import type { ByteSource } from "./gguf";
import { ggufSplitNames, readGgufModel, type GgufImportOptions } from "./ggufModel";

export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

/** The part of a fetch Response the Hub client reads. */
export interface HubResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** Lets an unwanted body (a server that ignored Range) be dropped unread. */
  readonly body?: { cancel(): Promise<void> } | null;
}

/** One HTTP GET; the surface adds its timeout and throws (e.g. a TimeoutError) when the request fails. */
export type HubFetch = (url: string, init: { headers: Record<string, string> }) => Promise<HubResponse>;

export interface Hub {
  /** Base URL, as HF_ENDPOINT: https://huggingface.co or a mirror. */
  endpoint: string;
  /** Access token for gated or private repos (never stored). */
  token?: string;
  fetch: HubFetch;
}

/** A file in a repo, with its size when the Hub lists it. */
export interface HubFile {
  path: string;
  size?: number;
}

/** A GGUF model in a repo: one file, or the parts of a split file (sizes summed when known). */
export interface HubGguf {
  /** The file to name when reading it: the file itself or its first part. */
  path: string;
  parts: string[];
  size?: number;
}

export interface HubRepo {
  repo: string;
  endpoint: string;
  /** The Hub marks the repo gated: its files need an accepted licence and a token. */
  gated: boolean;
  files: HubFile[];
  hasConfig: boolean;
  hasIndex: boolean;
  ggufs: HubGguf[];
}

// ---- names -------------------------------------------------------------------------

/** Validates an endpoint like HF_ENDPOINT: an https URL (http only for this machine), without credentials, query or fragment. */
export function hubEndpoint(raw?: string | null): string {
  const text = (raw ?? "").trim();
  if (!text) return DEFAULT_HUB_ENDPOINT;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return fail("invalid", `The Hub endpoint '${text}' is not a URL (e.g. ${DEFAULT_HUB_ENDPOINT}).`);
  }
  const local = u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]";
  if (u.protocol !== "https:" && !(u.protocol === "http:" && local)) fail("invalid", `The Hub endpoint must be an https URL (http only on this machine), got '${text}'.`);
  if (u.username || u.password || u.search || u.hash) fail("invalid", `The Hub endpoint must not carry credentials, a query or a fragment: '${text}'.`);
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

export { looksLikeRepoId };

/** Validates a repo id (owner/name, the Hub's naming rules); it becomes part of URLs, so nothing else passes. */
export function repoId(raw: unknown): string {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (!looksLikeRepoId(text)) fail("invalid", `'${String(raw ?? "")}' is not a Hugging Face repo id: expected owner/name, e.g. Qwen/Qwen3-8B.`);
  return text;
}

/** Validates a file path inside a repo (what the Hub lists): no absolute paths, no '..', no control characters. */
export function repoFilePath(raw: unknown): string {
  const text = typeof raw === "string" ? raw.trim() : "";
  const segments = text.split("/");
  if (!text || text.length > 500 || segments.some((s) => !s || s === "." || s === ".." || /[\u0000-\u001f\\]/.test(s))) fail("invalid", `'${String(raw ?? "")}' is not a file path in a repo.`);
  return text;
}

/** Validates a token: printable ASCII without spaces (it goes into a header). */
function checkToken(token: string | undefined): string | undefined {
  if (token === undefined || token === "") return undefined;
  if (!/^[\x21-\x7e]{1,1000}$/.test(token)) fail("invalid", "The Hugging Face token must be printable text without spaces (hf_…).");
  return token;
}

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/** The URLs the client asks. */
export const hubUrls = {
  /** Repo info with every file and its size (huggingface_hub's model_info(files_metadata=True)). */
  repo: (endpoint: string, repo: string) => `${endpoint}/api/models/${encodePath(repo)}?blobs=true`,
  /** A file of the main revision. */
  file: (endpoint: string, repo: string, path: string) => `${endpoint}/${encodePath(repo)}/resolve/main/${encodePath(path)}`,
};

// ---- requests ----------------------------------------------------------------------------

interface Asked {
  hub: Hub;
  repo: string;
  /** What was asked, for messages: "config.json", "the file list". */
  what: string;
}

async function get(a: Asked, url: string, headers: Record<string, string> = {}): Promise<HubResponse> {
  const token = checkToken(a.hub.token);
  try {
    return await a.hub.fetch(url, { headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  } catch (e) {
    if (isFitError(e)) throw e;
    const err = e as Error;
    if (err?.name === "TimeoutError" || err?.name === "AbortError") fail("no-answer", `The Hub at ${a.hub.endpoint} did not answer in time for ${a.what} of ${a.repo} (timeout). Try again, or check the endpoint.`);
    return fail("no-answer", `Could not reach the Hub at ${a.hub.endpoint} for ${a.what} of ${a.repo}: ${err?.message ?? String(e)}.`);
  }
}

/** Turns a non-success answer into the message a user can act on. */
function refuse(a: Asked, res: HubResponse): never {
  const code = res.headers.get("x-error-code") ?? "";
  void res.body?.cancel().catch(() => undefined);
  if (code === "RepoNotFound") fail("not-found", `No model repo '${a.repo}' on the Hub at ${a.hub.endpoint} (or it is private: give a token that can read it).`);
  if (res.status === 401 || res.status === 403 || code === "GatedRepo") {
    if (a.hub.token) fail("unsupported", `gated repo: the Hub refused the token for ${a.repo} (HTTP ${res.status}). Accept its licence on the Hub with the token's account, and check the token can read this repo.`);
    fail("unsupported", `gated repo: accept its licence on the Hub and give a token (${a.repo} answered HTTP ${res.status} for ${a.what}).`);
  }
  if (res.status === 404) fail("not-found", a.what === "the file list" ? `No model repo '${a.repo}' on the Hub at ${a.hub.endpoint}.` : `No ${a.what} in ${a.repo} on the Hub.`);
  return fail("no-answer", `The Hub at ${a.hub.endpoint} answered HTTP ${res.status} for ${a.what} of ${a.repo}.`);
}

/** A JSON answer as text, refused before reading when it is larger than any config or file list. */
async function jsonText(a: Asked, url: string): Promise<string> {
  const res = await get(a, url, { Accept: "application/json" });
  if (res.status !== 200) refuse(a, res);
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_CHARS) {
    void res.body?.cancel().catch(() => undefined);
    fail("invalid", `${a.what} of ${a.repo} is ${declared.toLocaleString("en-US")} bytes; a real one is far smaller, so it was not read.`);
  }
  try {
    return await res.text();
  } catch (e) {
    const err = e as Error;
    if (err?.name === "TimeoutError" || err?.name === "AbortError") fail("no-answer", `The Hub at ${a.hub.endpoint} did not finish sending ${a.what} of ${a.repo} in time (timeout).`);
    return fail("no-answer", `Reading ${a.what} of ${a.repo} from the Hub failed: ${err?.message ?? String(e)}.`);
  }
}

// ---- the repo -----------------------------------------------------------------------------

/** Groups a repo's .gguf files into models: single files, and split files by their first part (mmproj projectors left out). */
export function repoGgufs(files: HubFile[]): HubGguf[] {
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  const out: HubGguf[] = [];
  for (const f of files) {
    if (!/\.gguf$/i.test(f.path)) continue;
    const slash = f.path.lastIndexOf("/");
    const dir = f.path.slice(0, slash + 1);
    const base = f.path.slice(slash + 1);
    if (/mmproj/i.test(base)) continue;
    const names = ggufSplitNames(base);
    if (names && names[0] !== base) continue; // a later part: listed under its first
    const parts = (names ?? [base]).map((n) => dir + n);
    const partSizes = parts.map((p) => sizes.get(p));
    out.push({ path: f.path, parts, ...(partSizes.every((s) => s !== undefined) ? { size: partSizes.reduce((s, x) => s + (x ?? 0), 0) } : {}) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The repo's files (the public API lists them even for gated repos) and whether it is gated. */
export async function hubRepo(hub: Hub, rawRepo: string): Promise<HubRepo> {
  const repo = repoId(rawRepo);
  const endpoint = hubEndpoint(hub.endpoint);
  const a: Asked = { hub: { ...hub, endpoint }, repo, what: "the file list" };
  const info = safeJsonObject(await jsonText(a, hubUrls.repo(endpoint, repo)), `The Hub's file list for ${repo}`);
  const siblings = info.siblings;
  if (!Array.isArray(siblings)) fail("invalid", `The Hub's answer for ${repo} lists no files (no 'siblings'): is ${endpoint} a Hugging Face Hub?`);
  const files: HubFile[] = [];
  for (const s of siblings) {
    if (!s || typeof s !== "object") continue;
    const path = (s as Record<string, unknown>).rfilename;
    const size = (s as Record<string, unknown>).size;
    if (typeof path !== "string") continue;
    files.push({ path, ...(typeof size === "number" && Number.isSafeInteger(size) && size >= 0 ? { size } : {}) });
  }
  const names = new Set(files.map((f) => f.path));
  return {
    repo,
    endpoint,
    gated: info.gated !== undefined && info.gated !== false && info.gated !== null,
    files,
    hasConfig: names.has("config.json"),
    hasIndex: names.has("model.safetensors.index.json"),
    ggufs: repoGgufs(files),
  };
}

/**
 * config.json (and model.safetensors.index.json when the repo has one) of a
 * repo, as import input; nothing is imported or stored here, so a bad answer
 * never half-saves a model.
 */
export async function hubConfigInput(hub: Hub, info: HubRepo, opts: GgufImportOptions = {}): Promise<ConfigImportInput> {
  const a = (what: string): Asked => ({ hub: { ...hub, endpoint: info.endpoint }, repo: info.repo, what });
  if (!info.hasConfig) {
    const hint = info.ggufs.length ? ` It has GGUF files: read one of them instead (e.g. ${info.ggufs[0].path}).` : "";
    fail("not-found", `no config.json in this repo (${info.repo}).${hint}`);
  }
  if (info.gated && !hub.token) fail("unsupported", `gated repo: accept its licence on the Hub and give a token (${info.repo}).`);
  const config = safeJsonObject(await jsonText(a("config.json"), hubUrls.file(info.endpoint, info.repo, "config.json")), `config.json of ${info.repo}`);
  const index = info.hasIndex ? safeJsonObject(await jsonText(a("model.safetensors.index.json"), hubUrls.file(info.endpoint, info.repo, "model.safetensors.index.json")), `model.safetensors.index.json of ${info.repo}`) : undefined;
  // Only total_size of the index is used; the weight map (large) is dropped here.
  const trimmed = index ? { metadata: index.metadata } : undefined;
  return { config, ...(trimmed ? { index: trimmed } : {}), hfId: info.repo, name: opts.name ?? info.repo.split("/")[1], ...(opts.contextWindow ? { contextWindow: opts.contextWindow } : {}) };
}

/** A ByteSource over one file of a repo, read with HTTP Range requests (only the bytes asked for). */
export function hubRangeSource(hub: Hub, info: HubRepo, path: string): ByteSource {
  const a: Asked = { hub: { ...hub, endpoint: info.endpoint }, repo: info.repo, what: path };
  const url = hubUrls.file(info.endpoint, info.repo, repoFilePath(path));
  let size = info.files.find((f) => f.path === path)?.size;
  return {
    name: path.split("/").pop() ?? path,
    get size() {
      return size;
    },
    async read(offset, length) {
      if (length <= 0 || (size !== undefined && offset >= size)) return new Uint8Array(0);
      const res = await get(a, url, { Range: `bytes=${offset}-${offset + length - 1}` });
      if (res.status === 416) {
        void res.body?.cancel().catch(() => undefined);
        return new Uint8Array(0);
      }
      if (res.status === 200) {
        // A server that ignores Range would send the whole file (gigabytes): never read it.
        void res.body?.cancel().catch(() => undefined);
        fail("unsupported", `The Hub at ${info.endpoint} ignored the byte-range request for ${path} (it answered with the whole file); FitMyGPU reads only a GGUF's header and does not download whole files.`);
      }
      if (res.status !== 206) refuse(a, res);
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
      if (range && range[3] !== "*") size = Number(range[3]);
      if (range && Number(range[1]) !== offset) fail("invalid", `The Hub sent bytes from ${range[1]} of ${path} when ${offset} was asked.`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return bytes.length > length ? bytes.subarray(0, length) : bytes;
    },
  };
}

/** Reads a repo's GGUF (every part of a split one) through range requests: headers only. */
export async function hubGgufInput(hub: Hub, info: HubRepo, path: string, opts: GgufImportOptions = {}): Promise<ConfigImportInput> {
  const file = repoFilePath(path);
  const gguf = info.ggufs.find((g) => g.path === file || g.parts.includes(file));
  if (!gguf) fail("not-found", `No GGUF file '${file}' in ${info.repo}${info.ggufs.length ? `; it has ${info.ggufs.map((g) => g.path).join(", ")}` : ""}.`);
  if (info.gated && !hub.token) fail("unsupported", `gated repo: accept its licence on the Hub and give a token (${info.repo}).`);
  return readGgufModel(gguf.parts.map((p) => hubRangeSource(hub, info, p)), { ...opts, hfId: opts.hfId ?? info.repo });
}
