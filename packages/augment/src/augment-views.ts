// N views of one image from one decode, written into caller buffers when given.

import { arena } from './arena.js';
import { decodeImage, decoderOption, failOnOption, maxPixelsOption, type Decoder, type FailOn } from './decode.js';
import { invalidOption, invalidPipeline, outputTooSmall } from './errors.js';
import type { DecodedImage } from './image.js';
import * as is from './is.js';
import * as check from './options.js';
import { writeView, type DType, type Layout } from './output.js';
import { Pipeline } from './pipeline.js';
import { viewRandom } from './random.js';
import { turboDecode } from './turbojpeg.js';

/** Options of augmentViews / renderViews. */
export interface ViewOptions {
  /** Integer seed; with epoch, key and view index it fixes every random draw. Required. */
  seed: number;
  /** Epoch number, so each epoch sees new views. Default 0. */
  epoch?: number;
  /** Sample key (e.g. the WebDataset key); part of the seed and named in errors. Required. */
  key: string;
  /** Number of views. Default 2. */
  views?: number;
  /** Element type. Default 'uint8' (x * 255 rounded); 'float32' is [0, 1] or normalised. */
  dtype?: DType;
  /** Memory layout. Default 'hwc'. */
  layout?: Layout;
  /** 3 = RGB; 1 = luma (0.299 R + 0.587 G + 0.114 B), e.g. for Fashion-MNIST. Default 3. */
  channels?: 1 | 3;
  /** Reject inputs with more pixels than this. Default 100,000,000. */
  maxPixels?: number;
  /** Decoder strictness: 'warning' (default), 'error' or 'truncated' (see decodeImage). */
  failOn?: FailOn;
  /** 'auto' (default) or 'sharp': see decodeImage. */
  decoder?: Decoder;
  /** Write view v into out.buffers[v] starting at element out.offsets[v] instead of allocating. */
  out?: { buffers: (Uint8Array | Float32Array)[]; offsets: number[] };
}

/** The views of one image: each `height * width * channels` elements. */
export interface AugmentResult {
  views: (Uint8Array | Float32Array)[];
  width: number;
  height: number;
  channels: number;
  /** Milliseconds spent decoding and augmenting (augmentViews only; renderViews leaves them 0). */
  timings: { decodeMs: number; augmentMs: number };
}

interface Checked {
  seed: number; epoch: number; key: string; views: number; dtype: DType; layout: Layout; channels: 1 | 3;
  out: ViewOptions['out'];
}

function checkOptions(pipeline: unknown, options: unknown): Checked {
  if (!(pipeline instanceof Pipeline)) throw invalidOption('pipeline', 'Pipeline (from simclr(), compose(), pipelineFromSpec(), ...)', pipeline);
  if (!is.object(options)) throw invalidOption('options', 'object', options);
  const o = options;
  if (!is.integer(o.seed)) throw invalidOption('options.seed', 'integer', o.seed);
  const epoch = o.epoch ?? 0;
  if (!(is.integer(epoch) && epoch >= 0)) throw invalidOption('options.epoch', 'non-negative integer', o.epoch);
  if (typeof o.key !== 'string') throw invalidOption('options.key', 'string', o.key);
  const views = o.views ?? 2;
  if (!(is.integer(views) && views >= 1)) throw invalidOption('options.views', 'positive integer', o.views);
  const dtype = check.oneOf(o.dtype, 'options.dtype', ['uint8', 'float32'], 'uint8');
  if (dtype === 'uint8' && pipeline.normalizes) {
    throw invalidOption('options.dtype', "'float32' (the pipeline normalizes)", o.dtype);
  }
  const layout = check.oneOf(o.layout, 'options.layout', ['hwc', 'chw'], 'hwc');
  const channels = o.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw invalidOption('options.channels', '1 or 3', o.channels);
  const out = o.out as ViewOptions['out'];
  if (out !== undefined) {
    const Type = dtype === 'uint8' ? Uint8Array : Float32Array;
    if (!is.object(out) || !Array.isArray(out.buffers) || !Array.isArray(out.offsets)) {
      throw invalidOption('options.out', '{ buffers, offsets } arrays', out);
    }
    for (let v = 0; v < views; v++) {
      if (!(out.buffers[v] instanceof Type)) throw invalidOption(`options.out.buffers[${v}]`, `${Type.name} (options.dtype is '${dtype}')`, out.buffers[v]);
      if (!(is.integer(out.offsets[v]) && out.offsets[v] >= 0)) throw invalidOption(`options.out.offsets[${v}]`, 'non-negative integer', out.offsets[v]);
    }
  }
  return { seed: o.seed, epoch, key: o.key, views, dtype, layout, channels, out };
}

/** Augment an already decoded image (synchronous; the decode/augment split lets callers time each). */
export function renderViews(image: DecodedImage, pipeline: Pipeline, options: ViewOptions): AugmentResult {
  const o = checkOptions(pipeline, options);
  return render(image, pipeline, o);
}

function render(image: DecodedImage, pipeline: Pipeline, o: Checked): AugmentResult {
  const views: (Uint8Array | Float32Array)[] = [];
  let width = 0;
  let height = 0;
  for (let v = 0; v < o.views; v++) {
    const plan = pipeline.plan(image, viewRandom(o.seed, o.epoch, o.key, v));
    const view = plan.render();
    if (v === 0) {
      width = view.width;
      height = view.height;
    } else if (view.width !== width || view.height !== height) {
      throw invalidPipeline(`views of one image came out ${width}x${height} and ${view.width}x${view.height}; a batch needs one size`);
    }
    const length = width * height * o.channels;
    let target: Uint8Array | Float32Array;
    let offset = 0;
    if (o.out) {
      target = o.out.buffers[v];
      offset = o.out.offsets[v];
      if (target.length - offset < length) throw outputTooSmall(v, length, Math.max(0, target.length - offset));
    } else {
      target = o.dtype === 'uint8' ? new Uint8Array(length) : new Float32Array(length);
    }
    writeView(view, target, offset, o.layout, o.channels, plan.normalization);
    views.push(target.subarray(offset, offset + length));
  }
  return { views, width, height, channels: o.channels, timings: { decodeMs: 0, augmentMs: 0 } };
}

/** Decode `input` once and return `options.views` augmented views (HWC uint8 RGB by default). */
export async function augmentViews(input: Uint8Array, pipeline: Pipeline, options: ViewOptions): Promise<AugmentResult> {
  const o = checkOptions(pipeline, options);
  const maxPixels = maxPixelsOption(options.maxPixels);
  const failOn = failOnOption(options.failOn);
  const decoder = decoderOption(options.decoder);
  const start = performance.now();
  // The fast path decodes straight into the kernels' memory, skipping a 0.5 MB buffer and its copy per photo.
  // The next image's decode lands in the same place, so from here to the last view nothing may await.
  let image = decoder === 'auto' && input instanceof Uint8Array && input.length > 0
    ? turboDecode(input, maxPixels, (width, height) => arena.place(width, height))
    : undefined;
  // The fast path has had its try (or was turned off): what is left is sharp's, or decodeImage's input errors.
  image ??= await decodeImage(input, { key: o.key, maxPixels, failOn, decoder: 'sharp' });
  const decoded = performance.now();
  const result = render(image, pipeline, o);
  result.timings = { decodeMs: decoded - start, augmentMs: performance.now() - decoded };
  return result;
}
