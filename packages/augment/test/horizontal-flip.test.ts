import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { horizontalFlip } from '../src/horizontal-flip.js';
import { centerCrop } from '../src/center-crop.js';
import { asFloat, decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, string][] = [
  ['p above 1', { p: 1.5 }, 'Expected number between 0 and 1 for options.p but received 1.5 of type number'],
  ['p as string', { p: '0.5' }, 'Expected number between 0 and 1 for options.p but received "0.5" of type string'],
  ['unknown option', { prob: 1 }, 'Expected one of the options p for options.prob but received "prob" of type string'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => horizontalFlip(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('default p is 0.5', (t) => {
  t.deepEqual(horizontalFlip().spec, { op: 'horizontalFlip', p: 0.5 });
});

test('p = 1 mirrors every row, p = 0 keeps the image', (t) => {
  const source = decoded(9, 4);
  const original = asFloat(source);
  const kept = renderWith(source, [horizontalFlip({ p: 0 })]);
  const flipped = renderWith(source, [horizontalFlip({ p: 1 })]);
  for (let i = 0; i < original.length; i++) t.true(Math.abs(kept.data[i] - original[i]) < 1e-6);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 9; x++) {
      for (let c = 0; c < 3; c++) {
        t.true(Math.abs(flipped.data[(y * 9 + x) * 3 + c] - original[(y * 9 + 8 - x) * 3 + c]) < 1e-6);
      }
    }
  }
});

test('a flip before a crop mirrors the crop window too', (t) => {
  const source = decoded(9, 4);
  const original = asFloat(source);
  // centerCrop's left offset is round((9 - 4) / 2) = 2 in flipped coordinates: original columns 3..6, mirrored.
  const view = renderWith(source, [horizontalFlip({ p: 1 }), centerCrop({ size: 4 })]);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      for (let c = 0; c < 3; c++) t.true(Math.abs(view.data[(y * 4 + x) * 3 + c] - original[(y * 9 + 6 - x) * 3 + c]) < 1e-6);
    }
  }
});
