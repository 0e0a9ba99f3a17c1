#!/usr/bin/env node
// Entry point of the `twinflow` command: an error prints one message (the stack only with
// TWINFLOW_DEBUG=1); user errors exit 2, failures 1.
import { CliError } from './errors.js';
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  const debug = process.env.TWINFLOW_DEBUG === '1';
  const text = err instanceof Error ? (debug && err.stack !== undefined ? err.stack : err.message) : String(err);
  process.stderr.write(`twinflow: ${text}\n`);
  process.exitCode = err instanceof CliError ? err.exitCode : 1;
}
