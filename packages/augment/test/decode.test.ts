// Inputs: formats, colour models, bit depths, orientation; and bad inputs as typed errors naming the key.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { augmentViews } from '../src/augment-views.js';
import { decodeImage } from '../src/decode.js';
import { AugmentOptionError, ImageDecodeError, type ImageErrorCode } from '../src/errors.js';
import { simclr } from '../src/presets.js';
import { encoded } from './helpers/images.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures');
const fixture = (name: string) => readFileSync(path.join(fixtures, name));

for (const format of ['jpeg', 'png', 'webp'] as const) {
  test(`decodes ${format} to 8-bit RGB`, async (t) => {
    const image = await decodeImage(await encoded(30, 20, format), { key: format });
    t.deepEqual([image.width, image.height, image.data.length], [30, 20, 30 * 20 * 3]);
  });
}

test('fixture images of every format decode', async (t) => {
  for (const name of ['photo-180x240.jpg', 'photo-256x256.png', 'photo-320x240.webp', 'photo-500x375.jpg', 'photo-64x48.jpg']) {
    const [w, h] = name.match(/(\d+)x(\d+)/)!.slice(1).map(Number);
    const image = await decodeImage(fixture(`images/${name}`), { key: name });
    t.deepEqual([image.width, image.height], [w, h], name);
  }
});

test('EXIF orientation is applied', async (t) => {
  const image = await decodeImage(fixture('broken/exif-rotated.jpg'), { key: 'exif' });
  t.deepEqual([image.width, image.height], [80, 120]);
  // The red square stored at the top-left shows at the top-right once oriented.
  const at = (x: number, y: number) => Array.from(image.data.subarray((y * 80 + x) * 3, (y * 80 + x) * 3 + 3));
  const [r, g, b] = at(80 - 8, 8);
  t.true(r > 200 && g < 60 && b < 60, `top-right ${at(80 - 8, 8)}`);
  const [r2] = at(8, 8);
  t.true(r2 < 200 || at(8, 8)[1] > 60, `top-left ${at(8, 8)}`);
});

test('CMYK, grayscale, 16-bit and alpha inputs become 8-bit RGB', async (t) => {
  for (const name of ['cmyk.jpg', 'gray.jpg', 'rgb16.png', 'rgba.png', 'png-named.jpg']) {
    const image = await decodeImage(fixture(`broken/${name}`), { key: name });
    t.deepEqual([image.width, image.height, image.data.length], [96, 72, 96 * 72 * 3], name);
  }
  const gray = await decodeImage(fixture('broken/gray.jpg'), { key: 'g' });
  for (let i = 0; i < gray.data.length; i += 3) t.true(gray.data[i] === gray.data[i + 1] && gray.data[i] === gray.data[i + 2]);
  // rgb16: R ramps over x to 65535, so the last column is 255 after reduction to 8 bits.
  const rgb16 = await decodeImage(fixture('broken/rgb16.png'), { key: 'r' });
  t.is(rgb16.data[(10 * 96 + 95) * 3], 255);
  t.is(rgb16.data[10 * 96 * 3], 0);
  const cmyk = await decodeImage(fixture('broken/cmyk.jpg'), { key: 'c' });
  const { data } = await sharp(fixture('broken/cmyk.jpg')).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  t.deepEqual(Buffer.from(cmyk.data), data);
});

const bad: [string, () => Buffer | Promise<Buffer>, ImageErrorCode, RegExp][] = [
  ['zero bytes', () => Buffer.alloc(0), 'empty', /^Sample "k\/1": image is empty \(0 bytes\)$/],
  ['not an image', () => fixture('broken/not-an-image.jpg'), 'not-an-image', /^Sample "k\/1": not a supported image \(expected JPEG, PNG or WebP bytes\)$/],
  ['truncated JPEG', () => fixture('broken/truncated.jpg'), 'corrupt', /^Sample "k\/1": image is truncated or corrupt \(.+\)$/],
  ['corrupt JPEG data', async () => {
    const jpeg = await encoded(64, 48);
    for (let i = 400; i < jpeg.length - 2; i += 7) jpeg[i] ^= 0x5a;
    return jpeg;
  }, 'corrupt', /^Sample "k\/1": image is truncated or corrupt/],
  ['over the pixel limit', () => fixture('broken/over-limit.png'), 'too-large', /^Sample "k\/1": image has more pixels than options.maxPixels \(100000000\); raise maxPixels if it is genuine$/],
];
for (const [title, input, code, message] of bad) {
  test(`bad input: ${title} -> ImageDecodeError naming the key`, async (t) => {
    const error = await t.throwsAsync(augmentViews(await input(), simclr({ size: 16 }), { seed: 0, key: 'k/1' }), { instanceOf: ImageDecodeError, message });
    t.is(error?.code, code);
    t.is(error?.key, 'k/1');
  });
}

test('failOn: the default rejects corrupt data; error and truncated decode it as PIL would, but not truncation', async (t) => {
  const jpeg = await encoded(64, 48);
  for (let i = 400; i < jpeg.length - 2; i += 7) jpeg[i] ^= 0x5a;
  await t.throwsAsync(decodeImage(jpeg, { key: 'c' }), { instanceOf: ImageDecodeError, message: /^Sample "c": image is truncated or corrupt/ });
  for (const failOn of ['error', 'truncated'] as const) {
    t.is((await decodeImage(jpeg, { key: 'c', failOn })).width, 64);
    await t.throwsAsync(decodeImage(fixture('broken/truncated.jpg'), { key: 't', failOn }), { instanceOf: ImageDecodeError, message: /truncated or corrupt/ });
  }
  await t.throwsAsync(decodeImage(jpeg, { key: 'c', failOn: 'none' as never }), {
    instanceOf: AugmentOptionError, message: "Expected one of 'warning', 'error', 'truncated' for options.failOn but received \"none\" of type string",
  });
});

test('the pixel limit is configurable', async (t) => {
  const input = await encoded(100, 100);
  await t.throwsAsync(decodeImage(input, { key: 'big', maxPixels: 9999 }), { instanceOf: ImageDecodeError, message: /options.maxPixels \(9999\)/ });
  t.is((await decodeImage(input, { key: 'big', maxPixels: 10000 })).width, 100);
});

test('decodeImage validates its arguments', async (t) => {
  await t.throwsAsync(decodeImage('x' as never, { key: 'k' }), { instanceOf: AugmentOptionError, message: 'Expected Buffer or Uint8Array for input but received "x" of type string' });
  await t.throwsAsync(decodeImage(Buffer.alloc(1), {} as never), { instanceOf: AugmentOptionError, message: 'Expected string for options.key but received undefined of type undefined' });
});
