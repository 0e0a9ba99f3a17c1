import test from 'ava';
import { augmentViews, renderViews } from '../src/augment-views.js';
import { decodeImage } from '../src/decode.js';
import { AugmentOptionError } from '../src/errors.js';
import { compose } from '../src/pipeline.js';
import { evaluation, mocoV2, simclr } from '../src/presets.js';
import { randomGrayscale } from '../src/random-grayscale.js';
import { resize } from '../src/resize.js';
import { randomApply } from '../src/random-apply.js';
import { encoded } from './helpers/images.js';

const pipeline = simclr({ size: 32 });

const invalid: [string, unknown, string][] = [
  ['no seed', { key: 'k' }, 'Expected integer for options.seed but received undefined of type undefined'],
  ['fractional seed', { seed: 1.5, key: 'k' }, 'Expected integer for options.seed but received 1.5 of type number'],
  ['no key', { seed: 1 }, 'Expected string for options.key but received undefined of type undefined'],
  ['negative epoch', { seed: 1, key: 'k', epoch: -1 }, 'Expected non-negative integer for options.epoch but received -1 of type number'],
  ['zero views', { seed: 1, key: 'k', views: 0 }, 'Expected positive integer for options.views but received 0 of type number'],
  ['dtype', { seed: 1, key: 'k', dtype: 'float16' }, "Expected one of 'uint8', 'float32' for options.dtype but received \"float16\" of type string"],
  ['layout', { seed: 1, key: 'k', layout: 'nchw' }, "Expected one of 'hwc', 'chw' for options.layout but received \"nchw\" of type string"],
  ['channels', { seed: 1, key: 'k', channels: 4 }, 'Expected 1 or 3 for options.channels but received 4 of type number'],
  ['maxPixels', { seed: 1, key: 'k', maxPixels: 0 }, 'Expected positive integer for options.maxPixels but received 0 of type number'],
  ['out shape', { seed: 1, key: 'k', out: { buffers: [] } }, 'Expected { buffers, offsets } arrays for options.out but received {"buffers":[]} of type object'],
  ['out dtype', { seed: 1, key: 'k', views: 1, out: { buffers: [new Float32Array(4)], offsets: [0] } }, "Expected Uint8Array (options.dtype is 'uint8') for options.out.buffers[0] but received {\"0\":0,\"1\":0,\"2\":0,\"3\":0} of type object"],
  ['out offset', { seed: 1, key: 'k', views: 1, out: { buffers: [new Uint8Array(4)], offsets: [-1] } }, 'Expected non-negative integer for options.out.offsets[0] but received -1 of type number'],
];
for (const [title, options, message] of invalid) {
  test(`invalid options: ${title}`, async (t) => {
    const input = await encoded(20, 20);
    await t.throwsAsync(augmentViews(input, pipeline, options as never), { instanceOf: AugmentOptionError, message });
  });
}

test('rejects (never throws synchronously) when the pipeline is not a Pipeline', async (t) => {
  const promise = augmentViews(Buffer.alloc(0), { spec: {} } as never, { seed: 1, key: 'k' });
  await t.throwsAsync(promise, { instanceOf: AugmentOptionError, message: /^Expected Pipeline/ });
});

test('two uint8 HWC views by default, sized by the pipeline', async (t) => {
  const result = await augmentViews(await encoded(120, 90), pipeline, { seed: 1, key: 'img' });
  t.is(result.views.length, 2);
  t.deepEqual([result.width, result.height, result.channels], [32, 32, 3]);
  for (const v of result.views) {
    t.true(v instanceof Uint8Array);
    t.is(v.length, 32 * 32 * 3);
  }
  t.notDeepEqual(result.views[0], result.views[1]);
});

test('same (seed, epoch, key, view) gives the same bytes, in any order; any change gives new views', async (t) => {
  const input = await encoded(150, 100);
  const run = (o: { seed?: number; epoch?: number; key?: string; views?: number }) =>
    augmentViews(input, mocoV2({ size: 24 }), { seed: o.seed ?? 7, epoch: o.epoch ?? 0, key: o.key ?? 'a', views: o.views ?? 2 });
  const [a, b] = await Promise.all([run({}), run({})]);
  t.deepEqual(a.views, b.views);
  const three = await run({ views: 3 });
  t.deepEqual(three.views.slice(0, 2), a.views);
  await run({ key: 'other' });
  t.deepEqual((await run({})).views, a.views);
  for (const changed of [{ seed: 8 }, { epoch: 1 }, { key: 'b' }]) {
    const c = await run(changed);
    t.notDeepEqual(c.views[0], a.views[0], JSON.stringify(changed));
  }
});

test('views are written into caller buffers at element offsets, leaving the rest untouched', async (t) => {
  const input = await encoded(64, 48);
  const fresh = await augmentViews(input, pipeline, { seed: 2, key: 'x', views: 2 });
  const size = 32 * 32 * 3;
  const buffers = [new Uint8Array(size * 3).fill(7), new Uint8Array(size * 2 + 5).fill(9)];
  const result = await augmentViews(input, pipeline, { seed: 2, key: 'x', views: 2, out: { buffers, offsets: [size, size + 5] } });
  t.deepEqual(buffers[0].subarray(size, 2 * size), fresh.views[0]);
  t.deepEqual(buffers[1].subarray(size + 5), fresh.views[1]);
  t.true(buffers[0].subarray(0, size).every((v) => v === 7) && buffers[0].subarray(2 * size).every((v) => v === 7));
  t.true(buffers[1].subarray(0, size + 5).every((v) => v === 9));
  t.is(result.views[0].buffer, buffers[0].buffer);
  t.is(result.views[0].byteOffset, size);
  const small = new Uint8Array(size);
  await t.throwsAsync(augmentViews(input, pipeline, { seed: 2, key: 'x', views: 1, out: { buffers: [small], offsets: [1] } }), {
    instanceOf: AugmentOptionError,
    message: 'options.out.buffers[0] has room for 3071 elements after options.out.offsets[0] but the view needs 3072',
  });
});

test('float32, CHW and luma outputs are the same pixels as uint8 HWC', async (t) => {
  const input = await encoded(64, 48);
  const base = { seed: 4, key: 'y', views: 1 };
  const u8 = (await augmentViews(input, pipeline, base)).views[0];
  const f32 = (await augmentViews(input, pipeline, { ...base, dtype: 'float32' })).views[0];
  const chw = (await augmentViews(input, pipeline, { ...base, layout: 'chw' })).views[0];
  const luma = await augmentViews(input, pipeline, { ...base, channels: 1 });
  t.is(luma.channels, 1);
  t.is(luma.views[0].length, 32 * 32);
  const n = 32 * 32;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      t.is(Math.round(f32[p * 3 + c] * 255), u8[p * 3 + c]);
      t.is(chw[c * n + p], u8[p * 3 + c]);
    }
    const y = 0.299 * f32[p * 3] + 0.587 * f32[p * 3 + 1] + 0.114 * f32[p * 3 + 2];
    t.true(Math.abs(luma.views[0][p] - y * 255) <= 0.5 + 1e-3);
  }
});

test('Fashion-MNIST style: 28x28 gray PNG to one-channel 28x28 views; gray in stays gray', async (t) => {
  const sharp = (await import('sharp')).default;
  const gray = Buffer.alloc(28 * 28);
  for (let i = 0; i < gray.length; i++) gray[i] = (i * 37) % 256;
  const png = await sharp(gray, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
  const result = await augmentViews(png, evaluation({ size: 28, cropProportion: 1 }), { seed: 0, key: 'f', views: 1, channels: 1 });
  t.deepEqual(Buffer.from(result.views[0]), gray);
  const aug = await augmentViews(png, simclr({ size: 28, strength: 0.5 }), { seed: 0, key: 'f', channels: 1, dtype: 'float32' });
  t.is(aug.views[0].length, 28 * 28);
});

test('N views come from one decode: renderViews on a decoded image equals augmentViews', async (t) => {
  const input = await encoded(90, 70);
  const image = await decodeImage(input, { key: 'z' });
  const rendered = renderViews(image, pipeline, { seed: 3, key: 'z', views: 4 });
  const direct = await augmentViews(input, pipeline, { seed: 3, key: 'z', views: 4 });
  t.deepEqual(rendered.views, direct.views);
  t.is(new Set(rendered.views.map((v) => Buffer.from(v).toString('base64'))).size, 4);
});

test('geometry after a pixel op is refused when the pipeline is built', (t) => {
  t.throws(() => compose([randomGrayscale(), resize({ size: 8 })]), {
    instanceOf: AugmentOptionError,
    message: 'Invalid pipeline: transforms[1] (resize) changes geometry after a pixel transform; put crops and resizes first (flips may go anywhere)',
  });
});

test('views of one image that come out at different sizes are refused', async (t) => {
  const varying = compose([randomApply(resize({ size: [8, 8] }), { p: 0.5 })]);
  await t.throwsAsync(augmentViews(await encoded(20, 10), varying, { seed: 0, key: 'v', views: 8 }), {
    instanceOf: AugmentOptionError, message: /^Invalid pipeline: views of one image came out/,
  });
});
