import test from 'ava';
import { Worker } from 'node:worker_threads';
import { augmentViews } from '../src/augment-views.js';
import { AugmentOptionError } from '../src/errors.js';
import { normalize } from '../src/normalize.js';
import { compose, type PipelineSpec } from '../src/pipeline.js';
import { evaluation, mocoV2, simclr } from '../src/presets.js';
import { randomApply } from '../src/random-apply.js';
import { randomGrayscale } from '../src/random-grayscale.js';
import { randomResizedCrop } from '../src/random-resized-crop.js';
import { solarize } from '../src/solarize.js';
import { pipelineFromSpec } from '../src/spec.js';
import { encoded } from './helpers/images.js';

const invalid: [string, unknown, string][] = [
  ['not an object', 'simclr', 'Expected pipeline spec object for spec but received "simclr" of type string'],
  ['unknown preset', { preset: 'byol' }, "Expected one of 'simclr', 'mocoV2', 'evaluation' (or spec.compose) for spec.preset but received \"byol\" of type string"],
  ['compose not an array', { compose: {} }, 'Expected array of transform specs for spec.compose but received {} of type object'],
  ['unknown op', { compose: [{ op: 'rotate' }] }, 'Expected one of randomResizedCrop, horizontalFlip, colorJitter, randomApply, randomGrayscale, gaussianBlur, solarize, resize, centerCrop, normalize for spec.compose[0].op but received "rotate" of type string'],
  ['transform not an object', { compose: [3] }, 'Expected transform spec object for spec.compose[0] but received 3 of type number'],
  ['nested not an array', { compose: [{ op: 'randomApply', transforms: 1 }] }, 'Expected array of transform specs for spec.compose[0].transforms but received 1 of type number'],
  ['bad option inside', { compose: [{ op: 'solarize', threshold: 2 }] }, 'Expected number between 0 and 1 for options.threshold but received 2 of type number'],
  ['preset option', { preset: 'simclr', size: -1 }, 'Expected positive integer for options.size but received -1 of type number'],
];
for (const [title, spec, message] of invalid) {
  test(`invalid spec: ${title}`, (t) => {
    t.throws(() => pipelineFromSpec(spec as never), { instanceOf: AugmentOptionError, message });
  });
}

const pipelines = {
  simclr: simclr({ size: 32 }),
  mocoV2: mocoV2({ size: 24 }),
  evaluation: evaluation({ size: 20 }),
  custom: compose([randomResizedCrop({ size: [20, 28], scale: [0.3, 0.9], interpolation: 'bicubic' }),
    randomApply([randomGrayscale({ p: 1 }), solarize({ p: 0.5 })], { p: 0.7 }), normalize()]),
};

for (const [name, pipeline] of Object.entries(pipelines)) {
  test(`${name}: the JSON spec rebuilds a pipeline that gives the same bytes`, async (t) => {
    const spec = JSON.parse(JSON.stringify(pipeline.spec)) as PipelineSpec;
    const rebuilt = pipelineFromSpec(spec);
    t.deepEqual(rebuilt.spec, pipeline.spec);
    const input = await encoded(60, 45);
    const options = { seed: 11, key: 'a/b', views: 3, dtype: 'float32' } as const;
    const a = await augmentViews(input, pipeline, options);
    const b = await augmentViews(input, rebuilt, options);
    t.deepEqual(a.views, b.views);
  });
}

test('a worker thread given the spec produces the same bytes as the main thread', async (t) => {
  const input = await encoded(80, 60);
  const pipeline = simclr({ size: 40 });
  const here = await augmentViews(input, pipeline, { seed: 5, epoch: 2, key: 'w', views: 2 });
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    import('tsx/esm/api').then(({ register }) => { register(); return import(workerData.module); }).then(async ({ augmentViews, pipelineFromSpec }) => {
      const result = await augmentViews(Buffer.from(workerData.input), pipelineFromSpec(workerData.spec), { seed: 5, epoch: 2, key: 'w', views: 2 });
      parentPort.postMessage(result.views);
    });`;
  const worker = new Worker(source, {
    eval: true,
    workerData: { input, spec: pipeline.spec, module: new URL('../src/index.ts', import.meta.url).href },
  });
  const views = await new Promise<Uint8Array[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  t.deepEqual(views.map((v) => Buffer.from(v)), here.views.map((v) => Buffer.from(v)));
});
