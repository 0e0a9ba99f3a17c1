// One SimCLR step (two views, NT-Xent T=0.5, SGD momentum 0.9) per encoder on the loaded backend: median
// seconds per step and views/s after warm-up, and the ratio to the same step in PyTorch (2 threads) when
// /usr/bin/python3 has torch. Run under `flock /tmp/bench.lock` on a shared machine; figures are noisy.
//   npm run bench -w @twinflow/trainer -- [--steps 5] [--warmup 1] [--models convnet,resnet18-cifar] [--no-torch] [--profile]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { chunkedGradients, loadBackend } from '../src/backend/index.js';
import { NTXentLoss } from '../src/losses/ntxent-loss.js';
import { createEncoder } from '../src/models/index.js';
import type { EncoderArch } from '../src/models/index.js';

/** `chunk`: views per backward chunk (chunkedGradients) where one tape would overflow the 4 GB wasm heap. */
interface Config { arch: EncoderArch; inputShape: [number, number, number]; images: number; chunk?: number }

const configs: Config[] = [
  { arch: 'convnet', inputShape: [28, 28, 1], images: 256 },
  { arch: 'resnet18-cifar', inputShape: [32, 32, 3], images: 128, chunk: 64 },
];

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    models: { type: 'string', default: configs.map((c) => c.arch).join(',') },
    'no-torch': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const steps = Number(args.steps);
const warmup = Number(args.warmup);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function torchSeconds(config: Config): number | undefined {
  if (args['no-torch']) return undefined;
  try {
    const out = execFileSync('/usr/bin/python3', [
      fileURLToPath(new URL('./step_torch.py', import.meta.url)), '--arch', config.arch,
      '--images', String(config.images), '--size', String(config.inputShape[0]),
      '--channels', String(config.inputShape[2]), '--steps', String(steps), '--warmup', String(warmup), '--threads', '2',
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return median((JSON.parse(out.trim().split('\n').pop()!) as { seconds: number[] }).seconds);
  } catch (err) {
    process.stderr.write(`PyTorch reference skipped: ${(err as Error).message.split('\n')[0]}\n`);
    return undefined;
  }
}

async function bench(config: Config, backend: string): Promise<void> {
  const encoder = createEncoder(config.arch, { inputShape: config.inputShape });
  const dim = encoder.outputs[0].shape[1] as number;
  const head = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [dim], units: dim, activation: 'relu' }),
    tf.layers.dense({ units: 128 }),
  ] });
  const variables = [...encoder.trainableWeights, ...head.trainableWeights].map((w) => w.read() as tf.Variable);
  const optimizer: tf.Optimizer = tf.train.momentum(0.06, 0.9);
  const loss = new NTXentLoss(0.5);
  const shape = [config.images, ...config.inputShape];
  const views = [0, 1].map((v) => tf.tensor(Uint8Array.from({ length: tf.util.sizeFromShape(shape) }, (_, i) => (i * 7919 + v * 104729) % 256), shape, 'float32'));

  const embed = (x: tf.Tensor) => head.apply(encoder.apply(x, { training: true })) as tf.Tensor2D;
  const ntXent = (z: tf.Tensor) => loss.call(...(tf.split(z, 2) as [tf.Tensor2D, tf.Tensor2D]));
  const step = () => {
    const both = tf.concat(views);
    const { value, grads } = config.chunk === undefined
      ? tf.variableGrads(() => ntXent(embed(both)), variables)
      : chunkedGradients({ embed, loss: ntXent, inputs: both, chunkSize: config.chunk, variables, state: encoder.nonTrainableWeights });
    both.dispose();
    optimizer.applyGradients(grads);
    value.dataSync();
    tf.dispose([value, grads]);
  };

  const seconds: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now();
    step();
    if (i >= warmup) seconds.push((performance.now() - start) / 1000);
  }
  if (args.profile) {
    const profile = await tf.profile(step);
    const kernelNames = new Set(tf.getKernelsForBackend(tf.getBackend()).map((k) => k.kernelName));
    const byKernel = new Map<string, number>();
    for (const k of profile.kernels.filter((kernel) => kernelNames.has(kernel.name))) {
      byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (await k.kernelTimeMs as number));
    }
    const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
    for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`    ${name.padEnd(24)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${(100 * ms / total).toFixed(0).padStart(3)}%`);
    }
    console.log(`    peak ${(profile.peakBytes / 2 ** 20).toFixed(0)} MiB in tensors`);
  }
  const s = median(seconds);
  const reference = torchSeconds(config);
  const ratio = reference === undefined ? '' : `  ${(s / reference).toFixed(1)}x PyTorch (${reference.toFixed(2)} s/step, 2 threads)`;
  const chunked = config.chunk === undefined ? '' : `  (chunks of ${config.chunk} views)`;
  console.log(`${config.arch.padEnd(15)} ${backend}  ${s.toFixed(2)} s/step  ${(2 * config.images / s).toFixed(0)} views/s${chunked}` +
    `  [${seconds.map((x) => x.toFixed(2)).join(' ')}]${ratio}`);
  tf.dispose(views);
  optimizer.dispose();
  encoder.dispose();
  head.dispose();
}

const report = await loadBackend();
console.log(`${steps} timed steps after ${warmup} warm-up; shared machine: figures are noisy, compare medians`);
for (const arch of args.models.split(',')) {
  const config = configs.find((c) => c.arch === arch);
  if (config === undefined) throw new Error(`unknown model ${arch}; choose from ${configs.map((c) => c.arch).join(', ')}`);
  await bench(config, report.backend === 'wasm' ? `wasm x${report.threads}` : report.backend);
}
