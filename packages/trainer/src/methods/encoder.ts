import type * as tf from '@tensorflow/tfjs';
import { MethodError, invalidOption } from '../errors.js';
import type { EncoderFactory } from '../method.js';
import { createEncoder, encoderArchs } from '../models/index.js';
import type { EncoderArch } from '../models/index.js';

/** An encoder by architecture name (built with createEncoder) or a factory of the user's own. */
export type EncoderSpec = EncoderArch | EncoderFactory;

/** Checks an encoder option eagerly and turns it into a factory; `seed` seeds createEncoder's initialisers. */
export function encoderFactory(spec: unknown, seed: number): EncoderFactory {
  if (typeof spec === 'function') return spec as EncoderFactory;
  if (typeof spec === 'string' && (encoderArchs as readonly string[]).includes(spec)) {
    return (inputShape) => createEncoder(spec as EncoderArch, { inputShape, seed });
  }
  throw invalidOption('options.encoder', `one of ${encoderArchs.map((a) => JSON.stringify(a)).join(', ')} or a function of the input shape`, spec);
}

/** Feature width of an encoder whose single output is (batch, dim). */
export function featureDim(encoder: tf.LayersModel): number {
  const shape = encoder.outputs[0].shape;
  if (encoder.outputs.length !== 1 || shape.length !== 2 || shape[1] === null) {
    throw new MethodError(`an encoder must have one output of shape (batch, dim), got [${shape.join(', ')}]`);
  }
  return shape[1];
}
