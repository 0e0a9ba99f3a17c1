import { assertInteger, assertNumber, assertOneOf, assertPositive } from '../validate.js';

/** Learning rate as a function of the 0-based global step. */
export type Schedule = (step: number) => number;

/** How a base learning rate grows with the batch size. */
export type LearningRateScaling = 'linear' | 'sqrt';

/**
 * Peak learning rate for a batch size: linear = base x batch / 256 (SimCLR 0.3, MoCo 0.03),
 * sqrt = base x sqrt(batch) (SimCLR 0.075, better for small batches).
 */
export function scaleLearningRate(base: number, batchSize: number, scaling: LearningRateScaling): number {
  assertPositive('base', base);
  assertInteger('batchSize', batchSize, 1);
  assertOneOf('scaling', scaling, ['linear', 'sqrt'] as const);
  return scaling === 'linear' ? (base * batchSize) / 256 : base * Math.sqrt(batchSize);
}

/** Options of warmupCosine. */
export interface WarmupCosineOptions {
  /** Learning rate reached at the end of warm-up. */
  peak: number;
  /** Total number of steps; the rate reaches 0 there. */
  totalSteps: number;
  /** Linear warm-up steps (default 0). */
  warmupSteps?: number;
  /** Hold the rate constant over blocks of this many steps (MoCo updates once per epoch); default 1. */
  stepSize?: number;
}

/**
 * Linear warm-up from 0 then cosine decay to 0, as google-research/simclr's WarmUpAndCosineDecay:
 * lr(s) = peak * s / warmup for s < warmup, else peak * (1 + cos(pi * (s - warmup) / (total - warmup))) / 2.
 * With warmupSteps 0 and stepSize = steps per epoch it is MoCo's half-cosine (adjusted per epoch).
 */
export function warmupCosine(options: WarmupCosineOptions): Schedule {
  const { peak, totalSteps } = options;
  const warmup = options.warmupSteps ?? 0;
  const stepSize = options.stepSize ?? 1;
  assertNumber('options.peak', peak, 0);
  assertInteger('options.totalSteps', totalSteps, 1);
  assertInteger('options.warmupSteps', warmup, 0);
  assertInteger('options.stepSize', stepSize, 1);
  return (step) => {
    const s = Math.floor(step / stepSize) * stepSize;
    if (s < warmup) return (peak * s) / warmup;
    const decay = Math.max(1, totalSteps - warmup);
    const t = Math.min(s - warmup, decay) / decay;
    return (peak * (1 + Math.cos(Math.PI * t))) / 2;
  };
}
