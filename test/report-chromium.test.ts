// A tiny real run (pretrain -> probe with baselines -> report) rendered by headless Chromium: the
// screenshot must exist, not be blank, and show the chart colours.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import sharp from 'sharp';

const node = [process.execPath, '--import=tsx', '--conditions=source', 'packages/cli/src/bin.ts'];

/** Runs the bin as a child process (asynchronously, so the test worker stays responsive). */
function twinflow(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node[0], [...node.slice(1), ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const which = spawnSync('which', [name], { encoding: 'utf8' });
    if (which.status === 0) return which.stdout.trim();
  }
  return undefined;
}

/** Pixels within `tolerance` of an RGB colour. */
function countColour(data: Buffer, channels: number, [r, g, b]: [number, number, number], tolerance = 24): number {
  let n = 0;
  for (let i = 0; i < data.length; i += channels) {
    if (Math.abs(data[i] - r) <= tolerance && Math.abs(data[i + 1] - g) <= tolerance && Math.abs(data[i + 2] - b) <= tolerance) n++;
  }
  return n;
}

test('report.html of a real run renders in headless Chromium with its charts', async (t) => {
  const chromium = findChromium();
  if (chromium === undefined) {
    t.fail('chromium is not installed: the report test needs it (Debian: apt-get install -y chromium); it is not skipped');
    return;
  }
  const runs = mkdtempSync(join(tmpdir(), 'twinflow-report-chromium-'));
  const dir = join(runs, 'tiny');
  const pretrain = await twinflow([
    'pretrain', '--data', 'fixtures/fashion-mnist/train-000000.tar', '--size', '28', '--channels', '1', '--batch-size', '32',
    '--samples-per-epoch', '128', '--epochs', '1', '--max-steps', '2', '--threads', '1', '--runs', runs, '--name', 'tiny',
  ]);
  t.is(pretrain.status, 0, pretrain.stderr);
  const probe = await twinflow([
    'probe', '--checkpoint', dir, '--train', 'fixtures/fashion-mnist/train-000000.tar', '--test', 'fixtures/fashion-mnist/test-000000.tar',
    '--epochs', '3', '--threads', '1',
  ]);
  t.is(probe.status, 0, probe.stderr);
  t.regex(probe.stdout, /baseline: random-init encoder/);
  t.regex(probe.stdout, /baseline: raw-pixel logistic regression/);
  const report = await twinflow(['report', dir]);
  t.is(report.status, 0, report.stderr);
  const html = join(dir, 'report.html');
  t.is(report.stdout.trim(), html);

  const shot = join(runs, 'report.png');
  const profile = mkdtempSync(join(tmpdir(), 'twinflow-chromium-profile-'));
  const render = spawnSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, `--screenshot=${shot}`, '--window-size=1200,2000',
    pathToFileURL(html).href,
  ], { encoding: 'utf8', timeout: 120_000 });
  t.true(existsSync(shot), `chromium wrote no screenshot: ${render.stderr}`);
  const { data, info } = await sharp(readFileSync(shot)).raw().toBuffer({ resolveWithObject: true });
  t.is(info.width, 1200);
  t.is(info.height, 2000);
  const stats = await sharp(shot).stats();
  t.true(stats.channels.slice(0, 3).every((c) => c.stdev > 20), 'the screenshot is not blank');
  // Loss line and SimCLR bars (#1f77b4), lr line and random-init bars (#ff7f0e), throughput (#2ca02c),
  // data wait (#d62728), raw-pixel bars (#7f7f7f).
  for (const [name, rgb] of [['blue', [0x1f, 0x77, 0xb4]], ['orange', [0xff, 0x7f, 0x0e]], ['green', [0x2c, 0xa0, 0x2c]], ['red', [0xd6, 0x27, 0x28]], ['gray', [0x7f, 0x7f, 0x7f]]] as const) {
    t.true(countColour(data, info.channels, [...rgb]) > 200, `the ${name} chart colour is drawn`);
  }
});
