import { Writable } from 'node:stream';
import test from 'ava';
import { createProgress, formatDuration } from '../src/progress.js';

function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, text: () => text };
}

test('off a TTY, progress prints one plain line per 10% (plus the end), with rate, fields and ETA', (t) => {
  const out = sink(false);
  const progress = createProgress({ label: 'simclr', total: 100, stream: out.stream, interval: 1e9 });
  for (let step = 1; step <= 100; step++) progress.update({ value: step, imagesPerSec: 512.4, fields: { loss: 5.1234, epoch: 3 } });
  progress.log('a log line');
  progress.stop();
  const lines = out.text().trim().split('\n');
  t.is(lines.length, 11);
  t.regex(lines[0], /^simclr 10\/100 steps \(10%\) 512 img\/s loss 5\.123 epoch 3 elapsed \d+s eta \d+s$/);
  t.regex(lines[9], /^simclr 100\/100 steps \(100%\)/);
  t.is(lines[10], 'a log line');
  t.false(out.text().includes('\u001b['), 'no terminal escapes');
});

test('on a TTY, progress draws a bar with ETA and images/s', (t) => {
  const out = sink(true);
  const progress = createProgress({ label: 'simclr', total: 10, stream: out.stream });
  progress.update({ value: 5, imagesPerSec: 300, fields: { loss: 4.5 } });
  progress.stop();
  t.regex(out.text(), /simclr \[[^\]]+\] 50% \| ETA \S+ \| 5\/10 steps \| 300 img\/s loss 4\.500/);
});

test('formatDuration', (t) => {
  t.is(formatDuration(5.2), '5s');
  t.is(formatDuration(125), '2m05s');
  t.is(formatDuration(3 * 3600 + 120), '3h02m');
  t.is(formatDuration(Number.NaN), '?');
});
