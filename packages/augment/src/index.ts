// Public surface of @twinflow/augment.

export { augmentViews, renderViews, type AugmentResult, type ViewOptions } from './augment-views.js';
export { augmentDirectory, augmentFile, type AugmentDirectoryResult, type AugmentFileOptions } from './augment-files.js';
export { centerCrop, type CenterCropOptions } from './center-crop.js';
export { colorJitter, type ColorJitterOptions } from './color-jitter.js';
export { DEFAULT_MAX_PIXELS, decodeImage, type DecodeOptions, type Decoder, type FailOn } from './decode.js';
export { AugmentOptionError, ImageDecodeError, type ImageErrorCode } from './errors.js';
export { gaussianBlur, type GaussianBlurOptions } from './gaussian-blur.js';
export { horizontalFlip, type HorizontalFlipOptions } from './horizontal-flip.js';
export type { DecodedImage } from './image.js';
export { normalize, type NormalizeOptions } from './normalize.js';
export type { DType, Layout } from './output.js';
export { compose, Pipeline, type PipelineSpec, type PresetSpec } from './pipeline.js';
export { evaluation, mocoV2, simclr, type EvaluationOptions, type MoCoV2Options, type SimCLROptions } from './presets.js';
export { previewGrid, type PreviewOptions } from './preview.js';
export { randomApply, type RandomApplyOptions } from './random-apply.js';
export { randomGrayscale, type RandomGrayscaleOptions } from './random-grayscale.js';
export { randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop.js';
export type { Interpolation } from './resample.js';
export { resize, type ResizeOptions } from './resize.js';
export { solarize, type SolarizeOptions } from './solarize.js';
export { pipelineFromSpec, transformFromSpec } from './spec.js';
export type { Transform, TransformSpec } from './transform.js';
export { jpegDecoder, TURBOJPEG_MAX_PIXELS, type JpegDecoderInfo } from './turbojpeg.js';
