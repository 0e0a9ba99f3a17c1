import * as tf from '@tensorflow/tfjs';
import { ConvFactory, convBnRelu, globalAveragePool } from './layers.js';

/** Channels of the small ConvNet's four 3x3 conv-BN-ReLU layers; stride 2 from the second on. */
const widths = [32, 64, 128, 256];

/** The small 4-layer ConvNet (32-64-128-256, 3x3, BN, ReLU, global average pool) for 28x28 inputs: (batch, 256). */
export function convNet(input: tf.SymbolicTensor, normalized: tf.SymbolicTensor, seed: number): tf.LayersModel {
  const convs = new ConvFactory(seed);
  let x = normalized;
  widths.forEach((filters, i) => {
    x = convBnRelu(convs, x, filters, 3, i === 0 ? 1 : 2, `block${i + 1}`);
  });
  return tf.model({ inputs: input, outputs: globalAveragePool(x), name: 'convnet' });
}
