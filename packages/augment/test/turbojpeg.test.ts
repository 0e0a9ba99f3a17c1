// The libjpeg-turbo fast path: which JPEGs take it, that it gives sharp's bytes, and that without the library
// (or with it turned off) decoding falls back to sharp with the same results.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type JpegOptions } from 'sharp';
import { augmentViews, renderViews } from '../src/augment-views.js';
import { decodeImage } from '../src/decode.js';
import { horizontalFlip } from '../src/horizontal-flip.js';
import { compose } from '../src/pipeline.js';
import { simclr } from '../src/presets.js';
import { randomResizedCrop } from '../src/random-resized-crop.js';
import { resize } from '../src/resize.js';
import { AugmentOptionError, ImageDecodeError } from '../src/errors.js';
import { jpegDecoder, plainJpeg, turboDecode, TURBOJPEG_MAX_PIXELS } from '../src/turbojpeg.js';
import { picture } from './helpers/images.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '..', '..', '..', 'fixtures');
const fixture = (name: string) => readFileSync(path.join(fixtures, name));
const available = jpegDecoder().decoder === 'libjpeg-turbo';

const jpeg = (width: number, height: number, options: JpegOptions = {}, gray = false): Promise<Buffer> => {
  let image = sharp(picture(width, height), { raw: { width, height, channels: 3 } });
  if (gray) image = image.greyscale();
  return image.jpeg({ quality: 90, ...options }).toBuffer();
};

/** The JPEG without its APP2 ICC_PROFILE segments. */
function withoutIcc(bytes: Buffer): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (bytes[at] === 0xff && bytes[at + 1] !== 0xda) {
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (!(bytes[at + 1] === 0xe2 && bytes.subarray(at + 4, at + 16).toString('latin1') === 'ICC_PROFILE\0')) parts.push(bytes.subarray(at, end));
    at = end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}

// .ci/run installs libturbojpeg0 and sets this, so CI always exercises the fast path itself.
test('the fast path is available where CI requires it', (t) => {
  const info = jpegDecoder();
  if (process.env.TWINFLOW_REQUIRE_TURBOJPEG === '1') t.is(info.decoder, 'libjpeg-turbo', info.detail);
  else t.true(info.decoder === 'libjpeg-turbo' || /koffi|libturbojpeg|TWINFLOW_JPEG_DECODER/.test(info.detail), info.detail);
});

test('plain JPEGs are told apart from those sharp must handle', async (t) => {
  for (const name of ['images/photo-180x240.jpg', 'images/photo-500x375.jpg', 'images/photo-64x48.jpg', 'broken/gray.jpg']) {
    t.true(plainJpeg(fixture(name)), name);
  }
  for (const name of ['broken/exif-rotated.jpg', 'broken/cmyk.jpg', 'broken/png-named.jpg', 'broken/not-an-image.jpg', 'images/photo-256x256.png']) {
    t.false(plainJpeg(fixture(name)), name);
  }
  const base = sharp(picture(40, 30), { raw: { width: 40, height: 30, channels: 3 } });
  t.false(plainJpeg(await base.clone().jpeg().withIccProfile('p3').toBuffer()), 'embedded ICC profile');
  t.true(plainJpeg(await base.clone().jpeg().withExif({ IFD0: { Copyright: 'x' } }).toBuffer()), 'EXIF without orientation');
  // withMetadata also embeds sRGB's ICC profile, which alone would send the image to sharp: cut it out.
  const oriented = async (orientation: number) => withoutIcc(await base.clone().jpeg().withMetadata({ orientation }).toBuffer());
  t.false(plainJpeg(await oriented(6)), 'EXIF orientation 6');
  t.true(plainJpeg(await oriented(1)), 'EXIF orientation 1');
  t.is((await sharp(await oriented(6)).metadata()).orientation, 6);
  t.false(plainJpeg(Buffer.from([0xff, 0xd8])), 'two bytes');
  t.false(plainJpeg((await jpeg(40, 30)).subarray(0, 100)), 'header cut before the scan');
});

test('the fast path gives sharp\'s bytes: fixtures, progressive, 4:4:4, gray, odd and tiny sizes', async (t) => {
  const inputs: [string, Buffer][] = [
    ...['images/photo-180x240.jpg', 'images/photo-500x375.jpg', 'images/photo-64x48.jpg', 'broken/gray.jpg'].map((n) => [n, fixture(n)] as [string, Buffer]),
    ['progressive', await jpeg(131, 77, { progressive: true })],
    ['4:4:4', await jpeg(97, 61, { chromaSubsampling: '4:4:4' })],
    ['4:2:0 odd size', await jpeg(33, 17)],
    ['1x1', await jpeg(1, 1)],
    ['gray', await jpeg(50, 41, {}, true)],
    ['quality 40 mozjpeg trellis', await jpeg(120, 90, { quality: 40, mozjpeg: true })],
  ];
  for (const [name, bytes] of inputs) {
    t.true(plainJpeg(bytes), name);
    const fast = turboDecode(bytes, 1e8);
    if (available) t.truthy(fast, `${name} took the fast path`);
    const auto = await decodeImage(bytes, { key: name });
    const slow = await decodeImage(bytes, { key: name, decoder: 'sharp' });
    t.deepEqual([auto.width, auto.height], [slow.width, slow.height], name);
    t.true(Buffer.from(auto.data).equals(Buffer.from(slow.data)), `${name}: same bytes as sharp`);
  }
});

test('what the fast path refuses goes to sharp, with the same typed errors', async (t) => {
  t.is(turboDecode(fixture('broken/truncated.jpg'), 1e8), undefined);
  const truncated = await t.throwsAsync(decodeImage(fixture('broken/truncated.jpg'), { key: 'cut' }), { instanceOf: ImageDecodeError });
  t.is(truncated?.code, 'corrupt');
  const photo = fixture('images/photo-500x375.jpg');
  t.is(turboDecode(photo, 1000), undefined);
  const large = await t.throwsAsync(decodeImage(photo, { key: 'big', maxPixels: 1000 }), { instanceOf: ImageDecodeError });
  t.is(large?.code, 'too-large');
  // Over TURBOJPEG_MAX_PIXELS sharp decodes it (asynchronously, off the event loop).
  const side = Math.ceil(Math.sqrt(TURBOJPEG_MAX_PIXELS)) + 1;
  const huge = await sharp({ create: { width: side, height: side, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
  t.is(turboDecode(huge, 1e8), undefined);
  t.is((await decodeImage(huge, { key: 'huge' })).width, side);
  const rotated = await decodeImage(fixture('broken/exif-rotated.jpg'), { key: 'exif' });
  t.deepEqual([rotated.width, rotated.height], [80, 120]);
});

test('options.decoder is checked', async (t) => {
  const error = await t.throwsAsync(decodeImage(fixture('images/photo-64x48.jpg'), { key: 'k', decoder: 'fast' as 'auto' }),
    { instanceOf: AugmentOptionError });
  t.regex(error?.message ?? '', /options\.decoder/);
  const viaViews = await t.throwsAsync(augmentViews(fixture('images/photo-64x48.jpg'), simclr({ size: 16 }), { seed: 0, key: 'k', decoder: 'fast' as 'auto' }),
    { instanceOf: AugmentOptionError });
  t.regex(viaViews?.message ?? '', /options\.decoder/);
  const sharpOnly = await augmentViews(fixture('images/photo-64x48.jpg'), simclr({ size: 16 }), { seed: 0, key: 'k', decoder: 'sharp' });
  const auto = await augmentViews(fixture('images/photo-64x48.jpg'), simclr({ size: 16 }), { seed: 0, key: 'k' });
  t.deepEqual(sharpOnly.views.map((v) => Buffer.from(v)), auto.views.map((v) => Buffer.from(v)));
});

/** decodeImage in a fresh process with `env`: the decoder it reports and a hash of the photo it decodes. */
function inChild(env: Record<string, string>): { decoder: string; detail: string; sum: number } {
  const script = `
    import { readFileSync } from 'node:fs';
    import { decodeImage, jpegDecoder } from ${JSON.stringify(path.resolve(here, '..', 'src', 'index.ts'))};
    const image = await decodeImage(readFileSync(${JSON.stringify(path.join(fixtures, 'images', 'photo-500x375.jpg'))}), { key: 'p' });
    let sum = 0;
    for (let i = 0; i < image.data.length; i++) sum = (sum * 31 + image.data[i]) >>> 0;
    console.log(JSON.stringify({ ...jpegDecoder(), sum }));`;
  const out = execFileSync(process.execPath, ['--import=tsx', '--conditions=source', '--input-type=module', '-e', script],
    { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as { decoder: string; detail: string; sum: number };
}

test('without libturbojpeg, or with the fast path turned off, decoding falls back to sharp with the same bytes', (t) => {
  const missing = inChild({ TWINFLOW_TURBOJPEG: '/nonexistent/libturbojpeg.so.0' });
  t.is(missing.decoder, 'sharp');
  t.regex(missing.detail, /libturbojpeg not found \(\/nonexistent\/libturbojpeg\.so\.0: /);
  const off = inChild({ TWINFLOW_JPEG_DECODER: 'sharp' });
  t.deepEqual([off.decoder, off.detail], ['sharp', 'TWINFLOW_JPEG_DECODER=sharp']);
  t.is(missing.sum, off.sum);
  if (available) t.is(inChild({}).sum, off.sum);
});

test('augmentViews decodes plain JPEGs straight into the kernels\' memory with the same views, also when calls overlap', async (t) => {
  const photos = ['images/photo-500x375.jpg', 'images/photo-180x240.jpg', 'images/photo-64x48.jpg', 'broken/gray.jpg', 'images/photo-256x256.png']
    .map((name) => fixture(name));
  // The second pipeline resizes twice, so its views render from an intermediate image that evicts the placed source.
  const pipelines = [simclr({ size: 48 }), compose([randomResizedCrop({ size: 40 }), resize({ size: [24, 20] }), horizontalFlip()])];
  for (const pipeline of pipelines) {
    const expected: Buffer[][] = [];
    for (const [i, bytes] of photos.entries()) {
      const image = await decodeImage(bytes, { key: String(i), decoder: 'sharp' });
      expected.push(renderViews(image, pipeline, { seed: 5, key: String(i), views: 3 }).views.map((v) => Buffer.from(v)));
    }
    const run = (bytes: Buffer, i: number) => augmentViews(bytes, pipeline, { seed: 5, key: String(i), views: 3 });
    const together = await Promise.all(photos.map(run));
    for (const [i, bytes] of photos.entries()) {
      const alone = await run(bytes, i);
      t.deepEqual(alone.views.map((v) => Buffer.from(v)), expected[i], `photo ${i}, one at a time`);
      t.deepEqual(together[i].views.map((v) => Buffer.from(v)), expected[i], `photo ${i}, all at once`);
      t.true(alone.timings.decodeMs > 0 && alone.timings.augmentMs > 0);
    }
  }
});

test('damaged JPEGs: the fast path never crashes and always agrees with sharp (same bytes or the same error)', async (t) => {
  const original = fixture('images/photo-64x48.jpg');
  let state = 12345;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const outcome = async (bytes: Buffer, decoder: 'auto' | 'sharp') => {
    try {
      const image = await decodeImage(bytes, { key: 'k', decoder });
      return `ok ${image.width}x${image.height} ${Buffer.from(image.data).toString('base64')}`;
    } catch (error) {
      return `error ${(error as ImageDecodeError).code}`;
    }
  };
  const kinds = new Set<string>();
  for (let i = 0; i < 150; i++) {
    const bytes = Buffer.from(original);
    // Flip 1-4 bytes anywhere, or cut the file short.
    if (i % 5 === 4) {
      const cut = bytes.subarray(0, 2 + next(bytes.length - 2));
      t.is(await outcome(cut, 'auto'), await outcome(cut, 'sharp'), `cut at ${cut.length}`);
      continue;
    }
    for (let k = 0; k <= next(4); k++) bytes[next(bytes.length)] ^= 1 + next(255);
    const fast = await outcome(bytes, 'auto');
    t.is(fast, await outcome(bytes, 'sharp'), `mutation ${i}`);
    kinds.add(fast.split(' ').slice(0, 2).join(' ').replace(/ \d+x\d+/, ''));
  }
  t.true(kinds.has('ok') && [...kinds].some((k) => k.startsWith('error')), [...kinds].join(', '));
});
