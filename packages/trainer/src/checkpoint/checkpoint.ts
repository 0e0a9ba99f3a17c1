import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../errors.js';
import type { InputShape, Method, NamedTensor } from '../method.js';
import { fileIO, readWeights } from './file-io.js';

/** Format tag written into every checkpoint's state.json. */
export const CHECKPOINT_FORMAT = 'twinflow-checkpoint/1';

/** What state.json records besides the tensors. */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  /** Method.name of the method that wrote it. */
  method: string;
  /** Completed steps; a resumed run continues with this 0-based step. */
  step: number;
  /** Epoch of the next step and steps already taken in it. */
  epoch: number;
  stepInEpoch: number;
  /** Image shape the method was built for. */
  inputShape: InputShape;
  /** Run randomness: every draw is a function of (seed, stream, step), so the seed is the whole RNG state. */
  rng: { seed: number; algorithm: 'hash32-counter' };
  /** The caller's data-stream state at this step (options.dataState()), opaque here. */
  data: unknown;
  /** Backend that wrote it. */
  backend: string;
  /** Model directory names (each a tf.loadLayersModel-readable model.json + weights.bin). */
  models: string[];
  /** Method.saveState().json. */
  methodState: Record<string, unknown>;
  /** Name, dtype and shape of each tensor in state.bin, in order. */
  tensors: tf.io.WeightsManifestEntry[];
  createdAt: string;
}

const CHECKPOINTS = 'checkpoints';
const LATEST = 'latest.json';
const STATE_JSON = 'state.json';
const STATE_BIN = 'state.bin';

/** Directory name of the checkpoint after `step` steps. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/**
 * Writes a checkpoint of `method` into runDir/checkpoints/step-NNNNNNNN/ (models/<name>/ and
 * state.json + state.bin), atomically (written beside, then renamed), points
 * runDir/checkpoints/latest.json at it and keeps only the newest `keep`. Returns its directory.
 */
export async function saveCheckpoint(
  runDir: string,
  method: Method,
  meta: Omit<CheckpointMeta, 'format' | 'method' | 'models' | 'methodState' | 'tensors' | 'createdAt'>,
  keep = 3,
): Promise<string> {
  const root = join(runDir, CHECKPOINTS);
  const name = checkpointName(meta.step);
  const final = join(root, name);
  const partial = `${final}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const models = method.models();
  for (const [key, model] of Object.entries(models)) await model.save(fileIO(join(partial, 'models', key)));
  const state = await method.saveState();
  const { data, specs } = await tf.io.encodeWeights(state.tensors.map((t) => ({ name: t.name, tensor: t.tensor })));
  const full: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    method: method.name,
    ...meta,
    models: Object.keys(models),
    methodState: state.json,
    tensors: specs,
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(partial, STATE_BIN), new Uint8Array(data));
  await writeFile(join(partial, STATE_JSON), JSON.stringify(full, null, 2));
  await rm(final, { recursive: true, force: true });
  await rename(partial, final);
  await writeFile(join(root, `${LATEST}.partial`), JSON.stringify({ step: meta.step, path: name }));
  await rename(join(root, `${LATEST}.partial`), join(root, LATEST));
  const old = (await readdir(root)).filter((d) => /^step-\d+$/.test(d)).sort();
  for (const d of old.slice(0, Math.max(0, old.length - keep))) await rm(join(root, d), { recursive: true, force: true });
  return final;
}

/** Directory of the newest checkpoint of a run, or undefined when it has none. */
export async function latestCheckpoint(runDir: string): Promise<string | undefined> {
  try {
    const latest = JSON.parse(await readFile(join(runDir, CHECKPOINTS, LATEST), 'utf8')) as { path: string };
    return join(runDir, CHECKPOINTS, latest.path);
  } catch {
    return undefined;
  }
}

/** Reads a checkpoint's state.json. */
export async function readCheckpointMeta(dir: string): Promise<CheckpointMeta> {
  const path = join(dir, STATE_JSON);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(await readFile(path, 'utf8')) as CheckpointMeta;
  } catch (err) {
    throw new CheckpointError(path, `cannot read checkpoint state: ${(err as Error).message}`);
  }
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(path, `unknown checkpoint format ${JSON.stringify(meta.format)}, expected ${CHECKPOINT_FORMAT}`);
  }
  return meta;
}

/**
 * Restores a built `method` from a checkpoint directory: every model's weights (by position,
 * shapes checked) and the method state. Returns the checkpoint's meta.
 */
export async function restoreCheckpoint(dir: string, method: Method): Promise<CheckpointMeta> {
  const meta = await readCheckpointMeta(dir);
  if (meta.method !== method.name) {
    throw new CheckpointError(dir, `checkpoint of method ${meta.method} cannot restore method ${method.name}`);
  }
  for (const [key, model] of Object.entries(method.models())) {
    const modelDir = join(dir, 'models', key);
    const weights = await readWeights(modelDir);
    const expected = model.weights.map((w) => w.shape.join('x'));
    const got = weights.map((w) => w.shape.join('x'));
    if (expected.join(',') !== got.join(',')) {
      tf.dispose(weights);
      throw new CheckpointError(modelDir, `model ${key} has weights [${got.join(', ')}] but the method expects [${expected.join(', ')}]`);
    }
    model.setWeights(weights);
    tf.dispose(weights);
  }
  const bytes = await readFile(join(dir, STATE_BIN));
  const named = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, meta.tensors);
  const tensors: NamedTensor[] = meta.tensors.map((s) => ({ name: s.name, tensor: named[s.name] }));
  try {
    await method.loadState({ tensors, json: meta.methodState });
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
  return meta;
}

/**
 * Loads a trained encoder with tf.loadLayersModel. `path` is a run directory (its latest
 * checkpoint), a checkpoint directory, or a directory holding model.json.
 */
export async function loadEncoder(path: string): Promise<tf.LayersModel> {
  const checkpoint = (await latestCheckpoint(path)) ?? path;
  let dir = join(checkpoint, 'models', 'encoder');
  try {
    await readFile(join(dir, 'model.json'));
  } catch {
    dir = checkpoint;
  }
  return tf.loadLayersModel(fileIO(dir));
}
