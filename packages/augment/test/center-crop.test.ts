import test from 'ava';
import { centerCrop } from '../src/center-crop.js';
import { AugmentOptionError } from '../src/errors.js';
import { asFloat, decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, string][] = [
  ['neither', {}, 'Expected exactly one of options.size and options.proportion for options but received {} of type object'],
  ['both', { size: 3, proportion: 0.5 }, 'Expected exactly one of options.size and options.proportion for options but received {"size":3,"proportion":0.5} of type object'],
  ['proportion zero', { proportion: 0 }, 'Expected number in (0, 1] for options.proportion but received 0 of type number'],
  ['size negative', { size: -3 }, 'Expected positive integer or [height, width] of positive integers for options.size but received -3 of type number'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => centerCrop(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('a size crop takes torchvision\'s centre window', (t) => {
  const source = decoded(10, 7);
  const original = asFloat(source);
  const view = renderWith(source, [centerCrop({ size: [3, 4] })]);
  // top = round((7 - 3) / 2) = 2, left = round((10 - 4) / 2) = 3
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 4; x++) t.true(Math.abs(view.data[(y * 4 + x) * 3] - original[((y + 2) * 10 + x + 3) * 3]) < 1e-6);
  }
});

test('a proportion crop is a square of that fraction of the shorter side', (t) => {
  const view = renderWith(decoded(64, 48), [centerCrop({ proportion: 0.875 })]);
  t.deepEqual([view.width, view.height], [42, 42]);
});

test('a crop larger than the view pads with zeros', (t) => {
  const source = decoded(4, 4);
  const view = renderWith(source, [centerCrop({ size: 6 })]);
  t.deepEqual([view.width, view.height], [6, 6]);
  t.is(view.data[0], 0);
  t.is(view.data[(6 * 6 - 1) * 3], 0);
  t.true(Math.abs(view.data[(1 * 6 + 1) * 3 + 1] - asFloat(source)[1]) < 1e-6);
});
