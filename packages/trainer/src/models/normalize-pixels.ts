import * as tf from '@tensorflow/tfjs';

export interface NormalizePixelsArgs {
  /** Per-channel mean of pixels scaled to [0, 1]. */
  mean: number[];
  /** Per-channel standard deviation of pixels scaled to [0, 1]. */
  std: number[];
  /** Value of a full-intensity pixel in the input: 255 for 8-bit pixels, 1 for [0, 1] floats. */
  inputMax: number;
  name?: string;
}

type Serialized = tf.serialization.ConfigDict;

/**
 * (x / inputMax - mean) / std per channel, in the graph: the trainer feeds raw 8-bit pixels (as int32 or
 * float32 0-255) and the backend does the arithmetic, so JavaScript never loops over pixels.
 */
export class NormalizePixels extends tf.layers.Layer {
  static readonly className = 'TwinflowNormalizePixels';
  readonly mean: number[];
  readonly std: number[];
  readonly inputMax: number;

  constructor(args: NormalizePixelsArgs) {
    super(args);
    this.mean = [...args.mean];
    this.std = [...args.std];
    this.inputMax = args.inputMax;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = tf.cast(Array.isArray(inputs) ? inputs[0] : inputs, 'float32');
      const scale = tf.tensor1d(this.std.map((s) => 1 / (this.inputMax * s)));
      const offset = tf.tensor1d(this.mean.map((m, i) => -m / this.std[i]));
      return tf.add(tf.mul(x, scale), offset);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): Serialized {
    return { ...super.getConfig(), mean: this.mean, std: this.std, inputMax: this.inputMax };
  }
}
tf.serialization.registerClass(NormalizePixels);
