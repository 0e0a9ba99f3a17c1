// Online linear probe: a linear head trained on stop-gradient encoder features during pretraining.
import * as tf from '@tensorflow/tfjs';
import { classCountMismatch, invalidOption, shapeMismatch } from './errors.js';
import { boolOption, intOption, numberOption, objectOption } from './is.js';
import { LinearClassifier, topKHits } from './linear-classifier.js';

export interface OnlineProbeOptions {
  /** Feature dimension of the encoder output (batch, dim). */
  dim: number;
  /** Number of classes. */
  classes: number;
  /** Constant learning rate of the head's SGD. Default 0.1. */
  lr?: number;
  /** SGD momentum. Default 0.9. */
  momentum?: number;
  /** Nesterov momentum. Default true. */
  nesterov?: boolean;
  /** Momentum of the running feature mean / variance used to standardise the inputs. Default 0.99. */
  statsMomentum?: number;
  /** Seed of the head's init. Default 0. */
  seed?: number;
}

/** Accuracy of the online probe since the last `metrics()` call. */
export interface OnlineProbeMetrics {
  /** Fraction of labelled samples the head classified right before its step on them, in [0, 1]. */
  onlineProbeTop1: number;
  /** Mean cross-entropy of the head, nats. */
  onlineProbeLoss: number;
  /** Labelled samples the numbers cover. */
  onlineProbeSamples: number;
}

/**
 * A linear head on the encoder's pooled features, trained alongside pretraining (SimCLR's "supervised head with
 * stop_gradient"). Gradients are computed for the head only, so no gradient reaches the encoder. Inputs are
 * standardised with running statistics because the features drift while the encoder learns.
 */
export class OnlineProbe {
  readonly dim: number;
  readonly classes: number;
  private readonly lr: number;
  private readonly statsMomentum: number;
  private readonly head: LinearClassifier;
  private readonly mean: tf.Variable<tf.Rank.R1>;
  private readonly variance: tf.Variable<tf.Rank.R1>;
  private updates = 0;
  private hits = 0;
  private samples = 0;

  constructor(options: OnlineProbeOptions) {
    const o = objectOption(options, 'options');
    if (o.dim === undefined) throw invalidOption('a positive integer', 'options.dim', o.dim);
    if (o.classes === undefined) throw invalidOption('an integer of at least 2', 'options.classes', o.classes);
    this.dim = intOption(o.dim, 'options.dim', 1, 1 << 20, 1);
    this.classes = intOption(o.classes, 'options.classes', 2, 1 << 20, 2);
    this.lr = numberOption(o.lr, 'options.lr', { min: 0, exclusiveMin: true }, 0.1);
    this.statsMomentum = numberOption(o.statsMomentum, 'options.statsMomentum', { min: 0, max: 1 }, 0.99);
    this.head = new LinearClassifier(this.dim, this.classes, {
      momentum: numberOption(o.momentum, 'options.momentum', { min: 0, max: 1 }, 0.9),
      nesterov: boolOption(o.nesterov, 'options.nesterov', true),
      seed: intOption(o.seed, 'options.seed', 0, 2 ** 32 - 1, 0),
    });
    this.mean = tf.tidy(() => tf.variable(tf.zeros<tf.Rank.R1>([this.dim]), false));
    this.variance = tf.tidy(() => tf.variable(tf.ones<tf.Rank.R1>([this.dim]), false));
  }

  /**
   * One SGD step of the head on features (batch, dim) with labels (batch); rows labelled -1 are ignored.
   * The caller keeps ownership of `features`; it may be used inside or outside a gradient tape.
   */
  update(features: tf.Tensor, labels: Int32Array | ArrayLike<number>): void {
    if (features.rank !== 2 || features.shape[1] !== this.dim) {
      throw shapeMismatch(`Online probe expects features (batch, ${this.dim}) but received [${features.shape.join(', ')}]`);
    }
    const batch = features.shape[0];
    if (labels.length !== batch) throw shapeMismatch(`Online probe received ${labels.length} labels for ${batch} feature rows`);
    const keep: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < batch; i++) {
      const label = labels[i];
      if (label >= 0) {
        if (label >= this.classes) throw classCountMismatch(`Online probe has ${this.classes} classes but received label ${label}`);
        keep.push(i);
        kept.push(label);
      }
    }
    if (keep.length === 0) return;
    const labelArray = Int32Array.from(kept);
    const logits = tf.tidy(() => {
      // The head's gradients are written out by hand (LinearClassifier.step), so nothing flows back into `features`
      // even when this runs inside the trainer's gradient tape: the features are stop-gradient by construction.
      const rows = (keep.length === batch ? features : tf.gather(features, keep)) as tf.Tensor2D;
      const { mean, variance } = tf.moments(rows, 0);
      // The first batch sets the statistics outright so the head does not start on unscaled features.
      const m = this.updates === 0 ? 0 : this.statsMomentum;
      this.mean.assign(tf.add(tf.mul(this.mean, m), tf.mul(mean, 1 - m)) as tf.Tensor1D);
      this.variance.assign(tf.add(tf.mul(this.variance, m), tf.mul(variance, 1 - m)) as tf.Tensor1D);
      const x = tf.div(tf.sub(rows, this.mean), tf.sqrt(tf.add(this.variance, 1e-5))) as tf.Tensor2D;
      return this.head.step(x, tf.tensor1d(labelArray, 'int32'), this.lr, true) as tf.Tensor2D;
    });
    const hits = topKHits(logits, labelArray, 0, 1);
    logits.dispose();
    this.updates++;
    this.hits += hits.top1;
    this.samples += keep.length;
  }

  /** Top-1 and loss over the samples seen since the last call (then resets); zeros when none were seen. */
  metrics(): OnlineProbeMetrics {
    const loss = this.head.takeLoss();
    const out = {
      onlineProbeTop1: this.samples ? this.hits / this.samples : 0,
      onlineProbeLoss: this.samples ? loss : 0,
      onlineProbeSamples: this.samples,
    };
    this.hits = 0;
    this.samples = 0;
    return out;
  }

  dispose(): void {
    this.head.dispose();
    this.mean.dispose();
    this.variance.dispose();
  }
}
