#!/usr/bin/env node
// Entry point of dist/cli.js.
import "./bundledCatalog";
import { run } from "./cli";

void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
