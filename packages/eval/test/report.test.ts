import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, writeEvalJson } from '../src/index.js';
import type { EvalReport } from '../src/index.js';

const probe = (top1: number, protocol: 'cached-features' | 'augmented' = 'cached-features') => ({
  top1, top5: 0.995, epochs: 100, protocol, trainLoss: 0.3, classes: 10, trainSamples: 60000, testSamples: 10000, seconds: 42,
});
const knnResult = (top1: number) => ({ top1, top5: 0.99, k: 200, temperature: 0.1, bankSamples: 60000, testSamples: 10000, seconds: 3 });
const split = { train: { samples: 60000, digest: '0123456789abcdef' }, test: { samples: 10000, digest: 'fedcba9876543210' } };
const baselines = {
  randomInit: { probe: probe(0.808), knn: knnResult(0.76), split, bnSamples: 60000 },
  rawPixels: { probe: probe(0.836), knn: knnResult(0.855), split },
};

const simclr: EvalReport = {
  version: 1, name: 'simclr', pretrain: { method: 'simclr', arch: 'convnet', epochs: 100, seconds: 7384 },
  probe: probe(0.891), knn: knnResult(0.87), baselines, split, flags: [], seconds: 95,
};
const moco: EvalReport = {
  version: 1, name: 'moco-v2', pretrain: { method: 'moco-v2', epochs: 1, seconds: 61 },
  probe: probe(0.82, 'augmented'), probeCached: probe(0.815), knn: knnResult(0.8), baselines, split,
  flags: ['probe top-1 82.00% does not beat the raw-pixel baseline probe 83.60%'], seconds: 12.5,
};

test('the table shows each result, its fast-path probe, the baselines once, and the flags', (t) => {
  const table = formatTable([simclr, moco]);
  const lines = table.split('\n');
  t.regex(lines[0], /^result\s+probe top-1\s+probe top-5\s+protocol\s+probe epochs\s+k-NN top-1\s+pretrain epochs\s+pretrain time\s+eval time$/);
  const row = (name: string) => lines.find((l) => l.startsWith(name)) ?? '';
  t.regex(row('simclr'), /^simclr\s+89\.10%\s+99\.50%\s+cached-features\s+100\s+87\.00%\s+100\s+2h03m\s+1m35s$/);
  t.regex(row('moco-v2'), /^moco-v2\s+82\.00%\s+99\.50%\s+augmented\s+100\s+80\.00%\s+1\s+1m01s\s+12\.5s\s+!$/);
  t.regex(row('  moco-v2 (cached)'), /81\.50%\s+99\.50%\s+cached-features\s+100$/);
  t.is(lines.filter((l) => l.startsWith('baseline: random-init encoder')).length, 1);
  t.regex(row('baseline: random-init encoder'), /80\.80%.*76\.00%/);
  t.regex(row('baseline: raw-pixel logistic regression'), /83\.60%.*85\.50%/);
  t.true(lines.includes('! moco-v2: probe top-1 82.00% does not beat the raw-pixel baseline probe 83.60%'));
  t.is(lines[lines.length - 1], 'k-NN: k=200, T=0.1, cosine similarity, votes exp(sim/T)');
});

test('eval.json is written into the run directory with the documented shape', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'twinflow-eval-'));
  try {
    const path = await writeEvalJson(join(dir, 'run-1'), simclr);
    t.is(path, join(dir, 'run-1', 'eval.json'));
    const json = JSON.parse(await readFile(path, 'utf8'));
    t.deepEqual(Object.keys(json).sort(), ['baselines', 'flags', 'knn', 'name', 'pretrain', 'probe', 'seconds', 'split', 'version']);
    t.is(json.probe.top1, 0.891);
    t.is(json.probe.protocol, 'cached-features');
    t.is(json.knn.k, 200);
    t.is(json.baselines.randomInit.probe.top1, 0.808);
    t.is(json.baselines.rawPixels.knn.top1, 0.855);
    t.deepEqual(json.flags, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
