// Converts the Fashion-MNIST IDX files (Debian package dataset-fashion-mnist) into WebDataset shards:
// one `<split>/<index>.png` (28x28, 8-bit greyscale) and `<split>/<index>.cls` (ASCII class index) per
// image, where <index> is the image's position in the IDX file. With --train-count/--test-count it keeps a
// seeded, class-balanced subset, in IDX order.
// Usage: npx tsx tools/fashion-mnist-to-shards.ts --out DIR [--source DIR] [--train-count N]
//        [--test-count N] [--per-shard N] [--seed S]
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { Rng, streamSeed } from './lib/prng.js';
import { packTar } from './lib/tar.js';
import type { TarMember } from './lib/tar.js';

/** Class names in label order, from the Fashion-MNIST README. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;
export const DEFAULT_SOURCE = '/usr/share/datasets/fashion-mnist';
const SPLITS = { train: 'train', test: 't10k' } as const;
export type Split = keyof typeof SPLITS;

export interface ConvertOptions {
  /** Directory holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`. */
  source: string;
  out: string;
  /** Images kept per split; undefined keeps all of them. */
  counts: Partial<Record<Split, number>>;
  perShard: number;
  seed: number;
}

/** Images (n, 28, 28) as one buffer plus labels (n). */
export interface IdxSplit { images: Buffer; labels: Buffer; count: number; rows: number; cols: number }

function expected(what: string, name: string, actual: unknown): Error {
  return new Error(`Expected ${what} for ${name} but received ${String(actual)} of type ${typeof actual}`);
}

async function readIdx(source: string, stem: string): Promise<Buffer> {
  for (const file of [`${stem}.gz`, stem]) {
    const full = path.join(source, file);
    if (existsSync(full)) {
      const raw = await readFile(full);
      return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    }
  }
  throw new Error(`${path.join(source, stem)}[.gz] not found; install it with: apt-get install dataset-fashion-mnist`);
}

/** Parse an IDX file of unsigned bytes: returns its dimensions and the data that follows the header. */
export function parseIdx(buffer: Buffer, name: string): { dims: number[]; data: Buffer } {
  if (buffer.length < 4 || buffer.readUInt16BE(0) !== 0 || buffer[2] !== 0x08) {
    throw new Error(`${name}: not an IDX file of unsigned bytes (magic ${buffer.subarray(0, 4).toString('hex')})`);
  }
  const rank = buffer[3];
  const dims = Array.from({ length: rank }, (_, i) => buffer.readUInt32BE(4 + 4 * i));
  const data = buffer.subarray(4 + 4 * rank);
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`${name}: header declares ${size} bytes of data but the file holds ${data.length}`);
  return { dims, data };
}

/** Load one split's images and labels from the IDX files in `source`. */
export async function loadSplit(source: string, split: Split): Promise<IdxSplit> {
  const imagesName = `${SPLITS[split]}-images-idx3-ubyte`;
  const labelsName = `${SPLITS[split]}-labels-idx1-ubyte`;
  const images = parseIdx(await readIdx(source, imagesName), imagesName);
  const labels = parseIdx(await readIdx(source, labelsName), labelsName);
  if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) {
    throw new Error(`${split}: images ${images.dims.join('x')} do not match labels ${labels.dims.join('x')}`);
  }
  return { images: images.data, labels: labels.data, count: labels.dims[0], rows: images.dims[1], cols: images.dims[2] };
}

/** Indices (ascending) of a class-balanced subset of `count` images, chosen by `seed`; all when count is undefined. */
export function selectIndices(labels: Buffer, count: number | undefined, seed: number, split: Split): number[] {
  if (count === undefined) return Array.from(labels.keys());
  const byClass = FASHION_MNIST_CLASSES.map(() => [] as number[]);
  labels.forEach((label, i) => byClass[label].push(i));
  const selected: number[] = [];
  for (const [cls, indices] of byClass.entries()) {
    // The remainder of an uneven split goes to the lowest class indices.
    const want = Math.floor(count / byClass.length) + (cls < count % byClass.length ? 1 : 0);
    if (want > indices.length) throw new Error(`${split}: asked for ${want} images of class ${cls} but only ${indices.length} exist`);
    selected.push(...new Rng(streamSeed(seed, 'fashion-mnist', split, cls)).shuffle([...indices]).slice(0, want));
  }
  return selected.sort((a, b) => a - b);
}

/** Fixed encoder settings so that the same pixels always give the same PNG bytes; 'b-w' keeps one channel. */
const PNG_OPTIONS = { compressionLevel: 9, adaptiveFiltering: true, palette: false } as const;

async function sampleMembers(data: IdxSplit, split: Split, index: number): Promise<TarMember[]> {
  const pixels = data.rows * data.cols;
  const png = await sharp(data.images.subarray(index * pixels, (index + 1) * pixels), { raw: { width: data.cols, height: data.rows, channels: 1 } })
    .toColourspace('b-w').png(PNG_OPTIONS).toBuffer();
  const key = `${split}/${String(index).padStart(5, '0')}`;
  return [{ name: `${key}.cls`, data: Buffer.from(String(data.labels[index])) }, { name: `${key}.png`, data: png }];
}

/** Write `<out>/<split>-NNNNNN.tar` shards and `<out>/classes.json`; returns the shard paths written. */
export async function convert(options: ConvertOptions): Promise<string[]> {
  await mkdir(options.out, { recursive: true });
  const written: string[] = [];
  for (const split of Object.keys(SPLITS) as Split[]) {
    const data = await loadSplit(options.source, split);
    const indices = selectIndices(data.labels, options.counts[split], options.seed, split);
    for (let start = 0, shard = 0; start < indices.length; start += options.perShard, shard++) {
      const members = await Promise.all(indices.slice(start, start + options.perShard).map((i) => sampleMembers(data, split, i)));
      const file = path.join(options.out, `${split}-${String(shard).padStart(6, '0')}.tar`);
      await writeFile(file, await packTar(members.flat()));
      written.push(file);
    }
  }
  await writeFile(path.join(options.out, 'classes.json'), `${JSON.stringify(FASHION_MNIST_CLASSES)}\n`);
  return written;
}

function positiveInteger(value: string | undefined, name: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw expected(allowZero ? 'a non-negative integer' : 'a positive integer', name, value);
  }
  return n;
}

/** Parse command-line arguments into ConvertOptions. */
export function parseOptions(argv: string[]): ConvertOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string' }, source: { type: 'string' }, 'train-count': { type: 'string' },
      'test-count': { type: 'string' }, 'per-shard': { type: 'string' }, seed: { type: 'string' },
    },
  });
  if (values.out === undefined) throw expected('a directory', '--out', values.out);
  return {
    out: values.out,
    source: values.source ?? DEFAULT_SOURCE,
    counts: { train: positiveInteger(values['train-count'], '--train-count'), test: positiveInteger(values['test-count'], '--test-count') },
    perShard: positiveInteger(values['per-shard'], '--per-shard') ?? 1000,
    seed: positiveInteger(values.seed, '--seed', true) ?? 0,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseOptions(process.argv.slice(2));
  for (const file of await convert(options)) console.log(file);
}
