import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import type { EvalReport } from '@twinflow/eval';
import { parseMetrics, readReportData, resultRows, writeReport } from '../src/commands/report.js';
import { COLORS } from '../src/report/report-html.js';
import { barChart, escapeXml, lineChart, niceTicks } from '../src/report/svg-chart.js';
import { runCli } from './helpers.js';

const probe = (top1: number) => ({ top1, top5: Math.min(1, top1 + 0.1), epochs: 10, protocol: 'cached-features' as const });
const split = { train: { samples: 100, digest: 'a' }, test: { samples: 50, digest: 'b' } };

function evalReport(flags: string[] = []): EvalReport {
  return {
    version: 1,
    name: 'SimCLR',
    probe: probe(0.82),
    knn: { top1: 0.79, top5: 0.97, k: 200, temperature: 0.1, bankSamples: 100, testSamples: 50, seconds: 0.1 },
    baselines: {
      randomInit: { probe: probe(0.71), knn: { top1: 0.66, top5: 0.9, k: 200, temperature: 0.1, bankSamples: 100, testSamples: 50, seconds: 0.1 }, split, bnSamples: 100 },
      rawPixels: { probe: probe(0.76), split },
    },
    split,
    flags,
    seconds: 3,
  } as unknown as EvalReport;
}

async function makeRun(withEval: boolean): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-cli-report-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ method: 'simclr', arch: 'convnet', data: 'train-{000000..000001}.tar', epochs: 3, batchSize: 64 }));
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({
    step: i + 1, epoch: Math.floor(i / 10), loss: 5 - i / 10, lr: 0.1 * Math.min(1, (i + 1) / 10), imagesPerSec: 300 + i, dataWait: 0.1,
    backend: 'wasm', elapsed: (i % 20) + 1, totalSteps: 30,
  }));
  writeFileSync(join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n{"step": 31, "lo`);
  if (withEval) writeFileSync(join(dir, 'eval.json'), JSON.stringify(evalReport()));
  await sharp({ create: { width: 64, height: 32, channels: 3, background: '#3366cc' } }).png().toFile(join(dir, 'views.png'));
  return dir;
}

test('parseMetrics skips a torn line and keeps time increasing across a resume', (t) => {
  const text = ['{"step":1,"elapsed":1,"loss":3}', '{"step":2,"elapsed":2,"loss":2.5}', '{"step":3,"elapsed":0.5,"loss":2}', '{"step":4,"el'].join('\n');
  const steps = parseMetrics(text);
  t.deepEqual(steps.map((s) => s.step), [1, 2, 3]);
  t.deepEqual(steps.map((s) => s.time), [1, 2, 2.5]);
});

test('resultRows puts the encoder first, then random init and raw pixels; notes state the comparison', (t) => {
  const { rows, notes } = resultRows(evalReport());
  t.deepEqual(rows.map((r) => r.name), ['SimCLR', 'random init', 'raw pixels']);
  t.is(rows[1].knnTop1, 0.66);
  t.is(rows[2].knnTop1, undefined);
  t.true(notes[0].includes('beats every baseline'));
  const flagged = resultRows(evalReport(['probe top-1 does not beat the raw-pixel baseline']));
  t.is(flagged.notes[0], 'probe top-1 does not beat the raw-pixel baseline');
});

test('report.html is self-contained: inline SVG charts, the views as a data URI, no scripts or external URLs', async (t) => {
  const dir = await makeRun(true);
  const run = await runCli(['report', dir]);
  t.is(run.error, undefined, String(run.error));
  const html = await readFile(join(dir, 'report.html'), 'utf8');
  t.is((html.match(/<svg /g) ?? []).length, 5, 'four training charts and the results chart');
  t.regex(html, /<img class="views" alt="augmented views" src="data:image\/png;base64,iVBORw0KGgo/);
  t.notRegex(html, /<script|<link|src="http|href="http|url\(http|@import/);
  for (const text of ['Pretraining loss', 'Learning rate', 'Throughput', 'Time waiting for data', 'SimCLR', 'random init', 'raw pixels', '82.0%', '71.0%', '76.0%', '79.0%']) {
    t.true(html.includes(text), `report mentions ${text}`);
  }
  t.true(html.includes(COLORS.loss) && html.includes(COLORS.throughput));
});

test('a run without eval.json still renders and says how to add the evaluation', async (t) => {
  const dir = await makeRun(false);
  const out = join(dir, 'custom.html');
  t.is(await writeReport(dir, out), out);
  const html = await readFile(out, 'utf8');
  t.true(html.includes('No evaluation yet'));
  const data = await readReportData(dir);
  t.true(data.facts.some(([k, v]) => k === 'backend' && v === 'wasm'));
  t.true(data.facts.some(([k, v]) => k === 'steps' && v === '30'));
});

test('report on a directory that is not a run names what is missing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-cli-notarun-'));
  const run = await runCli(['report', dir]);
  t.regex(String((run.error as Error).message), /is not a twinflow run directory: config\.json is missing/);
});

test('charts escape text and handle empty and constant series', (t) => {
  t.is(escapeXml('<a & "b">'), '&lt;a &amp; &quot;b&quot;&gt;');
  t.regex(lineChart({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [{ name: 's', color: '#000', points: [] }] }), /no data recorded/);
  const flat = lineChart({ title: 'flat <1>', xLabel: 'x', yLabel: 'y', series: [{ name: 's', color: '#123456', points: [[0, 2], [1, 2]] }] });
  t.regex(flat, /flat &lt;1&gt;/);
  t.regex(flat, /<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+" fill="none" stroke="#123456"/);
  t.notRegex(flat, /NaN|Infinity/);
  const bars = barChart({ title: 'b', yLabel: '%', max: 100, unit: '%', groups: [{ label: 'g', bars: [{ name: 'x', value: 50, color: '#abcdef' }, { name: 'y', value: Number.NaN, color: '#fedcba' }] }] });
  t.regex(bars, /fill="#abcdef"/);
  t.regex(bars, />50\.0%</);
  t.notRegex(bars, /NaN/);
});

test('niceTicks gives round steps covering the range', (t) => {
  t.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  t.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  t.deepEqual(niceTicks(3.2, 4.9), [3.5, 4, 4.5]);
});
