import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { ClassCountMismatchError, EvalOptionError, linearProbe, probePresets } from '../src/index.js';
import type { FeatureSet } from '../src/index.js';
import { cpu, prng, separableFeatures } from './helpers.js';

test.before(cpu);

const train = separableFeatures(600, 16, 5, 1);
const test_ = separableFeatures(200, 16, 5, 2);

test.serial('reaches near-perfect accuracy on linearly separable features (cosine, Nesterov, standardised)', async (t) => {
  const before = tf.memory().numTensors;
  const result = await linearProbe(train, test_, { epochs: 15, batchSize: 64 });
  t.true(result.top1 >= 0.99, `top-1 ${result.top1}`);
  t.is(result.top5, 1);
  t.is(result.protocol, 'cached-features');
  t.is(result.classes, 5);
  t.is(result.trainSamples, 600);
  t.is(result.testSamples, 200);
  t.true(result.trainLoss < 0.2, `loss ${result.trainLoss}`);
  t.is(tf.memory().numTensors, before, 'no tensor leaks');
});

test.serial('MoCo preset (lr 30, steps at 60/80 %, raw features) also separates the classes', async (t) => {
  const result = await linearProbe(train, test_, { ...probePresets.moco, epochs: 10, batchSize: 64 });
  t.true(result.top1 >= 0.99, `top-1 ${result.top1}`);
});

test.serial('an untrained probe (chance-level problem) stays near chance: accuracy is measured, not assumed', async (t) => {
  const random = prng(99);
  const shuffled: FeatureSet = { ...train, labels: train.labels.map(() => Math.floor(random() * 5)) };
  const result = await linearProbe(shuffled, { ...test_, labels: test_.labels.map(() => Math.floor(random() * 5)) }, { epochs: 3 });
  t.true(result.top1 < 0.5, `top-1 ${result.top1}`);
});

test.serial('same seed gives the same result; another seed changes the training', async (t) => {
  const a = await linearProbe(train, test_, { epochs: 2, seed: 7 });
  const b = await linearProbe(train, test_, { epochs: 2, seed: 7 });
  const c = await linearProbe(train, test_, { epochs: 2, seed: 8 });
  t.is(a.trainLoss, b.trainLoss);
  t.not(a.trainLoss, c.trainLoss);
});

test.serial('logs one line per epoch', async (t) => {
  const lines: string[] = [];
  await linearProbe(train, test_, { epochs: 3, log: (line) => lines.push(line) });
  t.is(lines.length, 3);
  t.regex(lines[2], /^probe epoch 3\/3 loss \d+\.\d{4}$/);
});

test.serial('a test class outside the train classes is a ClassCountMismatchError naming the sample', async (t) => {
  const bad: FeatureSet = { ...test_, labels: test_.labels.map((l, i) => (i === 3 ? 7 : l)) };
  const error = await t.throwsAsync(linearProbe(train, bad, { epochs: 1 }), { instanceOf: ClassCountMismatchError });
  t.is(
    error?.message,
    'The test split has class 7 (sample s2-3) but the train split has 5 classes (0..4): train and test must come from the same label space',
  );
});

test.serial('train labels beyond options.numClasses are a ClassCountMismatchError', async (t) => {
  await t.throwsAsync(linearProbe(train, test_, { epochs: 1, numClasses: 3 }), {
    instanceOf: ClassCountMismatchError,
    message: 'Train sample s1-4 has class 4 but the probe has 3 classes',
  });
});

test.serial('feature dimension mismatch between train and test is reported', async (t) => {
  const other = separableFeatures(10, 8, 5, 3);
  await t.throwsAsync(linearProbe(train, other, { epochs: 1 }), { message: 'Test features have dimension 8 but train features have 16' });
});

const invalid: [string, Record<string, unknown>, string][] = [
  ['epochs', { epochs: 0 }, 'Expected an integer between 1 and 100000 for options.epochs but received 0 of type number'],
  ['epochs', { epochs: 1.5 }, 'Expected an integer between 1 and 100000 for options.epochs but received 1.5 of type number'],
  ['batchSize', { batchSize: '64' }, 'Expected an integer between 1 and 1048576 for options.batchSize but received "64" of type string'],
  ['lr', { lr: 0 }, 'Expected a number greater than 0 for options.lr but received 0 of type number'],
  ['momentum', { momentum: 1.5 }, 'Expected a number at least 0 and at most 1 for options.momentum but received 1.5 of type number'],
  ['nesterov', { nesterov: 1 }, 'Expected a boolean for options.nesterov but received 1 of type number'],
  ['schedule', { schedule: 'linear' }, 'Expected one of "cosine", "step" for options.schedule but received "linear" of type string'],
  ['milestones', { milestones: [60, -1] }, 'Expected an array of non-negative integer epochs for options.milestones but received [60, -1] of type object'],
  ['gamma', { gamma: 0 }, 'Expected a number greater than 0 and at most 1 for options.gamma but received 0 of type number'],
  ['standardize', { standardize: 'yes' }, 'Expected a boolean for options.standardize but received "yes" of type string'],
  ['numClasses', { numClasses: 1 }, 'Expected an integer between 2 and 1048576 for options.numClasses but received 1 of type number'],
  ['seed', { seed: -1 }, 'Expected an integer between 0 and 4294967295 for options.seed but received -1 of type number'],
  ['log', { log: 'console' }, 'Expected a function for options.log but received "console" of type string'],
];
for (const [name, options, message] of invalid) {
  test.serial(`invalid options.${name}: ${JSON.stringify(options)}`, async (t) => {
    await t.throwsAsync(linearProbe(train, test_, options), { instanceOf: EvalOptionError, message });
  });
}
