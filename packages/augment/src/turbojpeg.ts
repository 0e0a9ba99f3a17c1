// The fast JPEG path: libjpeg-turbo's TurboJPEG API called through koffi (an FFI, no compiler needed), on the
// calling thread. A sharp call costs 0.6-1 ms before any work plus libvips' thread hand-offs per strip, which is
// 2-3x the decode itself for an ImageNet-sized photo (500x375: 1.5 ms here against 4 ms through sharp, same
// bytes). Only plain JPEGs take this path: 8-bit YCbCr or gray, no EXIF rotation, no ICC profile, no Adobe
// marker, under TURBOJPEG_MAX_PIXELS. For those libvips (whose mozjpeg is libjpeg-turbo's decoder) and
// libjpeg-turbo give the same bytes: both use the accurate integer IDCT and fancy upsampling, and the tests
// compare them. Everything else, and any warning or error, goes to sharp, which then decides what the caller sees.

import { createRequire } from 'node:module';
import type { DecodedImage } from './image.js';

/** Larger JPEGs go to sharp: a synchronous decode would hold the event loop for more than ~10 ms. */
export const TURBOJPEG_MAX_PIXELS = 2 ** 21;

/** Library names tried in order; TWINFLOW_TURBOJPEG (a path or name) goes first when set. */
const LIBRARIES = ['libturbojpeg.so.0', 'libturbojpeg.so', 'libturbojpeg.0.dylib', 'libturbojpeg.dylib', 'turbojpeg.dll'];

// TurboJPEG 2.x constants (turbojpeg.h).
const TJPF_RGB = 0;
const TJCS_YCbCr = 1;
const TJCS_GRAY = 2;
const TJFLAG_STOPONWARNING = 8192;
const TJFLAG_LIMITSCANS = 16384;

/** Which decoder JPEGs get on this thread, and why not the fast one. */
export interface JpegDecoderInfo {
  decoder: 'libjpeg-turbo' | 'sharp';
  /** The library loaded, or why none could be (koffi not installed, libturbojpeg not found, ...). */
  detail: string;
}

type Out = [number];
interface TurboJpeg {
  header(handle: unknown, input: Uint8Array, size: number, w: Out, h: Out, subsampling: Out, colourspace: Out): number;
  decompress(handle: unknown, input: Uint8Array, size: number, out: Uint8Array, w: number, pitch: number, h: number,
    format: number, flags: number): number;
  handle: unknown;
}

interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
}

let loaded: { lib: TurboJpeg | undefined; info: JpegDecoderInfo } | undefined;

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** Load koffi and libturbojpeg once per thread; never throws (a missing piece means the sharp path). */
function load(): { lib: TurboJpeg | undefined; info: JpegDecoderInfo } {
  if (loaded) return loaded;
  const sharpOnly = (detail: string) => ({ lib: undefined, info: { decoder: 'sharp' as const, detail } });
  if (process.env.TWINFLOW_JPEG_DECODER === 'sharp') return (loaded = sharpOnly('TWINFLOW_JPEG_DECODER=sharp'));
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (error) {
    return (loaded = sharpOnly(`koffi (optional dependency) did not load: ${message(error)}`));
  }
  const names = process.env.TWINFLOW_TURBOJPEG ? [process.env.TWINFLOW_TURBOJPEG] : LIBRARIES;
  const failures: string[] = [];
  for (const name of names) {
    try {
      const library = koffi.load(name);
      const init = library.func('void *tjInitDecompress()');
      const lib: TurboJpeg = {
        header: library.func('int tjDecompressHeader3(void *handle, const uint8_t *jpegBuf, unsigned long jpegSize, ' +
          '_Out_ int *width, _Out_ int *height, _Out_ int *jpegSubsamp, _Out_ int *jpegColorspace)') as TurboJpeg['header'],
        decompress: library.func('int tjDecompress2(void *handle, const uint8_t *jpegBuf, unsigned long jpegSize, ' +
          'uint8_t *dstBuf, int width, int pitch, int height, int pixelFormat, int flags)') as TurboJpeg['decompress'],
        handle: init(),
      };
      if (!lib.handle) throw new Error('tjInitDecompress returned NULL');
      return (loaded = { lib, info: { decoder: 'libjpeg-turbo', detail: name } });
    } catch (error) {
      failures.push(`${name}: ${message(error)}`);
    }
  }
  return (loaded = sharpOnly(`libturbojpeg not found (${failures.join('; ')})`));
}

/** The JPEG decoder `decodeImage` uses on this thread (loading it if needed). */
export function jpegDecoder(): JpegDecoderInfo {
  return { ...load().info };
}

const u16 = (b: Uint8Array, at: number, little: boolean): number => (little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]);
const u32 = (b: Uint8Array, at: number, little: boolean): number =>
  little ? (u16(b, at, true) | (u16(b, at + 2, true) << 16)) >>> 0 : ((u16(b, at, false) << 16) | u16(b, at + 2, false)) >>> 0;

/** EXIF orientation of an APP1 "Exif\0\0" payload (`start`..`end`): 1 when absent, undefined when unreadable. */
function exifOrientation(b: Uint8Array, start: number, end: number): number | undefined {
  const tiff = start + 6;
  if (tiff + 8 > end) return undefined;
  const little = b[tiff] === 0x49 && b[tiff + 1] === 0x49;
  if (!little && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return undefined;
  const ifd = tiff + u32(b, tiff + 4, little);
  if (ifd + 2 > end) return undefined;
  const entries = u16(b, ifd, little);
  if (ifd + 2 + entries * 12 > end) return undefined;
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(b, entry, little) === 0x0112) return u16(b, entry + 8, little);
  }
  return 1;
}

const ascii = (b: Uint8Array, at: number, text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/**
 * True when the markers before the first scan show a JPEG sharp would decode with nothing but the decode: one
 * 8-bit frame of 1 or 3 components, no EXIF rotation, no ICC profile (sharp would convert with it), no Adobe
 * marker (its colour transform flags). Anything unreadable is false, so sharp gets it.
 */
export function plainJpeg(b: Uint8Array): boolean {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return false;
  let at = 2;
  let frames = 0;
  let exif = 0;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return false;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = u16(b, at + 2, false);
    const start = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > b.length) return false;
    if (marker === 0xda) return frames === 1; // start of scan: the header is over
    const sof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (sof) {
      frames += 1;
      if (start + 6 > end || b[start] !== 8 || (b[start + 5] !== 1 && b[start + 5] !== 3)) return false;
    } else if (marker === 0xe1 && ascii(b, start, 'Exif\0\0')) {
      exif += 1;
      const orientation = exifOrientation(b, start, end);
      if (exif > 1 || (orientation !== 1 && orientation !== 0)) return false;
    } else if ((marker === 0xe2 && ascii(b, start, 'ICC_PROFILE\0')) || marker === 0xee) {
      return false;
    }
    at = end;
  }
  return false;
}

const width: Out = [0];
const height: Out = [0];
const subsampling: Out = [0];
const colourspace: Out = [0];

const ownBuffer = (w: number, h: number): DecodedImage => ({ data: new Uint8Array(w * h * 3), width: w, height: h });

/**
 * Decode a plain JPEG of at most `maxPixels` (and TURBOJPEG_MAX_PIXELS) pixels to RGB with libjpeg-turbo into
 * the image `allocate` returns (a fresh buffer by default), or return undefined for sharp to handle: not plain,
 * too large, library missing, or any libjpeg warning or error.
 */
export function turboDecode(input: Uint8Array, maxPixels: number, allocate = ownBuffer): DecodedImage | undefined {
  if (!plainJpeg(input)) return undefined;
  const { lib } = load();
  if (lib === undefined) return undefined;
  if (lib.header(lib.handle, input, input.length, width, height, subsampling, colourspace) !== 0) return undefined;
  const w = width[0];
  const h = height[0];
  if (colourspace[0] !== TJCS_YCbCr && colourspace[0] !== TJCS_GRAY) return undefined;
  if (w * h > Math.min(maxPixels, TURBOJPEG_MAX_PIXELS)) return undefined;
  const image = allocate(w, h);
  const status = lib.decompress(lib.handle, input, input.length, image.data, w, 0, h, TJPF_RGB, TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS);
  return status === 0 ? image : undefined;
}
