// A view's recipe: transforms record their drawn parameters here, then the engine runs it in a fixed order
// (geometry as one resample, then the pixel ops in pipeline order, then the output write).

import type { DecodedImage, ViewImage } from './image.js';
import { resample, type Geometry, type Interpolation } from './resample.js';

/** One drawn pixel operation, applied in place to the float view. */
export type PixelOp = (image: ViewImage) => void;

/** Per-channel normalisation applied while writing float32 output. */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

const identity = (width: number, height: number): Geometry => ({
  sx: 0, sy: 0, sw: width, sh: height, rw: width, rh: height, wx: 0, wy: 0, ww: width, wh: height,
  flip: false, interpolation: 'bilinear',
});

/** The recipe of one view of one decoded image. */
export class ViewPlan {
  private source: DecodedImage;
  private geometry: Geometry;
  readonly ops: PixelOp[] = [];
  normalization: Normalization | undefined;

  constructor(source: DecodedImage) {
    this.source = source;
    this.geometry = identity(source.width, source.height);
  }

  /** Current view width in pixels. */
  get width(): number {
    return this.geometry.ww;
  }

  /** Current view height in pixels. */
  get height(): number {
    return this.geometry.wh;
  }

  /** Keep the window (left, top, width, height) of the current view; parts outside it become zero padding. */
  crop(left: number, top: number, width: number, height: number): void {
    const g = this.geometry;
    const x = g.flip ? g.ww - left - width : left;
    const unscaled = g.rw === g.sw && g.rh === g.sh;
    const sx = g.sx + g.wx + x;
    const sy = g.sy + g.wy + top;
    if (unscaled && sx >= g.sx && sy >= g.sy && sx + width <= g.sx + g.sw && sy + height <= g.sy + g.sh) {
      this.geometry = { ...g, sx, sy, sw: width, sh: height, rw: width, rh: height, wx: 0, wy: 0, ww: width, wh: height };
    } else {
      this.geometry = { ...g, wx: g.wx + x, wy: g.wy + top, ww: width, wh: height };
    }
  }

  /** Resize the current view to width x height. */
  resize(width: number, height: number, interpolation: Interpolation): void {
    let g = this.geometry;
    const whole = g.wx === 0 && g.wy === 0 && g.ww === g.rw && g.wh === g.rh && g.rw === g.sw && g.rh === g.sh;
    if (!whole) {
      // A resize of an already resized or padded view cannot be folded into one resample exactly.
      this.source = this.materialize();
      g = identity(this.source.width, this.source.height);
    }
    this.geometry = { ...g, rw: width, rh: height, ww: width, wh: height, interpolation };
  }

  /** Mirror the view left-right. Pixel ops are flip-equivariant, so a flip anywhere folds into the geometry. */
  flip(): void {
    this.geometry = { ...this.geometry, flip: !this.geometry.flip };
  }

  /** Run the geometry and the pixel ops; the returned view lives in the arena until the next render on this thread. */
  render(): ViewImage {
    const image = resample(this.source, this.geometry);
    for (const op of this.ops) op(image);
    return image;
  }

  private materialize(): DecodedImage {
    const view = resample(this.source, this.geometry);
    const floats = view.data;
    const data = new Uint8Array(floats.length);
    for (let i = 0; i < data.length; i++) data[i] = floats[i] * 255 + 0.5;
    return { data, width: view.width, height: view.height };
  }
}
