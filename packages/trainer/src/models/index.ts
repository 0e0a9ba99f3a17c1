export { createEncoder, encoderArchs, fashionMnistStats, imagenetStats } from './create-encoder.js';
export type { EncoderArch, EncoderOptions } from './create-encoder.js';
export { BatchNorm, batchNormDefaults } from './batch-norm.js';
export type { BatchNormArgs } from './batch-norm.js';
export { NormalizePixels } from './normalize-pixels.js';
export type { NormalizePixelsArgs } from './normalize-pixels.js';
