#!/usr/bin/env node
// Entry point of dist/cli.js.
import "./bundledCatalog";
import { exitQuietlyOnClosedPipe, run } from "./cli";

exitQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
