import { availableParallelism } from 'node:os';
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../src/errors.js';
import { BackendUnavailableError, loadBackend } from '../src/backend/index.js';

const gpuMissing = Object.assign(
  new Error("Cannot find package '@tensorflow/tfjs-node-gpu' imported from /app/load-backend.js"),
  { code: 'ERR_MODULE_NOT_FOUND' },
);

/** Simulates tfjs-node-gpu absent and tfjs-node present but broken (as when libtensorflow is missing). */
async function brokenNode(specifier: string): Promise<unknown> {
  if (specifier === '@tensorflow/tfjs-node-gpu') throw gpuMissing;
  if (specifier === '@tensorflow/tfjs-node') {
    throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions');
  }
  throw new Error(`unexpected import of ${specifier}`);
}

test.serial('falls back to wasm and says why each better backend was not used', async (t) => {
  const lines: string[] = [];
  const report = await loadBackend({ importModule: brokenNode, log: (line) => lines.push(line) });
  t.is(report.backend, 'wasm');
  t.is(tf.getBackend(), 'wasm');
  t.deepEqual(report.attempts.map((a) => [a.backend, a.status]), [
    ['tensorflow-gpu', 'not-installed'], ['tensorflow', 'failed'], ['wasm', 'loaded'],
  ]);
  t.deepEqual(lines, [report.line]);
  t.regex(report.line, /^twinflow: using backend wasm \(SIMD, \d+ threads?\); not used: /);
  // The threaded build runs in Node with one thread per core (tfjs alone: cores / 2, and none in Node).
  t.is(report.threads, availableParallelism());
  t.true(report.line.includes('tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed'));
  t.true(report.line.includes(
    'tensorflow: @tensorflow/tfjs-node failed to load: libtensorflow.so.2: cannot open shared object file: No such file or directory'));
  t.true(report.kernels.includes('Conv2DBackpropFilter'));
  t.not(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
});

test.serial('a missing dependency inside a backend module counts as a load failure, not as not installed', async (t) => {
  const report = await loadBackend({
    log: () => undefined,
    importModule: async (specifier) => {
      throw Object.assign(new Error(`Cannot find module 'node-pre-gyp' imported from ${specifier}/dist/index.js`),
        { code: 'ERR_MODULE_NOT_FOUND' });
    },
  });
  t.deepEqual(report.attempts.slice(0, 2).map((a) => a.status), ['failed', 'failed']);
  t.is(report.attempts[0].reason, "@tensorflow/tfjs-node-gpu failed to load: Cannot find module 'node-pre-gyp' imported from @tensorflow/tfjs-node-gpu/dist/index.js");
});

test.serial('a backend module built against another tfjs-core instance is reported as such', async (t) => {
  const report = await loadBackend({ log: () => undefined, importModule: async () => ({}) });
  t.is(report.backend, 'wasm');
  t.regex(report.attempts[1].reason ?? '', /^@tensorflow\/tfjs-node loaded but registered with another @tensorflow\/tfjs-core instance/);
});

test.serial('the real module lookup picks a backend that is then active', async (t) => {
  const report = await loadBackend({ log: () => undefined });
  t.is(tf.getBackend(), report.tfBackend);
  t.true(report.line.startsWith(`twinflow: using backend ${report.backend}`));
});

test.serial('options.backend picks exactly that backend', async (t) => {
  const report = await loadBackend({ backend: 'cpu', log: () => undefined, importModule: brokenNode });
  t.is(tf.getBackend(), 'cpu');
  t.deepEqual(report.attempts.map((a) => [a.backend, a.status]), [
    ['tensorflow-gpu', 'skipped'], ['tensorflow', 'skipped'], ['wasm', 'skipped'], ['cpu', 'loaded'],
  ]);
  t.is(report.line, 'twinflow: using backend cpu; not used: tensorflow-gpu: options.backend is cpu; ' +
    'tensorflow: options.backend is cpu; wasm: options.backend is cpu');
});

test.serial('TWINFLOW_BACKEND picks the backend when the option is absent', async (t) => {
  process.env.TWINFLOW_BACKEND = 'wasm';
  try {
    const report = await loadBackend({ log: () => undefined, importModule: brokenNode });
    t.is(report.backend, 'wasm');
    t.is(report.attempts[0].reason, 'TWINFLOW_BACKEND is wasm');
    const cpu = await loadBackend({ backend: 'cpu', log: () => undefined });
    t.is(cpu.backend, 'cpu', 'the option wins over the environment');
  } finally {
    delete process.env.TWINFLOW_BACKEND;
  }
});

test.serial('a requested backend that cannot load rejects with the reason', async (t) => {
  const err = await t.throwsAsync(loadBackend({ backend: 'tensorflow', log: () => undefined, importModule: brokenNode }),
    { instanceOf: BackendUnavailableError });
  t.is(err?.message, 'Backend tensorflow was requested but is not available: @tensorflow/tfjs-node failed to load: ' +
    'libtensorflow.so.2: cannot open shared object file: No such file or directory');
});

const invalid: [string, () => Promise<unknown>, string][] = [
  ['options.backend', () => loadBackend({ backend: 'gpu' as never }),
    'Expected one of tensorflow-gpu, tensorflow, wasm, cpu for options.backend but received "gpu" of type string'],
  ['options.log', () => loadBackend({ log: 5 as never }),
    'Expected a function for options.log but received 5 of type number'],
  ['options.threads', () => loadBackend({ threads: 0 }),
    'Expected a positive integer for options.threads but received 0 of type number'],
  ['options.importModule', () => loadBackend({ importModule: 'x' as never }),
    'Expected a function for options.importModule but received "x" of type string'],
];
for (const [name, call, message] of invalid) {
  test.serial(`rejects an invalid ${name}`, async (t) => {
    await t.throwsAsync(call(), { instanceOf: OptionError, message });
  });
}

test.serial('rejects an invalid TWINFLOW_BACKEND', async (t) => {
  process.env.TWINFLOW_BACKEND = 'webgpu';
  try {
    await t.throwsAsync(loadBackend(), {
      instanceOf: OptionError,
      message: 'Expected one of tensorflow-gpu, tensorflow, wasm, cpu for TWINFLOW_BACKEND but received "webgpu" of type string',
    });
  } finally {
    delete process.env.TWINFLOW_BACKEND;
  }
});
