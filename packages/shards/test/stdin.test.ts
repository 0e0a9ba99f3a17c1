import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { FIXTURES, BROKEN } from './helpers.js';

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const script = `
  const { shards } = await import(${JSON.stringify(index)});
  const ds = shards('-');
  const keys = [];
  for await (const s of ds) keys.push(s.key);
  let second = '';
  try { for await (const _ of ds); } catch (e) { second = e.name; }
  console.log(JSON.stringify({ keys, url: ds.stats.samples, second }));
`;

async function readStdin(file: string): Promise<{ keys: string[]; second: string }> {
  const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  createReadStream(file).pipe(child.stdin);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  return JSON.parse(out) as { keys: string[]; second: string };
}

test('"-" reads a tar from stdin (plain or gzip), once', async (t) => {
  const plain = await readStdin(join(FIXTURES, 'shards', 'wds-000001.tar'));
  t.is(plain.keys.length, 12);
  t.is(plain.keys[0], 'photos/s000012');
  t.is(plain.second, 'ShardReadError');
  const gz = await readStdin(join(BROKEN, 'shard.tgz'));
  t.is(gz.keys[0], 'photos/s000000');
  t.is(gz.keys.length, 12);
});
