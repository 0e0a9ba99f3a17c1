// `twinflow pretrain` end to end on the bundled Fashion-MNIST shards: the run directory, --resume,
// Ctrl-C (SIGINT) writing a final checkpoint, and a plugin method module.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';

const bin = 'packages/cli/src/bin.ts';
const node = [process.execPath, '--import=tsx', '--conditions=source', bin];
const data = 'fixtures/fashion-mnist/train-000000.tar';
const runs = mkdtempSync(join(tmpdir(), 'twinflow-cli-pretrain-'));
const tiny = ['--data', data, '--size', '28', '--channels', '1', '--batch-size', '16', '--samples-per-epoch', '64', '--threads', '1', '--runs', runs];

/** Runs the bin as a child process (asynchronously, so the test worker stays responsive). */
function twinflow(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node[0], [...node.slice(1), ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function metrics(dir: string): { step: number; loss: number }[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
}

test.serial('pretrain writes the run directory; --resume continues from the last checkpoint', async (t) => {
  const first = await twinflow(['pretrain', ...tiny, '--epochs', '2', '--max-steps', '2', '--name', 'tiny']);
  t.is(first.status, 0, first.stderr);
  const dir = join(runs, 'tiny');
  for (const entry of ['config.json', 'metrics.jsonl', 'checkpoints', 'log.txt', 'views.png']) t.true(existsSync(join(dir, entry)), entry);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  t.like(config, { method: 'simclr', arch: 'convnet', data, batchSize: 16, size: 28, channels: 1, maxSteps: 2, epochs: 2, seed: 0 });
  t.deepEqual(metrics(dir).map((m) => m.step), [1, 2]);
  t.true(metrics(dir).every((m) => Number.isFinite(m.loss)));
  t.true(readdirSync(join(dir, 'checkpoints')).some((name) => name.startsWith('step-00000002')));
  t.regex(readFileSync(join(dir, 'log.txt'), 'utf8'), /done: 2 steps/);
  t.regex(readFileSync(join(dir, 'log.txt'), 'utf8'), /JPEG decoder: (libjpeg-turbo|sharp) \(.+\)/);

  const again = await twinflow(['pretrain', ...tiny, '--name', 'tiny']);
  t.is(again.status, 2);
  t.regex(again.stderr, /already holds a run; pass --resume/);

  const resumed = await twinflow(['pretrain', '--resume', dir, '--max-steps', '4']);
  t.is(resumed.status, 0, resumed.stderr);
  t.deepEqual(metrics(dir).map((m) => m.step), [1, 2, 3, 4]);
  t.regex(readFileSync(join(dir, 'log.txt'), 'utf8'), /resumed from .*step-00000002 at step 2/);
});

test.serial('Ctrl-C finishes the step, writes a checkpoint and exits 130; --resume picks it up', async (t) => {
  const dir = join(runs, 'interrupted');
  const child = spawn(node[0], [...node.slice(1), 'pretrain', ...tiny, '--epochs', '100', '--name', 'interrupted'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Interrupt once training is under way (a metrics line exists).
  const deadline = Date.now() + 120_000;
  while (!(existsSync(join(dir, 'metrics.jsonl')) && readFileSync(join(dir, 'metrics.jsonl'), 'utf8').length > 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  t.is(await exited, 130, stderr);
  t.regex(stderr, /interrupt: finishing the current step and writing a checkpoint/);
  t.regex(stderr, /continue with: twinflow pretrain --resume /);
  const done = metrics(dir).at(-1)?.step ?? 0;
  t.true(done >= 1 && done < 400);
  const checkpoints = readdirSync(join(dir, 'checkpoints'));
  t.true(checkpoints.includes(`step-${String(done).padStart(8, '0')}`), checkpoints.join(','));

  const resumed = await twinflow(['pretrain', '--resume', dir, '--max-steps', String(done + 1)]);
  t.is(resumed.status, 0, resumed.stderr);
  t.is(metrics(dir).at(-1)?.step, done + 1);
});

test.serial('a plugin module supplies the method', async (t) => {
  const run = await twinflow(['pretrain', ...tiny, '--method', './packages/cli/test/fixtures/plugin-method.ts', '--epochs', '1', '--max-steps', '1', '--name', 'plugin']);
  t.is(run.status, 0, run.stderr);
  t.is(metrics(join(runs, 'plugin')).length, 1);
  const missing = await twinflow(['pretrain', ...tiny, '--method', './no-such-method.js', '--max-steps', '1', '--name', 'missing']);
  t.is(missing.status, 2);
  t.regex(missing.stderr, /Method plugin \.\/no-such-method\.js does not exist; it must export a function `createMethod\(options\)`/);
});
