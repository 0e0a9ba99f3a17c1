import { ProjectionHead } from './projection-head.js';
import type { HeadOptions, ProjectionBlock } from './projection-head.js';

/** Options of SimCLRProjectionHead; defaults are the papers'. */
export interface SimCLRProjectionHeadOptions extends HeadOptions {
  /** Hidden width (default: the encoder's feature width, 2048 for ResNet-50). */
  hiddenDim?: number;
  /** Output width (default 128). */
  outputDim?: number;
  /** 1: two layers (SimCLR, https://arxiv.org/abs/2002.05709); 2: three layers with a BN without centre at the end (SimCLR v2, https://arxiv.org/abs/2006.10029). Default 2. */
  version?: 1 | 2;
}

/** SimCLR's MLP head: (Dense -> BN -> ReLU) x (1 or 2), then Dense(128) (-> BN without centre in v2). */
export class SimCLRProjectionHead extends ProjectionHead {
  constructor(inputDim: number, options: SimCLRProjectionHeadOptions = {}) {
    const hidden = options.hiddenDim ?? inputDim;
    const out = options.outputDim ?? 128;
    const version = options.version ?? 2;
    const hiddenBlock: ProjectionBlock = { units: hidden, batchNorm: {}, relu: true };
    const blocks: ProjectionBlock[] =
      version === 1
        ? [hiddenBlock, { units: out }]
        : [hiddenBlock, hiddenBlock, { units: out, batchNorm: { center: false } }];
    super(inputDim, blocks, options);
  }
}
