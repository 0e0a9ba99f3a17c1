// Where one thread's time goes, stage by stage, for a preset's views over the photo corpus: the decode, the
// geometry (one resample per view), each pixel transform, and the write to the output buffer. The per-pipeline
// rates and the torchvision ratios are augment.bench.ts's; this script is for deciding what to make faster.
//
//   npm run bench:stages -w @twinflow/augment -- [--preset simclr|mocoV2] [--rounds 3] [--limit 1024] [--dir bench-data/photos]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { arena } from '../src/arena.js';
import { DEFAULT_MAX_PIXELS, decodeImage } from '../src/decode.js';
import type { DecodedImage } from '../src/image.js';
import { writeView } from '../src/output.js';
import { ViewPlan } from '../src/plan.js';
import { mocoV2, simclr } from '../src/presets.js';
import { viewRandom } from '../src/random.js';
import { jpegDecoder, turboDecode } from '../src/turbojpeg.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(root, 'bench-data', 'photos') },
    preset: { type: 'string', default: 'simclr' },
    rounds: { type: 'string', default: '3' },
    limit: { type: 'string', default: '1024' },
  },
});
const presets = { simclr: () => simclr({ size: 224 }), mocoV2: () => mocoV2({ size: 224 }) };
if (!(values.preset in presets)) throw new Error(`--preset must be simclr or mocoV2, got ${values.preset}`);
const pipeline = presets[values.preset as keyof typeof presets]();
const rounds = Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
const dir = path.resolve(values.dir);
if (!existsSync(dir)) throw new Error(`No corpus at ${dir}: make it with tools/make-photo-corpus.ts (or run npm run bench once)`);
const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, Number(values.limit));
const blobs = files.map((f) => readFileSync(path.join(dir, f)));
const VIEWS = 2;
const out = new Uint8Array(224 * 224 * 3);

/** Milliseconds per stage over one round. */
type Times = Map<string, number>;
const add = (times: Times, stage: string, ms: number): void => void times.set(stage, (times.get(stage) ?? 0) + ms);

/** Decode as augmentViews does: libjpeg-turbo straight into the kernels' memory, sharp for what it does not take. */
async function decode(blob: Uint8Array, key: string): Promise<DecodedImage> {
  return turboDecode(blob, DEFAULT_MAX_PIXELS, (width, height) => arena.place(width, height)) ??
    (await decodeImage(blob, { key, decoder: 'sharp' }));
}

/** The stages in the order they run; a transform that records no pixel work (crops, flips) has no stage of its own. */
const STAGES = ['decode', 'plan', 'resample', ...pipeline.transforms.filter((t) => t.kind === 'pixel').map((t) => t.spec.op), 'write'];

async function round(): Promise<{ times: Times; cpuMs: number }> {
  const times: Times = new Map(STAGES.map((stage) => [stage, 0]));
  const cpu = process.cpuUsage();
  for (const [i, blob] of blobs.entries()) {
    const key = String(i);
    let start = performance.now();
    const image = await decode(blob, key);
    add(times, 'decode', performance.now() - start);
    for (let v = 0; v < VIEWS; v++) {
      start = performance.now();
      const plan = new ViewPlan(image);
      const random = viewRandom(0, 0, key, v);
      // Each transform's pixel work, timed under its own name; what render() spends outside them is the resample.
      let opsMs = 0;
      for (const t of pipeline.transforms) {
        const first = plan.ops.length;
        t.plan(plan, random);
        for (let k = first; k < plan.ops.length; k++) {
          const op = plan.ops[k];
          plan.ops[k] = (view) => {
            const since = performance.now();
            op(view);
            const ms = performance.now() - since;
            opsMs += ms;
            add(times, t.spec.op, ms);
          };
        }
      }
      add(times, 'plan', performance.now() - start);
      start = performance.now();
      const view = plan.render();
      add(times, 'resample', performance.now() - start - opsMs);
      start = performance.now();
      writeView(view, out, 0, 'hwc', 3, plan.normalization);
      add(times, 'write', performance.now() - start);
    }
  }
  const used = process.cpuUsage(cpu);
  return { times, cpuMs: (used.user + used.system) / 1000 };
}

const decoder = jpegDecoder();
console.log(`${values.preset}, ${VIEWS} views of ${blobs.length} JPEGs from ${dir}, one thread; JPEG decoder ${decoder.decoder}; ` +
  'ms per photo (all its views), wall clock per stage');
for (let r = 1; r <= rounds; r++) {
  const { times, cpuMs } = await round();
  const per = (ms: number): string => (ms / blobs.length).toFixed(3);
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  const augment = total - (times.get('decode') ?? 0);
  console.log(`round ${r}: ${[...times].map(([stage, ms]) => `${stage} ${per(ms)}`).join(', ')}; ` +
    `augmentation ${per(augment)} = ${(augment / (times.get('decode') ?? NaN)).toFixed(2)}x the decode; CPU ${per(cpuMs)}`);
}
