// Evaluation during pretraining: wraps a trainer Method (and its data) so that each step can feed an online
// probe and every N steps a k-NN monitor, with the numbers merged into the step's metrics (metrics.jsonl).
import * as tf from '@tensorflow/tfjs';
import type { LayersModel } from '@tensorflow/tfjs';
import { invalidOption } from './errors.js';
import { intOption, objectOption } from './is.js';
import type { KnnMonitor } from './knn.js';
import { OnlineProbe } from './online-probe.js';
import type { OnlineProbeOptions } from './online-probe.js';

/** The part of the trainer's Method this wrapper relies on (structural, so any Method fits). */
export interface MonitoredMethod {
  trainStep(views: tf.Tensor4D[], context: { step: number }): MonitoredStepResult | Promise<MonitoredStepResult>;
  encoder(): LayersModel;
}

interface MonitoredStepResult {
  loss: number;
  learningRate: number;
  metrics?: Record<string, number>;
}

/** A batch as the trainer's loop reads it; only `labels` and `size` matter here. */
interface LabelledLike {
  size: number;
  labels?: Int32Array;
}

type Source<B> = AsyncIterable<B> | ((context: { epoch: number; resume?: unknown }) => AsyncIterable<B> | Promise<AsyncIterable<B>>);

export interface EvalMonitorOptions {
  /** Weighted k-NN every `knn.every` steps on the current encoder; reported as knnTop1 / knnTop5. */
  knn?: KnnMonitor;
  /** Online linear probe on stop-gradient features of the first view; reported as onlineProbeTop1 / Loss / Samples. */
  onlineProbe?: Omit<OnlineProbeOptions, 'dim'>;
  /** Report the online probe's accuracy (over the steps since the last report) every this many steps. Default 50. */
  reportEvery?: number;
}

/**
 * Wraps a Method and its data source for `train()`: the data wrapper remembers each batch's labels (in the order
 * the loop reads them; prefetching keeps that order), and the method wrapper, after every inner step, puts the
 * first view through the encoder in inference mode (an extra forward pass, no gradients), updates the online
 * probe, and runs the k-NN monitor when due. Everything else is passed through to the method untouched.
 * Resuming without a saved stream state replays (skips) batches without steps, which misaligns the labels:
 * such runs should not use the online probe.
 */
export function withEvalMonitors<M extends MonitoredMethod, B extends LabelledLike>(
  method: M,
  data: Source<B>,
  options: EvalMonitorOptions,
): { method: M; data: Source<B>; onlineProbe(): OnlineProbe | undefined } {
  const o = objectOption(options, 'options');
  if (o.knn !== undefined && typeof (o.knn as KnnMonitor).onStep !== 'function') throw invalidOption('a KnnMonitor', 'options.knn', o.knn);
  if (o.onlineProbe !== undefined) objectOption(o.onlineProbe, 'options.onlineProbe');
  const reportEvery = intOption(o.reportEvery, 'options.reportEvery', 1, Number.MAX_SAFE_INTEGER, 50);
  const labels: (Int32Array | undefined)[] = [];
  let probe: OnlineProbe | undefined;

  async function* remember(source: AsyncIterable<B>): AsyncGenerator<B> {
    for await (const batch of source) {
      // Copied: the producer may reuse the label buffer once the loop releases the batch.
      labels.push(batch.labels ? Int32Array.from(batch.labels) : undefined);
      yield batch;
    }
  }
  const wrappedData: Source<B> =
    typeof data === 'function' ? async (context) => remember(await data(context)) : remember(data);

  const trainStep = async (views: tf.Tensor4D[], context: { step: number }): Promise<MonitoredStepResult> => {
    const batchLabels = labels.shift();
    const result = await method.trainStep(views, context);
    const metrics: Record<string, number> = { ...result.metrics };
    const step = context.step + 1;
    if (options.onlineProbe && batchLabels && views[0] && batchLabels.length === views[0].shape[0]) {
      const encoder = method.encoder();
      const features = tf.tidy(() => encoder.predict(views[0]) as tf.Tensor2D);
      try {
        probe ??= new OnlineProbe({ ...options.onlineProbe, dim: features.shape[1] });
        probe.update(features, batchLabels);
      } finally {
        features.dispose();
      }
      if (step % reportEvery === 0) Object.assign(metrics, probe.metrics());
    }
    if (options.knn) {
      const entry = await options.knn.onStep(step, method.encoder());
      if (entry) Object.assign(metrics, { knnTop1: entry.top1, knnTop5: entry.top5 });
    }
    return Object.keys(metrics).length ? { ...result, metrics } : result;
  };

  const wrapped = new Proxy(method, {
    get(target, property, receiver) {
      if (property === 'trainStep') return trainStep;
      const value = Reflect.get(target, property, receiver === wrapped ? target : receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { method: wrapped, data: wrappedData, onlineProbe: () => probe };
}
