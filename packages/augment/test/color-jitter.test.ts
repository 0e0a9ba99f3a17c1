import test from 'ava';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, colorJitter, jitter } from '../src/color-jitter.js';
import { AugmentOptionError } from '../src/errors.js';
import type { ViewImage as View } from '../src/image.js';
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

/** Every order of the four ops, as permutations of 0..3. */
function orders(items = [0, 1, 2, 3]): number[][] {
  if (items.length === 0) return [[]];
  return items.flatMap((first) => orders(items.filter((i) => i !== first)).map((rest) => [first, ...rest]));
}

test('the jitter in every order equals its ops run one at a time (each op sequence is compiled as one kernel)', (t) => {
  const source = decoded(21, 13); // an odd pixel count, so the kernels' last group of four is partial
  const [b, c, s, h] = [1.3, 0.6, 1.7, -0.15];
  const single = [(img: View) => adjustBrightness(img, b), (img: View) => adjustContrast(img, c),
    (img: View) => adjustSaturation(img, s), (img: View) => adjustHue(img, h)];
  for (const order of orders()) {
    const fused = { data: asFloat(source), width: 21, height: 13 };
    jitter(fused, order, b, c, s, h);
    const apart = { data: asFloat(source), width: 21, height: 13 };
    for (const op of order) single[op](apart);
    const worst = fused.data.reduce((m, v, i) => Math.max(m, Math.abs(v - apart.data[i])), 0);
    // the contrast mean is summed in another order when fused, hence not bit for bit
    t.true(worst < 1e-5, `order ${order.join('')}: max difference ${worst}`);
  }
  const without = { data: asFloat(source), width: 21, height: 13 };
  jitter(without, [3, 1, 0, 2], b, null, null, h);
  const apart = { data: asFloat(source), width: 21, height: 13 };
  adjustHue(apart, h);
  adjustBrightness(apart, b);
  t.deepEqual(without.data, apart.data);
});
