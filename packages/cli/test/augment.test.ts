import { mkdtempSync, readdirSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import sharp from 'sharp';
import { runCli } from './helpers.js';

const images = fileURLToPath(new URL('../../../fixtures/images/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'twinflow-cli-augment-'));

test('augment preview writes a PNG grid of the right size', async (t) => {
  const out = join(dir, 'grid.png');
  const run = await runCli(['augment', 'preview', join(images, 'photo-500x375.jpg'), '--views', '6', '--columns', '3', '--size', '64', '-o', out]);
  t.is(run.error, undefined, String(run.error));
  const meta = await sharp(out).metadata();
  t.is(meta.format, 'png');
  // 3 columns and 2 rows of 64 px views with previewGrid's 4 px gaps
  t.is(meta.width, 3 * 64 + 2 * 4);
  t.is(meta.height, 2 * 64 + 4);
  const stats = await sharp(out).stats();
  t.true(stats.channels.some((c) => c.stdev > 10), 'the grid holds an image, not a flat colour');
});

test('augment preview views differ from each other and follow the seed', async (t) => {
  const a = join(dir, 'a.png');
  const b = join(dir, 'b.png');
  const c = join(dir, 'c.png');
  const image = join(images, 'photo-256x256.png');
  await runCli(['augment', 'preview', image, '--views', '2', '--size', '32', '--seed', '1', '-o', a]);
  await runCli(['augment', 'preview', image, '--views', '2', '--size', '32', '--seed', '1', '-o', b]);
  await runCli(['augment', 'preview', image, '--views', '2', '--size', '32', '--seed', '2', '-o', c]);
  const raw = async (f: string) => sharp(f).raw().toBuffer();
  t.deepEqual(await raw(a), await raw(b));
  t.notDeepEqual(await raw(a), await raw(c));
});

test('augment <in-dir> <out-dir> writes N views per image, mirroring sub-folders', async (t) => {
  const input = join(dir, 'in');
  await mkdir(join(input, 'sub'), { recursive: true });
  await copyFile(join(images, 'photo-64x48.jpg'), join(input, 'a.jpg'));
  await copyFile(join(images, 'photo-320x240.webp'), join(input, 'sub', 'b.webp'));
  const output = join(dir, 'out');
  const run = await runCli(['augment', input, output, '--views', '3', '--size', '40', '--preset', 'moco-v2', '--format', 'jpg']);
  t.is(run.error, undefined, String(run.error));
  t.deepEqual(readdirSync(output).sort(), ['a.view0.jpg', 'a.view1.jpg', 'a.view2.jpg', 'sub']);
  t.deepEqual(readdirSync(join(output, 'sub')).sort(), ['b.view0.jpg', 'b.view1.jpg', 'b.view2.jpg']);
  const meta = await sharp(join(output, 'sub', 'b.view1.jpg')).metadata();
  t.is(meta.width, 40);
  t.is(meta.height, 40);
});

test('augment on a folder without images is an error naming it', async (t) => {
  const empty = join(dir, 'empty');
  await mkdir(empty, { recursive: true });
  const run = await runCli(['augment', empty, join(dir, 'none')]);
  t.regex(String((run.error as Error)?.message), /No images \(\.jpg, \.jpeg, \.png, \.webp\) found in .*empty/);
});
