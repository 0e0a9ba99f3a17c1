// Fidelity: each op, given the parameters torchvision used, against torchvision's own output
// (tools/torchvision-goldens.py; float tensor path, antialias=True).
//
// Tolerances, on the [0, 1] scale:
// - every case: MAE < 1e-6 and max |error| < 1e-5 (measured: at most 2.3e-7 MAE and 2.2e-6 max).
// - colour ops, grayscale, solarize: same formulas in float32 (torchvision computes in
//   float32 too); only operation order and the mod-1 of the hue differ.
// - resampling: same antialiased weights (PIL/torch `_aa` kernels), weights rounded to
//   float32 and summed in a different order.
// - blur: the kernel is separable here and taps below 1e-4 of the centre weight are dropped.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, jitter } from '../src/color-jitter.js';
import { blurImage } from '../src/gaussian-blur.js';
import { ViewPlan } from '../src/plan.js';
import { evaluation } from '../src/presets.js';
import { Random } from '../src/random.js';
import { grayscale } from '../src/random-grayscale.js';
import { solarizeImage } from '../src/solarize.js';
import type { Interpolation } from '../src/resample.js';
import { diff, goldenInput, goldenOutput, goldensDir, toFloat } from './helpers/images.js';

interface Case {
  name: string; op: string; params: Record<string, unknown>; input: string; output: string; shape: number[];
}

const { cases } = JSON.parse(readFileSync(path.join(goldensDir, 'cases.json'), 'utf8')) as { cases: Case[] };

const colour: Record<string, (img: { data: Float32Array; width: number; height: number }, p: Record<string, number>) => void> = {
  brightness: (img, p) => adjustBrightness(img, p.factor),
  contrast: (img, p) => adjustContrast(img, p.factor),
  saturation: (img, p) => adjustSaturation(img, p.factor),
  hue: (img, p) => adjustHue(img, p.shift),
  grayscale: (img) => grayscale(img),
  solarize: (img, p) => solarizeImage(img, p.threshold),
  blur: (img, p) => blurImage(img, p.kernelSize, p.sigma),
};

test('the goldens cover every op', (t) => {
  const ops = new Set(cases.map((c) => c.op));
  for (const op of ['resizedCrop', 'evaluation', 'brightness', 'contrast', 'saturation', 'hue', 'grayscale', 'solarize', 'jitter', 'blur']) {
    t.true(ops.has(op), op);
  }
});

for (const c of cases) {
  test(`golden ${c.name}`, async (t) => {
    const source = await goldenInput(c.input);
    const expected = goldenOutput(c.output);
    let actual: Float32Array;
    if (c.op === 'resizedCrop') {
      const p = c.params as { top: number; left: number; height: number; width: number; size: [number, number]; interpolation: Interpolation };
      const plan = new ViewPlan(source);
      plan.crop(p.left, p.top, p.width, p.height);
      plan.resize(p.size[1], p.size[0], p.interpolation);
      actual = plan.render().data.slice();
    } else if (c.op === 'evaluation') {
      const pipeline = evaluation(c.params as { size: number; cropProportion: number });
      actual = pipeline.plan(source, new Random(1, 2, 3, 4)).render().data.slice();
    } else if (c.op === 'jitter') {
      const p = c.params as { order: number[]; brightness: number; contrast: number; saturation: number; hue: number };
      // The fused path the colorJitter transform runs: at most two passes, split at contrast.
      const img = toFloat(source);
      jitter(img, p.order, p.brightness, p.contrast, p.saturation, p.hue);
      actual = img.data;
    } else {
      const img = toFloat(source);
      colour[c.op](img, c.params as Record<string, number>);
      actual = img.data;
    }
    const d = diff(actual, expected);
    t.log(`${c.name}: MAE ${d.mae.toExponential(2)}, max ${d.max.toExponential(2)}`);
    t.true(d.mae < 1e-6, `MAE ${d.mae}`);
    t.true(d.max < 1e-5, `max ${d.max}`);
  });
}
