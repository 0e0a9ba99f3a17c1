// The separable resample (vertical then horizontal pass, either horizontal kernel) against a float64 reference.
import test from 'ava';
import { resample, taps, type Geometry } from '../src/resample.js';
import { UNROLLED_TAPS } from '../src/wasm-kernels.js';
import { decoded } from './helpers/render.js';

/** The same weights applied in float64 straight from the bytes, source box to window. */
function reference(source: { data: Uint8Array; width: number }, g: Geometry): Float64Array {
  const ay = taps(g.sy, g.sh, g.rh, g.wy, g.wh, g.interpolation);
  const ax = taps(g.sx, g.sw, g.rw, g.wx, g.ww, g.interpolation);
  const out = new Float64Array(g.ww * g.wh * 3);
  for (let y = 0; y < g.wh; y++) {
    for (let x = 0; x < g.ww; x++) {
      const ox = g.flip ? g.ww - 1 - x : x;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let i = 0; i < ax.count[ox]; i++) {
          let column = 0;
          for (let j = 0; j < ay.count[y]; j++) {
            column += ay.weights[y * ay.ksize + j] * source.data[((ay.first[y] + j) * source.width + ax.first[ox] + i) * 3 + c];
          }
          sum += ax.weights[ox * ax.ksize + i] * column;
        }
        out[(y * g.ww + x) * 3 + c] = sum / 255;
      }
    }
  }
  return out;
}

test('every vertical tap count, unrolled or not, matches the float64 reference, also at the bottom of the image', (t) => {
  const source = decoded(37, 520);
  const counts = new Set<number>();
  for (const sh of [1, 2, 3, 5, 17, 32, 47, 64, 96, 150, 230, 400, 520]) {
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      // boxes flush with the last row, and rows of 35 pixels (105 bytes: not a multiple of 16)
      const g: Geometry = { sx: 2, sy: 520 - sh, sw: 35, sh, rw: 20, rh: 24, wx: 0, wy: 0, ww: 20, wh: 24, flip: false, interpolation };
      const expected = reference(source, g);
      if (interpolation === 'bicubic') expected.forEach((v, i) => { expected[i] = Math.min(1, Math.max(0, v)); });
      const actual = resample(source, g).data;
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
      t.true(worst < 1e-5, `sh ${sh} ${interpolation}: max error ${worst}`);
      counts.add(Math.max(...taps(0, sh, 24, 0, 24, interpolation).count));
    }
  }
  t.true([...counts].some((k) => k <= UNROLLED_TAPS) && [...counts].some((k) => k > UNROLLED_TAPS), [...counts].join(' '));
});

test('every horizontal tap count, unrolled or not, flipped or not, matches the float64 reference', (t) => {
  const source = decoded(520, 60);
  const counts = new Set<number>();
  for (const sw of [1, 2, 3, 5, 17, 32, 47, 64, 96, 150, 230, 400, 520]) {
    for (const flip of [false, true]) {
      for (const interpolation of ['bilinear', 'bicubic'] as const) {
        const g: Geometry = { sx: 520 - sw, sy: 3, sw, sh: 50, rw: 32, rh: 24, wx: 0, wy: 0, ww: 32, wh: 24, flip, interpolation };
        const expected = reference(source, g);
        if (interpolation === 'bicubic') expected.forEach((v, i) => { expected[i] = Math.min(1, Math.max(0, v)); });
        const actual = resample(source, g).data;
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        t.true(worst < 1e-5, `sw ${sw} flip ${flip} ${interpolation}: max error ${worst}`);
        counts.add(Math.max(...taps(0, sw, 32, 0, 32, interpolation).count));
      }
    }
  }
  // Both kernels ran: tap counts within the unrolled range and beyond it, and boxes narrower than the count.
  t.true([...counts].some((k) => k <= UNROLLED_TAPS) && [...counts].some((k) => k > UNROLLED_TAPS), [...counts].join(' '));
});
