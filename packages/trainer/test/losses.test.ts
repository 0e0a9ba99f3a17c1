import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { InfoNCELoss, NTXentLoss, OptionError } from '../src/index.js';

test.before(async () => {
  await tf.setBackend('cpu');
});

function randn(n: number, d: number, seed: number): number[][] {
  let s = seed;
  const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())),
  );
}

function normalize(rows: number[][]): number[][] {
  return rows.map((r) => {
    const n = Math.sqrt(r.reduce((a, x) => a + x * x, 0));
    return r.map((x) => x / n);
  });
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

// Float64 NT-Xent written from the paper's definition: for anchor i, -log(exp(s_ip/T) / sum_{k != i} exp(s_ik/T)).
function ntXentReference(z1: number[][], z2: number[][], t: number): number {
  const z = normalize([...z1, ...z2]);
  const n = z1.length;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const p = (i + n) % (2 * n);
    const others = z.map((zk, k) => (k === i ? undefined : dot(z[i], zk) / t)).filter((x): x is number => x !== undefined);
    total += logSumExp(others) - dot(z[i], z[p]) / t;
  }
  return total / (2 * n);
}

function infoNceReference(q: number[][], k: number[][], queue: number[][], t: number): number {
  const qn = normalize(q);
  const kn = normalize(k);
  let total = 0;
  for (let i = 0; i < q.length; i++) {
    const logits = [dot(qn[i], kn[i]) / t, ...queue.map((neg) => dot(qn[i], neg) / t)];
    total += logSumExp(logits) - logits[0];
  }
  return total / q.length;
}

for (const [n, d, t] of [
  [4, 8, 0.1],
  [8, 16, 0.5],
  [3, 5, 1],
] as const) {
  test(`NTXentLoss matches a float64 reference (N=${n}, dim=${d}, T=${t})`, (t_) => {
    const z1 = randn(n, d, 11 + n);
    const z2 = randn(n, d, 29 + d);
    const got = tf.tidy(() => new NTXentLoss(t).call(tf.tensor2d(z1), tf.tensor2d(z2)).dataSync()[0]);
    const want = ntXentReference(z1, z2, t);
    t_.true(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
  });
}

test('NTXentLoss is minimal when the views agree and the images differ', (t) => {
  const eye = Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => (i === j ? 1 : 0)));
  const loss = new NTXentLoss(0.1);
  const aligned = tf.tidy(() => loss.call(tf.tensor2d(eye), tf.tensor2d(eye)).dataSync()[0]);
  const shuffled = tf.tidy(() => loss.call(tf.tensor2d(eye), tf.tensor2d([eye[1], eye[0], eye[3], eye[2]])).dataSync()[0]);
  t.true(aligned < 1e-3);
  t.true(shuffled > 5);
});

test('NTXentLoss defaults to T = 0.1', (t) => {
  t.is(new NTXentLoss().temperature, 0.1);
});

for (const [b, k, d, t] of [
  [4, 16, 8, 0.2],
  [8, 32, 4, 0.07],
] as const) {
  test(`InfoNCELoss matches a float64 reference (B=${b}, K=${k}, dim=${d}, T=${t})`, (t_) => {
    const q = randn(b, d, 5 + b);
    const key = randn(b, d, 17 + k);
    const queue = normalize(randn(k, d, 99));
    const got = tf.tidy(() => new InfoNCELoss(t).call(tf.tensor2d(q), tf.tensor2d(key), tf.tensor2d(queue)).dataSync()[0]);
    const want = infoNceReference(q, key, queue, t);
    t_.true(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
  });
}

test('InfoNCELoss defaults to T = 0.2', (t) => {
  t.is(new InfoNCELoss().temperature, 0.2);
});

test('loss gradients flow and the losses leak no tensors', (t) => {
  const z1 = tf.variable(tf.tensor2d(randn(4, 6, 3)));
  const z2 = tf.tensor2d(randn(4, 6, 4));
  const queue = tf.tensor2d(normalize(randn(8, 6, 5)));
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => new NTXentLoss(0.5).call(z1, z2).add(new InfoNCELoss().call(z1, z2, queue)) as tf.Scalar,
      [z1],
    );
    const result = [value.dataSync()[0], tf.tidy(() => tf.norm(grads[z1.name]).dataSync()[0])];
    tf.dispose([value, grads[z1.name]]);
    return result;
  };
  step(); // first calls create tfjs' cached constants
  const before = tf.memory().numTensors;
  const [loss, gradNorm] = step();
  t.is(tf.memory().numTensors, before);
  t.true(Number.isFinite(loss));
  t.true(gradNorm > 0);
  tf.dispose([z1, z2, queue]);
});

for (const [make, name] of [
  [() => new NTXentLoss(0), 'NTXentLoss(0)'],
  [() => new InfoNCELoss(-1), 'InfoNCELoss(-1)'],
  [() => new NTXentLoss(Number.NaN), 'NTXentLoss(NaN)'],
] as const) {
  test(`invalid temperature: ${name}`, (t) => {
    const err = t.throws(make, { instanceOf: OptionError });
    t.regex(err.message, /^Expected a positive number for temperature but received .+ of type number$/);
  });
}
