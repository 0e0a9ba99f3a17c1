import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import test from 'ava';
import sharp from 'sharp';
import { extract } from 'tar-stream';
import {
  convert, FASHION_MNIST_CLASSES, parseIdx, parseOptions, selectIndices,
} from '../tools/fashion-mnist-to-shards.js';
import { OVER_LIMIT_SIDE, SAMPLES_PER_SHARD, SHARD_COUNT, SYNSETS } from '../tools/make-fixtures.js';
import { PHOTO_CLASSES } from '../tools/lib/procedural-photo.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(root, 'fixtures');
const GENERATED_DIRS = ['shards', 'imagenet', 'broken', 'images'];

interface Member { name: string; data: Buffer }

/** Every member of a tar, in order; rejects (after collecting what parsed) on a malformed archive. */
async function readTar(data: Buffer, parsed: Member[] = []): Promise<Member[]> {
  const extractor = extract();
  Readable.from([data]).pipe(extractor);
  for await (const entry of extractor) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    parsed.push({ name: entry.header.name, data: Buffer.concat(chunks) });
  }
  return parsed;
}

const fixture = (name: string) => readFile(path.join(fixtures, name));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** Split tar members into WebDataset samples: runs of consecutive members sharing a key. */
function groupSamples(members: Member[]): { key: string; parts: Record<string, Buffer> }[] {
  const samples: { key: string; parts: Record<string, Buffer> }[] = [];
  for (const { name, data } of members) {
    const dir = path.posix.dirname(name);
    const base = path.posix.basename(name);
    const key = `${dir}/${base.slice(0, base.indexOf('.'))}`;
    const ext = base.slice(base.indexOf('.') + 1);
    if (samples.at(-1)?.key !== key) samples.push({ key, parts: {} });
    samples.at(-1)!.parts[ext] = data;
  }
  return samples;
}

test('make-fixtures regenerates byte-identical files and no committed file is stale', async (t) => {
  const out = await mkdtemp(path.join(tmpdir(), 'twinflow-fixtures-'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', 'tools/make-fixtures.ts', out], { cwd: root });
    const generated = await listFiles(out);
    t.true(generated.length > 0);
    const committed = (await listFiles(fixtures)).filter((f) => GENERATED_DIRS.includes(f.split(path.sep)[0]));
    t.deepEqual(committed, generated);
    for (const name of generated) {
      const digest = sha256(await readFile(path.join(out, name)));
      t.is(sha256(await fixture(name)), digest, name);
      t.true(stdout.includes(digest), `summary lists ${name}`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('every WebDataset shard holds consecutive samples with image, cls and json that agree', async (t) => {
  const keys = new Set<string>();
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    const samples = groupSamples(await readTar(await fixture(`shards/wds-${String(shard).padStart(6, '0')}.tar`)));
    t.is(samples.length, SAMPLES_PER_SHARD);
    for (const { key, parts } of samples) {
      t.false(keys.has(key), `${key} appears in one run only`);
      keys.add(key);
      const index = Number(key.slice('photos/s'.length));
      const meta = JSON.parse(parts.json.toString()) as { key: string; cls: number; width: number; height: number; format: string };
      t.is(meta.key, key);
      t.is(parts.cls.toString(), String(index % PHOTO_CLASSES.length));
      t.is(meta.cls, Number(parts.cls.toString()));
      const image = parts.jpg ?? parts.png;
      t.deepEqual(Object.keys(parts).sort(), ['cls', parts.jpg ? 'jpg' : 'png', 'json'].sort());
      const info = await sharp(image).metadata();
      t.is(String(info.format), meta.format);
      t.deepEqual([info.width, info.height, info.channels], [meta.width, meta.height, 3]);
    }
  }
  t.is(keys.size, SHARD_COUNT * SAMPLES_PER_SHARD);
  t.deepEqual(JSON.parse((await fixture('shards/classes.json')).toString()), [...PHOTO_CLASSES]);
});

test('the ImageNet fixture follows the ILSVRC-2012 tar-of-tars layout with its odd encodings', async (t) => {
  const outer = await readTar(await fixture('imagenet/ILSVRC2012_img_train.tar'));
  t.deepEqual(outer.map((m) => m.name), SYNSETS.map(([wnid]) => `${wnid}.tar`));
  const kinds: string[] = [];
  for (const [i, synset] of outer.entries()) {
    const inner = await readTar(synset.data);
    t.is(inner.length, 4);
    for (const image of inner) {
      t.regex(image.name, new RegExp(`^${SYNSETS[i][0]}_\\d+\\.JPEG$`));
      const info = await sharp(image.data).metadata();
      kinds.push(info.format === 'png' ? 'png' : `${info.space}/${info.channels}`);
    }
  }
  t.deepEqual(kinds.filter((k) => k !== 'srgb/3').sort(), ['b-w/1', 'cmyk/4', 'png']);

  const val = await readTar(await fixture('imagenet/ILSVRC2012_img_val.tar'));
  t.deepEqual(val.map((m) => m.name), [1, 2, 3, 4, 5, 6].map((n) => `ILSVRC2012_val_${String(n).padStart(8, '0')}.JPEG`));
  const truth = (await fixture('imagenet/ILSVRC2012_validation_ground_truth.txt')).toString().trimEnd().split('\n').map(Number);
  const wnids = (await fixture('imagenet/val_labels.txt')).toString().trimEnd().split('\n');
  const synsets = (await fixture('imagenet/synsets.txt')).toString().trimEnd().split('\n').map((line) => line.split(' ')[0]);
  t.deepEqual(synsets, [...synsets].sort());
  t.deepEqual(truth.map((k) => synsets[k - 1]), wnids);
  t.deepEqual([...truth].sort(), [1, 1, 2, 2, 3, 3]);
});

test('broken tars fail where the README says they do', async (t) => {
  const truncated: Member[] = [];
  await t.throwsAsync(readTar(await fixture('broken/truncated.tar'), truncated));
  t.deepEqual(groupSamples(truncated).filter((s) => s.parts.json).map((s) => s.key), ['broken/b000000', 'broken/b000001', 'broken/b000002']);

  const beforeHeader: Member[] = [];
  await t.throwsAsync(readTar(await fixture('broken/corrupt-header.tar'), beforeHeader), { message: /Invalid tar header/ });
  t.deepEqual(beforeHeader.map((m) => m.name), ['broken/b000000.cls', 'broken/b000000.jpg', 'broken/b000000.json']);

  const garbled = groupSamples(await readTar(await fixture('broken/corrupt-jpeg.tar')));
  t.is(garbled.length, 6);
  for (const { key, parts } of garbled) {
    if (key === 'broken/b000002') await t.throwsAsync(sharp(parts.jpg).raw().toBuffer());
    else t.is((await sharp(parts.jpg).raw().toBuffer({ resolveWithObject: true })).info.width, 64);
  }

  t.is((await fixture('broken/zero-byte.tar')).length, 0);
  await t.throwsAsync(readTar(await fixture('broken/not-a-tar.tar')), { message: /Invalid tar header/ });
  const wds0 = await fixture('shards/wds-000000.tar');
  t.deepEqual(gunzipSync(await fixture('broken/shard.tar.gz')), wds0);
  t.deepEqual(gunzipSync(await fixture('broken/shard.tgz')), wds0);

  const repeated = await readTar(await fixture('broken/repeated-ext.tar'));
  t.deepEqual(repeated.filter((m) => m.name.startsWith('broken/r000001')).map((m) => m.name),
    ['broken/r000001.cls', 'broken/r000001.jpg', 'broken/r000001.jpg', 'broken/r000001.json']);
});

test('broken and unusual images have the properties their names promise', async (t) => {
  const overLimit = await sharp(await fixture('broken/over-limit.png')).metadata();
  t.true(overLimit.width * overLimit.height > 100_000_000);
  t.is(overLimit.width, OVER_LIMIT_SIDE);
  t.true((await fixture('broken/over-limit.png')).length < 64 * 1024);
  await t.throwsAsync(sharp(await fixture('broken/over-limit.png'), { limitInputPixels: 100_000_000 }).raw().toBuffer(), { message: /pixel limit/ });

  const gray = await sharp(await fixture('broken/gray.jpg')).metadata();
  t.deepEqual([gray.format, gray.space, gray.channels], ['jpeg', 'b-w', 1]);
  const cmyk = await sharp(await fixture('broken/cmyk.jpg')).metadata();
  t.deepEqual([cmyk.format, cmyk.space, cmyk.channels], ['jpeg', 'cmyk', 4]);
  t.is((await sharp(await fixture('broken/png-named.jpg')).metadata()).format, 'png');

  const rgb16 = await sharp(await fixture('broken/rgb16.png')).metadata();
  t.deepEqual([rgb16.format, rgb16.depth, rgb16.channels], ['png', 'ushort', 3]);
  const rgba = await sharp(await fixture('broken/rgba.png')).raw().toBuffer({ resolveWithObject: true });
  t.is(rgba.info.channels, 4);
  t.is(rgba.data[3], 0, 'top-left corner is transparent');

  const rotated = await sharp(await fixture('broken/exif-rotated.jpg')).metadata();
  t.deepEqual([rotated.orientation, rotated.width, rotated.height], [6, 120, 80]);
  const upright = await sharp(await fixture('broken/exif-rotated.jpg')).rotate().raw().toBuffer({ resolveWithObject: true });
  t.deepEqual([upright.info.width, upright.info.height], [80, 120]);
  const topRight = (8 * upright.info.width + upright.info.width - 8) * 3;
  t.true(upright.data[topRight] > 200 && upright.data[topRight + 1] < 60, 'red marker lands top-right');

  const truncated = await fixture('broken/truncated.jpg');
  await t.throwsAsync(sharp(truncated).raw().toBuffer());
  const partial = await sharp(truncated, { failOn: 'none' }).raw().toBuffer({ resolveWithObject: true });
  t.deepEqual([partial.info.width, partial.info.height], [96, 72], 'a lenient decoder recovers the header and top rows');
  await t.throwsAsync(sharp(await fixture('broken/not-an-image.jpg')).raw().toBuffer(), { message: /unsupported image format/ });
});

test('single images decode at the size and in the format their names give', async (t) => {
  const names = await readdir(path.join(fixtures, 'images'));
  t.true(names.length >= 4);
  const sides: number[] = [];
  for (const name of names) {
    const [, width, height, ext] = /^photo-(\d+)x(\d+)\.(\w+)$/.exec(name)!;
    const info = await sharp(await fixture(`images/${name}`)).metadata();
    t.deepEqual([info.width, info.height], [Number(width), Number(height)]);
    t.is(String(info.format), ext === 'jpg' ? 'jpeg' : ext);
    sides.push(Math.max(info.width, info.height));
  }
  t.true(Math.min(...sides) < 224);
  t.true(Math.max(...sides) >= 500);
});

test('the committed Fashion-MNIST subset is class-balanced 28x28 greyscale PNG with labels', async (t) => {
  t.deepEqual(JSON.parse((await fixture('fashion-mnist/classes.json')).toString()), [...FASHION_MNIST_CLASSES]);
  for (const [split, shards, perClass] of [['train', 2, 200], ['test', 1, 100]] as const) {
    const counts = new Array<number>(10).fill(0);
    const keys: string[] = [];
    for (let shard = 0; shard < shards; shard++) {
      const samples = groupSamples(await readTar(await fixture(`fashion-mnist/${split}-${String(shard).padStart(6, '0')}.tar`)));
      t.is(samples.length, 1000);
      for (const { key, parts } of samples) {
        t.deepEqual(Object.keys(parts), ['cls', 'png']);
        counts[Number(parts.cls.toString())]++;
        keys.push(key);
      }
      for (const { parts } of samples) {
        const info = await sharp(parts.png).metadata();
        t.deepEqual([info.format, info.width, info.height, info.channels, info.depth], ['png', 28, 28, 1, 'uchar']);
      }
    }
    t.deepEqual(counts, new Array<number>(10).fill(perClass));
    t.deepEqual(keys, [...keys].sort(), `${split} keys are unique and in IDX order`);
    t.is(new Set(keys).size, keys.length);
  }
});

/** Minimal IDX file of unsigned bytes with the given dimensions. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

test('fashion-mnist-to-shards converts IDX files into seeded, balanced PNG shards', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'twinflow-fmnist-'));
  try {
    const source = path.join(dir, 'idx');
    const out = path.join(dir, 'out');
    await mkdir(source);
    // Image i is filled with the value i and labelled i % 10: 30 training images, 20 test images.
    for (const [stem, n] of [['train', 30], ['t10k', 20]] as const) {
      const pixels = new Uint8Array(n * 28 * 28);
      for (let i = 0; i < n; i++) pixels.fill(i, i * 784, (i + 1) * 784);
      await writeFile(path.join(source, `${stem}-images-idx3-ubyte.gz`), gzipSync(idx([n, 28, 28], pixels)));
      await writeFile(path.join(source, `${stem}-labels-idx1-ubyte`), idx([n], Uint8Array.from({ length: n }, (_, i) => i % 10)));
    }
    const options = parseOptions(['--out', out, '--source', source, '--train-count', '15', '--per-shard', '4', '--seed', '7']);
    const written = await convert(options);
    t.deepEqual(written.map((f) => path.basename(f)),
      ['train-000000.tar', 'train-000001.tar', 'train-000002.tar', 'train-000003.tar', 'test-000000.tar', 'test-000001.tar', 'test-000002.tar', 'test-000003.tar', 'test-000004.tar']);
    const train: { key: string; parts: Record<string, Buffer> }[] = [];
    for (const file of written.filter((f) => path.basename(f).startsWith('train'))) train.push(...groupSamples(await readTar(await readFile(file))));
    t.is(train.length, 15);
    const perClass = new Array<number>(10).fill(0);
    for (const { key, parts } of train) {
      const index = Number(key.slice('train/'.length));
      t.is(parts.cls.toString(), String(index % 10));
      perClass[index % 10]++;
      t.is((await sharp(parts.png).metadata()).channels, 1);
      // sharp expands one-channel input to sRGB on output unless asked to stay greyscale.
      const { data, info } = await sharp(parts.png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      t.deepEqual([info.width, info.height, info.channels], [28, 28, 1]);
      t.true(data.every((v) => v === index), `${key} pixels survive the PNG round trip`);
    }
    t.deepEqual(perClass, [2, 2, 2, 2, 2, 1, 1, 1, 1, 1]);
    t.is((await readdir(out)).filter((f) => f.startsWith('test')).length, 5, 'no count keeps all 20 test images');
    t.deepEqual(JSON.parse(await readFile(path.join(out, 'classes.json'), 'utf8')), [...FASHION_MNIST_CLASSES]);

    const labels = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 10));
    t.deepEqual(selectIndices(labels, 50, 7, 'train'), selectIndices(labels, 50, 7, 'train'));
    t.notDeepEqual(selectIndices(labels, 50, 7, 'train'), selectIndices(labels, 50, 8, 'train'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fashion-mnist-to-shards rejects invalid options with the option name', (t) => {
  const cases: [string[], string][] = [
    [['--train-count', '5'], 'Expected a directory for --out but received undefined of type undefined'],
    [['--out', 'x', '--per-shard', '0'], 'Expected a positive integer for --per-shard but received 0 of type string'],
    [['--out', 'x', '--train-count', '2.5'], 'Expected a positive integer for --train-count but received 2.5 of type string'],
    [['--out', 'x', '--seed=-1'], 'Expected a non-negative integer for --seed but received -1 of type string'],
  ];
  for (const [argv, message] of cases) t.throws(() => parseOptions(argv), { message }, argv.join(' '));
});

test('fashion-mnist-to-shards names the file and the problem in data errors', (t) => {
  t.throws(() => parseIdx(Buffer.from('not idx at all'), 'train-labels-idx1-ubyte'),
    { message: 'train-labels-idx1-ubyte: not an IDX file of unsigned bytes (magic 6e6f7420)' });
  t.throws(() => parseIdx(idx([5], new Uint8Array(4)), 'short'),
    { message: 'short: header declares 5 bytes of data but the file holds 4' });
  const labels = Buffer.from([0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.throws(() => selectIndices(labels, 20, 0, 'test'), { message: 'test: asked for 2 images of class 2 but only 1 exist' });
});
