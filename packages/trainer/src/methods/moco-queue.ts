import * as tf from '@tensorflow/tfjs';
import { CheckpointError, QueueSizeError } from '../errors.js';
import { Rng } from '../rng.js';
import { assertInteger } from '../validate.js';
import { l2Normalize } from '../losses/normalize.js';

/**
 * MoCo's dictionary: a FIFO of K L2-normalised keys (K, dim), initialised random-normal then
 * normalised. `enqueue` overwrites the oldest batch with the newest, so K must be a multiple of
 * the batch size (QueueSizeError otherwise).
 */
export class MoCoQueue {
  private variable: tf.Variable;
  private ptr = 0;

  constructor(readonly size: number, readonly dim: number, seed = 0) {
    assertInteger('options.queueSize', size, 1);
    assertInteger('dim', dim, 1);
    const rng = new Rng(seed, 'moco-queue');
    const init = new Float32Array(size * dim);
    for (let i = 0; i < init.length; i++) init[i] = rng.normal();
    this.variable = tf.tidy(() => l2Normalize(tf.tensor2d(init, [size, dim])).variable(false));
  }

  /** The keys (K, dim); row `pointer` is the oldest. */
  get keys(): tf.Tensor2D {
    return this.variable as tf.Tensor2D;
  }

  /** Index of the oldest key, the next to be replaced. */
  get pointer(): number {
    return this.ptr;
  }

  /** Throws QueueSizeError unless the queue holds a whole number of batches of `batchSize`. */
  check(batchSize: number): void {
    if (this.size % batchSize !== 0) throw new QueueSizeError(this.size, batchSize);
  }

  /** Replaces the oldest batch with `keys` (batch, dim), expected L2-normalised. */
  enqueue(keys: tf.Tensor2D): void {
    const b = keys.shape[0];
    this.check(b);
    tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      if (this.ptr > 0) parts.push(this.variable.slice([0, 0], [this.ptr, this.dim]) as tf.Tensor2D);
      parts.push(keys);
      if (this.ptr + b < this.size) parts.push(this.variable.slice([this.ptr + b, 0], [-1, this.dim]) as tf.Tensor2D);
      this.variable.assign(tf.concat(parts, 0));
    });
    this.ptr = (this.ptr + b) % this.size;
  }

  /** Restores keys (K, dim) and pointer from a checkpoint. */
  restore(keys: tf.Tensor, pointer: number): void {
    if (keys.shape[0] !== this.size || keys.shape[1] !== this.dim) {
      throw new CheckpointError('queue', `MoCo queue of shape [${keys.shape.join(', ')}] does not fit options.queueSize ${this.size} and projection width ${this.dim}`);
    }
    assertInteger('pointer', pointer, 0, this.size - 1);
    this.variable.assign(keys as tf.Tensor2D);
    this.ptr = pointer;
  }

  dispose(): void {
    this.variable.dispose();
  }
}
