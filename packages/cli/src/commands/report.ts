// `twinflow report <run>`: reads a run directory and writes a self-contained report.html.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { EvalReport } from '@twinflow/eval';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { runDirMissing } from '../errors.js';
import { formatDuration } from '../progress.js';
import { renderReportHtml, type ReportData, type ResultRow, type StepPoint } from '../report/report-html.js';
import { runPaths } from '../run-dir.js';

export const reportSchema = z.strictObject({
  out: z.string().min(1).optional(),
});

const reportFlags: FlagTable<typeof reportSchema> = {
  out: { flags: '-o, --out <file>', help: 'where to write the HTML (default: <run>/report.html)' },
};

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Parses metrics.jsonl into step points. A torn last line (an interrupted run) is skipped; `elapsed`
 * restarts at 0 after a resume, so times are made cumulative across the segments of a run.
 */
export function parseMetrics(text: string): StepPoint[] {
  const steps: StepPoint[] = [];
  let offset = 0;
  let previous = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const step = num(row.step);
    if (step === undefined) continue;
    const elapsed = num(row.elapsed) ?? step;
    if (elapsed < previous) offset += previous;
    previous = elapsed;
    steps.push({
      step,
      time: offset + elapsed,
      loss: num(row.loss),
      lr: num(row.lr),
      imagesPerSec: num(row.imagesPerSec),
      dataWait: num(row.dataWait),
      backend: typeof row.backend === 'string' ? row.backend : undefined,
    });
  }
  return steps;
}

/** The report rows (pretrained encoder first, then the baselines) and notes from eval.json. */
export function resultRows(report: EvalReport | undefined): { rows: ResultRow[]; notes: string[] } {
  if (report === undefined) return { rows: [], notes: [] };
  const rows: ResultRow[] = [{ name: report.name, probeTop1: report.probe?.top1, probeTop5: report.probe?.top5, knnTop1: report.knn?.top1 }];
  const { randomInit, rawPixels } = report.baselines;
  if (randomInit) rows.push({ name: 'random init', probeTop1: randomInit.probe?.top1, probeTop5: randomInit.probe?.top5, knnTop1: randomInit.knn?.top1 });
  if (rawPixels) rows.push({ name: 'raw pixels', probeTop1: rawPixels.probe?.top1, probeTop5: rawPixels.probe?.top5, knnTop1: rawPixels.knn?.top1 });
  const notes = report.flags.length > 0 ? report.flags : rows.length > 1 ? [`${report.name} beats every baseline on every metric shown.`] : [];
  if (report.probe) notes.push(`Linear probe: ${report.probe.protocol} protocol, ${report.probe.epochs} epochs.`);
  if (report.knn) notes.push(`k-NN: k=${report.knn.k}, temperature ${report.knn.temperature}, cosine similarity.`);
  return { rows, notes };
}

/** Gathers everything report.html shows from a run directory. */
export async function readReportData(dir: string): Promise<ReportData> {
  const paths = runPaths(dir);
  if (!existsSync(paths.config)) throw runDirMissing(paths.dir, 'config.json');
  const config = JSON.parse(await readFile(paths.config, 'utf8')) as Record<string, unknown>;
  const steps = existsSync(paths.metrics) ? parseMetrics(await readFile(paths.metrics, 'utf8')) : [];
  const evalReport = existsSync(paths.eval) ? (JSON.parse(await readFile(paths.eval, 'utf8')) as EvalReport) : undefined;
  const { rows, notes } = resultRows(evalReport);
  const last = steps.at(-1);
  const facts: [string, string][] = [
    ['method', String(config.method ?? '?')],
    ['encoder', String(config.arch ?? '?')],
    ['data', String(config.data ?? '?')],
    ['epochs', String(config.epochs ?? '?')],
    ['batch size', String(config.batchSize ?? '?')],
    ['steps', last === undefined ? '0' : String(last.step)],
    ['training time', last === undefined ? '–' : formatDuration(last.time)],
    ['backend', last?.backend ?? '–'],
  ];
  return {
    title: `twinflow run ${basename(paths.dir)}`,
    facts,
    steps,
    results: rows,
    notes,
    viewsPng: existsSync(paths.views) ? await readFile(paths.views) : undefined,
    viewsCaption: 'Augmented views of training images as the pretraining saw them: one row per image, one column per view.',
    config,
  };
}

/** Writes report.html for a run directory; returns its path. */
export async function writeReport(dir: string, out?: string): Promise<string> {
  const file = resolve(out ?? runPaths(dir).report);
  await writeFile(file, renderReportHtml(await readReportData(dir)));
  return file;
}

export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('write a self-contained report.html for a run: loss, lr, throughput, data wait, probe/k-NN vs baselines, augmented views')
    .argument('<run>', 'run directory, e.g. runs/simclr-20260101-120000');
  addSchemaOptions(command, reportSchema, reportFlags);
  command.addHelpText('after', '\nExample:\n  $ twinflow report runs/quickstart\n  $ chromium runs/quickstart/report.html');
  command.action(async (run: string) => {
    const config = await resolveConfig(reportSchema, { command, table: reportFlags });
    const file = await writeReport(run, config.out);
    process.stdout.write(`${file}\n`);
  });
}
