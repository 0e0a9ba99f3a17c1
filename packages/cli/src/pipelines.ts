// Augmentation pipelines from command options: a paper preset as is, or the same recipe rebuilt with a
// different crop scale / without the colour ops that mean nothing on gray images.
import {
  colorJitter, compose, evaluation, gaussianBlur, horizontalFlip, mocoV2, randomGrayscale, randomResizedCrop, simclr,
  type Pipeline,
} from '@twinflow/augment';

export type PresetName = 'simclr' | 'moco-v2' | 'evaluation';

export interface PipelineOptions {
  preset: PresetName;
  size: number;
  /** SimCLR colour-jitter strength s. */
  strength?: number;
  /** Random resized crop area fractions; the preset's when undefined. */
  cropScale?: [number, number];
  /** 1 = the views are read as luma: hue, saturation and random grayscale are dropped (no-ops on gray). */
  channels?: 1 | 3;
  /** Gaussian blur with p 0.5 (SimCLR drops it for 32x32 CIFAR; default true from 64 px up). */
  blur?: boolean;
}

/** Builds the pipeline; the plain preset when no option departs from it. */
export function buildPipeline(o: PipelineOptions): Pipeline {
  const size = o.size;
  if (o.preset === 'evaluation') return evaluation({ size });
  const gray = o.channels === 1;
  const blur = o.blur ?? size >= 64;
  if (o.preset === 'moco-v2') {
    if (o.cropScale === undefined && !gray && blur) return mocoV2({ size });
    return compose([
      randomResizedCrop({ size, scale: o.cropScale ?? [0.2, 1] }),
      colorJitter({ brightness: 0.4, contrast: 0.4, saturation: gray ? 0 : 0.4, hue: gray ? 0 : 0.1, p: 0.8 }),
      ...(gray ? [] : [randomGrayscale({ p: 0.2 })]),
      ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 0.5 })] : []),
      horizontalFlip({ p: 0.5 }),
    ]);
  }
  const s = o.strength ?? 1;
  if (o.cropScale === undefined && !gray) return simclr({ size, strength: s, blur });
  return compose([
    randomResizedCrop({ size, scale: o.cropScale ?? [0.08, 1] }),
    horizontalFlip({ p: 0.5 }),
    colorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, saturation: gray ? 0 : 0.8 * s, hue: gray ? 0 : 0.2 * s, p: 0.8 }),
    ...(gray ? [] : [randomGrayscale({ p: 0.2 })]),
    ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 0.5 })] : []),
  ]);
}
