// Model sources that need I/O before a command runs: --hf (a Hub repo's
// config.json), --hf with --hf-file (a GGUF in a Hub repo, read by range
// requests) and --gguf (local GGUF files, headers only). The core parses and
// validates; this module only moves bytes. Every command that takes a model
// (estimate, fit, model, and later ones) resolves it through resolveModelSource.
import * as fs from "fs";
import * as path from "path";
import type { ModelEntry } from "../core/catalog";
import { importModel, type ConfigImportInput } from "../core/configImport";
import { FitError } from "../core/errors";
import type { ByteSource } from "../core/gguf";
import { ggufSplitNames, readGgufModel } from "../core/ggufModel";
import { hubConfigInput, hubEndpoint, hubGgufInput, hubRepo, type Hub, type HubFetch } from "../core/hub";

/** The model flags a command was given (--hf, --hf-file, --gguf, and the naming flags that go with them). */
export interface SourceFlags {
  hf?: string;
  hfFile?: string;
  gguf?: string[];
  name?: string;
  params?: number;
  contextWindow?: number;
}

/** Seconds each Hub request may take (HF_HUB_DOWNLOAD_TIMEOUT, as huggingface_hub names it). */
export const DEFAULT_HUB_TIMEOUT_S = 30;

/**
 * The Hub the environment names: HF_ENDPOINT (default https://huggingface.co),
 * HF_TOKEN (optional), HF_HUB_DOWNLOAD_TIMEOUT seconds per request; requests
 * go through Node's fetch and nowhere but that endpoint (and its redirects).
 */
export function hubFromEnv(env: NodeJS.ProcessEnv, fetchFn: typeof fetch = globalThis.fetch): Hub {
  const raw = env.HF_HUB_DOWNLOAD_TIMEOUT;
  const seconds = raw === undefined || raw === "" ? DEFAULT_HUB_TIMEOUT_S : Number(raw);
  if (!(seconds > 0) || seconds > 3600) throw new FitError("invalid", `HF_HUB_DOWNLOAD_TIMEOUT must be a number of seconds between 0 and 3600, got '${raw}'.`);
  const request: HubFetch = (url, init) => fetchFn(url, { headers: init.headers, redirect: "follow", signal: AbortSignal.timeout(seconds * 1000) });
  return { endpoint: hubEndpoint(env.HF_ENDPOINT), token: env.HF_TOKEN?.trim() || undefined, fetch: request };
}

/** A local file read on demand (the GGUF reader asks only for its header). */
export async function fileSource(file: string): Promise<ByteSource & { close(): Promise<void> }> {
  let fh: fs.promises.FileHandle;
  let size: number;
  try {
    fh = await fs.promises.open(file, "r");
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    }
    size = st.size;
  } catch (e) {
    throw new FitError("invalid", `Cannot read the --gguf file '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  return {
    name: path.basename(file),
    size,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await fh.read(buf, done, n - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    },
    close: () => fh.close(),
  };
}

/** The files of a local GGUF: the ones given, or, given only the first part of a split file, every part beside it. */
export function localGgufParts(files: string[]): string[] {
  if (files.length !== 1) return files;
  const names = ggufSplitNames(path.basename(files[0]));
  if (!names || names.length < 2 || names[0] !== path.basename(files[0])) return files;
  const dir = path.dirname(files[0]);
  // Parts that are missing are left out here; the core then names them in its error.
  return names.map((n) => path.join(dir, n)).filter((p, i) => i === 0 || fs.existsSync(p));
}

async function readLocalGguf(files: string[], f: SourceFlags): Promise<ConfigImportInput> {
  const sources: Array<ByteSource & { close(): Promise<void> }> = [];
  try {
    for (const file of localGgufParts(files)) sources.push(await fileSource(file));
    return await readGgufModel(sources, { name: f.name, contextWindow: f.contextWindow });
  } finally {
    await Promise.all(sources.map((s) => s.close().catch(() => undefined)));
  }
}

/** True when the flags name a model that must be fetched or read first. */
export const hasModelSource = (f: SourceFlags): boolean => f.hf !== undefined || f.gguf !== undefined;

/** Resolves --hf / --hf-file / --gguf into a model entry (nothing is registered or stored). */
export async function resolveModelSource(f: SourceFlags, hub: () => Hub): Promise<ModelEntry> {
  if (f.hf !== undefined && f.gguf !== undefined) throw new FitError("invalid", "Give either --hf or --gguf, not both (--hf owner/name --hf-file FILE reads a GGUF from the Hub).");
  if (f.hfFile !== undefined && f.hf === undefined) throw new FitError("invalid", "--hf-file names a GGUF in a Hub repo: give the repo with --hf owner/name.");
  let input: ConfigImportInput;
  if (f.gguf !== undefined) input = await readLocalGguf(f.gguf, f);
  else {
    const h = hub();
    const info = await hubRepo(h, f.hf!);
    if (f.hfFile === undefined && !info.hasConfig && info.ggufs.length)
      throw new FitError("not-found", `no config.json in this repo (${info.repo}); it has GGUF files: read one with --hf-file, e.g. --hf-file ${info.ggufs[0].path} (${info.ggufs.length} in all: ${info.ggufs.map((g) => g.path).join(", ")}).`);
    input = f.hfFile !== undefined ? await hubGgufInput(h, info, f.hfFile, { name: f.name, contextWindow: f.contextWindow }) : await hubConfigInput(h, info, { name: f.name, contextWindow: f.contextWindow });
  }
  return importModel({ ...input, ...(f.params !== undefined ? { statedParams: f.params } : {}) });
}
