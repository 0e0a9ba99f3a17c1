import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { randomApply } from '../src/random-apply.js';
import { randomGrayscale } from '../src/random-grayscale.js';
import { solarize } from '../src/solarize.js';
import { asFloat, decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, unknown, string][] = [
  ['no transforms', [], undefined, 'Expected a transform or a non-empty array of transforms for transforms but received [] of type object'],
  ['not a transform', [{ op: 'solarize' }], undefined, 'Expected a transform or a non-empty array of transforms for transforms but received [{"op":"solarize"}] of type object'],
  ['p above 1', [randomGrayscale()], { p: 2 }, 'Expected number between 0 and 1 for options.p but received 2 of type number'],
  ['unknown option', [randomGrayscale()], { probability: 1 }, 'Expected one of the options p for options.probability but received "probability" of type string'],
];
for (const [title, transforms, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => randomApply(transforms as never, options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('spec nests the transforms; default p is 0.5', (t) => {
  t.deepEqual(randomApply(randomGrayscale({ p: 1 })).spec, { op: 'randomApply', transforms: [{ op: 'randomGrayscale', p: 1 }], p: 0.5 });
});

test('p = 0 never applies, p = 1 applies every transform in order', (t) => {
  const source = decoded(12, 8);
  const original = asFloat(source);
  const never = renderWith(source, [randomApply([randomGrayscale({ p: 1 })], { p: 0 })]);
  t.true(never.data.every((v, i) => Math.abs(v - original[i]) < 1e-6));
  const always = renderWith(source, [randomApply([randomGrayscale({ p: 1 }), solarize({ threshold: 0, p: 1 })], { p: 1 })]);
  for (let i = 0; i < always.data.length; i += 3) {
    const gray = 0.2989 * original[i] + 0.587 * original[i + 1] + 0.114 * original[i + 2];
    t.true(Math.abs(always.data[i] - (1 - gray)) < 1e-5);
    t.is(always.data[i], always.data[i + 2]);
  }
});
