import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { AdamW, LARS, MomentumSGD, OptionError, excludeBatchNormAndBias } from '../src/index.js';
import type { SlotOptimizer } from '../src/index.js';

test.before(async () => {
  await tf.setBackend('cpu');
});

const w0 = [0.5, -1.25, 2, 0.75, -0.3, 1.1];
const grads = [
  [0.1, -0.2, 0.3, 0.05, -0.4, 0.2],
  [-0.3, 0.1, 0.2, -0.1, 0.25, 0.05],
  [0.2, 0.2, -0.1, 0.3, -0.05, -0.2],
];
const lrs = [0.5, 0.3, 0.1];

let uid = 0;
/** Runs `optimizer` for three steps on a variable named `name`; returns the values after each step. */
function run(optimizer: SlotOptimizer, name: string, shape: number[]): number[][] {
  const v = tf.variable(tf.tensor(w0, shape), true, `${name}_${uid++}`);
  const out: number[][] = [];
  grads.forEach((g, i) => {
    optimizer.learningRate = lrs[i];
    const gt = tf.tensor(g, shape);
    optimizer.applyGradients({ [v.name]: gt });
    gt.dispose();
    out.push(Array.from(v.dataSync()));
  });
  v.dispose();
  optimizer.dispose();
  return out;
}

function close(t: { true: (v: boolean, m?: string) => void }, got: number[][], want: number[][], tol = 1e-6) {
  got.forEach((row, i) =>
    row.forEach((x, j) => t.true(Math.abs(x - want[i][j]) <= tol * Math.max(1, Math.abs(want[i][j])), `step ${i} [${j}]: ${x} vs ${want[i][j]}`)),
  );
}

const norm = (x: number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

// google-research/simclr lars_optimizer.py, classic momentum, in float64.
function larsReference(wd: number, eeta: number, mu: number, adapt: boolean): number[][] {
  let w = [...w0];
  let v = w.map(() => 0);
  const out: number[][] = [];
  grads.forEach((g0, i) => {
    const g = adapt ? g0.map((x, j) => x + wd * w[j]) : g0;
    const wn = norm(w);
    const gn = norm(g);
    const trust = adapt && wn > 0 && gn > 0 ? (eeta * wn) / gn : 1;
    v = v.map((x, j) => mu * x + lrs[i] * trust * g[j]);
    w = w.map((x, j) => x - v[j]);
    out.push(w);
  });
  return out;
}

test('LARS matches its formula on a weight (decay and trust ratio)', (t) => {
  const got = run(new LARS({ learningRate: 0, weightDecay: 1e-4 }), 'conv/kernel', [2, 3]);
  close(t, got, larsReference(1e-4, 0.001, 0.9, true));
});

test('LARS excludes biases and BN parameters from decay and adaptation', (t) => {
  for (const [name, shape] of [
    ['dense/bias', [6]],
    ['bn/gamma', [6]],
    ['batch_normalization_BatchNormalization3/beta', [6]],
  ] as const) {
    close(t, run(new LARS({ learningRate: 0, weightDecay: 0.1 }), name, [...shape]), larsReference(0.1, 0.001, 0.9, false));
  }
});

test('LARS takes an explicit exclusion predicate', (t) => {
  const seen: string[] = [];
  const exclude = (name: string) => {
    seen.push(name);
    return true;
  };
  const got = run(new LARS({ learningRate: 0, weightDecay: 0.1, exclude }), 'conv/kernel', [2, 3]);
  close(t, got, larsReference(0.1, 0.001, 0.9, false));
  t.true(seen.length >= 1 && seen[0].startsWith('conv/kernel'));
});

test('LARS uses trust ratio 1 for a zero weight', (t) => {
  const v = tf.variable(tf.zeros([3]), true, `zero/kernel_${uid++}`);
  const lars = new LARS({ learningRate: 0.5, exclude: () => false });
  lars.applyGradients({ [v.name]: tf.tensor([1, 2, 3]) });
  t.deepEqual(Array.from(v.dataSync()), [-0.5, -1, -1.5]);
  v.dispose();
  lars.dispose();
});

function adamWReference(b1: number, b2: number, eps: number, wd: number): number[][] {
  let w = [...w0];
  let m = w.map(() => 0);
  let v = w.map(() => 0);
  return grads.map((g, i) => {
    const step = i + 1;
    m = m.map((x, j) => b1 * x + (1 - b1) * g[j]);
    v = v.map((x, j) => b2 * x + (1 - b2) * g[j] * g[j]);
    // torch.optim.AdamW: decay first, then the Adam step.
    w = w.map((x) => x * (1 - lrs[i] * wd));
    w = w.map((x, j) => x - (lrs[i] * (m[j] / (1 - b1 ** step))) / (Math.sqrt(v[j] / (1 - b2 ** step)) + eps));
    return w;
  });
}

test('AdamW matches torch.optim.AdamW', (t) => {
  close(t, run(new AdamW({ weightDecay: 0.05 }), 'w', [6]), adamWReference(0.9, 0.999, 1e-8, 0.05), 1e-5);
});

function sgdReference(mu: number, wd: number, nesterov: boolean): number[][] {
  let w = [...w0];
  let v = w.map(() => 0);
  return grads.map((g0, i) => {
    const g = g0.map((x, j) => x + wd * w[j]);
    v = v.map((x, j) => mu * x + g[j]);
    w = w.map((x, j) => x - lrs[i] * (nesterov ? g[j] + mu * v[j] : v[j]));
    return w;
  });
}

test('MomentumSGD matches torch.optim.SGD with weight decay', (t) => {
  close(t, run(new MomentumSGD({ learningRate: 1, weightDecay: 1e-4 }), 'w', [6]), sgdReference(0.9, 1e-4, false));
  close(t, run(new MomentumSGD({ learningRate: 1, weightDecay: 0.01, nesterov: true }), 'w', [6]), sgdReference(0.9, 0.01, true));
});

test('optimizer slots round-trip through getWeights/setWeights by position', async (t) => {
  for (const make of [() => new LARS({ learningRate: 0.1 }), () => new AdamW(), () => new MomentumSGD({ learningRate: 0.1 })]) {
    const a = tf.variable(tf.tensor(w0, [2, 3]), true, `round/kernel_${uid++}`);
    const first = make();
    first.learningRate = 0.1;
    first.applyGradients({ [a.name]: tf.tensor(grads[0], [2, 3]) });
    const saved = await first.getWeights();
    t.is(saved[0].name, 'iter');
    const copies = saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
    // The restoring process names its variable differently; slots are matched by position.
    const b = tf.variable(a.clone(), true, `other/kernel_${uid++}`);
    const second = make();
    await second.setWeights(copies);
    second.learningRate = 0.1;
    first.applyGradients({ [a.name]: tf.tensor(grads[1], [2, 3]) });
    second.applyGradients({ [b.name]: tf.tensor(grads[1], [2, 3]) });
    t.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
    t.is(second.iterations, first.iterations);
    tf.dispose([a, b, ...copies.map((c) => c.tensor)]);
    first.dispose();
    second.dispose();
  }
});

test('optimizers are registered with tf.serialization', (t) => {
  for (const [cls, name] of [
    [LARS, 'LARS'],
    [AdamW, 'AdamW'],
    [MomentumSGD, 'MomentumSGD'],
  ] as const) {
    t.is(cls.className, name);
    t.truthy(tf.serialization.SerializationMap.getMap().classNameMap[name]);
  }
  const lars = new LARS({ learningRate: 0.2, weightDecay: 1e-4 });
  t.deepEqual(lars.getConfig(), { learningRate: 0.2, momentum: 0.9, weightDecay: 1e-4, trustCoefficient: 0.001 });
});

test('excludeBatchNormAndBias recognises names and rank-1 variables', (t) => {
  const k = tf.variable(tf.zeros([2, 2]), true, `conv_${uid++}/kernel`);
  const b = tf.variable(tf.zeros([2]), true, `conv_${uid++}/anything`);
  t.false(excludeBatchNormAndBias(k.name, k));
  t.true(excludeBatchNormAndBias(b.name, b));
  t.true(excludeBatchNormAndBias('batch_norm/kernel', k));
  t.true(excludeBatchNormAndBias('x/gamma', k));
  tf.dispose([k, b]);
});

for (const [make, message] of [
  [() => new LARS({ learningRate: -1 }), 'Expected a number >= 0 for options.learningRate but received -1 of type number'],
  [() => new LARS({ learningRate: 1, momentum: 2 }), 'Expected a number between 0 and 1 for options.momentum but received 2 of type number'],
  [() => new LARS({ learningRate: 1, trustCoefficient: 0 }), 'Expected a positive number for options.trustCoefficient but received 0 of type number'],
  [() => new AdamW({ beta2: 1.5 }), 'Expected a number between 0 and 1 for options.beta2 but received 1.5 of type number'],
  [() => new MomentumSGD({ learningRate: 0 }), 'Expected a positive number for options.learningRate but received 0 of type number'],
  [() => new MomentumSGD({ learningRate: 1, weightDecay: -1 }), 'Expected a number >= 0 for options.weightDecay but received -1 of type number'],
] as const) {
  test(`invalid optimizer option: ${message}`, (t) => {
    t.throws(make, { instanceOf: OptionError, message });
  });
}
