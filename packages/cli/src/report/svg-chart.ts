// Inline SVG charts for report.html: no scripts, no external files, so the report opens offline.

export interface Series {
  name: string;
  color: string;
  /** [x, y] pairs in data units. */
  points: [number, number][];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  /** Fixed y range; otherwise fitted to the data (with 0 included when `zero`). */
  yRange?: [number, number];
  zero?: boolean;
}

export interface Bar {
  name: string;
  value: number;
  color: string;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  groups: BarGroup[];
  width?: number;
  height?: number;
  /** Upper end of the y axis (e.g. 100 for percentages). */
  max?: number;
  unit?: string;
}

const MARGIN = { top: 34, right: 16, bottom: 44, left: 58 };
/** Points kept per series; longer runs are thinned evenly so the HTML stays small. */
const MAX_POINTS = 1500;

/** Escapes text for XML/HTML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

function thin(points: [number, number][]): [number, number][] {
  const finite = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (finite.length <= MAX_POINTS) return finite;
  const stride = finite.length / MAX_POINTS;
  const out: [number, number][] = [];
  for (let i = 0; i < MAX_POINTS; i++) out.push(finite[Math.floor(i * stride)]);
  out.push(finite[finite.length - 1]);
  return out;
}

function frame(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`
    + `<rect width="${width}" height="${height}" fill="#ffffff"/>`
    + `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600" fill="#222">${escapeXml(title)}</text>`
    + body + '</svg>';
}

/** A line chart of one or more series with axes, grid, ticks and a legend; returns SVG markup. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 300;
  const series = options.series.map((s) => ({ ...s, points: thin(s.points) })).filter((s) => s.points.length > 0);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  if (series.length === 0) {
    return frame(width, height, options.title, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="13" fill="#777">no data recorded</text>`);
  }
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = options.yRange ?? [Math.min(...ys), Math.max(...ys)];
  if (options.zero && options.yRange === undefined) [y0, y1] = [Math.min(0, y0), Math.max(0, y1)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - (Math.abs(y0) || 1) * 0.1, y1 + (Math.abs(y1) || 1) * 0.1];
  const pad = options.yRange === undefined ? (y1 - y0) * 0.05 : 0;
  y0 -= y0 === 0 ? 0 : pad;
  y1 += pad;
  const sx = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number): number => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;

  const parts: string[] = [];
  for (const t of niceTicks(y0, y1)) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" dy="4" text-anchor="end" font-size="11" fill="#555">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#888"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotH + 17}" text-anchor="middle" font-size="11" fill="#555">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12" fill="#333">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#333">${escapeXml(options.yLabel)}</text>`);
  for (const s of series) {
    const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/>`);
    if (s.points.length === 1) parts.push(`<circle cx="${sx(s.points[0][0]).toFixed(1)}" cy="${sy(s.points[0][1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
  }
  if (series.length > 1) {
    series.forEach((s, i) => {
      const x = MARGIN.left + 10 + i * 150;
      parts.push(`<rect x="${x}" y="${MARGIN.top + 6}" width="12" height="12" fill="${s.color}"/>`);
      parts.push(`<text x="${x + 17}" y="${MARGIN.top + 16}" font-size="11" fill="#333">${escapeXml(s.name)}</text>`);
    });
  }
  return frame(width, height, options.title, parts.join(''));
}

/** Grouped vertical bars with value labels; returns SVG markup. */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 300;
  const unit = options.unit ?? '';
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom - 18;
  const values = options.groups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite);
  const max = options.max ?? (values.length > 0 ? Math.max(...values) * 1.1 : 1);
  const sy = (v: number): number => MARGIN.top + plotH - (Math.max(0, Math.min(v, max)) / max) * plotH;
  const parts: string[] = [];
  for (const t of niceTicks(0, max)) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" dy="4" text-anchor="end" font-size="11" fill="#555">${formatTick(t)}${escapeXml(unit)}</text>`);
  }
  const groupW = plotW / Math.max(1, options.groups.length);
  const legend = new Map<string, string>();
  options.groups.forEach((g, gi) => {
    const barW = Math.min(56, (groupW * 0.8) / Math.max(1, g.bars.length));
    const start = MARGIN.left + gi * groupW + (groupW - barW * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      legend.set(b.name, b.color);
      if (!Number.isFinite(b.value)) return;
      const x = start + bi * barW;
      const y = sy(b.value);
      parts.push(`<rect x="${(x + 2).toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${(MARGIN.top + plotH - y).toFixed(1)}" fill="${b.color}"/>`);
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="#222">${b.value.toFixed(1)}${escapeXml(unit)}</text>`);
    });
    parts.push(`<text x="${(MARGIN.left + gi * groupW + groupW / 2).toFixed(1)}" y="${MARGIN.top + plotH + 17}" text-anchor="middle" font-size="12" fill="#333">${escapeXml(g.label)}</text>`);
  });
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#999"/>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#333">${escapeXml(options.yLabel)}</text>`);
  [...legend].forEach(([name, color], i) => {
    const x = MARGIN.left + 10 + i * 150;
    const y = height - 18;
    parts.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${color}"/>`);
    parts.push(`<text x="${x + 17}" y="${y + 10}" font-size="11" fill="#333">${escapeXml(name)}</text>`);
  });
  return frame(width, height, options.title, parts.join(''));
}
