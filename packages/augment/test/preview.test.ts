import test from 'ava';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { augmentDirectory, augmentFile } from '../src/augment-files.js';
import { AugmentOptionError, ImageDecodeError } from '../src/errors.js';
import { simclr } from '../src/presets.js';
import { previewGrid } from '../src/preview.js';
import { encoded } from './helpers/images.js';

test('previewGrid returns a PNG grid of the views', async (t) => {
  const png = await previewGrid(await encoded(80, 60), simclr({ size: 40 }), { views: 5, seed: 1, columns: 3, gap: 2 });
  const meta = await sharp(png).metadata();
  t.is(meta.format, 'png');
  t.deepEqual([meta.width, meta.height], [3 * 40 + 2 * 2, 2 * 40 + 2]);
  const again = await previewGrid(await encoded(80, 60), simclr({ size: 40 }), { views: 5, seed: 1, columns: 3, gap: 2 });
  t.deepEqual(again, png);
});

test('previewGrid validates its options', async (t) => {
  await t.throwsAsync(previewGrid(await encoded(8, 8), simclr({ size: 8 }), { views: 0 }), {
    instanceOf: AugmentOptionError, message: 'Expected positive integer for options.views but received 0 of type number',
  });
  await t.throwsAsync(previewGrid(await encoded(8, 8), simclr({ size: 8 }), { columns: 1.5 }), {
    instanceOf: AugmentOptionError, message: 'Expected positive integer for options.columns but received 1.5 of type number',
  });
});

test('augmentFile and augmentDirectory write the views, keyed by relative path', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'augment-files-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const input = path.join(dir, 'in');
  await mkdir(path.join(input, 'sub'), { recursive: true });
  await writeFile(path.join(input, 'a.jpg'), await encoded(50, 40));
  await writeFile(path.join(input, 'sub', 'b.png'), await encoded(40, 50, 'png'));
  await writeFile(path.join(input, 'notes.txt'), 'not an image');
  await writeFile(path.join(input, 'broken.jpg'), 'not an image either');
  const pipeline = simclr({ size: 24 });
  await t.throwsAsync(augmentDirectory(input, path.join(dir, 'strict'), pipeline), { instanceOf: ImageDecodeError, message: /^Sample "broken.jpg"/ });
  const result = await augmentDirectory(input, path.join(dir, 'out'), pipeline, { views: 3, skipErrors: true });
  t.is(result.images, 2);
  t.is(result.files, 6);
  t.deepEqual(result.skipped.map((e) => e.key), ['broken.jpg']);
  t.deepEqual((await readdir(path.join(dir, 'out'))).sort(), ['a.view0.png', 'a.view1.png', 'a.view2.png', 'sub']);
  t.deepEqual((await readdir(path.join(dir, 'out', 'sub'))).sort(), ['b.view0.png', 'b.view1.png', 'b.view2.png']);
  const one = await augmentFile(path.join(input, 'sub', 'b.png'), path.join(dir, 'single'), pipeline, { views: 3, key: 'sub/b.png', format: 'jpeg' });
  t.is(one.length, 3);
  const fromDir = await sharp(path.join(dir, 'out', 'sub', 'b.view1.png')).raw().toBuffer();
  const meta = await sharp(one[1]).metadata();
  t.deepEqual([meta.format, meta.width], ['jpeg', 24]);
  t.is(fromDir.length, 24 * 24 * 3);
});
