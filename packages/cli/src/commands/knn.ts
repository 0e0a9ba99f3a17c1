// `twinflow knn`: weighted k-NN accuracy of a run's frozen encoder (InstDisc / solo-learn monitor),
// with the baselines' k-NN beside it; writes eval.json into the run directory.
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { channelsSchema, defaultThreads, seedSchema, sizeSchema, threadsSchema } from '../options.js';

export const knnSchema = z.strictObject({
  checkpoint: z.string().min(1),
  train: z.string().min(1),
  test: z.string().min(1),
  k: z.int().min(1).default(200),
  temperature: z.number().gt(0).default(0.1),
  batchSize: z.int().min(1).default(256),
  baselines: z.boolean().default(true),
  size: sizeSchema.optional(),
  channels: channelsSchema.optional(),
  threads: threadsSchema.default(defaultThreads()),
  seed: seedSchema.default(0),
});

export type KnnConfig = z.infer<typeof knnSchema>;

export const knnFlags: FlagTable<typeof knnSchema> = {
  checkpoint: { flags: '--checkpoint <run>', help: 'run directory (its last checkpoint) or a checkpoint directory holding model.json' },
  train: { flags: '--train <shards>', help: 'labelled shards forming the feature bank' },
  test: { flags: '--test <shards>', help: 'labelled shards to classify' },
  k: { flags: '--k <n>', help: 'neighbours that vote (lightly: 200, solo-learn: 20)', parse: 'number' },
  temperature: { flags: '--temperature <t>', help: 'votes are weighted exp(similarity / t)', parse: 'number' },
  batchSize: { flags: '--batch-size <n>', help: 'images per feature-extraction batch', parse: 'number' },
  baselines: { flags: '--no-baselines', help: 'skip the random-init and raw-pixel baselines' },
  size: { flags: '--size <px>', help: "evaluation crop side (default: the run's --size)", parse: 'number' },
  channels: { flags: '--channels <n>', help: "1 or 3 (default: the run's --channels)", parse: 'number' },
  threads: { flags: '--threads <n>', help: 'decode worker threads', parse: 'number' },
  seed: { flags: '--seed <n>', help: 'seed of the random-init baseline', parse: 'number' },
};

export function registerKnn(program: Command): void {
  const command = program
    .command('knn')
    .description("weighted k-NN top-1 of a run's frozen encoder against a labelled feature bank; writes eval.json");
  addSchemaOptions(command, knnSchema, knnFlags);
  command.addHelpText('after', `
Example:
  $ twinflow knn --checkpoint runs/fmnist --k 200 --temperature 0.1 \\
      --train 'fixtures/fashion-mnist/train-{000000..000001}.tar' --test fixtures/fashion-mnist/test-000000.tar`);
  command.action(async () => {
    const config = await resolveConfig(knnSchema, { command, table: knnFlags });
    const { runEvaluation } = await import('../evaluate-run.js');
    await runEvaluation({ ...config, probe: false, knn: true });
  });
}
