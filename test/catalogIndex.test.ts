// The generated catalog index lists every model file.
import { execFileSync } from "child_process";
import * as path from "path";

test("src/core/catalogFiles.generated.ts is in sync with catalog/models", () => {
  expect(() => execFileSync("node", [path.join(__dirname, "..", "scripts", "gen-catalog-index.js"), "--check"], { stdio: "pipe" })).not.toThrow();
});
