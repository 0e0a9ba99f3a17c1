import test from 'ava';
import { colorJitter } from '../src/color-jitter.js';
import { AugmentOptionError } from '../src/errors.js';
import { asFloat, decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, string][] = [
  ['negative brightness', { brightness: -0.1 }, 'Expected non-negative number or [lo, hi] with 0 <= lo <= hi for options.brightness but received -0.1 of type number'],
  ['hue above 0.5', { hue: 0.6 }, 'Expected number between 0 and 0.5 or [lo, hi] with -0.5 <= lo <= hi <= 0.5 for options.hue but received 0.6 of type number'],
  ['hue range outside', { hue: [-0.7, 0.1] }, 'Expected number between 0 and 0.5 or [lo, hi] with -0.5 <= lo <= hi <= 0.5 for options.hue but received [-0.7,0.1] of type object'],
  ['contrast range reversed', { contrast: [1.5, 0.5] }, 'Expected non-negative number or [lo, hi] with 0 <= lo <= hi for options.contrast but received [1.5,0.5] of type object'],
  ['saturation string', { saturation: 'high' }, 'Expected non-negative number or [lo, hi] with 0 <= lo <= hi for options.saturation but received "high" of type string'],
  ['p negative', { p: -1 }, 'Expected number between 0 and 1 for options.p but received -1 of type number'],
  ['unknown option', { gamma: 1 }, 'Expected one of the options brightness, contrast, saturation, hue, p for options.gamma but received "gamma" of type string'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => colorJitter(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('defaults are SimCLR strength 1 with p = 0.8, as torchvision factor ranges', (t) => {
  t.deepEqual(colorJitter().spec, {
    op: 'colorJitter', brightness: [0.19999999999999996, 1.8], contrast: [0.19999999999999996, 1.8],
    saturation: [0.19999999999999996, 1.8], hue: [-0.2, 0.2], p: 0.8,
  });
  t.deepEqual(colorJitter({ brightness: 1.5, contrast: 0, hue: [0.1, 0.2] }).spec, {
    op: 'colorJitter', brightness: [0, 2.5], contrast: null, saturation: [0.19999999999999996, 1.8], hue: [0.1, 0.2], p: 0.8,
  });
});

test('p = 0 leaves the view unchanged', (t) => {
  const source = decoded(16, 12);
  const view = renderWith(source, [colorJitter({ p: 0 })]);
  const original = asFloat(source);
  t.true(view.data.every((v, i) => Math.abs(v - original[i]) < 1e-6));
});

test('a fixed brightness factor multiplies and clips', (t) => {
  const source = decoded(16, 12);
  const view = renderWith(source, [colorJitter({ brightness: [1.5, 1.5], contrast: 0, saturation: 0, hue: 0, p: 1 })]);
  const original = asFloat(source);
  t.true(view.data.every((v, i) => Math.abs(v - Math.min(1, original[i] * 1.5)) < 1e-6));
});

test('jittered views differ from the input and stay within [0, 1]', (t) => {
  const source = decoded(32, 24);
  const original = asFloat(source);
  let changed = 0;
  for (let seed = 0; seed < 10; seed++) {
    const view = renderWith(source, [colorJitter({ p: 1 })], seed);
    t.true(view.data.every((v) => v >= 0 && v <= 1));
    if (view.data.some((v, i) => Math.abs(v - original[i]) > 0.01)) changed++;
  }
  t.is(changed, 10);
});
