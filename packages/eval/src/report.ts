// The evaluation report: its JSON shape (eval.json in the run directory), baseline flags and the terminal table.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaselineResult, RandomInitBaselineResult } from './baselines.js';
import type { KnnResult } from './knn.js';
import type { ProbeResult } from './linear-probe.js';
import type { SplitIdentity } from './split.js';

/** Pretraining facts shown beside the numbers (filled in by the caller that pretrained). */
export interface PretrainInfo {
  method?: string;
  arch?: string;
  epochs?: number;
  steps?: number;
  /** Wall time of pretraining, seconds. */
  seconds?: number;
}

/**
 * The shape of eval.json (version 1). Accuracies are fractions in [0, 1]; times in seconds.
 * `flags` lists every way the result fails to beat a baseline; empty when it beats all of them.
 */
export interface EvalReport {
  version: 1;
  /** Row label, e.g. "simclr" or the run directory's name. */
  name: string;
  pretrain?: PretrainInfo;
  probe?: ProbeResult;
  /** The fast-path probe when `probe` is the full (augmented) protocol, for comparison. */
  probeCached?: ProbeResult;
  knn?: KnnResult;
  baselines: { randomInit?: RandomInitBaselineResult; rawPixels?: BaselineResult };
  split: { train: SplitIdentity; test: SplitIdentity };
  flags: string[];
  /** Wall time of the whole evaluation, seconds. */
  seconds: number;
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);

/**
 * Every way the report fails to beat its baselines by at least `margin` (fraction, default 0): probe top-1 against
 * each baseline's probe top-1, k-NN top-1 against each baseline's k-NN top-1; also a baseline on another split.
 */
export function baselineFlags(report: Pick<EvalReport, 'probe' | 'knn' | 'baselines' | 'split'>, margin = 0): string[] {
  const flags: string[] = [];
  const named: [string, BaselineResult | undefined][] = [
    ['random-init encoder', report.baselines.randomInit],
    ['raw-pixel', report.baselines.rawPixels],
  ];
  const need = margin > 0 ? ` by ${(margin * 100).toFixed(1)} points` : '';
  for (const [label, baseline] of named) {
    if (baseline === undefined) continue;
    if (baseline.split.train.digest !== report.split.train.digest || baseline.split.test.digest !== report.split.test.digest) {
      flags.push(`the ${label} baseline was computed on another split`);
    }
    if (report.probe && baseline.probe && !(report.probe.top1 >= baseline.probe.top1 + margin)) {
      flags.push(`probe top-1 ${pct(report.probe.top1)} does not beat the ${label} baseline probe ${pct(baseline.probe.top1)}${need}`);
    }
    if (report.knn && baseline.knn && !(report.knn.top1 >= baseline.knn.top1 + margin)) {
      flags.push(`k-NN top-1 ${pct(report.knn.top1)} does not beat the ${label} baseline k-NN ${pct(baseline.knn.top1)}${need}`);
    }
  }
  return flags;
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A plain-text table of one or more reports and, once, their baselines: probe top-1 / top-5 (with protocol),
 * k-NN top-1, pretraining epochs and wall time; rows that fail to beat a baseline end in "!" and the flags follow.
 */
export function formatTable(reports: EvalReport | EvalReport[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const header = ['result', 'probe top-1', 'probe top-5', 'protocol', 'probe epochs', 'k-NN top-1', 'pretrain epochs', 'pretrain time', 'eval time', ''];
  const rows: string[][] = [];
  for (const r of list) {
    rows.push([
      r.name, pct(r.probe?.top1), pct(r.probe?.top5), r.probe?.protocol ?? '-', String(r.probe?.epochs ?? '-'), pct(r.knn?.top1),
      String(r.pretrain?.epochs ?? '-'), duration(r.pretrain?.seconds), duration(r.seconds), r.flags.length ? '!' : '',
    ]);
    if (r.probeCached) {
      rows.push([`  ${r.name} (cached)`, pct(r.probeCached.top1), pct(r.probeCached.top5), r.probeCached.protocol, String(r.probeCached.epochs), '', '', '', '', '']);
    }
  }
  const baselines = list.find((r) => r.baselines.randomInit || r.baselines.rawPixels)?.baselines;
  const baselineRows: [string, BaselineResult | undefined][] = [
    ['baseline: random-init encoder', baselines?.randomInit],
    ['baseline: raw-pixel logistic regression', baselines?.rawPixels],
  ];
  for (const [label, b] of baselineRows) {
    if (b) {
      const seconds = (b.probe?.seconds ?? 0) + (b.knn?.seconds ?? 0);
      rows.push([label, pct(b.probe?.top1), pct(b.probe?.top5), b.probe?.protocol ?? '-', String(b.probe?.epochs ?? '-'), pct(b.knn?.top1), '-', '-', duration(seconds), '']);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.map(line)];
  for (const r of list) for (const flag of r.flags) out.push(`! ${r.name}: ${flag}`);
  const knnSettings = list.find((r) => r.knn)?.knn;
  if (knnSettings) out.push(`k-NN: k=${knnSettings.k}, T=${knnSettings.temperature}, cosine similarity, votes exp(sim/T)`);
  return out.join('\n');
}

/** Writes the report as `<runDir>/eval.json` (pretty JSON, written to a temp file then renamed); returns the path. */
export async function writeEvalJson(runDir: string, report: EvalReport | EvalReport[]): Promise<string> {
  await mkdir(runDir, { recursive: true });
  const path = join(runDir, 'eval.json');
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(report, null, 2)}\n`);
  await rename(temp, path);
  return path;
}
