// report.html: one self-contained page (inline SVG, images as data: URIs, inline CSS, no scripts).
import { barChart, escapeXml, lineChart } from './svg-chart.js';

/** One training step as the report plots it. */
export interface StepPoint {
  step: number;
  /** Seconds since the start of the run. */
  time: number;
  loss?: number;
  lr?: number;
  imagesPerSec?: number;
  /** Fraction of the step spent waiting for data, in [0, 1]. */
  dataWait?: number;
  /** TensorFlow.js backend of the step. */
  backend?: string;
}

/** One row of the results table: an encoder (or raw pixels) and its scores as fractions in [0, 1]. */
export interface ResultRow {
  name: string;
  probeTop1?: number;
  probeTop5?: number;
  knnTop1?: number;
}

export interface ReportData {
  title: string;
  /** Key facts shown under the title (method, arch, backend, epochs, wall time...). */
  facts: [string, string][];
  steps: StepPoint[];
  /** The pretrained encoder first, then the baselines. */
  results: ResultRow[];
  /** Notes under the results, e.g. which baselines were beaten. */
  notes: string[];
  /** PNG bytes of the grid of augmented views. */
  viewsPng?: Buffer;
  viewsCaption?: string;
  /** The resolved config, shown verbatim. */
  config?: unknown;
}

export const COLORS = { loss: '#1f77b4', lr: '#ff7f0e', throughput: '#2ca02c', wait: '#d62728', model: '#1f77b4', random: '#ff7f0e', pixels: '#7f7f7f' };
const ROW_COLORS = [COLORS.model, COLORS.random, COLORS.pixels, '#9467bd', '#8c564b'];

function pct(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`;
}

function series<K extends 'loss' | 'lr' | 'imagesPerSec' | 'dataWait'>(steps: StepPoint[], x: 'step' | 'time', key: K): [number, number][] {
  return steps.filter((s) => typeof s[key] === 'number').map((s) => [s[x], s[key] as number]);
}

function resultsSection(data: ReportData): string {
  if (data.results.length === 0) {
    return '<p class="muted">No evaluation yet: run <code>twinflow probe</code> and <code>twinflow knn</code> on this run to add the linear-probe and k-NN results.</p>';
  }
  const rows = data.results.map((r) => `<tr><td>${escapeXml(r.name)}</td><td>${pct(r.probeTop1)}</td><td>${pct(r.probeTop5)}</td><td>${pct(r.knnTop1)}</td></tr>`).join('');
  const metrics: [string, keyof ResultRow][] = [['linear probe top-1', 'probeTop1'], ['k-NN top-1', 'knnTop1']];
  const groups = metrics
    .filter(([, key]) => data.results.some((r) => typeof r[key] === 'number'))
    .map(([label, key]) => ({
      label,
      bars: data.results.map((r, i) => ({ name: r.name, value: typeof r[key] === 'number' ? 100 * (r[key] as number) : Number.NaN, color: ROW_COLORS[i % ROW_COLORS.length] })),
    }));
  const chart = barChart({ title: 'Linear probe and k-NN against the baselines', yLabel: 'top-1 accuracy (%)', groups, max: 100, unit: '%', width: 720, height: 320 });
  const notes = data.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('');
  return `<table class="results"><thead><tr><th>encoder</th><th>probe top-1</th><th>probe top-5</th><th>k-NN top-1</th></tr></thead><tbody>${rows}</tbody></table>`
    + `<figure>${chart}</figure>${notes ? `<ul class="notes">${notes}</ul>` : ''}`;
}

/** Renders the whole report page as an HTML string. */
export function renderReportHtml(data: ReportData): string {
  const facts = data.facts.map(([k, v]) => `<div><dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd></div>`).join('');
  const charts = [
    lineChart({ title: 'Pretraining loss', xLabel: 'step', yLabel: 'loss', series: [{ name: 'loss', color: COLORS.loss, points: series(data.steps, 'step', 'loss') }] }),
    lineChart({ title: 'Learning rate', xLabel: 'step', yLabel: 'learning rate', zero: true, series: [{ name: 'lr', color: COLORS.lr, points: series(data.steps, 'step', 'lr') }] }),
    lineChart({ title: 'Throughput', xLabel: 'time (s)', yLabel: 'images/s', zero: true, series: [{ name: 'images/s', color: COLORS.throughput, points: series(data.steps, 'time', 'imagesPerSec') }] }),
    lineChart({ title: 'Time waiting for data', xLabel: 'time (s)', yLabel: 'fraction of step time', yRange: [0, 1], series: [{ name: 'data wait', color: COLORS.wait, points: series(data.steps, 'time', 'dataWait') }] }),
  ];
  const views = data.viewsPng === undefined
    ? '<p class="muted">No augmentation preview in this run.</p>'
    : `<figure><img class="views" alt="augmented views" src="data:image/png;base64,${data.viewsPng.toString('base64')}"/>${data.viewsCaption ? `<figcaption>${escapeXml(data.viewsCaption)}</figcaption>` : ''}</figure>`;
  const config = data.config === undefined ? '' : `<details><summary>Resolved config</summary><pre>${escapeXml(JSON.stringify(data.config, null, 2))}</pre></details>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(data.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;max-width:1160px;color:#222;background:#fafafa;padding:0 16px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
dl.facts{display:flex;flex-wrap:wrap;gap:8px 24px;margin:0}dl.facts div{display:flex;gap:6px}dt{color:#666}dd{margin:0;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:12px}.charts svg,figure svg{background:#fff;border:1px solid #e3e3e3;border-radius:4px;max-width:100%;height:auto}
table.results{border-collapse:collapse;margin:8px 0 12px;background:#fff}table.results th,table.results td{border:1px solid #ddd;padding:6px 14px;text-align:right}
table.results th:first-child,table.results td:first-child{text-align:left}table.results tbody tr:first-child{font-weight:700}
figure{margin:8px 0}img.views{image-rendering:pixelated;border:1px solid #ddd;max-width:100%}figcaption{color:#666;font-size:13px}
.muted{color:#777}ul.notes{margin:4px 0;padding-left:20px}pre{background:#fff;border:1px solid #ddd;padding:8px;overflow:auto;font-size:12px}
</style></head><body>
<h1>${escapeXml(data.title)}</h1>
<dl class="facts">${facts}</dl>
<h2>Pretraining</h2>
<div class="charts">${charts.join('')}</div>
<h2>Evaluation</h2>
${resultsSection(data)}
<h2>Augmented views</h2>
${views}
${config}
</body></html>
`;
}
