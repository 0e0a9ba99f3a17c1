import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One line of metrics.jsonl, also what onStep receives. */
export interface StepRecord {
  /** Steps completed, counting this one (1-based). */
  step: number;
  /** 0-based epoch of the batch. */
  epoch: number;
  /** Loss of the step (null in JSON when NaN/Inf). */
  loss: number;
  /** Learning rate the step used. */
  lr: number;
  /** Images (not views) per second over this step, data wait included. */
  imagesPerSec: number;
  /** Fraction of this step's wall time spent waiting for the batch, 0..1. */
  dataWait: number;
  /** TensorFlow.js backend name. */
  backend: string;
  /** Seconds since the (resumed) run started. */
  elapsed: number;
  /** Steps of the whole run, for progress bars and ETA. */
  totalSteps: number;
  /** Any metrics the method returned. */
  metrics?: Record<string, number>;
}

/** Appends JSON lines to a metrics file. */
export class MetricsLog {
  constructor(readonly path: string) {}

  /** Creates the file, or on resume keeps only the records of steps <= `upToStep`. */
  async open(upToStep?: number): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    if (upToStep === undefined) {
      await writeFile(this.path, '');
      return;
    }
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      // A resumed run whose metrics file was removed starts a new one.
    }
    const kept = text
      .split('\n')
      .filter((line) => line.trim() !== '' && (JSON.parse(line) as StepRecord).step <= upToStep);
    await writeFile(this.path, kept.map((l) => `${l}\n`).join(''));
  }

  async append(record: StepRecord): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(record)}\n`);
  }
}
