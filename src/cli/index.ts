#!/usr/bin/env node
// Entry point of dist/cli.js.
import { exitQuietlyOnClosedPipe, main } from "./cli";

exitQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
process.exitCode = main(process.argv.slice(2));
