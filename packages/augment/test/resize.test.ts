import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { compose } from '../src/pipeline.js';
import { resize, resizedSize } from '../src/resize.js';
import { decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, string][] = [
  ['no size', {}, 'Expected positive integer or [height, width] of positive integers for options.size but received undefined of type undefined'],
  ['size triple', { size: [1, 2, 3] }, 'Expected positive integer or [height, width] of positive integers for options.size but received [1,2,3] of type object'],
  ['interpolation', { size: 4, interpolation: 'lanczos3' }, "Expected one of 'bilinear', 'bicubic' for options.interpolation but received \"lanczos3\" of type string"],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => resize(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('an int resizes the shorter side and floors the longer, as torchvision', (t) => {
  t.deepEqual(resizedSize(256, 375, 500), [256, 341]);
  t.deepEqual(resizedSize(256, 500, 375), [341, 256]);
  t.deepEqual(resizedSize([10, 20], 500, 375), [10, 20]);
});

test('views come out at the resized size; output size is known only for fixed sizes', (t) => {
  const view = renderWith(decoded(50, 30), [resize({ size: 12 })]);
  t.deepEqual([view.height, view.width], [12, 20]);
  t.is(compose([resize({ size: 12 })]).outputSize, undefined);
  t.deepEqual(compose([resize({ size: [7, 9] })]).outputSize, [7, 9]);
});

test('a resize of a resized view goes through an intermediate 8-bit image, like two torchvision resizes on PIL', (t) => {
  const view = renderWith(decoded(40, 40), [resize({ size: 20 }), resize({ size: [10, 10], interpolation: 'bicubic' })]);
  t.deepEqual([view.height, view.width], [10, 10]);
  t.true(view.data.every((v) => v >= 0 && v <= 1));
});
