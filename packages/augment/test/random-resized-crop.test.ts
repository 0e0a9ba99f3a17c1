import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { Random } from '../src/random.js';
import { randomResizedCrop, roundHalfEven, sampleCrop } from '../src/random-resized-crop.js';
import { decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, string][] = [
  ['missing size', {}, 'Expected positive integer or [height, width] of positive integers for options.size but received undefined of type undefined'],
  ['zero size', { size: 0 }, 'Expected positive integer or [height, width] of positive integers for options.size but received 0 of type number'],
  ['fractional size', { size: 22.5 }, 'Expected positive integer or [height, width] of positive integers for options.size but received 22.5 of type number'],
  ['scale out of range', { size: 8, scale: [0.5, 1.5] }, 'Expected [lo, hi] with 0 <= lo <= hi <= 1 for options.scale but received [0.5,1.5] of type object'],
  ['scale reversed', { size: 8, scale: [0.9, 0.1] }, 'Expected [lo, hi] with 0 <= lo <= hi <= 1 for options.scale but received [0.9,0.1] of type object'],
  ['scale all zero', { size: 8, scale: [0, 0] }, 'Expected [lo, hi] with hi > 0 for options.scale but received [0,0] of type object'],
  ['ratio zero', { size: 8, ratio: [0, 1] }, 'Expected [lo, hi] with 0 < lo <= hi for options.ratio but received [0,1] of type object'],
  ['interpolation', { size: 8, interpolation: 'nearest' }, "Expected one of 'bilinear', 'bicubic' for options.interpolation but received \"nearest\" of type string"],
  ['unknown option', { size: 8, antialias: true }, 'Expected one of the options size, scale, ratio, interpolation for options.antialias but received "antialias" of type string'],
  ['not an object', 224, 'Expected object for options but received 224 of type number'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => randomResizedCrop(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('defaults are torchvision and SimCLR', (t) => {
  t.deepEqual(randomResizedCrop({ size: 224 }).spec, {
    op: 'randomResizedCrop', size: 224, scale: [0.08, 1], ratio: [3 / 4, 4 / 3], interpolation: 'bilinear',
  });
});

test('roundHalfEven rounds like Python round()', (t) => {
  t.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 7].map(roundHalfEven), [0, 2, 2, 4, 2, 3, 7]);
});

test('sampled boxes lie inside the image, with area and log-ratio spread over their ranges', (t) => {
  const random = new Random(9, 8, 7, 6);
  const areas: number[] = [];
  const logRatios: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const box = sampleCrop(500, 375, [0.08, 1], [3 / 4, 4 / 3], random);
    t.true(box.left >= 0 && box.top >= 0 && box.left + box.width <= 500 && box.top + box.height <= 375);
    areas.push((box.width * box.height) / (500 * 375));
    logRatios.push(Math.log(box.width / box.height));
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  t.true(Math.min(...areas) < 0.1 && Math.max(...areas) > 0.95);
  // Rejections of large, wide boxes pull the mean area a little below 0.54 and the mean log ratio below 0.
  t.true(mean(areas) > 0.4 && mean(areas) < 0.56, `mean area ${mean(areas)}`);
  t.true(Math.abs(mean(logRatios)) < 0.05, `mean log ratio ${mean(logRatios)}`);
  t.true(Math.min(...logRatios) < -0.25 && Math.max(...logRatios) > 0.25);
});

test('after 10 failed attempts the centre crop at the nearest allowed ratio is used', (t) => {
  // A 1000x10 strip: no box of area >= 90% has a ratio within [3/4, 4/3], so every attempt fails.
  const box = sampleCrop(1000, 10, [0.9, 1], [3 / 4, 4 / 3], new Random(1, 2, 3, 4));
  t.deepEqual(box, { top: 0, left: 493, height: 10, width: 13 });
  const tall = sampleCrop(10, 1000, [0.9, 1], [3 / 4, 4 / 3], new Random(1, 2, 3, 4));
  t.deepEqual(tall, { top: 493, left: 0, height: 13, width: 10 });
});

test('images smaller than the output are resized up, as torchvision does', (t) => {
  const view = renderWith(decoded(20, 15), [randomResizedCrop({ size: [40, 48] })]);
  t.is(view.width, 48);
  t.is(view.height, 40);
  t.true(view.data.every((v) => v >= 0 && v <= 1));
});
