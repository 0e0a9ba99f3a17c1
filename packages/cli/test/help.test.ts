import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { commanderCode, runCli } from './helpers.js';

const subcommands: [string[], string[]][] = [
  [['quickstart'], ['--epochs', '--seed', 'Fashion-MNIST']],
  [['pretrain'], ['--method', '--data', '--epochs', '--resume', '--config', 'simclr']],
  [['probe'], ['--checkpoint', '--train', '--test', '--no-baselines']],
  [['knn'], ['--checkpoint', '--k', '--temperature']],
  [['augment'], ['<in-dir>', '<out-dir>', '--views', 'preview']],
  [['augment', 'preview'], ['<image>', '--preset', '--out', 'grid.png']],
  [['shards', 'make'], ['<image-folder>', '--max-count', 'classes.json']],
  [['stream', 'bench'], ['<shards>', '--threads', '--batch-size']],
  [['report'], ['<run>', 'report.html']],
];

for (const [path, expected] of subcommands) {
  test(`twinflow ${path.join(' ')} --help describes its options`, async (t) => {
    const run = await runCli([...path, '--help']);
    t.is(commanderCode(run.error), 'commander.helpDisplayed');
    t.true(run.out.startsWith(`Usage: twinflow ${path.join(' ')}`), run.out.slice(0, 80));
    for (const word of expected) t.true(run.out.includes(word), `help of ${path.join(' ')} mentions ${word}`);
  });
}

test('twinflow --help lists every subcommand', async (t) => {
  const run = await runCli(['--help']);
  for (const name of ['quickstart', 'pretrain', 'probe', 'knn', 'augment', 'shards', 'stream', 'report']) {
    t.regex(run.out, new RegExp(`^  ${name}\\b`, 'm'));
  }
});

test('pretrain --help shows the schema defaults', async (t) => {
  const run = await runCli(['pretrain', '--help']);
  t.regex(run.out, /--epochs <n>[\s\S]*\(default: 10\)/);
  t.regex(run.out, /--batch-size <n>[\s\S]*\(default: 256\)/);
});

test('the bin runs as a process and exits 0 on --help', (t) => {
  const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import=tsx', '--conditions=source', bin, 'report', '--help'], { encoding: 'utf8' });
  t.is(result.status, 0, result.stderr);
  t.true(result.stdout.includes('Usage: twinflow report'));
});
