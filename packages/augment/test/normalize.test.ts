import test from 'ava';
import { augmentViews } from '../src/augment-views.js';
import { AugmentOptionError } from '../src/errors.js';
import { normalize } from '../src/normalize.js';
import { compose } from '../src/pipeline.js';
import { randomResizedCrop } from '../src/random-resized-crop.js';
import { randomGrayscale } from '../src/random-grayscale.js';
import { encoded } from './helpers/images.js';

const invalid: [string, unknown, string][] = [
  ['mean of 2', { mean: [0.5, 0.5] }, 'Expected array of 1 or 3 numbers for options.mean but received [0.5,0.5] of type object'],
  ['zero std', { std: [0.2, 0, 0.2] }, 'Expected array of 1 or 3 positive numbers for options.std but received [0.2,0,0.2] of type object'],
  ['shapes differ', { mean: [0.5], std: [0.2, 0.2, 0.2] }, 'Expected array of 1 positive numbers (as many as options.mean) for options.std but received [0.2,0.2,0.2] of type object'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => normalize(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('defaults are the ImageNet statistics', (t) => {
  t.deepEqual(normalize().spec, { op: 'normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
});

test('float32 output is (x - mean) / std of the [0, 1] output; uint8 is refused', async (t) => {
  const input = await encoded(40, 30, 'png');
  const crop = randomResizedCrop({ size: 16 });
  const plain = await augmentViews(input, compose([crop]), { seed: 3, key: 'k', views: 1, dtype: 'float32' });
  const normed = await augmentViews(input, compose([crop, normalize()]), { seed: 3, key: 'k', views: 1, dtype: 'float32' });
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  normed.views[0].forEach((v, i) => t.true(Math.abs(v - (plain.views[0][i] - mean[i % 3]) / std[i % 3]) < 1e-5));
  await t.throwsAsync(augmentViews(input, compose([crop, normalize()]), { seed: 3, key: 'k' }), {
    instanceOf: AugmentOptionError, message: "Expected 'float32' (the pipeline normalizes) for options.dtype but received undefined of type undefined",
  });
});

test('normalize must come last', (t) => {
  t.throws(() => compose([normalize(), randomGrayscale()]), {
    instanceOf: AugmentOptionError, message: 'Invalid pipeline: transforms[1] (randomGrayscale) follows normalize; normalize must come last',
  });
});
