// HTTP(S) shards through fetch: retries with exponential backoff, and a Range request that continues
// from the byte already consumed when a connection drops mid-shard.
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from './errors.js';

export interface HttpOptions {
  /** First byte to read (inclusive). */
  start: number;
  /** One past the last byte to read; undefined = to the end. */
  end: number | undefined;
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry in ms; doubles on each further retry. */
  retryDelay: number;
  /** Idle timeout in ms: a response that sends nothing for this long counts as a dropped connection. */
  timeout: number;
  signal: AbortSignal | undefined;
  /** Called before each retry (for the retry counter). */
  onRetry: (() => void) | undefined;
}

const retryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** Streams bytes [start, end) of an HTTP resource, resuming with `Range` after a failure. */
export async function* httpBytes(url: string, o: HttpOptions): AsyncGenerator<Buffer> {
  let pos = o.start;
  let failures = 0;
  let lastReason = '';
  let lastStatus: number | undefined;
  let lastCause: unknown;
  for (;;) {
    if (failures > 0) {
      if (failures > o.retries) {
        throw new HttpError(url, pos, { status: lastStatus, attempts: failures, reason: lastReason, cause: lastCause });
      }
      o.onRetry?.();
      await sleep(o.retryDelay * 2 ** (failures - 1), undefined, { signal: o.signal });
    }
    const ranged = pos > 0 || o.end !== undefined;
    const headers: Record<string, string> = {};
    if (ranged) headers.range = `bytes=${pos}-${o.end === undefined ? '' : o.end - 1}`;
    // the idle timer runs only while this generator waits on the network, not while the consumer holds a chunk
    const attempt = new AbortController();
    const signal = o.signal === undefined ? attempt.signal : AbortSignal.any([o.signal, attempt.signal]);
    const arm = (): NodeJS.Timeout => setTimeout(() => attempt.abort(new Error(`no data for ${o.timeout} ms`)), o.timeout);
    let timer = arm();
    let response: Response;
    try {
      response = await fetch(url, { headers, signal });
    } catch (error) {
      clearTimeout(timer);
      if (o.signal?.aborted) throw error;
      failures++;
      lastStatus = undefined;
      lastCause = attempt.signal.aborted ? attempt.signal.reason : error;
      lastReason = describe(lastCause);
      continue;
    }
    if (response.status !== 200 && response.status !== 206) {
      clearTimeout(timer);
      await response.body?.cancel();
      lastStatus = response.status;
      lastReason = `status ${response.status} ${response.statusText}`;
      lastCause = undefined;
      if (!retryableStatus(response.status)) {
        throw new HttpError(url, pos, { status: response.status, attempts: failures + 1, reason: lastReason });
      }
      failures++;
      continue;
    }
    // A server that ignores Range answers 200 with the whole body: skip what was already consumed.
    let skip = 0;
    if (response.status === 200) {
      skip = pos;
    } else {
      const first = /bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
      if (first === null || Number(first[1]) !== pos) {
        clearTimeout(timer);
        await response.body?.cancel();
        throw new HttpError(url, pos, {
          status: 206, attempts: failures + 1,
          reason: `server answered the range request with Content-Range "${response.headers.get('content-range')}"`,
        });
      }
    }
    const length = response.headers.get('content-length');
    const expectedEnd = length === null ? o.end : pos - skip + Number(length);
    const before = pos;
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (skip > 0) {
          const drop = Math.min(skip, buf.length);
          skip -= drop;
          buf = buf.subarray(drop);
          if (buf.length === 0) continue;
        }
        if (o.end !== undefined && pos + buf.length > o.end) buf = buf.subarray(0, o.end - pos);
        pos += buf.length;
        clearTimeout(timer);
        yield buf;
        if (o.end !== undefined && pos >= o.end) return;
        timer = arm();
      }
      if (expectedEnd === undefined || pos >= expectedEnd) return;
      lastReason = `connection closed at byte ${pos} of ${expectedEnd}`;
      lastCause = undefined;
    } catch (error) {
      if (o.signal?.aborted) throw error;
      const cause = attempt.signal.aborted ? attempt.signal.reason : error;
      lastReason = `connection lost at byte ${pos}: ${describe(cause)}`;
      lastCause = cause;
    } finally {
      clearTimeout(timer);
    }
    lastStatus = undefined;
    // progress since the last failure means the link works: start the backoff over
    failures = pos > before ? 1 : failures + 1;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
