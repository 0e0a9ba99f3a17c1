import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { autoKernelSize, blurImage, gaussianBlur, gaussianWeights } from '../src/gaussian-blur.js';

const invalid: [string, unknown, string][] = [
  ['even kernel', { kernelSize: 4 }, "Expected odd positive integer or 'auto' for options.kernelSize but received 4 of type number"],
  ['kernel string', { kernelSize: 'big' }, "Expected odd positive integer or 'auto' for options.kernelSize but received \"big\" of type string"],
  ['zero sigma', { sigma: [0, 2] }, 'Expected [lo, hi] with 0 < lo <= hi for options.sigma but received [0,2] of type object'],
  ['sigma number', { sigma: 1 }, 'Expected [lo, hi] with 0 < lo <= hi for options.sigma but received 1 of type number'],
  ['p', { p: 5 }, 'Expected number between 0 and 1 for options.p but received 5 of type number'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => gaussianBlur(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('defaults are SimCLR: sigma [0.1, 2], kernel 10% of the side, p 0.5', (t) => {
  t.deepEqual(gaussianBlur().spec, { op: 'gaussianBlur', sigma: [0.1, 2], kernelSize: 'auto', p: 0.5 });
  t.deepEqual([224, 96, 32, 28, 19].map(autoKernelSize), [23, 9, 3, 3, 1]);
});

test('weights are normalised and truncated only where negligible', (t) => {
  const w = gaussianWeights(23, 2);
  t.true(Math.abs(w.reduce((s, v, i) => s + (i === 0 ? v : 2 * v), 0) - 1) < 1e-12);
  t.is(w.length, 10);
  t.is(gaussianWeights(23, 0.1).length, 2);
});

test('a constant image stays constant (reflect padding) and an impulse spreads symmetrically', (t) => {
  const flat = { data: new Float32Array(10 * 6 * 3).fill(0.25), width: 10, height: 6 };
  blurImage(flat, 9, 1.5);
  t.true(flat.data.every((v) => Math.abs(v - 0.25) < 1e-6));
  const impulse = { data: new Float32Array(15 * 15 * 3), width: 15, height: 15 };
  impulse.data[(7 * 15 + 7) * 3 + 1] = 1;
  blurImage(impulse, 7, 1);
  const at = (x: number, y: number) => impulse.data[(y * 15 + x) * 3 + 1];
  const total = impulse.data.reduce((s, v) => s + v, 0);
  t.true(Math.abs(total - 1) < 1e-5);
  t.true(Math.abs(at(6, 7) - at(8, 7)) < 1e-7 && Math.abs(at(7, 5) - at(7, 9)) < 1e-7 && Math.abs(at(6, 6) - at(8, 8)) < 1e-7);
  t.true(at(7, 7) > at(6, 7) && at(6, 7) > at(5, 7));
  t.is(impulse.data[(7 * 15 + 7) * 3], 0);
});

test('sigma below sharp\'s 0.3 minimum is a near-identity, not an error', (t) => {
  const image = { data: Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => (i % 7) / 7), width: 8, height: 8 };
  const before = image.data.slice();
  blurImage(image, 3, 0.1);
  t.true(image.data.every((v, i) => Math.abs(v - before[i]) < 1e-6));
  blurImage(image, 3, 0.25);
  t.true(image.data.some((v, i) => Math.abs(v - before[i]) > 1e-4));
});

/** torchvision's gaussian_blur in float64: the separable kernel (same truncated weights), reflect padding. */
function referenceBlur(data: Float32Array, width: number, height: number, kernelSize: number, sigma: number): Float64Array {
  const w = gaussianWeights(kernelSize, sigma);
  const r = w.length - 1;
  const reflect = (i: number, n: number): number => {
    while (n > 1 && (i < 0 || i >= n)) i = i < 0 ? -i : 2 * n - 2 - i;
    return n === 1 ? 0 : i;
  };
  const tmp = new Float64Array(data.length);
  const out = new Float64Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 3; x++) {
      let sum = 0;
      for (let t = -r; t <= r; t++) sum += w[Math.abs(t)] * data[reflect(y + t, height) * width * 3 + x];
      tmp[y * width * 3 + x] = sum;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let t = -r; t <= r; t++) sum += w[Math.abs(t)] * tmp[(y * width + reflect(x + t, width)) * 3 + c];
        out[(y * width + x) * 3 + c] = sum;
      }
    }
  }
  return out;
}

test('every radius on views of several widths (each row stride has its own column kernel) matches the float64 reference', (t) => {
  for (const [width, height] of [[13, 29], [32, 32], [224, 40], [57, 16]]) {
    for (const kernelSize of [3, 5, 9, 15, 23, 25, 31]) {
      const sigma = kernelSize / 6;
      const data = Float32Array.from({ length: width * height * 3 }, (_, i) => ((i * 7919) % 1009) / 1009);
      const expected = referenceBlur(data, width, height, kernelSize, sigma);
      const image = { data, width, height };
      blurImage(image, kernelSize, sigma);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(image.data[i] - expected[i]));
      t.true(worst < 1e-5, `${width}x${height} kernel ${kernelSize}: max error ${worst}`);
    }
  }
});
