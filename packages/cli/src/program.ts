// The `twinflow` command tree. Each subcommand lives in src/commands/<name>.ts and registers itself here.
import { Command } from 'commander';
import { registerAugment } from './commands/augment.js';
import { registerKnn } from './commands/knn.js';
import { registerPretrain } from './commands/pretrain.js';
import { registerProbe } from './commands/probe.js';
import { registerQuickstart } from './commands/quickstart.js';
import { registerReport } from './commands/report.js';
import { registerShards } from './commands/shards.js';
import { registerStream } from './commands/stream.js';

/** A commander Command whose unknown-option error also lists the options the command accepts. */
export class TwinflowCommand extends Command {
  override createCommand(name?: string): TwinflowCommand {
    return new TwinflowCommand(name);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    if (errorOptions?.code === 'commander.unknownOption') {
      const allowed = this.options.filter((o) => o.long !== undefined).map((o) => o.long as string);
      allowed.push('--help');
      message = `${message}\nallowed options for 'twinflow ${this.name()}': ${allowed.join(', ')}`;
    }
    return super.error(message, errorOptions);
  }
}

/** Builds the `twinflow` program with every subcommand registered. */
export function createProgram(): TwinflowCommand {
  const program = new TwinflowCommand('twinflow');
  program
    .description('Self-supervised image pretraining (SimCLR, MoCo v2) for Node.js: shards, augmentations, training, evaluation, reports')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)');
  registerQuickstart(program);
  registerPretrain(program);
  registerProbe(program);
  registerKnn(program);
  registerAugment(program);
  registerShards(program);
  registerStream(program);
  registerReport(program);
  return program;
}
