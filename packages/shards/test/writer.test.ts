import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { ShardWriteError, ShardWriter, decodeCls, decodeJson, formatShardPath, imagePart, makeShardsFromImageFolder, shards } from '../src/index.js';
import { FIXTURES, collect, keys, referenceMembers, tempDir } from './helpers.js';

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

async function writeSamples(pattern: string, count: number, options = {}): Promise<ReturnType<ShardWriter['close']>> {
  const writer = new ShardWriter(pattern, options);
  for (let i = 0; i < count; i++) {
    await writer.write({ key: `k/${String(i).padStart(3, '0')}`, parts: { bin: Buffer.alloc(700 + i, i), cls: String(i % 3) } });
  }
  return writer.close();
}

test('ShardWriter: numbered shards capped by count, readable back in order, byte-identical on rewrite', async (t) => {
  const dir = await tempDir();
  const written = await writeSamples(join(dir, 'a', 'train-%06d.tar'), 25, { maxCount: 10 });
  t.deepEqual(written.map((s) => [s.path, s.samples]), [
    [join(dir, 'a', 'train-000000.tar'), 10], [join(dir, 'a', 'train-000001.tar'), 10], [join(dir, 'a', 'train-000002.tar'), 5],
  ]);
  for (const s of written) t.is(readFileSync(s.path).length, s.bytes);
  const samples = await collect(shards(join(dir, 'a', 'train-{000000..000002}.tar')));
  t.deepEqual(keys(samples), Array.from({ length: 25 }, (_, i) => `k/${String(i).padStart(3, '0')}`));
  t.true(samples.every((s, i) => decodeCls(s) === i % 3 && s.parts.bin.equals(Buffer.alloc(700 + i, i))));
  await writeSamples(join(dir, 'b', 'train-%06d.tar'), 25, { maxCount: 10 });
  t.deepEqual(written.map((s) => digest(s.path)), written.map((s) => digest(s.path.replace('/a/', '/b/'))));
  const members = await referenceMembers(written[0].path);
  t.is(members[0][0], 'k/000.bin');
  t.false(readdirSync(join(dir, 'a')).some((f) => f.endsWith('.partial')));
});

test('ShardWriter: maxBytes starts a new shard before the limit is passed', async (t) => {
  const dir = await tempDir();
  const written = await writeSamples(join(dir, 'w-%d.tar'), 12, { maxBytes: 6 * 1024 });
  t.true(written.length > 1);
  t.true(written.every((s) => s.bytes <= 6 * 1024));
  t.is(written.reduce((n, s) => n + s.samples, 0), 12);
  t.is(formatShardPath('x/%06d.tar', 42), 'x/000042.tar');
});

test('ShardWriter: invalid patterns, keys and parts are refused with messages that name them', async (t) => {
  t.throws(() => new ShardWriter('out/train.tar'), {
    message: 'Expected a path pattern with exactly one %d or %06d for pattern but received out/train.tar of type string',
  });
  t.throws(() => new ShardWriter('o-%d.tar', { maxCount: 0 }), {
    message: 'Expected an integer at least 1 for options.maxCount but received 0 of type number',
  });
  const writer = new ShardWriter(join(await tempDir(), 'o-%d.tar'));
  await t.throwsAsync(writer.write({ key: 'a.b', parts: { x: 'y' } }), {
    instanceOf: ShardWriteError, message: 'Sample key "a.b" must be non-empty with no dot after the last "/"',
  });
  await t.throwsAsync(writer.write({ key: 'a', parts: {} }), { message: 'Sample "a" has no parts' });
  await writer.close();
  await t.throwsAsync(writer.write({ key: 'a', parts: { x: 'y' } }), { message: 'ShardWriter.write after close()' });
});

test('makeShardsFromImageFolder: ImageFolder tree -> shuffled shards + class index JSON', async (t) => {
  const root = await tempDir();
  const images = join(FIXTURES, 'images');
  const layout: [string, string][] = [
    ['cat/a.jpg', 'photo-64x48.jpg'], ['cat/b.v2.jpg', 'photo-180x240.jpg'], ['cat/sub/c.png', 'photo-256x256.png'],
    ['dog/d.webp', 'photo-320x240.webp'], ['dog/e.JPG', 'photo-500x375.jpg'], ['dog/notes.txt', 'photo-64x48.jpg'],
  ];
  for (const [to, from] of layout) {
    await mkdir(join(root, 'in', to, '..'), { recursive: true });
    await copyFile(join(images, from), join(root, 'in', to));
  }
  await writeFile(join(root, 'in', 'stray.jpg'), 'not in a class folder');
  const result = await makeShardsFromImageFolder(join(root, 'in'), join(root, 'out', 'train-%06d.tar'), { maxCount: 2, seed: 3 });
  t.deepEqual(result.classes, ['cat', 'dog']);
  t.is(result.samples, 5);
  t.is(result.shards.length, 3);
  t.deepEqual(JSON.parse(readFileSync(result.classIndexPath, 'utf8')), ['cat', 'dog']);
  t.is(result.classIndexPath, join(root, 'out', 'classes.json'));
  const samples = await collect(shards(join(root, 'out', 'train-{000000..000002}.tar')));
  t.deepEqual(keys(samples).sort(), ['cat/a', 'cat/b_v2', 'cat/sub/c', 'dog/d', 'dog/e']);
  for (const sample of samples) {
    const meta = decodeJson(sample) as { class: string; path: string };
    t.is(result.classes[decodeCls(sample)], meta.class);
    const source = layout.find(([to]) => to === meta.path) as [string, string];
    t.deepEqual(imagePart(sample), readFileSync(join(images, source[1])));
  }
  const again = await makeShardsFromImageFolder(join(root, 'in'), join(root, 'again', 'train-%06d.tar'), { maxCount: 2, seed: 3 });
  t.deepEqual(again.shards.map((s) => digest(s.path)), result.shards.map((s) => digest(s.path)));
  await t.throwsAsync(makeShardsFromImageFolder(join(root, 'none'), join(root, 'x-%d.tar')), { message: /^Cannot read the image folder / });
});

test('tools/make-shards.ts: the command line over the same function', async (t) => {
  const root = await tempDir();
  for (const [cls, file] of [['a', 'photo-64x48.jpg'], ['b', 'photo-180x240.jpg'], ['b', 'photo-256x256.png']]) {
    await mkdir(join(root, 'in', cls), { recursive: true });
    await copyFile(join(FIXTURES, 'images', file), join(root, 'in', cls, file));
  }
  const tool = fileURLToPath(new URL('../../../tools/make-shards.ts', import.meta.url));
  const run = (args: string[]): Promise<{ code: number | null; out: string }> => new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import=tsx', tool, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
  const ok = await run([join(root, 'in'), join(root, 'out', 'x-%06d.tar'), '--max-count', '2', '--seed', '1']);
  t.is(ok.code, 0, ok.out);
  t.regex(ok.out, /3 samples of 2 classes in 2 shards; class index: .*classes\.json/);
  t.deepEqual(JSON.parse(readFileSync(join(root, 'out', 'classes.json'), 'utf8')), ['a', 'b']);
  t.is((await collect(shards(join(root, 'out', 'x-{000000..000001}.tar')))).length, 3);
  const bad = await run([join(root, 'in')]);
  t.is(bad.code, 2);
  t.regex(bad.out, /^usage: npx tsx tools\/make-shards.ts/);
});
