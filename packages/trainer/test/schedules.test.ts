import test from 'ava';
import { OptionError, scaleLearningRate, warmupCosine } from '../src/index.js';

test('scaleLearningRate: linear is base x B/256, sqrt is base x sqrt(B)', (t) => {
  t.is(scaleLearningRate(0.3, 4096, 'linear'), 4.8);
  t.is(scaleLearningRate(0.03, 256, 'linear'), 0.03);
  t.is(scaleLearningRate(0.075, 64, 'sqrt'), 0.6);
});

test('warmupCosine follows SimCLR: linear warm-up from 0, then cosine to 0', (t) => {
  const peak = 1.2;
  const warmup = 10;
  const total = 110;
  const lr = warmupCosine({ peak, totalSteps: total, warmupSteps: warmup });
  for (let s = 0; s <= total + 5; s++) {
    const want = s < warmup ? (peak * s) / warmup : (peak * (1 + Math.cos((Math.PI * Math.min(s - warmup, 100)) / 100))) / 2;
    t.true(Math.abs(lr(s) - want) < 1e-12, `step ${s}: ${lr(s)} vs ${want}`);
  }
  t.is(lr(0), 0);
  t.is(lr(warmup), peak);
  t.true(Math.abs(lr(total)) < 1e-12);
});

test('warmupCosine with stepSize holds the rate per epoch (MoCo half-cosine)', (t) => {
  const lr = warmupCosine({ peak: 0.03, totalSteps: 40, stepSize: 10 });
  for (let s = 0; s < 40; s++) {
    const epoch = Math.floor(s / 10);
    t.true(Math.abs(lr(s) - (0.03 * (1 + Math.cos((Math.PI * epoch) / 4))) / 2) < 1e-15);
  }
  t.is(lr(0), 0.03);
});

for (const [make, message] of [
  [() => warmupCosine({ peak: 1, totalSteps: 0 }), 'Expected an integer >= 1 for options.totalSteps but received 0 of type number'],
  [() => warmupCosine({ peak: -1, totalSteps: 5 }), 'Expected a number >= 0 for options.peak but received -1 of type number'],
  [() => warmupCosine({ peak: 1, totalSteps: 5, warmupSteps: 1.5 }), 'Expected an integer >= 0 for options.warmupSteps but received 1.5 of type number'],
  [() => scaleLearningRate(0.3, 8, 'log' as 'sqrt'), 'Expected one of "linear", "sqrt" for scaling but received "log" of type string'],
] as const) {
  test(`invalid schedule option: ${message}`, (t) => {
    t.throws(make, { instanceOf: OptionError, message });
  });
}
