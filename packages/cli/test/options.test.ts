// Invalid and unknown options, from flags and from config files, are errors naming the option and the allowed values.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Command } from 'commander';
import { addSchemaOptions, readConfigFile, resolveConfig } from '../src/config.js';
import { CliError } from '../src/errors.js';
import { pretrainFlags, pretrainSchema } from '../src/commands/pretrain.js';
import { commanderCode, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'twinflow-cli-options-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Parses pretrain flags the way the command does and returns the resolved config (or throws). */
async function resolvePretrain(args: string[]) {
  const command = new Command('pretrain').exitOverride();
  addSchemaOptions(command, pretrainSchema, pretrainFlags);
  command.parse(args, { from: 'user' });
  return resolveConfig(pretrainSchema, { command, table: pretrainFlags });
}

const invalidFlags: [string[], string][] = [
  [['--data', 'x', '--method', 'byol'], 'Expected one of "simclr", "moco" or a plugin module path (e.g. "./my-method.js") for --method but received "byol" of type string'],
  [['--data', 'x', '--arch', 'vgg16'], 'Expected one of "convnet", "resnet18-cifar", "resnet18", "resnet34", "resnet50" for --arch but received "vgg16" of type string'],
  [['--data', 'x', '--epochs', 'ten'], 'Expected an integer for --epochs but received "ten" of type string'],
  [['--data', 'x', '--epochs', '0'], 'Expected an integer >= 1 for --epochs but received 0 of type number'],
  [['--data', 'x', '--epochs', '2.5'], 'Expected an integer for --epochs but received 2.5 of type number'],
  [['--data', 'x', '--channels', '2'], 'Expected one of 1, 3 for --channels but received 2 of type number'],
  [['--data', 'x', '--backend', 'gpu'], 'Expected one of "auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu" for --backend but received "gpu" of type string'],
  [['--data', 'x', '--temperature', '-1'], 'Expected a number > 0 for --temperature but received -1 of type number'],
  [['--data', 'x', '--crop-scale', '0.9,0.2'], 'Expected two area fractions [min, max] with 0 < min <= max <= 1 for --crop-scale but received [0.9,0.2] of type array'],
  [['--data', 'x', '--crop-scale', '0.2'], 'Expected a list of 2 values for --crop-scale but received [0.2] of type array'],
  [['--epochs', '3'], 'Missing required option --data (or data in a --config file)'],
];

for (const [args, message] of invalidFlags) {
  test(`pretrain ${args.slice(2).join(' ') || args.join(' ')} is rejected with the option named`, async (t) => {
    const err = await t.throwsAsync(resolvePretrain(args), { instanceOf: CliError });
    t.is(err?.message, message);
  });
}

test('several invalid flags are all reported, one per line', async (t) => {
  const err = await t.throwsAsync(resolvePretrain(['--data', 'x', '--epochs', '0', '--arch', 'vgg']));
  t.is(err?.message.split('\n').length, 2);
});

test('an unknown flag names itself and lists the allowed options', async (t) => {
  const run = await runCli(['pretrain', '--data', 'x', '--epoch', '3']);
  t.is(commanderCode(run.error), 'commander.unknownOption');
  t.true(run.err.includes("unknown option '--epoch'"), run.err);
  t.true(run.err.includes('(Did you mean --epochs?)'), run.err);
  t.regex(run.err, /allowed options for 'twinflow pretrain': --data, --method, --arch, --epochs,/);
});

test('an unknown flag on a nested subcommand lists that subcommand\'s options', async (t) => {
  const run = await runCli(['augment', 'preview', 'x.jpg', '--colour', '2']);
  t.regex(run.err, /unknown option '--colour'/);
  t.regex(run.err, /allowed options for 'twinflow preview': --preset, --views, --columns, --size/);
});

test('a YAML config file supplies options and flags override it', async (t) => {
  const yaml = file('run.yaml', 'data: "shards/train-{000000..000003}.tar"\nmethod: moco\nepochs: 7\nbatchSize: 64\ncropScale: [0.2, 1]\n');
  const config = await resolvePretrain(['--config', yaml, '--epochs', '9']);
  t.is(config.data, 'shards/train-{000000..000003}.tar');
  t.is(config.method, 'moco');
  t.is(config.epochs, 9);
  t.is(config.batchSize, 64);
  t.deepEqual(config.cropScale, [0.2, 1]);
  t.is(config.arch, 'convnet');
});

test('a JSON config file is read the same way', async (t) => {
  const json = file('run.json', JSON.stringify({ data: 'a.tar', arch: 'resnet18-cifar', size: 32, channels: 3, temperature: 0.5 }));
  const config = await resolvePretrain(['--config', json]);
  t.like(config, { data: 'a.tar', arch: 'resnet18-cifar', size: 32, temperature: 0.5, epochs: 10 });
});

test('an unknown key in a config file is named with the allowed keys', async (t) => {
  const yaml = file('typo.yaml', 'data: a.tar\nbatch_size: 64\nepochs: 3\n');
  const err = await t.throwsAsync(resolvePretrain(['--config', yaml]), { instanceOf: CliError });
  t.true(err?.message.startsWith(`Unknown option "batch_size" in ${yaml}; allowed options: data, method, arch, epochs, maxSteps, batchSize,`), err?.message);
});

test('an invalid value in a config file names the key and the file', async (t) => {
  const json = file('bad.json', JSON.stringify({ data: 'a.tar', method: 'swav', batchSize: '64' }));
  const err = await t.throwsAsync(resolvePretrain(['--config', json]), { instanceOf: CliError });
  const lines = err?.message.split('\n') ?? [];
  t.true(lines.includes(`Expected one of "simclr", "moco" or a plugin module path (e.g. "./my-method.js") for options.method in ${json} but received "swav" of type string`), err?.message);
  t.true(lines.includes(`Expected an integer for options.batchSize in ${json} but received "64" of type string`), err?.message);
});

test('a flag that fixes a bad config value wins', async (t) => {
  const json = file('fixable.json', JSON.stringify({ data: 'a.tar', epochs: -1 }));
  const config = await resolvePretrain(['--config', json, '--epochs', '2']);
  t.is(config.epochs, 2);
});

test('config files must be YAML or JSON mappings', async (t) => {
  await t.throwsAsync(readConfigFile(file('run.toml', 'epochs = 3')), { message: /must end in \.yaml, \.yml or \.json/ });
  await t.throwsAsync(readConfigFile(file('list.yaml', '- 1\n- 2\n')), {
    message: /^Expected a mapping of option names to values for the contents of config file .*list\.yaml but received \[1,2\] of type array$/,
  });
  await t.throwsAsync(readConfigFile(file('broken.json', '{"epochs": ')), { message: /^Cannot read config file .*broken\.json: / });
  await t.throwsAsync(readConfigFile(join(dir, 'missing.yaml')), { message: /^Cannot read config file .*missing\.yaml: ENOENT/ });
});

test('the bin prints option errors without a stack trace and exits 2', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import=tsx', '--conditions=source', bin, 'knn', '--checkpoint', 'r', '--train', 'a', '--test', 'b', '--k', '0'], { encoding: 'utf8' });
  t.is(result.status, 2);
  t.is(result.stderr, 'twinflow: Expected an integer >= 1 for --k but received 0 of type number\n');
});
