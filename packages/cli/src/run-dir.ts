// The run directory written by `twinflow pretrain` and read by probe, knn and report:
//   runs/<name>/config.json      resolved config (what the run was started with)
//   runs/<name>/metrics.jsonl    one JSON object per training step
//   runs/<name>/checkpoints/     model.json + weights.bin per checkpoint (tf.loadLayersModel reads them)
//   runs/<name>/log.txt          everything printed during the run
//   runs/<name>/eval.json        linear probe, k-NN and baselines (written by probe / knn / quickstart)
//   runs/<name>/views.png        grid of augmented views of a few training images
//   runs/<name>/report.html      written by `twinflow report`
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runDirMissing } from './errors.js';

export interface RunPaths {
  dir: string;
  config: string;
  metrics: string;
  checkpoints: string;
  log: string;
  eval: string;
  views: string;
  report: string;
}

/** The file paths of the run directory `dir`. */
export function runPaths(dir: string): RunPaths {
  const abs = resolve(dir);
  return {
    dir: abs,
    config: join(abs, 'config.json'),
    metrics: join(abs, 'metrics.jsonl'),
    checkpoints: join(abs, 'checkpoints'),
    log: join(abs, 'log.txt'),
    eval: join(abs, 'eval.json'),
    views: join(abs, 'views.png'),
    report: join(abs, 'report.html'),
  };
}

/** A run name from the clock, e.g. `simclr-20260128-061502`. */
export function defaultRunName(method: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = method.includes('/') || method.includes('.') ? 'plugin' : method;
  return `${base}-${stamp}`;
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Reads the saved config of a run; an error names the run directory when it is not one. */
export async function readRunConfig(dir: string): Promise<Record<string, unknown>> {
  const paths = runPaths(dir);
  if (!existsSync(paths.config)) throw runDirMissing(paths.dir, 'config.json');
  return readJson<Record<string, unknown>>(paths.config);
}

export interface RunLog {
  /** Prints a line (through `print`, e.g. above a progress bar) and appends it to log.txt. */
  (line: string): void;
  /** Appends to log.txt only. */
  file(line: string): void;
}

/** A logger that writes to log.txt in the run directory and to the terminal. */
export function openRunLog(paths: RunPaths, print: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): RunLog {
  mkdirSync(paths.dir, { recursive: true });
  const file = (line: string): void => appendFileSync(paths.log, `${new Date().toISOString()} ${line}\n`);
  const log = ((line: string) => {
    file(line);
    print(line);
  }) as RunLog;
  log.file = file;
  return log;
}
