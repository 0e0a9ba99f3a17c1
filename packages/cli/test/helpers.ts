// Runs the program in-process with commander's exits turned into exceptions and its output captured.
import { CommanderError, type Command } from 'commander';
import { createProgram } from '../src/program.js';

export interface CliRun {
  out: string;
  err: string;
  error?: unknown;
}

function configure(command: Command, sink: { out: string; err: string }): void {
  command.exitOverride();
  command.configureOutput({ writeOut: (s) => { sink.out += s; }, writeErr: (s) => { sink.err += s; }, getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
  for (const sub of command.commands) configure(sub, sink);
}

/** Parses `args` (after `twinflow`) and runs the action; commander exits and thrown errors land in `error`. */
export async function runCli(args: string[]): Promise<CliRun> {
  const program = createProgram();
  const sink = { out: '', err: '' };
  configure(program, sink);
  try {
    await program.parseAsync(args, { from: 'user' });
    return sink;
  } catch (error) {
    return { ...sink, error };
  }
}

export function commanderCode(error: unknown): string | undefined {
  return error instanceof CommanderError ? error.code : undefined;
}
