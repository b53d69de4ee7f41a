// A local stand-in for the Hugging Face Hub, started by the tests on
// 127.0.0.1: the public API's repo info (/api/models/{repo}?blobs=true) and
// /{repo}/resolve/main/{path} with byte ranges, as huggingface.co answers them
// (X-Error-Code GatedRepo / RepoNotFound / EntryNotFound, 302 to a CDN path
// for large files). Per-file behaviours: slow answers, a server that ignores
// Range. Every request is recorded, so tests can prove what was (not) asked.
import * as http from "http";
import type { AddressInfo } from "net";

export interface MockFile {
  body: Uint8Array | string;
  /** Wait this long before answering (a slow Hub). */
  delayMs?: number;
  /** Answer Range requests with the whole file (a server without range support). */
  ignoreRange?: boolean;
  /** Serve through a 302 to /cdn/… as the Hub does for LFS files. */
  lfs?: boolean;
}

export interface MockRepo {
  files: Record<string, MockFile | Uint8Array | string>;
  /** A gated repo: files need `Authorization: Bearer <token>`; 401 without one, 403 with another. */
  gatedToken?: string;
  /** The API answers 401 RepoNotFound, as the Hub does for private repos without a token. */
  private?: boolean;
  /** Answer the API's repo info after this delay. */
  apiDelayMs?: number;
}

export interface MockRequest {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
}

export interface MockHub {
  url: string;
  requests: MockRequest[];
  close(): Promise<void>;
}

const file = (f: MockFile | Uint8Array | string): MockFile => (typeof f === "string" || f instanceof Uint8Array ? { body: f } : f);
const bytesOf = (b: Uint8Array | string) => (typeof b === "string" ? Buffer.from(b, "utf8") : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Range, Accept",
  "Access-Control-Expose-Headers": "Content-Range, Content-Length, X-Error-Code, X-Error-Message, Accept-Ranges",
};

export function startMockHub(repos: Record<string, MockRepo>): Promise<MockHub> {
  const requests: MockRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number | undefined, fn: () => void) => {
    if (!ms) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? "GET", path: `${path}${url.search}`, range: req.headers.range, authorization: req.headers.authorization });
    if (req.method === "OPTIONS") return res.writeHead(204, { ...CORS, "Access-Control-Allow-Methods": "GET" }).end();
    const fail = (status: number, code: string, message: string) => res.writeHead(status, { ...CORS, "Content-Type": "application/json", "X-Error-Code": code, "X-Error-Message": message }).end(JSON.stringify({ error: message }));

    const api = /^\/api\/models\/([^/]+\/[^/]+)$/.exec(path);
    if (api) {
      const repo = repos[api[1]];
      if (!repo) return fail(404, "RepoNotFound", "Repository not found");
      if (repo.private && !req.headers.authorization) return fail(401, "RepoNotFound", "Repository not found");
      const siblings = Object.entries(repo.files).map(([p, f]) => ({ rfilename: p, size: bytesOf(file(f).body).length }));
      return later(repo.apiDelayMs, () => res.writeHead(200, { ...CORS, "Content-Type": "application/json" }).end(JSON.stringify({ id: api[1], gated: repo.gatedToken ? "manual" : false, siblings })));
    }

    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const m = resolve ?? cdn;
    if (!m) return fail(404, "EntryNotFound", "Not found");
    const repo = repos[m[1]];
    if (!repo) return fail(404, "RepoNotFound", "Repository not found");
    const f = repo.files[m[2]];
    if (resolve && repo.gatedToken) {
      const auth = req.headers.authorization;
      if (!auth) return fail(401, "GatedRepo", "Access to this model is restricted. You must have access to it and be authenticated.");
      if (auth !== `Bearer ${repo.gatedToken}`) return fail(403, "GatedRepo", "Access to this model is restricted and you are not in the authorized list.");
    }
    if (f === undefined) return fail(404, "EntryNotFound", `${m[2]} does not exist`);
    const mf = file(f);
    if (resolve && mf.lfs) return res.writeHead(302, { ...CORS, Location: `/cdn/${m[1]}/${m[2]}` }).end();
    const body = bytesOf(mf.body);
    later(mf.delayMs, () => {
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      if (!range || mf.ignoreRange) return res.writeHead(200, { ...CORS, "Content-Length": body.length, "Accept-Ranges": "bytes" }).end(body);
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
      if (start >= body.length) return res.writeHead(416, { ...CORS, "Content-Range": `bytes */${body.length}` }).end();
      res.writeHead(206, { ...CORS, "Content-Range": `bytes ${start}-${end}/${body.length}`, "Content-Length": end - start + 1, "Accept-Ranges": "bytes" }).end(body.subarray(start, end + 1));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    ),
  );
}
