import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { ShardSpecError, decodeCls, imagePart, shards } from '../src/index.js';
import { IMAGENET, collect, keys, referenceMembers, startServer, tempDir } from './helpers.js';

const train = join(IMAGENET, 'ILSVRC2012_img_train.tar');
const val = join(IMAGENET, 'ILSVRC2012_img_val.tar');
const wnids = ['n01440764', 'n01443537', 'n01484850'];

/** The images of the tar-of-tars as tar-stream reads them after unpacking the outer tar: the reference. */
async function referenceImages(): Promise<Map<string, Buffer>> {
  const dir = await tempDir();
  const out = new Map<string, Buffer>();
  for (const [name, data] of await referenceMembers(train)) {
    const inner = join(dir, name);
    await writeFile(inner, data);
    for (const [image, bytes] of await referenceMembers(inner)) out.set(image, bytes);
  }
  return out;
}

test('ILSVRC train tar-of-tars: 12 images labelled by sorted wnid, streamed from byte ranges of the outer tar', async (t) => {
  const ds = shards(train);
  const samples = await collect(ds);
  t.is(samples.length, 12);
  const reference = await referenceImages();
  for (const sample of samples) {
    const wnid = sample.key.split('_')[0];
    t.is(decodeCls(sample), wnids.indexOf(wnid));
    t.is(sample.url, `${train}#${wnid}.tar`);
    t.deepEqual(imagePart(sample), reference.get(`${sample.key}.JPEG`));
  }
  t.deepEqual([...new Set(samples.map((s) => s.key.split('_')[0]))], wnids);
  t.like(ds.stats, { shards: 3, samples: 12 });
  t.true(ds.stats.bytes < readFileSync(train).length, 'only the member tars are read');
});

test('ILSVRC train: synset tars are the shards for shuffling and splitting', async (t) => {
  const all: string[] = [];
  for (let workerId = 0; workerId < 3; workerId++) {
    const part = await collect(shards(train, { numWorkers: 3, workerId, shardShuffle: true, seed: 5 }));
    t.is(new Set(part.map((s) => decodeCls(s))).size, 1);
    all.push(...keys(part));
  }
  t.is(new Set(all).size, 12);
  await t.throwsAsync(collect(shards(train, { numWorkers: 4 })), { message: /^3 shards cannot be split over 1 rank x 4 workers/ });
});

test('ILSVRC train over HTTP: the member index comes from Range requests', async (t) => {
  const server = await startServer(IMAGENET);
  t.teardown(() => server.close());
  const remote = await collect(shards(`${server.url}/ILSVRC2012_img_train.tar`, { layout: 'ilsvrc-train' }));
  t.deepEqual(keys(remote), keys(await collect(shards(train))));
  t.true(server.requests.every((r) => r.range !== undefined));
});

test('ILSVRC train: options.classes fixes the label order; an unknown synset is an error', async (t) => {
  const reversed = [...wnids].reverse();
  const samples = await collect(shards(train, { classes: reversed }));
  t.true(samples.every((s) => decodeCls(s) === reversed.indexOf(s.key.split('_')[0])));
  await t.throwsAsync(collect(shards('-', { layout: 'ilsvrc-train' })), { instanceOf: ShardSpecError, message: /stdin \("-"\) cannot/ });
  await t.throwsAsync(collect(shards(train, { classes: wnids.slice(1) })), {
    instanceOf: ShardSpecError, message: /Synset n01440764 in .* is not in options.classes/,
  });
});

test('ILSVRC val: labels from the 1-based ground-truth file, or from a wnid list with classes', async (t) => {
  const expected = [2, 2, 0, 0, 1, 1];
  const gt = await collect(shards(val, { groundTruth: join(IMAGENET, 'ILSVRC2012_validation_ground_truth.txt') }));
  t.deepEqual(keys(gt), [1, 2, 3, 4, 5, 6].map((i) => `ILSVRC2012_val_0000000${i}`));
  t.deepEqual(gt.map(decodeCls), expected);
  const byWnid = await collect(shards(val, { groundTruth: join(IMAGENET, 'val_labels.txt'), classes: wnids }));
  t.deepEqual(byWnid.map(decodeCls), expected);
  t.true((await collect(shards(val))).every((s) => s.parts.cls === undefined));
  await t.throwsAsync(collect(shards(val, { groundTruth: join(IMAGENET, 'val_labels.txt') })), {
    message: /val_labels.txt line 1: "n01484850" is a wnid, which needs options.classes$/,
  });
});
