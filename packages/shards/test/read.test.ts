import { readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { decodeCls, decodeJson, imagePart, shards, splitKey, SamplePartError } from '../src/index.js';
import type { Sample } from '../src/index.js';
import { BROKEN, FIXTURES, WDS, collect, keys, referenceMembers, tempDir, writeTar } from './helpers.js';

const wdsPaths = [0, 1, 2, 3].map((i) => join(FIXTURES, 'shards', `wds-00000${i}.tar`));

/** Samples built from tar-stream's reading of the same files: the reference the reader must match. */
async function referenceSamples(paths: string[]): Promise<{ key: string; parts: Record<string, Buffer> }[]> {
  const out: { key: string; parts: Record<string, Buffer> }[] = [];
  for (const path of paths) {
    for (const [name, data] of await referenceMembers(path)) {
      const split = splitKey(name);
      if (split === undefined) continue;
      if (out.at(-1)?.key !== split.key) out.push({ key: split.key, parts: {} });
      (out.at(-1) as { parts: Record<string, Buffer> }).parts[split.ext] = data;
    }
  }
  return out;
}

const plain = (samples: Sample[]): { key: string; parts: Record<string, Buffer> }[] =>
  samples.map((s) => ({ key: s.key, parts: { ...s.parts } }));

test('webdataset fixture: 48 samples in tar order, identical to tar-stream', async (t) => {
  const ds = shards(WDS);
  const samples = await collect(ds);
  t.is(samples.length, 48);
  t.deepEqual(keys(samples), Array.from({ length: 48 }, (_, i) => `photos/s${String(i).padStart(6, '0')}`));
  t.deepEqual(plain(samples), await referenceSamples(wdsPaths));
  t.is(samples[13].url, wdsPaths[1]);
  t.like(ds.stats, { samples: 48, shards: 4, skippedSamples: 0, skippedShards: 0 });
  t.is(ds.stats.bytes, wdsPaths.reduce((n, p) => n + readFileSync(p).length, 0));
});

test('odd read sizes split headers and members across chunks without changing a byte', async (t) => {
  const reference = plain(await collect(shards(WDS)));
  for (const readSize of [700, 4099]) {
    t.deepEqual(plain(await collect(shards(WDS, { readSize }))), reference, `readSize ${readSize}`);
  }
});

test('decoders: .cls, .json and the image part', async (t) => {
  const samples = await collect(shards(WDS));
  for (const [i, sample] of samples.entries()) {
    t.is(decodeCls(sample), i % 5);
    t.like(decodeJson(sample), { key: sample.key, cls: i % 5 });
    const image = imagePart(sample) as Buffer;
    if (i % 4 === 3) t.is(image.subarray(1, 4).toString('latin1'), 'PNG');
    else t.deepEqual([...image.subarray(0, 2)], [0xff, 0xd8]);
  }
});

test('decoders name the sample when a part is missing or malformed', (t) => {
  const sample: Sample = { key: 'k/1', url: 'x.tar', parts: { cls: Buffer.from('seven'), json: Buffer.from('{') } };
  t.throws(() => decodeCls(sample), { instanceOf: SamplePartError, message: 'Sample "k/1" from x.tar: .cls is not an integer: "seven"' });
  t.throws(() => decodeJson(sample), { instanceOf: SamplePartError, message: /^Sample "k\/1" from x.tar: .json does not parse/ });
  t.throws(() => decodeCls({ ...sample, parts: {} }), { message: 'Sample "k/1" from x.tar: has no .cls part' });
  t.is(imagePart({ ...sample, parts: { webp: Buffer.from('w') } })?.toString(), 'w');
  t.is(imagePart(sample), undefined);
  t.is(decodeCls({ ...sample, parts: { cls: Buffer.from(' 12\n') } }), 12);
});

test('keys: path up to the first dot of the basename, extensions lower-cased', (t) => {
  t.deepEqual(splitKey('dir.v2/n01_1.seg.PNG'), { key: 'dir.v2/n01_1', ext: 'seg.png' });
  t.deepEqual(splitKey('a.JPEG'), { key: 'a', ext: 'jpeg' });
  t.is(splitKey('README'), undefined);
  t.is(splitKey('dir/.hidden'), undefined);
  t.is(splitKey('trailing.'), undefined);
});

test('long names (pax headers), directories and extensionless members', async (t) => {
  const dir = await tempDir();
  const long = `${'deep/'.repeat(40)}sample_0`;
  const path = await writeTar(join(dir, 'long.tar'), [
    [`${long}.cls`, '3'],
    [`${long}.txt`, 'hello'],
    ['README', 'ignored'],
    ['other.proto.cls', '4'],
    ['other.constructor', 'not a prototype'],
  ]);
  const ds = shards(path);
  const samples = await collect(ds);
  t.deepEqual(keys(samples), [long, 'other']);
  t.is(samples[0].parts.txt.toString(), 'hello');
  t.deepEqual(Object.keys(samples[1].parts).sort(), ['constructor', 'proto.cls']);
  t.is(ds.stats.ignoredEntries, 1);
});

test('gzip shards are gunzipped by extension or by magic bytes, identical to the plain shard', async (t) => {
  const reference = plain(await collect(shards(wdsPaths[0])));
  t.deepEqual(plain(await collect(shards(join(BROKEN, 'shard.tar.gz')))), reference);
  t.deepEqual(plain(await collect(shards(join(BROKEN, 'shard.tgz')))), reference);
  const dir = await tempDir();
  await copyFile(join(BROKEN, 'shard.tgz'), join(dir, 'disguised.tar'));
  const ds = shards(join(dir, 'disguised.tar'), { readSize: 600 });
  t.deepEqual(plain(await collect(ds)), reference);
  t.is(ds.stats.bytes, readFileSync(join(BROKEN, 'shard.tgz')).length);
});

test('an empty archive (only end-of-archive blocks) yields nothing, without error', async (t) => {
  const dir = await tempDir();
  const path = await writeTar(join(dir, 'empty.tar'), []);
  const ds = shards(path);
  t.deepEqual(await collect(ds), []);
  t.like(ds.stats, { shards: 1, skippedShards: 0 });
});

test('file:// URLs and a :: joined list', async (t) => {
  const samples = await collect(shards(`file://${wdsPaths[3]}::${wdsPaths[0]}`));
  t.is(samples.length, 24);
  t.is(samples[0].key, 'photos/s000036');
  t.is(samples[12].key, 'photos/s000000');
});
