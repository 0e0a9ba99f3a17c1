import * as tf from '@tensorflow/tfjs';
import { invalidOption } from '../errors.js';
import { convNet } from './conv-net.js';
import { NormalizePixels } from './normalize-pixels.js';
import { resNet } from './resnet.js';

export const encoderArchs = ['convnet', 'resnet18-cifar', 'resnet18', 'resnet34', 'resnet50'] as const;
export type EncoderArch = typeof encoderArchs[number];

/** ImageNet RGB statistics (torchvision, lightly), used for 3-channel inputs unless overridden. */
export const imagenetStats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
/** Fashion-MNIST statistics, used for 1-channel inputs unless overridden. */
export const fashionMnistStats = { mean: [0.286], std: [0.353] } as const;

export interface EncoderOptions {
  /** [height, width, channels] of one image, NHWC. */
  inputShape: [number, number, number];
  /** Per-channel mean of [0, 1] pixels; default ImageNet (3 channels) or Fashion-MNIST (1 channel). */
  mean?: number[];
  /** Per-channel standard deviation of [0, 1] pixels; default as `mean`. */
  std?: number[];
  /** Full-intensity input value: 255 (default) for 8-bit pixels, 1 for [0, 1] floats. */
  inputMax?: number;
  /** Seed of the weight initialisation; same seed, same weights. Default 0. */
  seed?: number;
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkStats(values: unknown, name: string, channels: number, positive: boolean): number[] | undefined {
  if (values === undefined) return undefined;
  const expected = `an array of ${channels} ${positive ? 'positive ' : ''}finite numbers`;
  if (!Array.isArray(values) || values.length !== channels ||
    !values.every((v) => isFiniteNumber(v) && (!positive || v > 0))) {
    throw invalidOption(name, expected, values);
  }
  return values as number[];
}

/**
 * Builds an encoder that maps a batch of images (batch, h, w, c), pixels 0..inputMax, to pooled features
 * (batch, dim): 256 for 'convnet', 512 for the ResNet-18/34 variants, 2048 for 'resnet50'.
 * Pixel normalisation happens inside the graph, so the model can be fed 8-bit pixels directly.
 */
export function createEncoder(arch: EncoderArch, options: EncoderOptions): tf.LayersModel {
  if (!(encoderArchs as readonly string[]).includes(arch)) {
    throw invalidOption('arch', `one of ${encoderArchs.join(', ')}`, arch);
  }
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'an object', options);
  const { inputShape } = options;
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every(isPositiveInt)) {
    throw invalidOption('options.inputShape', '[height, width, channels] of positive integers', inputShape);
  }
  const channels = inputShape[2];
  const defaults = channels === 1 ? fashionMnistStats : channels === 3 ? imagenetStats : undefined;
  const mean = checkStats(options.mean, 'options.mean', channels, false) ?? defaults?.mean;
  const std = checkStats(options.std, 'options.std', channels, true) ?? defaults?.std;
  if (mean === undefined || std === undefined) {
    throw invalidOption(mean === undefined ? 'options.mean' : 'options.std',
      `an array of ${channels} finite numbers (no default for ${channels} channels)`, undefined);
  }
  const inputMax = options.inputMax ?? 255;
  if (!isFiniteNumber(inputMax) || inputMax <= 0) throw invalidOption('options.inputMax', 'a positive number', inputMax);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw invalidOption('options.seed', 'an integer', seed);

  const input = tf.input({ shape: inputShape, name: 'pixels' });
  const normalized = new NormalizePixels({ mean: [...mean], std: [...std], inputMax, name: 'normalize' })
    .apply(input) as tf.SymbolicTensor;
  switch (arch) {
    case 'convnet': return convNet(input, normalized, seed);
    case 'resnet18-cifar': return resNet(input, normalized, 18, 'cifar', seed, 'resnet18_cifar');
    case 'resnet18': return resNet(input, normalized, 18, 'imagenet', seed, 'resnet18');
    case 'resnet34': return resNet(input, normalized, 34, 'imagenet', seed, 'resnet34');
    case 'resnet50': return resNet(input, normalized, 50, 'imagenet', seed, 'resnet50');
  }
}
