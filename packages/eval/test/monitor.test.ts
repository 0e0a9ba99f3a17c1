import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { train } from '@twinflow/trainer';
import type { Method, StepRecord } from '@twinflow/trainer';
import { KnnMonitor, batchNormStatistics, withEvalMonitors } from '../src/index.js';
import type { LabelledBatch } from '../src/index.js';
import { cpu, imageBatches, smallEncoder } from './helpers.js';

test.before(cpu);

/** A method that trains nothing: the monitors must see the labels of exactly the batch each step got. */
function frozenMethod(): Method & { steps: number[]; sizes: number[] } {
  let encoder: tf.LayersModel | undefined;
  const steps: number[] = [];
  const sizes: number[] = [];
  return {
    name: 'frozen',
    steps,
    sizes,
    build: (shape) => {
      encoder ??= smallEncoder(shape, 4);
    },
    trainStep: (views, context) => {
      steps.push(context.step);
      sizes.push(views[0].shape[0]);
      return { loss: 1, learningRate: 0 };
    },
    models: () => ({ encoder: encoder as tf.LayersModel }),
    encoder: () => encoder as tf.LayersModel,
    saveState: async () => ({ tensors: [], json: {} }),
    loadState: async () => undefined,
    dispose: () => encoder?.dispose(),
  };
}

test.serial('online probe and k-NN numbers land in the step metrics of train(), in step with the batches', async (t) => {
  const method = frozenMethod();
  // Two views per batch as pretraining has; batches of unequal size check that labels stay aligned with views.
  const epochBatches = (epoch: number): LabelledBatch[] =>
    imageBatches(200, 4, 40 + epoch, 25).map((b) => ({ ...b, views: [b.views[0], b.views[0]] }));
  async function* stream(epoch: number): AsyncGenerator<LabelledBatch> {
    yield* epochBatches(epoch);
  }
  const knn = new KnnMonitor({ bank: () => imageBatches(80, 4, 50), test: () => imageBatches(40, 4, 51), every: 8, k: 20 });
  const monitored = withEvalMonitors(method, ({ epoch }) => stream(epoch), { onlineProbe: { classes: 4 }, knn, reportEvery: 4 });
  const records: StepRecord[] = [];
  const result = await train({ method: monitored.method, data: monitored.data, stepsPerEpoch: 8, epochs: 2, onStep: (r) => records.push(r) });
  t.is(result.step, 16);
  t.deepEqual(method.steps, [...Array(16).keys()]);
  const withOnline = records.filter((r) => r.metrics?.onlineProbeTop1 !== undefined).map((r) => r.step);
  t.deepEqual(withOnline, [4, 8, 12, 16]);
  const last = records[15].metrics ?? {};
  t.is(last.onlineProbeSamples, 100);
  t.true(last.onlineProbeTop1 > 0.8, `online probe top-1 ${last.onlineProbeTop1}`);
  t.deepEqual(records.filter((r) => r.metrics?.knnTop1 !== undefined).map((r) => r.step), [8, 16]);
  t.deepEqual(knn.history.map((h) => h.step), [8, 16]);
  t.is(records[7].metrics?.knnTop1, knn.history[0].top1);
  t.is(monitored.method.name, 'frozen');
  monitored.onlineProbe()?.dispose();
  method.dispose();
});

test.serial('the k-NN monitor leaves the encoder and its BN statistics unchanged', async (t) => {
  const encoder = smallEncoder([12, 12, 1], 8);
  tf.tidy(() => {
    encoder.apply(tf.tensor4d(imageBatches(32, 4, 3)[0].views[0] as Uint8Array, [32, 12, 12, 1], 'float32'), { training: true });
  });
  const before = batchNormStatistics(encoder);
  const monitor = new KnnMonitor({ bank: () => imageBatches(80, 4, 52), test: () => imageBatches(40, 4, 53), every: 5 });
  t.is(await monitor.onStep(4, encoder), undefined);
  const entry = await monitor.onStep(5, encoder);
  t.is(entry?.step, 5);
  t.is(entry?.k, 80);
  t.deepEqual(batchNormStatistics(encoder), before);
  encoder.dispose();
});

test('invalid monitor options', (t) => {
  t.throws(() => new KnnMonitor({ bank: [] as never, test: () => [] }), {
    message: 'Expected a function returning batches for options.bank but received [] of type object',
  });
  t.throws(() => new KnnMonitor({ bank: () => [], test: () => [], every: 0 }), {
    message: 'Expected an integer between 1 and 9007199254740991 for options.every but received 0 of type number',
  });
});
