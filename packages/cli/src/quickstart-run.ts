// The body of `twinflow quickstart`: pretrain -> probe + k-NN with baselines -> table -> report.html.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pretrainSchema } from './commands/pretrain.js';
import type { QuickstartConfig } from './commands/quickstart.js';
import { writeReport } from './commands/report.js';
import { CliError, baselinesNotBeaten } from './errors.js';
import { runEvaluation } from './evaluate-run.js';
import { formatDuration } from './progress.js';
import { runPaths } from './run-dir.js';
import { runPretrain } from './pretrain-run.js';

/** Runs the whole quickstart; rejects with a CliError (exit 1) when SimCLR does not beat both baselines. */
export async function runQuickstart(config: QuickstartConfig): Promise<void> {
  const started = performance.now();
  const trainSpec = join(config.data, 'train-{000000..000001}.tar');
  const testSpec = join(config.data, 'test-000000.tar');
  for (const file of ['train-000000.tar', 'train-000001.tar', 'test-000000.tar']) {
    if (!existsSync(join(config.data, file))) throw new CliError(`The bundled Fashion-MNIST subset is missing: ${join(config.data, file)} not found (pass --data <dir>)`);
  }
  const paths = runPaths(join(config.runs, config.name));
  if (existsSync(paths.dir)) {
    if (!existsSync(paths.config)) throw new CliError(`${paths.dir} exists and is not a twinflow run; pass --name or --runs to write elsewhere`);
    await rm(paths.dir, { recursive: true });
  }
  const pretrain = pretrainSchema.parse({
    data: trainSpec,
    method: 'simclr',
    arch: 'convnet',
    epochs: config.epochs,
    batchSize: config.batchSize,
    lr: config.lr,
    warmupEpochs: config.warmupEpochs,
    temperature: config.temperature,
    size: 28,
    channels: 1,
    strength: config.strength,
    cropScale: config.cropScale,
    threads: config.threads,
    seed: config.seed,
    backend: config.backend,
    runs: config.runs,
    name: config.name,
    samplesPerEpoch: 2000,
  });
  process.stderr.write(`quickstart: SimCLR pretraining of the small ConvNet on ${trainSpec} (2,000 images, 28x28 gray), ${config.epochs} epochs\n`);
  const outcome = await runPretrain(pretrain, paths.dir);
  if (outcome.aborted) {
    process.exitCode = 130;
    return;
  }
  process.stderr.write('quickstart: linear probe and k-NN of SimCLR, random init and raw pixels on the 1,000 test images\n');
  const report = await runEvaluation({
    checkpoint: paths.dir,
    train: trainSpec,
    test: testSpec,
    probe: true,
    knn: true,
    baselines: true,
    epochs: config.probeEpochs,
    batchSize: 256,
    threads: config.threads,
    seed: config.seed,
    name: 'SimCLR',
    pretrain: { method: 'simclr', arch: 'convnet', epochs: config.epochs, steps: outcome.step, seconds: outcome.seconds },
  });
  const html = await writeReport(paths.dir);
  process.stdout.write(`\nreport: ${html}\nrun directory: ${paths.dir}\ntotal wall time: ${formatDuration((performance.now() - started) / 1000)}\n`);
  if (report.flags.length > 0) throw baselinesNotBeaten(report.flags);
}
