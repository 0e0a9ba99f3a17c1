// `twinflow pretrain`: self-supervised pretraining into a run directory (config.json, metrics.jsonl,
// checkpoints/, log.txt, views.png). Ctrl-C writes a final checkpoint; `--resume <run>` continues it.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { runDirExists } from '../errors.js';
import {
  archSchema, backendSchema, channelsSchema, cropScaleSchema, defaultThreads, methodSchema, presetSchema, seedSchema, sizeSchema,
  threadsSchema, strengthSchema } from '../options.js';
import { defaultRunName, readRunConfig, runPaths } from '../run-dir.js';

export const pretrainSchema = z.strictObject({
  data: z.string().min(1),
  method: methodSchema.default('simclr'),
  arch: archSchema.default('convnet'),
  epochs: z.int().min(1).default(10),
  maxSteps: z.int().min(1).optional(),
  batchSize: z.int().min(2).default(256),
  lr: z.number().gt(0).optional(),
  lrScaling: z.enum(['linear', 'sqrt']).optional(),
  warmupEpochs: z.number().min(0).optional(),
  temperature: z.number().gt(0).optional(),
  queueSize: z.int().min(1).optional(),
  size: sizeSchema.default(224),
  channels: channelsSchema.default(3),
  preset: presetSchema.optional(),
  strength: strengthSchema.default(1),
  cropScale: cropScaleSchema.optional(),
  shuffle: z.int().min(0).default(1000),
  samplesPerEpoch: z.int().min(1).optional(),
  threads: threadsSchema.default(defaultThreads()),
  prefetch: z.int().min(1).default(4),
  seed: seedSchema.default(0),
  checkpointEvery: z.int().min(0).default(0),
  backend: backendSchema.default('auto'),
  runs: z.string().min(1).default('runs'),
  name: z.string().regex(/^[\w.-]+$/).optional(),
  resume: z.string().min(1).optional(),
});

export type PretrainConfig = z.infer<typeof pretrainSchema>;

export const pretrainFlags: FlagTable<typeof pretrainSchema> = {
  data: { flags: '--data <shards>', help: "training shards: paths, brace ranges ('train-{000000..000009}.tar'), '::'-joined lists, http(s) URLs" },
  method: { flags: '--method <name>', help: "'simclr', 'moco', or the path of a plugin module exporting createMethod(options)" },
  arch: { flags: '--arch <name>', help: `encoder: ${archSchema.options.join(', ')}` },
  epochs: { flags: '--epochs <n>', help: 'passes over the training shards', parse: 'number' },
  maxSteps: { flags: '--max-steps <n>', help: 'stop after this many steps in total (a smoke test)', parse: 'number' },
  batchSize: { flags: '--batch-size <n>', help: 'images per step (each gives two views)', parse: 'number' },
  lr: { flags: '--lr <x>', help: "base learning rate before batch scaling (default: the method's: SimCLR 0.3, MoCo 0.03)", parse: 'number' },
  lrScaling: { flags: '--lr-scaling <rule>', help: "'linear' (base x B/256) or 'sqrt' (base x sqrt(B)); SimCLR only" },
  warmupEpochs: { flags: '--warmup-epochs <n>', help: 'linear warm-up epochs before the cosine decay (SimCLR default 10)', parse: 'number' },
  temperature: { flags: '--temperature <t>', help: "softmax temperature (default: the method's: SimCLR 0.1, MoCo 0.2)", parse: 'number' },
  queueSize: { flags: '--queue-size <k>', help: 'MoCo negative keys K, a multiple of the batch size (default 65536)', parse: 'number' },
  size: { flags: '--size <px>', help: 'side of the square crops fed to the encoder', parse: 'number' },
  channels: { flags: '--channels <n>', help: '3 = RGB, 1 = luma (Fashion-MNIST)', parse: 'number' },
  preset: { flags: '--preset <name>', help: `augmentation preset: ${presetSchema.options.join(', ')} (default: the method's)` },
  strength: { flags: '--strength <s>', help: 'SimCLR colour-jitter strength s', parse: 'number' },
  cropScale: { flags: '--crop-scale <min,max>', help: 'area fractions of the random resized crop (default 0.08,1 SimCLR; 0.2,1 MoCo)', parse: 'numbers' },
  shuffle: { flags: '--shuffle <n>', help: 'sample shuffle buffer size (0 = off)', parse: 'number' },
  samplesPerEpoch: { flags: '--samples-per-epoch <n>', help: 'samples in one pass over the shards (default: counted with one read of the shards)', parse: 'number' },
  threads: { flags: '--threads <n>', help: 'decode + augment worker threads', parse: 'number' },
  prefetch: { flags: '--prefetch <n>', help: 'batches prepared ahead of the trainer', parse: 'number' },
  seed: { flags: '--seed <n>', help: 'seed of every random choice (order, augmentations, init)', parse: 'number' },
  checkpointEvery: { flags: '--checkpoint-every <steps>', help: 'also checkpoint every N steps (0 = at each epoch end only)', parse: 'number' },
  backend: { flags: '--backend <name>', help: `tfjs backend: ${backendSchema.options.join(', ')} (auto = fastest available)` },
  runs: { flags: '--runs <dir>', help: 'parent directory of run directories' },
  name: { flags: '--name <name>', help: 'run directory name (default: <method>-<timestamp>)' },
  resume: { flags: '--resume <run>', help: 'continue the run directory <run> from its last checkpoint (flags override its config)' },
};

/** Resolves the config: the saved config of a resumed run, then the config file, then flags. */
export async function resolvePretrainConfig(command: Command): Promise<{ config: PretrainConfig; dir: string }> {
  const resume = command.opts().resume as string | undefined;
  const base = resume === undefined ? undefined : await readRunConfig(resume);
  const config = await resolveConfig(pretrainSchema, { command, table: pretrainFlags, base });
  if (config.resume !== undefined) return { config, dir: runPaths(config.resume).dir };
  const dir = runPaths(`${config.runs}/${config.name ?? defaultRunName(config.method)}`).dir;
  if (existsSync(runPaths(dir).config)) throw runDirExists(dir);
  return { config, dir };
}

export function registerPretrain(program: Command): void {
  const command = program
    .command('pretrain')
    .description('self-supervised pretraining (SimCLR, MoCo v2 or a plugin method) into a run directory');
  addSchemaOptions(command, pretrainSchema, pretrainFlags);
  command.addHelpText('after', `
Run directory (runs/<name>/): config.json, metrics.jsonl, checkpoints/, log.txt, views.png.
Ctrl-C writes a final checkpoint and exits; --resume <run> continues from it.

Examples:
  $ twinflow pretrain --method simclr --data 'fixtures/fashion-mnist/train-{000000..000001}.tar' \\
      --size 28 --channels 1 --epochs 30 --name fmnist
  $ twinflow pretrain --resume runs/fmnist --epochs 40
  $ twinflow pretrain --method ./examples/simsiam.js --config run.yaml`);
  command.action(async () => {
    const { config, dir } = await resolvePretrainConfig(command);
    const { runPretrain } = await import('../pretrain-run.js');
    const outcome = await runPretrain(config, dir);
    if (outcome.aborted) process.exitCode = 130;
  });
}
