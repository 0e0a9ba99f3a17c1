import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { ArchitectureMismatchError, freshCopy, loadEncoderWeights } from '../src/index.js';
import { cpu, smallEncoder } from './helpers.js';

test.before(cpu);

test.serial('weights of a checkpoint of the same architecture are copied by position', (t) => {
  const source = smallEncoder([12, 12, 1], 1);
  const target = smallEncoder([12, 12, 1], 2);
  const x = tf.randomUniform([2, 12, 12, 1], 0, 255, 'float32', 3);
  const a = source.predict(x) as tf.Tensor;
  loadEncoderWeights(target, source);
  const b = target.predict(x) as tf.Tensor;
  t.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  tf.dispose([x, a, b]);
  source.dispose();
  target.dispose();
});

test.serial('a checkpoint of another architecture is an ArchitectureMismatchError and leaves the encoder untouched', (t) => {
  const other = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 5, useBias: false }),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
  const target = smallEncoder();
  const before = target.getWeights().map((w) => Array.from(w.dataSync()));
  const error = t.throws(() => loadEncoderWeights(target, other), { instanceOf: ArchitectureMismatchError });
  t.regex(
    error?.message ?? '',
    /^Checkpoint weight conv2d_\w+\/kernel \(position 0, encoder weight conv2d_\w+\/kernel\) has shape \[5, 5, 1, 4\] but the encoder expects \[3, 3, 1, 6\]: the checkpoint was trained with another architecture or input shape/,
  );
  t.deepEqual(target.getWeights().map((w) => Array.from(w.dataSync())), before);
  other.dispose();
  target.dispose();
});

test.serial('a checkpoint with fewer or more weights is an ArchitectureMismatchError', (t) => {
  const target = smallEncoder();
  const weights = target.getWeights();
  const missing = target.weights.slice(3, 8).map((w) => w.originalName).join(', ');
  t.throws(() => loadEncoderWeights(target, weights.slice(0, 3)), {
    instanceOf: ArchitectureMismatchError,
    message: `Checkpoint has no weights for ${missing}, ... (7 in all): it was trained with another architecture; pass the arch it was trained with`,
  });
  const extra = tf.zeros([2]);
  t.throws(() => loadEncoderWeights(target, [...weights, extra]), {
    instanceOf: ArchitectureMismatchError,
    message: 'Checkpoint holds weights the encoder does not have: #10; it was trained with another architecture',
  });
  extra.dispose();
  target.dispose();
});

test.serial('freshCopy builds the same architecture and initialises it anew (seeded initialisers repeat their init)', async (t) => {
  const trained = smallEncoder([12, 12, 1], 1);
  const other = smallEncoder([12, 12, 1], 2);
  loadEncoderWeights(trained, other);
  const copy = await freshCopy(trained);
  const initial = smallEncoder([12, 12, 1], 1);
  const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
  t.deepEqual(copy.weights.map((w) => w.shape), trained.weights.map((w) => w.shape));
  t.deepEqual(values(copy), values(initial));
  t.notDeepEqual(values(copy), values(trained));
  for (const m of [trained, other, copy, initial]) m.dispose();
});
