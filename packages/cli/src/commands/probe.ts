// `twinflow probe`: linear evaluation of a run's frozen encoder, with the random-init and raw-pixel
// baselines beside it; prints the table and writes eval.json into the run directory.
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { channelsSchema, seedSchema, sizeSchema, threadsSchema, defaultThreads } from '../options.js';

export const probeSchema = z.strictObject({
  checkpoint: z.string().min(1),
  train: z.string().min(1),
  test: z.string().min(1),
  epochs: z.int().min(1).default(100),
  batchSize: z.int().min(1).default(256),
  lr: z.number().gt(0).optional(),
  protocol: z.enum(['simclr', 'moco']).default('simclr'),
  augmented: z.boolean().default(false),
  knn: z.boolean().default(true),
  baselines: z.boolean().default(true),
  size: sizeSchema.optional(),
  channels: channelsSchema.optional(),
  threads: threadsSchema.default(defaultThreads()),
  seed: seedSchema.default(0),
});

export type ProbeConfig = z.infer<typeof probeSchema>;

export const probeFlags: FlagTable<typeof probeSchema> = {
  checkpoint: { flags: '--checkpoint <run>', help: 'run directory (its last checkpoint) or a checkpoint directory holding model.json' },
  train: { flags: '--train <shards>', help: 'labelled shards the probe is trained on' },
  test: { flags: '--test <shards>', help: 'labelled shards the probe is scored on' },
  epochs: { flags: '--epochs <n>', help: 'probe training epochs', parse: 'number' },
  batchSize: { flags: '--batch-size <n>', help: 'images per feature-extraction batch', parse: 'number' },
  lr: { flags: '--lr <x>', help: "probe learning rate (default: the protocol's: SimCLR 0.1, MoCo 30)", parse: 'number' },
  protocol: { flags: '--protocol <name>', help: "'simclr' (Nesterov, cosine, standardised features) or 'moco' (lr 30, steps at 60/80)" },
  augmented: { flags: '--augmented', help: 'full protocol: random-resized-crop + flip train views each epoch (slower) instead of cached features' },
  knn: { flags: '--no-knn', help: 'skip the weighted k-NN (k=200, T=0.1)' },
  baselines: { flags: '--no-baselines', help: 'skip the random-init and raw-pixel baselines' },
  size: { flags: '--size <px>', help: "evaluation crop side (default: the run's --size)", parse: 'number' },
  channels: { flags: '--channels <n>', help: "1 or 3 (default: the run's --channels)", parse: 'number' },
  threads: { flags: '--threads <n>', help: 'decode worker threads', parse: 'number' },
  seed: { flags: '--seed <n>', help: 'seed of the probe init and shuffles', parse: 'number' },
};

export function registerProbe(program: Command): void {
  const command = program
    .command('probe')
    .description("linear probe of a run's frozen encoder (plus k-NN and baselines); writes eval.json into the run");
  addSchemaOptions(command, probeSchema, probeFlags);
  command.addHelpText('after', `
Example:
  $ twinflow probe --checkpoint runs/fmnist \\
      --train 'fixtures/fashion-mnist/train-{000000..000001}.tar' --test fixtures/fashion-mnist/test-000000.tar`);
  command.action(async () => {
    const config = await resolveConfig(probeSchema, { command, table: probeFlags });
    const { runEvaluation } = await import('../evaluate-run.js');
    await runEvaluation({ ...config, probe: true });
  });
}
