// Is this tree's augmentation faster than another commit's, and does it give the same bytes? Checks the other
// commit out into a temporary git worktree, decodes a set of corpus photos once, then renders every photo's views
// with both trees' renderViews (no decode), alternating whole rounds between the two, and prints the median of the
// per-round time ratios with its quartiles, and whether every view came out byte for byte the same.
//
//   npm run bench:compare -w @twinflow/augment -- --ref <commit> [--preset simclr|mocoV2|rrc|jitter] [--rounds 21] [--limit 300]

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as AugmentModule from '../src/index.js';

type Augment = typeof AugmentModule;

const { values } = parseArgs({
  options: {
    ref: { type: 'string' },
    preset: { type: 'string', default: 'simclr' },
    rounds: { type: 'string', default: '21' },
    limit: { type: 'string', default: '300' },
  },
});
if (values.ref === undefined) throw new Error('--ref <commit> is required: the commit to compare this tree against');
const rounds = Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const dir = path.join(root, 'bench-data', 'photos');
if (!existsSync(dir)) throw new Error(`No corpus at ${dir}: make it with tools/make-photo-corpus.ts (or run npm run bench once)`);

const pipelines: Record<string, (m: Augment) => ReturnType<Augment['compose']>> = {
  simclr: (m) => m.simclr({ size: 224 }),
  mocoV2: (m) => m.mocoV2({ size: 224 }),
  rrc: (m) => m.compose([m.randomResizedCrop({ size: 224 }), m.horizontalFlip()]),
  jitter: (m) => m.compose([m.randomResizedCrop({ size: 224 }), m.colorJitter({ p: 1 })]),
};
const make = pipelines[values.preset];
if (make === undefined) throw new Error(`--preset must be one of ${Object.keys(pipelines).join(', ')}, got ${values.preset}`);

const worktree = mkdtempSync(path.join(os.tmpdir(), 'twinflow-compare-'));
execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', worktree, values.ref], { stdio: 'ignore' });
try {
  symlinkSync(path.join(root, 'node_modules'), path.join(worktree, 'node_modules'));
  const entry = (tree: string): string => pathToFileURL(path.join(tree, 'packages', 'augment', 'src', 'index.ts')).href;
  const theirs = (await import(entry(worktree))) as Augment;
  const ours = (await import(entry(root))) as Augment;
  const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, Number(values.limit));
  const images = await Promise.all(files.map((f) => ours.decodeImage(readFileSync(path.join(dir, f)), { key: f })));
  const buffers = [new Uint8Array(224 * 224 * 3), new Uint8Array(224 * 224 * 3)];
  const out = { buffers, offsets: [0, 0] };

  /** Render every photo's two views with `m`; returns ms per photo, and the hash of all views when asked. */
  function round(m: Augment, pipeline: ReturnType<Augment['compose']>, hash?: ReturnType<typeof createHash>): number {
    const start = performance.now();
    images.forEach((image, i) => {
      m.renderViews(image, pipeline, { seed: 0, key: files[i], views: 2, out });
      if (hash) buffers.forEach((b) => hash.update(b));
    });
    return (performance.now() - start) / images.length;
  }
  const [pThem, pUs] = [make(theirs), make(ours)];
  const [hThem, hUs] = [createHash('sha256'), createHash('sha256')];
  round(theirs, pThem, hThem);
  round(ours, pUs, hUs);
  const same = hThem.digest('hex') === hUs.digest('hex');
  const ratios: number[] = [];
  const [tThem, tUs]: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) {
    // alternate which tree goes first, so neither always runs on the caches the other left
    let them: number;
    let us: number;
    if (r % 2 === 0) {
      them = round(theirs, pThem);
      us = round(ours, pUs);
    } else {
      us = round(ours, pUs);
      them = round(theirs, pThem);
    }
    tThem.push(them);
    tUs.push(us);
    ratios.push(them / us);
  }
  const sorted = (xs: number[]): number[] => [...xs].sort((x, y) => x - y);
  const at = (xs: number[], q: number): number => sorted(xs)[Math.round(q * (xs.length - 1))];
  console.log(`${values.preset}, two 224x224 views of ${images.length} photos, renderViews only (no decode), ${rounds} alternating rounds`);
  console.log(`${values.ref}: ${at(tThem, 0.5).toFixed(3)} ms/photo; this tree: ${at(tUs, 0.5).toFixed(3)} ms/photo`);
  console.log(`this tree is ${at(ratios, 0.5).toFixed(3)}x as fast (quartiles ${at(ratios, 0.25).toFixed(3)}-${at(ratios, 0.75).toFixed(3)}); ` +
    `views ${same ? 'byte for byte the same' : 'DIFFER'}`);
} finally {
  execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', worktree], { stdio: 'ignore' });
  rmSync(worktree, { recursive: true, force: true });
}
