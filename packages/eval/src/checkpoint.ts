// Putting checkpoint weights into an encoder, with a clear error when the checkpoint is another architecture.
import * as tf from '@tensorflow/tfjs';
import type { LayersModel } from '@tensorflow/tfjs';
import { architectureMismatch, missingWeights, unexpectedWeights } from './errors.js';

/**
 * Copies the weights of `source` (a checkpointed encoder loaded with tf.loadLayersModel, or its weight list) into
 * `target` by position, as the trainer's resume does. Every shape is checked first, so a checkpoint of another
 * architecture or input shape throws ArchitectureMismatchError naming the first weight that differs and leaves
 * `target` untouched.
 */
export function loadEncoderWeights(target: LayersModel, source: LayersModel | tf.Tensor[]): void {
  const targetWeights = target.weights;
  const sourceTensors = Array.isArray(source) ? source : source.getWeights();
  const sourceNames = Array.isArray(source) ? source.map((_, i) => `#${i}`) : source.weights.map((w) => w.originalName);
  for (let i = 0; i < Math.min(targetWeights.length, sourceTensors.length); i++) {
    const expected = targetWeights[i].shape;
    const actual = sourceTensors[i].shape;
    if (expected.length !== actual.length || expected.some((d, j) => d !== actual[j])) {
      throw architectureMismatch(`${sourceNames[i]} (position ${i}, encoder weight ${targetWeights[i].originalName})`, expected as number[], actual);
    }
  }
  if (sourceTensors.length < targetWeights.length) {
    throw missingWeights(targetWeights.slice(sourceTensors.length).map((w) => w.originalName));
  }
  if (sourceTensors.length > targetWeights.length) throw unexpectedWeights(sourceNames.slice(targetWeights.length));
  target.setWeights(sourceTensors);
}

/**
 * A new model with the same architecture (topology JSON) as `model` and freshly initialised weights: the encoder of
 * the random-init baseline when only a checkpoint is at hand. Custom layers must be registered (the trainer does).
 */
export async function freshCopy(model: LayersModel): Promise<LayersModel> {
  const topology = model.toJSON(undefined, false) as unknown as tf.io.ModelJSON['modelTopology'];
  return tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
}
