import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeKernelError } from '../src/errors.js';
import { NativeKernel } from '../src/backend/wasm-kernels/native-module.js';

const native = fileURLToPath(new URL('../native/', import.meta.url));

test('the committed .wasm kernels are exactly what native/build.sh makes of their C sources', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'twinflow-native-'));
  try {
    execFileSync(join(native, 'build.sh'), [out]);
    const sources = readdirSync(native).filter((f) => f.endsWith('.c'));
    t.true(sources.length >= 2);
    for (const source of sources) {
      const name = source.replace(/\.c$/, '.wasm');
      t.true(readFileSync(join(out, name)).equals(readFileSync(join(native, name))), `${name} is stale: run native/build.sh`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** filter_grad arguments for a 1x1 convolution of `images` 2x2x4 images to 8 channels, laid out in `arena`. */
function oneByOne(kernel: NativeKernel, thread: number, images: number): { args: number[]; dw: () => Float32Array } {
  const arena = kernel.arenas[thread];
  const [x, dy, dw, pa, pb] = arena.layout([images * 16, images * 32, 32, 4 * 8, 8 * 8]);
  arena.f32(x, images * 16).fill(1);
  arena.f32(dy, images * 32).fill(0.5);
  arena.f32(dw, 32).fill(0);
  return {
    args: [x, dy, dw, pa, pb, 8, 0, images * 4, images, 2, 2, 4, 2, 2, 8, 1, 1, 1, 1, 0, 0],
    dw: () => arena.f32(dw, 32).slice(),
  };
}

test('a native kernel runs on helper threads, and a trap on any thread is a NativeKernelError naming it', async (t) => {
  const kernel = new NativeKernel('conv2d-filter-grad', 'filter_grad', 2);
  try {
    t.is(kernel.threads, 2);
    // The batch splits into contiguous runs of whole images, one per thread; one image uses one thread.
    t.deepEqual(kernel.shares(5).map(({ first, images }) => [first, images]), [[0, 2], [2, 3]]);
    t.deepEqual(kernel.shares(1).map(({ first, images }) => [first, images]), [[0, 1]]);
    t.is(kernel.shares(4)[1].arena, kernel.arenas[1]);
    const main = oneByOne(kernel, 0, 1);
    const helper = oneByOne(kernel, 1, 3);
    kernel.run([main.args, helper.args]);
    // Every weight sums 1 x 0.5 over the thread's positions: 4 per image.
    t.deepEqual([...main.dw()], new Array<number>(32).fill(2));
    t.deepEqual([...helper.dw()], new Array<number>(32).fill(6));

    const outOfBounds = [...helper.args];
    outOfBounds[0] = 0x7fff_0000;
    const onHelper = t.throws(() => kernel.run([main.args, outOfBounds]), { instanceOf: NativeKernelError });
    t.is(onHelper?.thread, 1);
    t.regex(onHelper?.message ?? '', /conv2d-filter-grad failed on thread 1: .*out of bounds/);
    const onMain = t.throws(() => kernel.run([outOfBounds, helper.args]), { instanceOf: NativeKernelError });
    t.is(onMain?.thread, 0);

    // The kernel stays usable after a failure.
    const again = oneByOne(kernel, 1, 2);
    kernel.run([main.args, again.args]);
    t.deepEqual([...again.dw()], new Array<number>(32).fill(4));
  } finally {
    await kernel.terminate();
  }
});
