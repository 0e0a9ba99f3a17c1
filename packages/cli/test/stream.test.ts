// `twinflow stream bench`: one epoch of real shards through the worker pool, with the figures it prints.
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runCli } from './helpers.js';

const shards = fileURLToPath(new URL('../../../fixtures/shards/', import.meta.url)) + 'wds-{000000..000003}.tar';

test.serial('stream bench streams every sample and prints images/s, stage times and the JPEG decoder', async (t) => {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  let run;
  try {
    run = await runCli(['stream', 'bench', shards, '--threads', '2', '--batch-size', '8', '--size', '32']);
  } finally {
    process.stdout.write = write;
  }
  t.is(run.error, undefined, String(run.error));
  t.regex(out, /^simclr 2-view 32px, 2 threads: \d+\.\d images\/s$/m);
  // The four fixture shards hold 12 samples each.
  t.regex(out, /^ {2}48 images in 6 batches, /m);
  t.regex(out, /^ {2}read \d+\.\d\d ms\/img, decode \d+\.\d\d ms\/img, augment \d+\.\d\d ms\/img/m);
  t.regex(out, /^ {2}JPEG decoder: (libjpeg-turbo|sharp) \(.+\)$/m);
  if (process.env.TWINFLOW_REQUIRE_TURBOJPEG === '1') t.regex(out, /JPEG decoder: libjpeg-turbo/);
});
