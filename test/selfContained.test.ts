// The repository stands on its own: nothing the project runs (tests, accuracy,
// bench, build, start) reads the reference folder that sits beside the
// checkout on the team's machines. A fresh clone without it must pass; .ci/run
// proves that end to end, and this test catches a new reference early.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
/** What the project runs: code, scripts, tests and build configuration (docs may mention the folder). */
const RUN = tracked.filter((f) => /^(src|scripts|test)\//.test(f) || /^(webpack|jest)\.config\.js$|^package\.json$|^tsconfig\.json$/.test(f));

test("no code, script, test or build file reads ../shared", () => {
  const pattern = /\.\.[/\\]shared\b|["']shared["']\s*,\s*["'](calibration|reference|notes)["']|shared[/\\](calibration|reference)/;
  const offenders = RUN.filter((f) => f !== "test/selfContained.test.ts" && pattern.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
  expect(offenders).toEqual([]);
});

test("the data the tests and the accuracy report read is in the repository", () => {
  for (const f of ["vllm", "sglang", "llamacpp", "ollama", "transformers", "mlx", "files"]) expect(tracked).toContain(`calibration/${f}.json`);
  expect(tracked).toContain("test/data/model-specs.json");
});
