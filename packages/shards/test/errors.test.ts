import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import {
  CorruptTarHeaderError, DuplicatePartError, GzipError, NotATarError, ShardError, ShardNotFoundError, TruncatedTarError, emptyStats,
  handleDataError, shards,
} from '../src/index.js';
import type { ErrorPolicy } from '../src/index.js';
import { pack } from 'tar-stream';
import { BROKEN, FIXTURES, collect, keys, tempDir } from './helpers.js';

const good = join(FIXTURES, 'shards', 'wds-000000.tar');
const b = (name: string): string => join(BROKEN, name);
const bkeys = (...ids: number[]): string[] => ids.map((i) => `broken/b00000${i}`);

interface Case {
  file: string;
  error: new (...args: never[]) => ShardError;
  message: RegExp;
  offset: number;
  /** Keys yielded before the error under every policy. */
  before: string[];
  /** skippedSamples under the skip policies (the sample cut by the error). */
  partial: number;
}

const cases: Case[] = [
  {
    file: 'truncated.tar', error: TruncatedTarError, offset: 12793, before: bkeys(0, 1, 2), partial: 1,
    message: /^Truncated tar: .*truncated\.tar ends at byte 12793 inside member "broken\/b000003\.jpg"/,
  },
  {
    file: 'corrupt-header.tar', error: CorruptTarHeaderError, offset: 3584, before: bkeys(0), partial: 0,
    message: /^Invalid tar header in .*corrupt-header\.tar at byte 3584\. The tar is probably corrupted\.$/,
  },
  {
    file: 'not-a-tar.tar', error: NotATarError, offset: 0, before: [], partial: 0,
    message: /^Not a tar archive: .*not-a-tar\.tar: its first 512 bytes are not a tar header\./,
  },
  {
    file: 'zero-byte.tar', error: NotATarError, offset: 0, before: [], partial: 0,
    message: /^Not a tar archive: .*zero-byte\.tar: it is empty \(0 bytes\)/,
  },
  {
    file: 'missing.tar', error: ShardNotFoundError, offset: 0, before: [], partial: 0,
    message: /^Shard not found: .*missing\.tar\. Check the path and the brace range\.$/,
  },
];

for (const c of cases) {
  test(`${c.file}: 'throw' raises ${c.error.name} naming the URL and byte ${c.offset}`, async (t) => {
    const seen: string[] = [];
    const ds = shards(b(c.file));
    const error = await t.throwsAsync(async () => {
      for await (const sample of ds) seen.push(sample.key);
    }, { instanceOf: c.error, message: c.message });
    t.is(error?.url, b(c.file));
    t.is(error?.offset, c.offset);
    t.deepEqual(seen, c.before);
  });

  for (const policy of ['skip-sample', 'skip-shard'] as const) {
    test(`${c.file}: '${policy}' drops the rest of the shard, counts it and goes on to the next shard`, async (t) => {
      const errors: ShardError[] = [];
      const ds = shards([b(c.file), good], { errors: policy, onError: (e) => errors.push(e) });
      const samples = await collect(ds);
      t.deepEqual(keys(samples).slice(0, c.before.length), c.before);
      t.is(samples.length, c.before.length + 12);
      t.is(errors.length, 1);
      t.true(errors[0] instanceof c.error);
      t.like(ds.stats, { samples: c.before.length + 12, skippedShards: 1, skippedSamples: c.partial, shards: 1 });
      t.deepEqual(ds.stats.errors, { [c.error.name]: 1 });
    });
  }
}

test('a repeated extension: throw names shard and key; skip-sample drops one sample; skip-shard the rest', async (t) => {
  const path = b('repeated-ext.tar');
  const error = await t.throwsAsync(collect(shards(path)), { instanceOf: DuplicatePartError });
  t.is(error?.key, 'broken/r000001');
  t.is(error?.url, path);
  t.regex(error?.message ?? '', /^Sample "broken\/r000001" in .*repeated-ext\.tar at byte \d+ has the extension "jpg" twice$/);

  const sampleDs = shards([path, good], { errors: 'skip-sample' });
  const kept = keys(await collect(sampleDs));
  t.deepEqual(kept.slice(0, 2), ['broken/r000000', 'broken/r000002']);
  t.like(sampleDs.stats, { samples: 14, skippedSamples: 1, skippedShards: 0, shards: 2 });

  const shardDs = shards([path, good], { errors: 'skip-shard' });
  t.deepEqual(keys(await collect(shardDs)).slice(0, 2), ['broken/r000000', 'photos/s000000']);
  t.like(shardDs.stats, { samples: 13, skippedSamples: 1, skippedShards: 1, shards: 1 });
});

test('onError hears the error before throw rethrows it', async (t) => {
  const heard: string[] = [];
  await t.throwsAsync(collect(shards(b('truncated.tar'), { onError: (e) => heard.push(e.name) })));
  t.deepEqual(heard, ['TruncatedTarError']);
});

test('every sample read is either yielded or counted: samples + skipped add up over all broken inputs', async (t) => {
  const files = ['truncated.tar', 'corrupt-header.tar', 'repeated-ext.tar', 'not-a-tar.tar', 'zero-byte.tar'].map(b);
  const ds = shards(files, { errors: 'skip-sample' });
  await collect(ds);
  // truncated: 3 + 1 cut; corrupt: 1, then unreadable; repeated: 2 + 1 duplicate; not-a-tar, zero-byte: no sample
  t.like(ds.stats, { samples: 6, skippedSamples: 2, skippedShards: 4 });
});

test('handleDataError: the helper the stream package applies to decode failures', (t) => {
  const stats = emptyStats();
  const sampleError = new ShardError('bad jpeg', { url: 'u.tar', key: 'k', scope: 'sample' });
  const policies: [ErrorPolicy, 'sample' | 'shard'][] = [['skip-sample', 'sample'], ['skip-shard', 'shard']];
  for (const [policy, drop] of policies) t.is(handleDataError(sampleError, policy, stats), drop);
  t.like(stats, { skippedSamples: 2, skippedShards: 1, errors: { ShardError: 2 } });
  t.throws(() => handleDataError(sampleError, 'throw', stats), { is: sampleError });
  const foreign = new RangeError('not a data error');
  t.throws(() => handleDataError(foreign, 'skip-sample', stats), { is: foreign });
});

test('a gzip shard cut short is a GzipError under throw, a skipped shard under skip-shard', async (t) => {
  const dir = await tempDir();
  const cut = join(dir, 'cut.tar.gz');
  const whole = readFileSync(b('shard.tgz'));
  await writeFile(cut, whole.subarray(0, whole.length >> 1));
  const error = await t.throwsAsync(collect(shards(cut)), { instanceOf: GzipError });
  t.regex(error?.message ?? '', /^Corrupt or truncated gzip data in .*cut\.tar\.gz after \d+ decompressed bytes$/);
  const ds = shards(cut, { errors: 'skip-shard' });
  const samples = await collect(ds);
  t.true(samples.length > 0 && samples.length < 12);
  t.like(ds.stats, { skippedShards: 1, errors: { GzipError: 1 } });
});

test('directories and links in a tar are drained and counted, not parts', async (t) => {
  const dir = await tempDir();
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  p.entry({ name: 'd/', type: 'directory', mtime: new Date(0) });
  p.entry({ name: 'd/a.cls', mtime: new Date(0) }, '1');
  p.entry({ name: 'd/a.link', type: 'symlink', linkname: 'd/a.cls', mtime: new Date(0) });
  p.entry({ name: 'd/b.cls', mtime: new Date(0) }, '2');
  p.finalize();
  await done;
  await writeFile(join(dir, 'links.tar'), Buffer.concat(chunks));
  const ds = shards(join(dir, 'links.tar'));
  t.deepEqual(keys(await collect(ds)), ['d/a', 'd/b']);
  t.is(ds.stats.ignoredEntries, 2);
});
