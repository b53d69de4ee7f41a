// The README is true: every `npx fitmygpu …` command it shows runs as written
// (through the CLI's own entry point), and the JSON key lists it documents are
// the keys the CLI prints.
import * as fs from "fs";
import * as path from "path";
import { main } from "../src/cli/cli";

const README = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");

/** Splits a shell command line into words: single and double quotes, no expansions. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
  return words;
}

/** Every runnable example: lines of ```bash blocks and inline code spans that start with `npx fitmygpu `. */
function examples(): string[] {
  const out: string[] = [];
  for (const block of README.matchAll(/```bash\n([\s\S]*?)```/g)) for (const line of block[1].split("\n")) if (line.trim().startsWith("npx fitmygpu ")) out.push(line.replace(/\s+#.*$/, "").trim());
  for (const span of README.matchAll(/`(npx fitmygpu [^`]+)`/g)) out.push(span[1]);
  return [...new Set(out)];
}

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(argv, (s) => (out += s + "\n"), (s) => (err += s + "\n"));
  return { code, out, err };
}

const commands = examples();

test("the README shows CLI examples", () => expect(commands.length).toBeGreaterThanOrEqual(8));

test.each(commands)("runs as written: %s", (line) => {
  const r = run(shellWords(line).slice(2));
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out.length).toBeGreaterThan(0);
});

/** The backticked key list that follows a bold `command --json` label. */
function documentedKeys(label: string): string[] {
  const m = new RegExp("\\*\\*`" + label.replace(/[-]/g, "\\-") + "`\\*\\* prints[^`]*`([^`]+)`").exec(README);
  if (!m) throw new Error(`README documents no key list for ${label}`);
  return m[1].split(",").map((k) => k.trim());
}

test("model --json prints exactly the documented keys", () => {
  expect(Object.keys(JSON.parse(run(["model", "qwen3-8b", "--json"]).out))).toEqual(documentedKeys("model --json"));
});

test("gpus --json prints exactly the documented keys", () => {
  expect(Object.keys(JSON.parse(run(["gpus", "h100", "--json"]).out)[0])).toEqual(documentedKeys("gpus --json"));
});

test("the README's accuracy table is what npm run accuracy prints today", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { accuracyMarkdown, readmeAccuracyBlock } = require("../scripts/accuracySet") as typeof import("../scripts/accuracySet");
  expect(readmeAccuracyBlock(README)).toBe(accuracyMarkdown());
});

test("the README's count of measured speeds and their GPUs is the speed set's", () => {
  const rows = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "calibration", "speed.json"), "utf8")) as Array<{ cli: string }>;
  const gpus = new Set(rows.map((r) => /--gpu ('[^']+'|"[^"]+"|\S+)/.exec(r.cli)?.[1].replace(/^['"]|['"]$/g, "")));
  expect(README).toContain(`${rows.length} measured decode and prefill speeds`);
  expect(README).toContain(`${rows.length} public measurements on ${gpus.size} GPUs`);
});
