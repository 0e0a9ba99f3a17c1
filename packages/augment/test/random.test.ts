import test from 'ava';
import { Random, viewRandom } from '../src/random.js';

test('viewRandom depends on every part of (seed, epoch, key, view) and nothing else', (t) => {
  const first = (seed: number, epoch: number, key: string, view: number) => viewRandom(seed, epoch, key, view).nextUint32();
  const base = first(1, 0, 'n01440764_10026', 0);
  t.is(first(1, 0, 'n01440764_10026', 0), base);
  const others = [first(2, 0, 'n01440764_10026', 0), first(1, 1, 'n01440764_10026', 0), first(1, 0, 'n01440764_10027', 0),
    first(1, 0, 'n01440764_10026', 1), first(2 ** 40 + 1, 0, 'n01440764_10026', 0), first(1, 0, 'ü', 0), first(1, 0, '', 0)];
  t.is(new Set([base, ...others]).size, others.length + 1);
});

test('draws are uniform enough: mean, range and permutations', (t) => {
  const random = new Random(1, 2, 3, 4);
  let sum = 0;
  let min = 1;
  let max = 0;
  for (let i = 0; i < 20000; i++) {
    const x = random.next();
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  t.true(Math.abs(sum / 20000 - 0.5) < 0.01);
  t.true(min >= 0 && min < 0.001 && max < 1 && max > 0.999);
  const counts = new Map<string, number>();
  for (let i = 0; i < 2400; i++) {
    const p = random.permutation(4).join('');
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  t.is(counts.size, 24);
  t.true([...counts.values()].every((c) => c > 50 && c < 150));
});
