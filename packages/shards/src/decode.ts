// Small decoders for the parts every consumer needs; images stay encoded (decoding is @twinflow/augment's job).
import { SamplePartError } from './errors.js';
import type { Sample } from './sample.js';

const IMAGE_EXTS = ['jpg', 'jpeg', 'png', 'webp'] as const;

/** The integer class label in `.cls` (ASCII decimal, surrounding whitespace allowed). */
export function decodeCls(sample: Sample): number {
  const part = sample.parts.cls;
  if (part === undefined) throw new SamplePartError(sample.url, sample.key, 'has no .cls part');
  const text = part.toString('utf8').trim();
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new SamplePartError(sample.url, sample.key, `.cls is not an integer: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text);
}

/** The parsed `.json` part. */
export function decodeJson(sample: Sample): unknown {
  const part = sample.parts.json;
  if (part === undefined) throw new SamplePartError(sample.url, sample.key, 'has no .json part');
  try {
    return JSON.parse(part.toString('utf8'));
  } catch (error) {
    throw new SamplePartError(sample.url, sample.key, `.json does not parse: ${(error as Error).message}`, error);
  }
}

/** The encoded image bytes: the first present of `jpg`, `jpeg`, `png`, `webp`. */
export function imagePart(sample: Sample): Buffer | undefined {
  for (const ext of IMAGE_EXTS) {
    const part = sample.parts[ext];
    if (part !== undefined) return part;
  }
  return undefined;
}
