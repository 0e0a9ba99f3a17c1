// benchStream(): one epoch streamed and released as fast as possible, with its counts, rates and CPU cost.
import test from 'ava';
import { benchStream } from '../src/index.js';
import { small, wds } from './helpers/fixtures.js';

test('reports every image, the rates, the steady CPU cost per image and the stream stats', async (t) => {
  const result = await benchStream({ data: wds, pipeline: small, batchSize: 8, threads: 1, seed: 0 });
  t.is(result.images, 48);
  t.is(result.batches, 6);
  t.is(result.stats.samples, 48);
  t.true(result.imagesPerSecond > 0 && result.steadyImagesPerSecond > 0);
  // Process CPU after the first batch, over the 40 images after it: positive and finite.
  t.true(Number.isFinite(result.steadyCpuMsPerImage) && result.steadyCpuMsPerImage > 0, String(result.steadyCpuMsPerImage));
  t.true(result.peakRssBytes > 0);
});

test('with a single batch there is no steady part: the steady CPU cost is NaN and the steady rate is the overall one', async (t) => {
  const result = await benchStream({ data: wds, pipeline: small, batchSize: 48, threads: 1, seed: 0 });
  t.is(result.batches, 1);
  t.true(Number.isNaN(result.steadyCpuMsPerImage));
  t.is(result.steadyImagesPerSecond, result.imagesPerSecond);
});
