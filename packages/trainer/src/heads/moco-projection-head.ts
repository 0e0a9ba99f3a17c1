import { ProjectionHead } from './projection-head.js';
import type { HeadOptions } from './projection-head.js';

/** Options of MoCoProjectionHead; defaults are MoCo v2's. */
export interface MoCoProjectionHeadOptions extends HeadOptions {
  /** Hidden width (default: the encoder's feature width, 2048 for ResNet-50). */
  hiddenDim?: number;
  /** Output width (default 128). */
  outputDim?: number;
}

/** MoCo v2's MLP head (https://arxiv.org/abs/2003.04297): Linear -> ReLU -> Linear(128), no BN. */
export class MoCoProjectionHead extends ProjectionHead {
  constructor(inputDim: number, options: MoCoProjectionHeadOptions = {}) {
    super(
      inputDim,
      [
        { units: options.hiddenDim ?? inputDim, relu: true },
        { units: options.outputDim ?? 128 },
      ],
      options,
    );
  }
}
