// `twinflow quickstart`: the whole story on the bundled Fashion-MNIST subset (2,000 train / 1,000 test,
// 28x28 gray): SimCLR pretraining of the small ConvNet, linear probe and k-NN against the random-init
// and raw-pixel baselines, the table, and report.html.
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { backendSchema, cropScaleSchema, defaultThreads, seedSchema, threadsSchema, strengthSchema } from '../options.js';

/** The bundled subset, found relative to this file (src/ and dist/ sit at the same depth). */
export const FASHION_MNIST_DIR = fileURLToPath(new URL('../../../../fixtures/fashion-mnist', import.meta.url));

/** The recipe, tuned for 28x28 gray images on two CPU cores (see the package README for the measurements). */
export const quickstartSchema = z.strictObject({
  data: z.string().min(1).default(FASHION_MNIST_DIR),
  epochs: z.int().min(1).default(20),
  batchSize: z.int().min(2).default(128),
  lr: z.number().gt(0).default(4),
  warmupEpochs: z.number().min(0).default(1),
  temperature: z.number().gt(0).default(0.2),
  strength: strengthSchema.default(0.5),
  cropScale: cropScaleSchema.default([0.8, 1]),
  probeEpochs: z.int().min(1).default(100),
  seed: seedSchema.default(0),
  threads: threadsSchema.default(defaultThreads()),
  backend: backendSchema.default('auto'),
  runs: z.string().min(1).default('runs'),
  name: z.string().regex(/^[\w.-]+$/).default('quickstart'),
});

export type QuickstartConfig = z.infer<typeof quickstartSchema>;

export const quickstartFlags: FlagTable<typeof quickstartSchema> = {
  data: { flags: '--data <dir>', help: 'folder holding train-{000000..000001}.tar and test-000000.tar' },
  epochs: { flags: '--epochs <n>', help: 'SimCLR pretraining epochs', parse: 'number' },
  batchSize: { flags: '--batch-size <n>', help: 'images per step', parse: 'number' },
  lr: { flags: '--lr <x>', help: 'LARS base learning rate (peak = lr x batch/256)', parse: 'number' },
  warmupEpochs: { flags: '--warmup-epochs <n>', help: 'linear warm-up epochs before the cosine decay', parse: 'number' },
  temperature: { flags: '--temperature <t>', help: 'NT-Xent temperature', parse: 'number' },
  strength: { flags: '--strength <s>', help: 'colour-jitter strength (brightness/contrast only on gray)', parse: 'number' },
  cropScale: { flags: '--crop-scale <min,max>', help: 'random resized crop area fractions', parse: 'numbers' },
  probeEpochs: { flags: '--probe-epochs <n>', help: 'linear probe epochs', parse: 'number' },
  seed: { flags: '--seed <n>', help: 'seed of everything', parse: 'number' },
  threads: { flags: '--threads <n>', help: 'decode + augment threads', parse: 'number' },
  backend: { flags: '--backend <name>', help: `${backendSchema.options.join(', ')}` },
  runs: { flags: '--runs <dir>', help: 'parent directory of the run directory' },
  name: { flags: '--name <name>', help: 'run directory name (replaced if it exists)' },
};

export function registerQuickstart(program: Command): void {
  const command = program
    .command('quickstart')
    .description('the main job: SimCLR on bundled Fashion-MNIST, linear probe + k-NN vs baselines, table and report (a few minutes)');
  addSchemaOptions(command, quickstartSchema, quickstartFlags);
  command.addHelpText('after', `
Writes runs/quickstart/ (replacing an earlier quickstart run) and exits 1 if SimCLR does not beat both baselines.

Example:
  $ npm start                       # = turbo run build && twinflow quickstart
  $ twinflow quickstart --epochs 40 --seed 1`);
  command.action(async () => {
    const config = await resolveConfig(quickstartSchema, { command, table: quickstartFlags });
    const { runQuickstart } = await import('../quickstart-run.js');
    await runQuickstart(config);
  });
}
