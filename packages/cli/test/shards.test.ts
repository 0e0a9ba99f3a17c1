import { mkdtempSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { decodeCls, imagePart, shards } from '@twinflow/shards';
import { runCli } from './helpers.js';

test('shards make packs an ImageFolder into numbered shards with classes.json', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-cli-shards-'));
  const root = join(dir, 'folder');
  const classes = ['cat', 'dog'];
  for (const [c, name] of classes.entries()) {
    await mkdir(join(root, name), { recursive: true });
    for (let i = 0; i < 3; i++) {
      await sharp({ create: { width: 20 + i, height: 16, channels: 3, background: { r: 200 * c, g: 40 * i, b: 90 } } })
        .png().toFile(join(root, name, `img${i}.png`));
    }
  }
  const out = join(dir, 'shards');
  const run = await runCli(['shards', 'make', root, out, '--prefix', 'train', '--max-count', '4']);
  t.is(run.error, undefined, String(run.error));
  t.deepEqual(JSON.parse(readFileSync(join(out, 'classes.json'), 'utf8')), classes);
  const seen: { key: string; label: number; width: number }[] = [];
  for await (const sample of shards(join(out, 'train-{000000..000001}.tar'))) {
    const image = imagePart(sample);
    t.truthy(image);
    const meta = await sharp(image).metadata();
    seen.push({ key: sample.key, label: decodeCls(sample), width: meta.width });
  }
  t.is(seen.length, 6);
  for (const s of seen) t.is(s.label, s.key.startsWith('dog/') ? 1 : 0, s.key);
  t.deepEqual(seen.map((s) => s.key).sort(), ['cat/img0', 'cat/img1', 'cat/img2', 'dog/img0', 'dog/img1', 'dog/img2']);
});
