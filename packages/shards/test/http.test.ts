import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { HttpError, shards } from '../src/index.js';
import type { Sample } from '../src/index.js';
import { FIXTURES, collect, serveFile, startServer } from './helpers.js';

const dir = join(FIXTURES, 'shards');
const local = async (spec: string): Promise<Sample[]> => collect(shards(join(dir, spec)));
const same = (a: Sample[], b: Sample[]): boolean =>
  a.length === b.length && a.every((s, i) => s.key === b[i].key && Object.keys(s.parts).every((k) => s.parts[k].equals(b[i].parts[k])));

test('http: brace range of URLs streams the same samples as the files', async (t) => {
  const server = await startServer(dir);
  t.teardown(() => server.close());
  const remote = await collect(shards(`${server.url}/wds-{000000..000003}.tar`));
  t.true(same(remote, await local('wds-{000000..000003}.tar')));
  t.is(remote[0].url, `${server.url}/wds-000000.tar`);
  t.true(server.requests.every((r) => r.range === undefined));
});

test('http: a dropped connection resumes with a Range request from the byte already consumed', async (t) => {
  const dropAt = 40_000;
  const server = await startServer(dir, (req, res, attempt) => {
    if (attempt !== 1 || !req.url?.includes('000001')) return false;
    serveFile(join(dir, 'wds-000001.tar'), req, res, dropAt);
    return true;
  });
  t.teardown(() => server.close());
  const ds = shards(`${server.url}/wds-{000000..000001}.tar`, { retryDelay: 5 });
  const remote = await collect(ds);
  t.true(same(remote, await local('wds-{000000..000001}.tar')));
  const second = server.requests.filter((r) => r.path === '/wds-000001.tar');
  t.deepEqual(second.map((r) => r.range), [undefined, `bytes=${dropAt}-`]);
  t.is(ds.stats.retries, 1);
  t.is(ds.stats.bytes, readFileSync(join(dir, 'wds-000000.tar')).length + readFileSync(join(dir, 'wds-000001.tar')).length);
});

test('http: a server that ignores Range after a drop is handled by skipping what was consumed', async (t) => {
  const server = await startServer(dir, (req, res, attempt) => {
    if (attempt === 1) serveFile(join(dir, 'wds-000002.tar'), req, res, 50_000);
    else {
      delete req.headers.range;
      serveFile(join(dir, 'wds-000002.tar'), req, res);
    }
    return true;
  });
  t.teardown(() => server.close());
  const remote = await collect(shards(`${server.url}/wds-000002.tar`, { retryDelay: 5 }));
  t.true(same(remote, await local('wds-000002.tar')));
});

test('http: 404 fails at once with an HttpError naming URL, status and byte offset', async (t) => {
  const server = await startServer(dir);
  t.teardown(() => server.close());
  const url = `${server.url}/nope.tar`;
  const error = await t.throwsAsync(collect(shards(url, { retryDelay: 5 })), { instanceOf: HttpError });
  t.is(error?.message, `HTTP request for ${url} at byte 0 failed after 1 attempt: status 404 Not Found`);
  t.is(error?.status, 404);
  t.is(server.requests.length, 1);
});

test('http: 500 is retried with backoff, then a clear error after the last retry', async (t) => {
  const server = await startServer(dir, (_req, res) => {
    res.writeHead(500).end('boom');
    return true;
  });
  t.teardown(() => server.close());
  const url = `${server.url}/wds-000000.tar`;
  const ds = shards(url, { retries: 2, retryDelay: 5 });
  const error = await t.throwsAsync(collect(ds), { instanceOf: HttpError });
  t.is(error?.message, `HTTP request for ${url} at byte 0 failed after 3 attempts: status 500 Internal Server Error`);
  t.is(error?.attempts, 3);
  t.is(server.requests.length, 3);
  t.is(ds.stats.retries, 2);
});

test('http: a transient 500 then success reads the shard; skip-shard skips a dead one and goes on', async (t) => {
  const server = await startServer(dir, (req, res, attempt) => {
    if (req.url?.includes('000003')) {
      res.writeHead(503).end();
      return true;
    }
    if (attempt > 1) return false;
    res.writeHead(500).end();
    return true;
  });
  t.teardown(() => server.close());
  const ds = shards(`${server.url}/wds-{000000..000001}.tar::${server.url}/wds-000003.tar`, {
    retries: 1, retryDelay: 5, errors: 'skip-shard',
  });
  const remote = await collect(ds);
  t.true(same(remote, await local('wds-{000000..000001}.tar')));
  t.like(ds.stats, { shards: 2, skippedShards: 1, errors: { HttpError: 1 } });
});

test('http: a connection that keeps dropping without progress ends in an HttpError', async (t) => {
  const server = await startServer(dir, (req, res) => {
    serveFile(join(dir, 'wds-000000.tar'), req, res, 0);
    return true;
  });
  t.teardown(() => server.close());
  const error = await t.throwsAsync(collect(shards(`${server.url}/wds-000000.tar`, { retries: 2, retryDelay: 5 })), { instanceOf: HttpError });
  t.regex(error?.message ?? '', /at byte 0 failed after 3 attempts: connection (lost|closed) at byte 0/);
});

test('http: a connection that stalls is timed out and resumed with Range; a slow consumer is not a stall', async (t) => {
  const stallAt = 30_000;
  const server = await startServer(dir, (req, res, attempt) => {
    if (attempt !== 1 || !req.url?.includes('000002')) return false;
    res.writeHead(200, { 'content-length': String(readFileSync(join(dir, 'wds-000002.tar')).length) });
    res.write(readFileSync(join(dir, 'wds-000002.tar')).subarray(0, stallAt));
    return true;
  });
  t.teardown(() => server.close());
  const stalled = shards(`${server.url}/wds-000002.tar`, { timeout: 1000, retryDelay: 5 });
  t.true(same(await collect(stalled), await local('wds-000002.tar')));
  t.deepEqual(server.requests.map((r) => r.range), [undefined, `bytes=${stallAt}-`]);
  t.is(stalled.stats.retries, 1);

  // the whole (small) body arrives at once: after the pause the reader finds its data without waiting
  const slow = shards(`${server.url}/wds-000003.tar`, { timeout: 1000 });
  let n = 0;
  for await (const _ of slow) if (n++ === 0) await new Promise((resolve) => setTimeout(resolve, 1500));
  t.is(n, 12);
  t.is(slow.stats.retries, 0);
});
