// Measures the float32 noise floor of a training step's gradients, to justify the step tolerances in
// test/backend-step.test.ts (see docs/engine.md, "Tolerances"): one SimCLR-style step on wasm, on cpu, and on
// cpu again with the input pixels multiplied by 1 + 1e-6 n; prints max |diff| / max |grad| per parameter.
//   npx tsx --conditions=source bench/conditioning.ts <arch> <images> <size> <channels>
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../src/backend/index.js';
import { createEncoder, encoderArchs } from '../src/models/index.js';
import type { EncoderArch } from '../src/models/index.js';
import { ntXent, relativeError } from '../test/helpers/compare.js';

const [arch, images, size, channels] = [process.argv[2] as EncoderArch, ...process.argv.slice(3, 6).map(Number)];
if (!encoderArchs.includes(arch) || ![images, size, channels].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error('usage: conditioning.ts <arch> <images> <size> <channels>');
}
await loadBackend({ backend: 'wasm' });
const shape = [2 * images, size, size, channels];
const model = createEncoder(arch, { inputShape: [size, size, channels], seed: 3 });
const pixels = tf.tidy(() => tf.randomUniform(shape, 0, 255, 'float32', 11).dataSync() as Float32Array);
const noise = tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', 12).dataSync() as Float32Array);

function step(relativeNoise: number): Record<string, Float32Array> {
  const x = tf.tensor(pixels.map((v, i) => v * (1 + relativeNoise * noise[i])), shape);
  const { value, grads } = tf.variableGrads(() => ntXent(model.apply(x, { training: true }) as tf.Tensor));
  const out = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array]));
  tf.dispose([x, value, ...Object.values(grads)]);
  return out;
}

const wasm = step(0);
await tf.setBackend('cpu');
const cpu = step(0);
const perturbed = step(1e-6);
const names = Object.keys(cpu);
const summary = (errors: number[]) => {
  const sorted = [...errors].sort((a, b) => a - b);
  return `max ${sorted[sorted.length - 1].toExponential(1)}  median ${sorted[sorted.length >> 1].toExponential(1)}`;
};
console.log(`${arch} ${2 * images} views ${size}x${size}x${channels}, ${names.length} parameters`);
console.log(`  wasm vs cpu:                  ${summary(names.map((n) => relativeError(wasm[n], cpu[n])))}`);
console.log(`  cpu vs cpu, 1e-6 input noise: ${summary(names.map((n) => relativeError(perturbed[n], cpu[n])))}`);
