import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { ClassCountMismatchError, EvalOptionError, OnlineProbe } from '../src/index.js';
import { cpu, separableFeatures } from './helpers.js';

test.before(cpu);

test.serial('learns separable features online and reports accuracy since the last call', (t) => {
  const data = separableFeatures(1280, 16, 4, 31);
  const probe = new OnlineProbe({ dim: 16, classes: 4 });
  const before = tf.memory().numTensors;
  const batches = 40;
  const first: number[] = [];
  let last = probe.metrics();
  for (let b = 0; b < batches; b++) {
    const x = tf.tensor2d(data.features.subarray(b * 32 * 16, (b + 1) * 32 * 16), [32, 16]);
    probe.update(x, data.labels.subarray(b * 32, (b + 1) * 32));
    x.dispose();
    if (b === 1) first.push(probe.metrics().onlineProbeTop1);
    if (b === batches - 1) last = probe.metrics();
  }
  t.is(tf.memory().numTensors, before, 'no tensor leaks');
  t.is(last.onlineProbeSamples, 38 * 32);
  t.true(last.onlineProbeTop1 > 0.95, `online top-1 ${last.onlineProbeTop1}`);
  t.true(last.onlineProbeTop1 > first[0], 'accuracy improves with updates');
  t.true(last.onlineProbeLoss > 0 && last.onlineProbeLoss < 0.5);
  t.deepEqual(probe.metrics(), { onlineProbeTop1: 0, onlineProbeLoss: 0, onlineProbeSamples: 0 });
  probe.dispose();
});

test.serial('rows labelled -1 are skipped; out-of-range labels are a ClassCountMismatchError', (t) => {
  const probe = new OnlineProbe({ dim: 3, classes: 2 });
  const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
  probe.update(x, Int32Array.from([0, -1, 1]));
  t.is(probe.metrics().onlineProbeSamples, 2);
  probe.update(x, Int32Array.from([-1, -1, -1]));
  t.is(probe.metrics().onlineProbeSamples, 0);
  t.throws(() => probe.update(x, Int32Array.from([0, 2, 1])), {
    instanceOf: ClassCountMismatchError,
    message: 'Online probe has 2 classes but received label 2',
  });
  t.throws(() => probe.update(x, Int32Array.from([0, 1])), { message: 'Online probe received 2 labels for 3 feature rows' });
  x.dispose();
  probe.dispose();
});

const invalid: [Record<string, unknown>, string][] = [
  [{ classes: 10 }, 'Expected a positive integer for options.dim but received undefined of type undefined'],
  [{ dim: 8 }, 'Expected an integer of at least 2 for options.classes but received undefined of type undefined'],
  [{ dim: 0, classes: 10 }, 'Expected an integer between 1 and 1048576 for options.dim but received 0 of type number'],
  [{ dim: 8, classes: 10, lr: -1 }, 'Expected a number greater than 0 for options.lr but received -1 of type number'],
];
for (const [options, message] of invalid) {
  test(`invalid options ${JSON.stringify(options)}`, (t) => {
    t.throws(() => new OnlineProbe(options as never), { instanceOf: EvalOptionError, message });
  });
}
