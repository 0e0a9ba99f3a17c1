import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  CheckpointError,
  MoCoV2,
  NonFiniteLossError,
  OptionError,
  SimCLR,
  fileIO,
  latestCheckpoint,
  loadEncoder,
  readCheckpointMeta,
  train,
} from '../src/index.js';
import type { Method, StepRecord, TrainBatch, TrainOptions } from '../src/index.js';
import { syntheticData, tinyEncoder } from './helpers/tiny.js';

test.before(async () => {
  await tf.setBackend('cpu');
});

const dirs: string[] = [];
async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'twinflow-trainer-'));
  dirs.push(dir);
  return dir;
}
test.after.always(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const simclr = () =>
  new SimCLR({ encoder: tinyEncoder(), hiddenDim: 16, projectionDim: 8, learningRate: 2, warmupEpochs: 1, temperature: 0.5 });
const moco = () =>
  new MoCoV2({ encoder: tinyEncoder(), queueSize: 16, hiddenDim: 16, projectionDim: 8, learningRate: 3, keyMomentum: 0.9 });

async function readMetrics(dir: string): Promise<StepRecord[]> {
  return (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as StepRecord);
}

test('train logs JSONL metrics, releases batches, checkpoints every N steps and at the end', async (t) => {
  const dir = await runDir();
  let released = 0;
  const seen: StepRecord[] = [];
  const method = simclr();
  const result = await train({
    method,
    data: syntheticData({ images: 32, batchSize: 8, onRelease: () => released++ }),
    epochs: 2,
    stepsPerEpoch: 4,
    runDir: dir,
    checkpointEvery: 3,
    keepCheckpoints: 2,
    onStep: (r) => seen.push(r),
  });
  t.like(result, { step: 8, epoch: 2, aborted: false, backend: 'cpu' });
  t.is(released, 8);
  const records = await readMetrics(dir);
  t.deepEqual(records, seen);
  t.deepEqual(records.map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8]);
  t.deepEqual(records.map((r) => r.epoch), [0, 0, 0, 0, 1, 1, 1, 1]);
  for (const r of records) {
    t.true(Number.isFinite(r.loss) && r.imagesPerSec > 0 && r.dataWait >= 0 && r.dataWait <= 1);
    t.is(r.backend, 'cpu');
    t.is(r.totalSteps, 8);
  }
  // Warm-up over one epoch (4 steps) from 0, then cosine: lr = 2 x 8/256 at its peak.
  t.deepEqual(records.slice(0, 5).map((r) => r.lr), [0, 0.015625, 0.03125, 0.046875, 0.0625]);
  const kept = (await readdir(join(dir, 'checkpoints'))).sort();
  t.deepEqual(kept, ['latest.json', 'step-00000006', 'step-00000008']);
  t.is(result.checkpoint, join(dir, 'checkpoints', 'step-00000008'));
  t.is(await latestCheckpoint(dir), result.checkpoint);
  const meta = await readCheckpointMeta(result.checkpoint as string);
  t.like(meta, { format: 'twinflow-checkpoint/1', method: 'simclr', step: 8, epoch: 2, stepInEpoch: 0, inputShape: [8, 8, 1] });
  t.deepEqual(meta.models, ['encoder', 'head']);
  t.true(meta.tensors.length > 1, 'optimizer slots are saved');

  // The encoder loads with plain tf.loadLayersModel and computes what the trained one does.
  const loaded = await loadEncoder(dir);
  const x = tf.randomUniform([3, 8, 8, 1], 0, 255);
  const a = method.encoder().predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  t.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  const direct = await tf.loadLayersModel(fileIO(join(dir, 'checkpoints', 'step-00000008', 'models', 'encoder')));
  t.is(direct.countParams(), method.encoder().countParams());
  const modelJson = JSON.parse(await readFile(join(dir, 'checkpoints', 'step-00000008', 'models', 'encoder', 'model.json'), 'utf8'));
  t.deepEqual(modelJson.weightsManifest[0].paths, ['weights.bin']);
  tf.dispose([x, a, b]);
  loaded.dispose();
  direct.dispose();
  method.dispose();
});

async function losses(make: () => Method, options: Partial<TrainOptions> & { runDir: string }): Promise<number[]> {
  const out: number[] = [];
  const method = make();
  const controller = new AbortController();
  await train({
    method,
    data: syntheticData({ images: 64, batchSize: 8 }),
    epochs: 2,
    stepsPerEpoch: 5,
    seed: 9,
    signal: controller.signal,
    ...options,
    onStep: (r) => {
      out.push(r.loss);
      if (options.steps !== undefined && r.step >= options.steps) return;
      if (r.step === (options as { abortAt?: number }).abortAt) controller.abort();
    },
  });
  method.dispose();
  return out;
}

// A resumed run on the cpu backend repeats the uninterrupted run's losses to float32 rounding.
const RESUME_TOLERANCE = 1e-6;

for (const [name, make] of [
  ['SimCLR', simclr],
  ['MoCoV2', moco],
] as const) {
  test(`${name}: a resumed run matches the uninterrupted loss curve`, async (t) => {
    const full = await losses(make, { runDir: await runDir() });
    t.is(full.length, 10);
    const dir = await runDir();
    const first = await losses(make, { runDir: dir, abortAt: 7 } as Partial<TrainOptions> & { runDir: string });
    t.is(first.length, 7, 'aborted after step 7 (mid-epoch 1)');
    t.deepEqual(first, full.slice(0, 7));
    const meta = await readCheckpointMeta((await latestCheckpoint(dir)) as string);
    t.like(meta, { step: 7, epoch: 1, stepInEpoch: 2, rng: { seed: 9, algorithm: 'hash32-counter' } });
    const rest = await losses(make, { runDir: dir, resume: true, seed: 1234 });
    t.is(rest.length, 3);
    rest.forEach((l, i) => t.true(Math.abs(l - full[7 + i]) <= RESUME_TOLERANCE, `step ${8 + i}: ${l} vs ${full[7 + i]}`));
    t.deepEqual((await readMetrics(dir)).map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
}

test('resume hands the saved data state to the data factory instead of replaying', async (t) => {
  const dir = await runDir();
  const factory = syntheticData({ images: 64, batchSize: 8 });
  let consumed = 0;
  const calls: { epoch: number; resume?: unknown }[] = [];
  const data = (ctx: { epoch: number; resume?: unknown }) => {
    calls.push(ctx);
    const skip = (ctx.resume as { consumed: number } | undefined)?.consumed ?? 0;
    consumed = skip;
    return {
      async *[Symbol.asyncIterator]() {
        let i = 0;
        for await (const b of factory(ctx)) {
          if (i++ < skip) continue;
          consumed++;
          yield b;
        }
      },
    };
  };
  const controller = new AbortController();
  const method = simclr();
  await train({
    method,
    data,
    dataState: () => ({ consumed }),
    epochs: 1,
    stepsPerEpoch: 6,
    runDir: dir,
    signal: controller.signal,
    onStep: (r) => r.step === 4 && controller.abort(),
  });
  method.dispose();
  const meta = await readCheckpointMeta((await latestCheckpoint(dir)) as string);
  t.deepEqual(meta.data, { consumed: 4 }, 'the state when the last trained batch arrived, not the prefetched one');
  calls.length = 0;
  const resumed = simclr();
  const result = await train({ method: resumed, data, dataState: () => ({ consumed }), epochs: 1, stepsPerEpoch: 6, runDir: dir, resume: true });
  t.deepEqual(calls, [{ epoch: 0, resume: { consumed: 4 } }]);
  t.is(result.step, 6);
  resumed.dispose();
});

test('a NaN loss stops the run with NonFiniteLossError and keeps the last good checkpoint', async (t) => {
  const dir = await runDir();
  const good = syntheticData({ images: 64, batchSize: 8 });
  const data = (ctx: { epoch: number }): AsyncIterable<TrainBatch> => ({
    async *[Symbol.asyncIterator]() {
      let i = 0;
      for await (const b of good(ctx)) {
        if (++i === 5) {
          const bad = Float32Array.from(b.views[0]);
          bad[3] = Number.NaN;
          yield { ...b, views: [bad, b.views[1]] };
        } else yield b;
      }
    },
  });
  const method = simclr();
  const err = await t.throwsAsync(train({ method, data, epochs: 1, stepsPerEpoch: 8, runDir: dir, checkpointEvery: 2 }), {
    instanceOf: NonFiniteLossError,
  });
  const last = join(dir, 'checkpoints', 'step-00000004');
  t.is(err.step, 5);
  t.is(err.checkpoint, last);
  t.is(err.message, `Loss became NaN at step 5; the run stopped. The last good checkpoint is ${last}. Lower the learning rate or check the input data.`);
  t.is(await latestCheckpoint(dir), last);
  t.deepEqual((await readdir(join(dir, 'checkpoints'))).sort(), ['latest.json', 'step-00000002', 'step-00000004']);
  // The failed update was not applied: the trained weights in memory are still finite (BN running
  // statistics saw the bad batch in the forward pass; the checkpoint is what to resume from).
  for (const w of method.encoder().trainableWeights) t.true(Array.from(w.read().dataSync()).every(Number.isFinite));
  method.dispose();
});

test('abort while waiting for data writes a checkpoint and resolves', async (t) => {
  const dir = await runDir();
  const factory = syntheticData({ images: 16, batchSize: 8 });
  const data: AsyncIterable<TrainBatch> = {
    async *[Symbol.asyncIterator]() {
      yield* factory({ epoch: 0 });
      await new Promise(() => undefined); // a stalled stream
    },
  };
  const controller = new AbortController();
  const method = simclr();
  const result = await train({
    method,
    data,
    steps: 10,
    stepsPerEpoch: 10,
    runDir: dir,
    signal: controller.signal,
    onStep: (r) => r.step === 2 && setTimeout(() => controller.abort(), 50),
  });
  t.like(result, { step: 2, aborted: true });
  t.is(result.checkpoint, join(dir, 'checkpoints', 'step-00000002'));
  method.dispose();
});

test('the next batch is requested before the running step ends (prefetch)', async (t) => {
  const events: string[] = [];
  const factory = syntheticData({ images: 24, batchSize: 8 });
  const data: AsyncIterable<TrainBatch> = {
    [Symbol.asyncIterator]() {
      const it = factory({ epoch: 0 })[Symbol.asyncIterator]();
      let n = 0;
      return {
        next: () => {
          events.push(`request ${++n}`);
          return it.next();
        },
      };
    },
  };
  const inner = simclr();
  const method: Method = {
    name: inner.name,
    build: (s) => inner.build(s),
    trainStep: (views, ctx) => {
      events.push(`start ${ctx.step + 1}`);
      const r = inner.trainStep(views, ctx);
      events.push(`end ${ctx.step + 1}`);
      return r;
    },
    models: () => inner.models(),
    encoder: () => inner.encoder(),
    saveState: () => inner.saveState(),
    loadState: (s) => inner.loadState(s),
    dispose: () => inner.dispose(),
  };
  await train({ method, data, steps: 3, stepsPerEpoch: 3 });
  t.deepEqual(events, ['request 1', 'request 2', 'start 1', 'end 1', 'request 3', 'start 2', 'end 2', 'start 3', 'end 3']);
  method.dispose();
});

test('resume without a checkpoint rejects with CheckpointError', async (t) => {
  const dir = await runDir();
  await t.throwsAsync(train({ method: simclr(), data: syntheticData(), epochs: 1, stepsPerEpoch: 1, runDir: dir, resume: true }), {
    instanceOf: CheckpointError,
    message: `no checkpoint to resume from (${join(dir, 'checkpoints')})`,
  });
});

for (const [patch, message] of [
  [{ stepsPerEpoch: 0 }, 'Expected an integer >= 1 for options.stepsPerEpoch but received 0 of type number'],
  [{ epochs: undefined }, 'Expected a positive integer (or options.steps) for options.epochs but received undefined of type undefined'],
  [{ epochs: 1.5 }, 'Expected an integer >= 1 for options.epochs but received 1.5 of type number'],
  [{ checkpointEvery: -1 }, 'Expected an integer >= 0 for options.checkpointEvery but received -1 of type number'],
  [{ data: [1, 2] }, 'Expected an AsyncIterable of batches or a function of the epoch returning one for options.data but received [1,2] of type object'],
  [{ method: {} }, 'Expected a Method (build, trainStep, models, ...) for options.method but received {} of type object'],
  [{ resume: true }, 'Expected a directory when options.resume is true for options.runDir but received undefined of type undefined'],
  [{ onStep: 'yes' }, 'Expected a function for options.onStep but received "yes" of type string'],
] as const) {
  test(`invalid train option: ${message}`, async (t) => {
    const options = { method: simclr(), data: syntheticData(), epochs: 1, ...{ stepsPerEpoch: 1 }, ...patch } as unknown as TrainOptions;
    await t.throwsAsync(train(options), { instanceOf: OptionError, message });
  });
}
