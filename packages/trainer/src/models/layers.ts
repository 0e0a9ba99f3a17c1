import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from './batch-norm.js';
import { initializerSeed } from '../rng.js';

/** Builds convolution layers with deterministic, per-layer seeded He initialisation. */
export class ConvFactory {
  private next = 0;

  constructor(private readonly seed: number) {}

  /** Bias-free conv, He-normal fan-out init (torchvision's kaiming_normal_, mode='fan_out'), 'same' padding. */
  conv(x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string): tf.SymbolicTensor {
    return tf.layers.conv2d({
      filters, kernelSize, strides, padding: 'same', useBias: false, name,
      kernelInitializer: tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: initializerSeed(this.seed, 'conv', this.next++) }),
    }).apply(x) as tf.SymbolicTensor;
  }
}

export function batchNorm(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return new BatchNorm({ name }).apply(x) as tf.SymbolicTensor;
}

export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;
}

/** conv -> BN -> ReLU. */
export function convBnRelu(convs: ConvFactory, x: tf.SymbolicTensor, filters: number, kernelSize: number,
  strides: number, name: string): tf.SymbolicTensor {
  return relu(batchNorm(convs.conv(x, filters, kernelSize, strides, `${name}_conv`), `${name}_bn`), `${name}_relu`);
}

export function globalAveragePool(x: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
}
