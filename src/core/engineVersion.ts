// Engine releases as users write them: vLLM, SGLang and Ollama use release
// numbers ("0.6.3", "v0.10.1.1", "0.8.5.post1", "0.21.0rc1"); llama.cpp
// numbers its builds ("b6123"). A release candidate counts as its release.
import { fail } from "./errors";
import type { RuntimeId } from "./runtimeIds";

/** A parsed engine release: numeric parts (major, minor, patch, build; a llama.cpp build in the first) and the text given. */
export interface EngineVersion {
  parts: [number, number, number, number];
  text: string;
}

const RELEASE = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?(?:\.?post\d+|rc\d+)?$/i;
const BUILD = /^b?(\d{1,6})$/i;

/** Parses an engine release string for a runtime; junk is a FitError "invalid". */
export function parseEngineVersion(raw: unknown, runtime: RuntimeId = "vllm"): EngineVersion {
  const text = typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : "";
  if (runtime === "llama.cpp") {
    const m = BUILD.exec(text);
    if (!m) fail("invalid", `A llama.cpp version is a build number like "b6123", got '${String(raw).slice(0, 40)}'.`);
    return { parts: [Number(m[1]), 0, 0, 0], text: `b${m[1]}` };
  }
  const m = RELEASE.exec(text);
  if (!m) fail("invalid", `engineVersion must be a release number like "0.6.3" or "v0.10.1.1", got '${String(raw).slice(0, 40)}'.`);
  return { parts: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)], text };
}

/** Negative when `v` is older than `major.minor.patch`, 0 when equal, positive when newer. */
export function compareVersion(v: EngineVersion, major: number, minor: number, patch = 0): number {
  const ref = [major, minor, patch, 0];
  for (let i = 0; i < 4; i++) if (v.parts[i] !== ref[i]) return v.parts[i] - ref[i];
  return 0;
}

/** Negative when a llama.cpp build is older than `build`. */
export const compareBuild = (v: EngineVersion, build: number): number => v.parts[0] - build;
