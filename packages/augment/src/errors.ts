// Every error class and message of @twinflow/augment comes from this module.

/** Describe a value for an option error: its JSON form when it has one, else its String form. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An option failed validation; the message names the option path. */
export class AugmentOptionError extends TypeError {
  override readonly name = 'AugmentOptionError';
}

/** Build the sharp-style option error: `Expected <expected> for <name> but received <actual> of type <typeof>`. */
export function invalidOption(name: string, expected: string, actual: unknown): AugmentOptionError {
  return new AugmentOptionError(`Expected ${expected} for ${name} but received ${show(actual)} of type ${typeof actual}`);
}

/** A pipeline that is well-formed option by option but cannot run as a whole. */
export function invalidPipeline(reason: string): AugmentOptionError {
  return new AugmentOptionError(`Invalid pipeline: ${reason}`);
}

/** Why an image could not be decoded. */
export type ImageErrorCode = 'empty' | 'not-an-image' | 'corrupt' | 'too-large';

/** An input image could not be decoded; `key` names the sample it came from. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(readonly key: string, readonly code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Zero-byte input. */
export const emptyImage = (key: string): ImageDecodeError =>
  new ImageDecodeError(key, 'empty', `Sample ${show(key)}: image is empty (0 bytes)`);

/** The bytes are not JPEG, PNG, WebP or another format sharp reads. */
export const notAnImage = (key: string, cause: unknown): ImageDecodeError =>
  new ImageDecodeError(key, 'not-an-image', `Sample ${show(key)}: not a supported image (expected JPEG, PNG or WebP bytes)`, { cause });

/** The image is truncated or its data is damaged. */
export const corruptImage = (key: string, cause: unknown): ImageDecodeError =>
  new ImageDecodeError(key, 'corrupt', `Sample ${show(key)}: image is truncated or corrupt (${causeText(cause)})`, { cause });

/** The image has more pixels than the configured limit (a likely decompression bomb). */
export const imageTooLarge = (key: string, maxPixels: number, cause: unknown): ImageDecodeError =>
  new ImageDecodeError(key, 'too-large',
    `Sample ${show(key)}: image has more pixels than options.maxPixels (${maxPixels}); raise maxPixels if it is genuine`, { cause });

function causeText(cause: unknown): string {
  return (cause instanceof Error ? cause.message : String(cause)).split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
}

/** A caller-provided output buffer does not fit the view. */
export function outputTooSmall(view: number, needed: number, available: number): AugmentOptionError {
  return new AugmentOptionError(
    `options.out.buffers[${view}] has room for ${available} elements after options.out.offsets[${view}] but the view needs ${needed}`);
}
