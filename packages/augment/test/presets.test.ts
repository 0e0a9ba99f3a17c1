import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { evaluation, mocoV2, simclr } from '../src/presets.js';

const invalid: [string, () => unknown, string][] = [
  ['simclr size', () => simclr({ size: 0 }), 'Expected positive integer for options.size but received 0 of type number'],
  ['simclr strength', () => simclr({ strength: 2 }), 'Expected number between 0 and 1.25 for options.strength but received 2 of type number'],
  ['simclr blur', () => simclr({ blur: 'no' as never }), 'Expected boolean for options.blur but received "no" of type string'],
  ['simclr unknown', () => simclr({ sz: 3 } as never), 'Expected one of the options size, strength, blur for options.sz but received "sz" of type string'],
  ['mocoV2 size', () => mocoV2({ size: 1.5 }), 'Expected positive integer for options.size but received 1.5 of type number'],
  ['evaluation proportion', () => evaluation({ cropProportion: 1.2 }), 'Expected number in (0, 1] for options.cropProportion but received 1.2 of type number'],
  ['evaluation interpolation', () => evaluation({ interpolation: 'area' as never }), "Expected one of 'bilinear', 'bicubic' for options.interpolation but received \"area\" of type string"],
];
for (const [title, make, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(make, { instanceOf: AugmentOptionError, message });
  });
}

test('simclr follows the SimCLR appendix', (t) => {
  const p = simclr();
  t.deepEqual(p.spec, { preset: 'simclr', size: 224, strength: 1, blur: true });
  t.deepEqual(p.outputSize, [224, 224]);
  t.deepEqual(p.transforms.map((x) => x.spec), [
    { op: 'randomResizedCrop', size: 224, scale: [0.08, 1], ratio: [3 / 4, 4 / 3], interpolation: 'bilinear' },
    { op: 'horizontalFlip', p: 0.5 },
    { op: 'colorJitter', brightness: [0.19999999999999996, 1.8], contrast: [0.19999999999999996, 1.8], saturation: [0.19999999999999996, 1.8], hue: [-0.2, 0.2], p: 0.8 },
    { op: 'randomGrayscale', p: 0.2 },
    { op: 'gaussianBlur', sigma: [0.1, 2], kernelSize: 'auto', p: 0.5 },
  ]);
  const cifar = simclr({ size: 32, strength: 0.5, blur: false });
  t.is(cifar.transforms.length, 4);
  t.deepEqual(cifar.transforms[2].spec, { op: 'colorJitter', brightness: [0.6, 1.4], contrast: [0.6, 1.4], saturation: [0.6, 1.4], hue: [-0.1, 0.1], p: 0.8 });
});

test('mocoV2 is MoCo v2 aug+', (t) => {
  const p = mocoV2({ size: 96 });
  t.deepEqual(p.spec, { preset: 'mocoV2', size: 96 });
  t.deepEqual(p.transforms.map((x) => x.spec.op), ['randomResizedCrop', 'colorJitter', 'randomGrayscale', 'gaussianBlur', 'horizontalFlip']);
  t.deepEqual(p.transforms[0].spec, { op: 'randomResizedCrop', size: 96, scale: [0.2, 1], ratio: [3 / 4, 4 / 3], interpolation: 'bilinear' });
  t.deepEqual(p.transforms[1].spec, { op: 'colorJitter', brightness: [0.6, 1.4], contrast: [0.6, 1.4], saturation: [0.6, 1.4], hue: [-0.1, 0.1], p: 0.8 });
});

test('evaluation is a 0.875 centre crop resized to size', (t) => {
  const p = evaluation();
  t.deepEqual(p.spec, { preset: 'evaluation', size: 224, cropProportion: 0.875, interpolation: 'bilinear' });
  t.deepEqual(p.outputSize, [224, 224]);
  t.deepEqual(p.transforms.map((x) => x.spec), [{ op: 'centerCrop', proportion: 0.875 }, { op: 'resize', size: [224, 224], interpolation: 'bilinear' }]);
});
