// One dense layer trained by softmax cross-entropy and SGD with momentum, written with raw tf ops (no tf.layers,
// no autodiff) so that each step is a handful of kernels: fast on the cpu and wasm backends.
import * as tf from '@tensorflow/tfjs';
import { normal, rng } from './random.js';

export interface LinearClassifierOptions {
  /** SGD momentum (PyTorch form: v = m v + g). Default 0.9. */
  momentum?: number;
  /** Nesterov momentum (step = g + m v). Default false. */
  nesterov?: boolean;
  /** Standard deviation of the N(0, std^2) weight init; the bias starts at 0. Default 0.01 (MoCo protocol). */
  initStd?: number;
  /** Seed of the weight init. Default 0. */
  seed?: number;
}

/** Top-k hits of a score matrix against labels: how many rows have their label first, and within the first k. */
export function topKHits(scores: tf.Tensor2D, labels: Int32Array, offset: number, k: number): { top1: number; topK: number } {
  const kk = Math.min(k, scores.shape[1]);
  const { indices, values } = tf.topk(scores, kk);
  const idx = indices.dataSync();
  values.dispose();
  indices.dispose();
  let top1 = 0;
  let topK = 0;
  const rows = scores.shape[0];
  for (let i = 0; i < rows; i++) {
    const label = labels[offset + i];
    if (idx[i * kk] === label) top1++;
    for (let j = 0; j < kk; j++) {
      if (idx[i * kk + j] === label) {
        topK++;
        break;
      }
    }
  }
  return { top1, topK };
}

/** A linear softmax classifier (dim -> classes); weights (dim, classes) and bias (classes) live in tf variables. */
export class LinearClassifier {
  readonly weights: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  private readonly velocityW: tf.Variable<tf.Rank.R2>;
  private readonly velocityB: tf.Variable<tf.Rank.R1>;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private lossSum: tf.Scalar;
  private lossCount = 0;

  constructor(
    readonly dim: number,
    readonly classes: number,
    options: LinearClassifierOptions = {},
  ) {
    const { momentum = 0.9, nesterov = false, initStd = 0.01, seed = 0 } = options;
    this.momentum = momentum;
    this.nesterov = nesterov;
    const init = normal(dim * classes, 0, initStd, rng(seed, 0x11ea));
    // tidy frees the initial values; variables are never tidied.
    this.weights = tf.tidy(() => tf.variable(tf.tensor2d(init, [dim, classes]), false));
    this.bias = tf.tidy(() => tf.variable(tf.zeros<tf.Rank.R1>([classes]), false));
    this.velocityW = tf.tidy(() => tf.variable(tf.zeros<tf.Rank.R2>([dim, classes]), false));
    this.velocityB = tf.tidy(() => tf.variable(tf.zeros<tf.Rank.R1>([classes]), false));
    this.lossSum = tf.scalar(0);
  }

  /** Logits (batch, classes) of features (batch, dim). */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(x, this.weights), this.bias));
  }

  /**
   * One SGD step on a batch of features (batch, dim) and int32 labels (batch); lr in weight units per step.
   * Returns the logits computed before the step (caller disposes) when `keepLogits` is set.
   */
  step(x: tf.Tensor2D, labels: tf.Tensor1D, lr: number, keepLogits = false): tf.Tensor2D | undefined {
    const batch = x.shape[0];
    return tf.tidy(() => {
      const logits = tf.add(tf.matMul(x, this.weights), this.bias);
      const logProbs = tf.logSoftmax(logits);
      const oneHot = tf.oneHot(labels, this.classes);
      const loss = tf.neg(tf.sum(tf.mul(oneHot, logProbs)));
      const next = tf.add(this.lossSum, loss);
      this.lossSum.dispose();
      this.lossSum = tf.keep(next) as tf.Scalar;
      this.lossCount += batch;
      // d(mean cross-entropy)/d(logits) = (softmax - onehot) / batch.
      const dLogits = tf.div(tf.sub(tf.exp(logProbs), oneHot), batch);
      const gradW = tf.matMul(x, dLogits, true, false);
      const gradB = tf.sum(dLogits, 0);
      const m = tf.scalar(this.momentum);
      const vW = tf.add(tf.mul(this.velocityW, m), gradW) as tf.Tensor2D;
      const vB = tf.add(tf.mul(this.velocityB, m), gradB) as tf.Tensor1D;
      this.velocityW.assign(vW);
      this.velocityB.assign(vB);
      const stepW = this.nesterov ? tf.add(gradW, tf.mul(vW, m)) : vW;
      const stepB = this.nesterov ? tf.add(gradB, tf.mul(vB, m)) : vB;
      const rate = tf.scalar(lr);
      this.weights.assign(tf.sub(this.weights, tf.mul(stepW, rate)));
      this.bias.assign(tf.sub(this.bias, tf.mul(stepB, rate)));
      return keepLogits ? (logits as tf.Tensor2D) : undefined;
    });
  }

  /** Mean cross-entropy (nats) over the steps since the last call, then resets; NaN when no step ran. */
  takeLoss(): number {
    const total = this.lossSum.dataSync()[0];
    const mean = this.lossCount > 0 ? total / this.lossCount : Number.NaN;
    this.lossSum.dispose();
    this.lossSum = tf.scalar(0);
    this.lossCount = 0;
    return mean;
  }

  dispose(): void {
    this.weights.dispose();
    this.bias.dispose();
    this.velocityW.dispose();
    this.velocityB.dispose();
    this.lossSum.dispose();
  }
}
