import test from 'ava';
import { AugmentOptionError } from '../src/errors.js';
import { randomGrayscale } from '../src/random-grayscale.js';
import { asFloat, decoded, renderWith } from './helpers/render.js';

const invalid: [string, unknown, string][] = [
  ['p above 1', { p: 1.01 }, 'Expected number between 0 and 1 for options.p but received 1.01 of type number'],
  ['p NaN', { p: Number.NaN }, 'Expected number between 0 and 1 for options.p but received NaN of type number'],
  ['options not an object', 'yes', 'Expected object for options but received "yes" of type string'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, (t) => {
    t.throws(() => randomGrayscale(options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('default p is SimCLR 0.2', (t) => {
  t.deepEqual(randomGrayscale().spec, { op: 'randomGrayscale', p: 0.2 });
});

test('p = 1 keeps 3 channels, each the luma', (t) => {
  const source = decoded(13, 7);
  const original = asFloat(source);
  const view = renderWith(source, [randomGrayscale({ p: 1 })]);
  t.is(view.data.length, 13 * 7 * 3);
  for (let i = 0; i < view.data.length; i += 3) {
    const y = 0.2989 * original[i] + 0.587 * original[i + 1] + 0.114 * original[i + 2];
    t.true(Math.abs(view.data[i] - y) < 1e-6 && view.data[i] === view.data[i + 1] && view.data[i] === view.data[i + 2]);
  }
});

test('about a fifth of views are gray at the default p', (t) => {
  const source = decoded(8, 8);
  let gray = 0;
  for (let seed = 0; seed < 400; seed++) {
    const view = renderWith(source, [randomGrayscale()], seed);
    if (view.data[3] === view.data[5] && view.data[3] === view.data[4]) gray++;
  }
  t.true(gray > 50 && gray < 110, `${gray} of 400`);
});
