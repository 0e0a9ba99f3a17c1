import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { TarParser } from '../src/tar-parser.js';
import type { TarMember } from '../src/tar-parser.js';
import { FIXTURES, referenceMembers, tempDir, writeTar } from './helpers.js';

/** Feeds `bytes` to a parser in chunks whose sizes come from a fixed LCG, so that every boundary case occurs. */
function parseInChunks(bytes: Buffer, seed: number, maxChunk: number): [string, Buffer][] {
  const parser = new TarParser('t.tar', 0, () => undefined);
  const out: TarMember[] = [];
  let x = seed;
  for (let at = 0; at < bytes.length;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const size = 1 + (x % maxChunk);
    parser.push(bytes.subarray(at, at + size), out);
    at += size;
  }
  parser.end();
  return out.map((m) => [m.name, Buffer.from(m.data)]);
}

test('random chunkings of real tars give exactly what tar-stream reads', async (t) => {
  const dir = await tempDir();
  const members: [string, Buffer][] = [];
  for (let i = 0; i < 40; i++) {
    const size = [0, 1, 511, 512, 513, 1024, 5000][i % 7] + i;
    const name = i % 9 === 0 ? `${'long-directory-name/'.repeat(8)}m${i}.bin` : `m${i}.bin`;
    members.push([name, Buffer.alloc(size, i)]);
  }
  const files = [await writeTar(join(dir, 'mixed.tar'), members), join(FIXTURES, 'shards', 'wds-000000.tar'), join(FIXTURES, 'imagenet', 'ILSVRC2012_img_train.tar')];
  for (const file of files) {
    const bytes = readFileSync(file);
    const reference = await referenceMembers(file);
    for (const [seed, maxChunk] of [[1, 7], [2, 600], [3, 5000], [4, 1 << 20]]) {
      t.deepEqual(parseInChunks(bytes, seed, maxChunk), reference, `${file} chunks <= ${maxChunk}`);
    }
  }
});

test('GNU tar archives: GNU long names and pax (posix) long names', async (t) => {
  const dir = await tempDir();
  const long = `${'a-rather-long-directory-name/'.repeat(5)}deep`;
  await mkdir(join(dir, 'src', long), { recursive: true });
  await writeFile(join(dir, 'src', long, 'sample_000001.cls'), '5');
  await writeFile(join(dir, 'src', 'short.txt'), 'short');
  for (const format of ['gnu', 'posix', 'ustar']) {
    const archive = join(dir, `${format}.tar`);
    const names = format === 'ustar' ? ['short.txt'] : [`${long}/sample_000001.cls`, 'short.txt'];
    execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', archive, '-C', join(dir, 'src'), ...names]);
    const parsed = parseInChunks(readFileSync(archive), 5, 300);
    t.deepEqual(parsed.map(([name]) => name), names, format);
    t.deepEqual(parsed, await referenceMembers(archive), format);
  }
});
