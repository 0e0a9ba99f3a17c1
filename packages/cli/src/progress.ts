// A progress bar with ETA and images/s on a terminal; on a pipe or CI log, one plain line every
// `interval` (default 15 s) or 10% of the total, whichever comes first, so logs stay short.
import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  /** Finished units (steps, batches, images) so far. */
  value: number;
  /** Images per second over the recent steps. */
  imagesPerSec?: number;
  /** Extra `name value` pairs shown after the rate, e.g. loss. */
  fields?: Record<string, number | string>;
}

export interface Progress {
  update(update: ProgressUpdate): void;
  /** Writes a line above the bar (or plainly), without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Force bar (true) or plain lines (false); defaults to whether the stream is a TTY. */
  tty?: boolean;
  /** Minimum milliseconds between plain lines. */
  interval?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatFields(fields: Record<string, number | string> | undefined): string {
  if (fields === undefined) return '';
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${typeof v !== 'number' ? v : Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4)}`)
    .join(' ');
}

/** Creates a progress reporter for `total` units. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const unit = options.unit ?? 'steps';
  return tty ? barProgress(options, stream, unit) : plainProgress(options, stream, unit);
}

function barProgress(options: ProgressOptions, stream: NodeJS.WriteStream, unit: string): Progress {
  const bar = new cliProgress.SingleBar({
    stream,
    format: `${options.label} [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total} ${unit} | {ips} img/s {fields}`,
    barsize: 24,
    hideCursor: true,
    etaBuffer: 50,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  bar.start(options.total, 0, { ips: '-', fields: '' });
  return {
    update(u) {
      bar.update(u.value, { ips: u.imagesPerSec === undefined ? '-' : u.imagesPerSec.toFixed(0), fields: formatFields(u.fields) });
    },
    log(line) {
      // The bar redraws itself on the next update.
      stream.write(`\r\x1b[2K${line}\n`);
    },
    stop() {
      bar.stop();
    },
  };
}

function plainProgress(options: ProgressOptions, stream: NodeJS.WriteStream, unit: string): Progress {
  const interval = options.interval ?? 15_000;
  const start = performance.now();
  let lastTime = start;
  let lastValue = 0;
  let latest: ProgressUpdate = { value: 0 };
  const line = (u: ProgressUpdate): string => {
    const elapsed = (performance.now() - start) / 1000;
    const eta = u.value > 0 ? (elapsed / u.value) * (options.total - u.value) : Number.NaN;
    const pct = options.total > 0 ? Math.floor((100 * u.value) / options.total) : 100;
    const ips = u.imagesPerSec === undefined ? '' : ` ${u.imagesPerSec.toFixed(0)} img/s`;
    const fields = formatFields(u.fields);
    return `${options.label} ${u.value}/${options.total} ${unit} (${pct}%)${ips}${fields ? ` ${fields}` : ''} elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}`;
  };
  return {
    update(u) {
      latest = u;
      const now = performance.now();
      const tenth = Math.max(1, Math.ceil(options.total / 10));
      if (now - lastTime >= interval || Math.floor(u.value / tenth) > Math.floor(lastValue / tenth)) {
        stream.write(`${line(u)}\n`);
        lastTime = now;
        lastValue = u.value;
      }
    },
    log(text) {
      stream.write(`${text}\n`);
    },
    stop() {
      if (latest.value !== lastValue) stream.write(`${line(latest)}\n`);
    },
  };
}
