import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { ClassCountMismatchError, EvalOptionError, knn, knnVotes } from '../src/index.js';
import type { FeatureSet } from '../src/index.js';
import { cpu, separableFeatures } from './helpers.js';

test.before(cpu);

/** Brute-force weighted k-NN in float64: votes (m, classes) and top-1 accuracy. */
function reference(bank: FeatureSet, queries: FeatureSet, k: number, temperature: number, classes: number): { votes: Float64Array; top1: number } {
  const { dim } = bank;
  const n = bank.labels.length;
  const m = queries.labels.length;
  const unit = (set: FeatureSet, i: number): Float64Array => {
    const v = Float64Array.from(set.features.subarray(i * dim, (i + 1) * dim));
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / norm);
  };
  const bankUnits = Array.from({ length: n }, (_, i) => unit(bank, i));
  const votes = new Float64Array(m * classes);
  let hits = 0;
  for (let q = 0; q < m; q++) {
    const u = unit(queries, q);
    const sims = bankUnits.map((b, i) => ({ i, s: b.reduce((acc, x, j) => acc + x * u[j], 0) }));
    sims.sort((a, b) => b.s - a.s);
    for (const { i, s } of sims.slice(0, k)) votes[q * classes + bank.labels[i]] += Math.exp(s / temperature);
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[q * classes + c] > votes[q * classes + best]) best = c;
    if (best === queries.labels[q]) hits++;
  }
  return { votes, top1: hits / m };
}

// Heavy noise so that neighbourhoods are mixed and the votes, not just the labels, are exercised.
const bank = separableFeatures(700, 12, 6, 11, 3);
const queries = separableFeatures(150, 12, 6, 12, 3);

test.serial('votes and top-1 match a brute-force float64 reference (k=200, T=0.1)', (t) => {
  const before = tf.memory().numTensors;
  const ref = reference(bank, queries, 200, 0.1, 6);
  // blockSize 256 < 700 bank rows: the block merge is part of what is checked against the reference.
  const { votes, classes, k } = knnVotes(bank, queries, { blockSize: 256 });
  t.is(classes, 6);
  t.is(k, 200);
  for (let i = 0; i < votes.length; i++) {
    const scale = Math.max(1, Math.abs(ref.votes[i]));
    t.true(Math.abs(votes[i] - ref.votes[i]) / scale < 1e-3, `vote ${i}: ${votes[i]} vs ${ref.votes[i]}`);
  }
  const result = knn(bank, queries, { blockSize: 256 });
  t.is(result.top1, ref.top1);
  t.true(result.top1 > 1 / 6 && result.top1 < 1, `top-1 ${result.top1} should be informative but imperfect`);
  t.true(result.top5 >= result.top1);
  t.is(tf.memory().numTensors, before, 'no tensor leaks');
});

test.serial('other k and temperature match the reference too', (t) => {
  const ref = reference(bank, queries, 20, 0.07, 6);
  t.is(knn(bank, queries, { k: 20, temperature: 0.07 }).top1, ref.top1);
});

test.serial('chunking over the test set and blocking over the bank do not change the votes', (t) => {
  const whole = knnVotes(bank, queries, { chunkSize: 1000 }).votes;
  t.deepEqual(knnVotes(bank, queries, { chunkSize: 7 }).votes, whole);
  // Blocks smaller than k: the merged top k must draw neighbours from several blocks.
  const blocked = knnVotes(bank, queries, { blockSize: 150 }).votes;
  for (let i = 0; i < whole.length; i++) t.true(Math.abs(blocked[i] - whole[i]) <= 1e-3 * Math.max(1, whole[i]), `vote ${i}`);
  t.is(knn(bank, queries, { blockSize: 150 }).top1, knn(bank, queries).top1);
});

test.serial('k is capped at the bank size', (t) => {
  const small = separableFeatures(30, 12, 6, 13, 0.3);
  const result = knn(small, queries);
  t.is(result.k, 30);
  t.is(result.bankSamples, 30);
});

test.serial('a test class outside the bank classes is a ClassCountMismatchError', (t) => {
  const bad: FeatureSet = { ...queries, labels: queries.labels.map((l, i) => (i === 0 ? 9 : l)) };
  t.throws(() => knn(bank, bad), { instanceOf: ClassCountMismatchError });
});

const invalid: [Record<string, unknown>, string][] = [
  [{ k: 0 }, 'Expected an integer between 1 and 1048576 for options.k but received 0 of type number'],
  [{ temperature: -0.1 }, 'Expected a number greater than 0 for options.temperature but received -0.1 of type number'],
  [{ chunkSize: 'big' }, 'Expected an integer between 1 and 1048576 for options.chunkSize but received "big" of type string'],
  [{ blockSize: 0 }, 'Expected an integer between 1 and 16777216 for options.blockSize but received 0 of type number'],
];
for (const [options, message] of invalid) {
  test(`invalid options ${JSON.stringify(options)}`, (t) => {
    t.throws(() => knn(bank, queries, options), { instanceOf: EvalOptionError, message });
  });
}
