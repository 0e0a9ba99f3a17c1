import * as tf from '@tensorflow/tfjs';
import { batchNorm, ConvFactory, convBnRelu, globalAveragePool, relu } from './layers.js';

export type ResNetDepth = 18 | 34 | 50;

const stages: Record<ResNetDepth, { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
};

/** Projection shortcut (1x1 conv + BN) when the shape changes, identity otherwise. */
function shortcut(convs: ConvFactory, x: tf.SymbolicTensor, filters: number, strides: number, name: string): tf.SymbolicTensor {
  if (strides === 1 && x.shape[3] === filters) return x;
  return batchNorm(convs.conv(x, filters, 1, strides, `${name}_downsample_conv`), `${name}_downsample_bn`);
}

function basicBlock(convs: ConvFactory, x: tf.SymbolicTensor, filters: number, strides: number, name: string): tf.SymbolicTensor {
  const h = convBnRelu(convs, x, filters, 3, strides, `${name}_1`);
  const y = batchNorm(convs.conv(h, filters, 3, 1, `${name}_2_conv`), `${name}_2_bn`);
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut(convs, x, filters, strides, name)]) as tf.SymbolicTensor;
  return relu(sum, `${name}_relu`);
}

/** ResNet v1.5 bottleneck: the stride sits on the 3x3 conv, as in torchvision. */
function bottleneckBlock(convs: ConvFactory, x: tf.SymbolicTensor, filters: number, strides: number, name: string): tf.SymbolicTensor {
  const h1 = convBnRelu(convs, x, filters, 1, 1, `${name}_1`);
  const h2 = convBnRelu(convs, h1, filters, 3, strides, `${name}_2`);
  const y = batchNorm(convs.conv(h2, filters * 4, 1, 1, `${name}_3_conv`), `${name}_3_bn`);
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut(convs, x, filters * 4, strides, name)]) as tf.SymbolicTensor;
  return relu(sum, `${name}_relu`);
}

/**
 * ResNet-18/34/50 (He et al. 2016, torchvision layout) ending in global average pooling: (batch, 512) or
 * (batch, 2048). Stem 'imagenet': 7x7/2 conv + 3x3/2 max-pool; stem 'cifar': one 3x3/1 conv, no max-pool.
 */
export function resNet(input: tf.SymbolicTensor, normalized: tf.SymbolicTensor, depth: ResNetDepth,
  stem: 'imagenet' | 'cifar', seed: number, name: string): tf.LayersModel {
  const convs = new ConvFactory(seed);
  const { blocks, bottleneck } = stages[depth];
  let x = stem === 'cifar'
    ? convBnRelu(convs, normalized, 64, 3, 1, 'stem')
    : convBnRelu(convs, normalized, 64, 7, 2, 'stem');
  if (stem === 'imagenet') {
    x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' }).apply(x) as tf.SymbolicTensor;
  }
  const block = bottleneck ? bottleneckBlock : basicBlock;
  blocks.forEach((count, stage) => {
    const filters = 64 * 2 ** stage;
    for (let i = 0; i < count; i++) {
      x = block(convs, x, filters, i === 0 && stage > 0 ? 2 : 1, `layer${stage + 1}_${i}`);
    }
  });
  return tf.model({ inputs: input, outputs: globalAveragePool(x), name });
}
