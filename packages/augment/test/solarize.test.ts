import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { solarize } from '../src/solarize.js';
import { asFloat, decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, string][] = [
  ['threshold above 1', { threshold: 128 }, 'Expected number between 0 and 1 for options.threshold but received 128 of type number'],
  ['threshold string', { threshold: 'half' }, 'Expected number between 0 and 1 for options.threshold but received "half" of type string'],
  ['p', { p: -0.5 }, 'Expected number between 0 and 1 for options.p but received -0.5 of type number'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => solarize(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('defaults are BYOL: threshold 0.5, p 0.2', (t) => {
  t.deepEqual(solarize().spec, { op: 'solarize', threshold: 0.5, p: 0.2 });
});

test('values at or above the threshold are inverted', (t) => {
  const source = decoded(11, 9);
  const original = asFloat(source);
  const view = renderWith(source, [solarize({ threshold: 0.5, p: 1 })]);
  view.data.forEach((v, i) => t.true(Math.abs(v - (original[i] >= 0.5 ? 1 - original[i] : original[i])) < 1e-6));
});
