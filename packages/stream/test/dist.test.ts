import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { root, wds } from './helpers/fixtures.js';

const run = promisify(execFile);

test('the built package (dist, plain node) finds its worker and streams every sample', async (t) => {
  // Incremental: cheap when dist is current (turbo builds before testing anyway).
  await run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', `${root}packages/stream`], { cwd: root });
  const script = fileURLToPath(new URL('helpers/dist-child.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [script, wds], { cwd: root, timeout: 60_000 });
  t.deepEqual(JSON.parse(stdout), { keys: 48, unique: 48 });
});
