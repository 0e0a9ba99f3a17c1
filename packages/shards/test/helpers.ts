// Shared test helpers: real tar files written with tar-stream, a real HTTP server on 127.0.0.1.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract, pack } from 'tar-stream';
import type { Sample, ShardDataset } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
export const WDS = join(FIXTURES, 'shards', 'wds-{000000..000003}.tar');
export const BROKEN = join(FIXTURES, 'broken');
export const IMAGENET = join(FIXTURES, 'imagenet');

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'twinflow-shards-'));

/** Writes a tar of the given members (name -> content) in order; returns its path. */
export async function writeTar(path: string, members: [string, string | Buffer][]): Promise<string> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const [name, content] of members) p.entry({ name, mtime: new Date(0) }, content);
  p.finalize();
  await done;
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

/** `count` numbered shards of `perShard` samples (keys `s<shard>_<i>`, parts cls + bin); returns the spec. */
export async function makeShards(dir: string, count: number, perShard: number, prefix = 'part'): Promise<string> {
  for (let s = 0; s < count; s++) {
    const members: [string, string][] = [];
    for (let i = 0; i < perShard; i++) {
      const key = `s${s}_${i}`;
      members.push([`${key}.cls`, String((s * perShard + i) % 7)], [`${key}.bin`, `payload ${s}/${i} `.repeat(1 + (i % 5))]);
    }
    await writeTar(join(dir, `${prefix}-${String(s).padStart(4, '0')}.tar`), members);
  }
  return join(dir, `${prefix}-{0000..${String(count - 1).padStart(4, '0')}}.tar`);
}

/** Every sample of one pass. */
export async function collect(ds: AsyncIterable<Sample>, limit = Infinity): Promise<Sample[]> {
  const out: Sample[] = [];
  if (limit <= 0) return out;
  for await (const sample of ds) {
    out.push(sample);
    if (out.length >= limit) break;
  }
  return out;
}

export const keys = (samples: Sample[]): string[] => samples.map((s) => s.key);

/** Samples of the first `n` yields of a fresh pass, then the dataset state. */
export async function takeThenState(ds: ShardDataset, n: number): Promise<{ samples: Sample[]; state: ReturnType<ShardDataset['state']> }> {
  const samples = await collect(ds, n);
  return { samples, state: JSON.parse(JSON.stringify(ds.state())) };
}

/** The members of a tar according to tar-stream's extract(), as [name, bytes] pairs: the reference reader. */
export async function referenceMembers(path: string): Promise<[string, Buffer][]> {
  const ex = extract();
  createReadStream(path).pipe(ex);
  const out: [string, Buffer][] = [];
  for await (const entry of ex) {
    const parts: Buffer[] = [];
    for await (const part of entry) parts.push(part as Buffer);
    if (entry.header.type === 'file') out.push([entry.header.name, Buffer.concat(parts)]);
  }
  return out;
}

export interface TestServer {
  url: string;
  /** Every request as (path, Range header). */
  requests: { path: string; range: string | undefined }[];
  close(): Promise<void>;
}

/**
 * Serves files under `root` with Range support. `behave` may take over a request (return true when it did),
 * e.g. to answer 500 or to drop the connection after some bytes.
 */
export async function startServer(
  root: string,
  behave?: (req: IncomingMessage, res: ServerResponse, attempt: number) => boolean,
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push({ path, range: req.headers.range });
    const attempt = (attempts.get(path) ?? 0) + 1;
    attempts.set(path, attempt);
    if (behave?.(req, res, attempt)) return;
    serveFile(join(root, path), req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function serveFile(file: string, req: IncomingMessage, res: ServerResponse, dropAfter?: number): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    res.writeHead(404).end('not found');
    return;
  }
  const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range && range[2] !== '' ? Number(range[2]) + 1 : size;
  res.writeHead(range ? 206 : 200, {
    'content-length': String(end - start),
    ...(range ? { 'content-range': `bytes ${start}-${end - 1}/${size}` } : {}),
  });
  const body = readFileSync(file).subarray(start, end);
  if (dropAfter === undefined) {
    res.end(body);
    return;
  }
  res.write(body.subarray(0, dropAfter), () => {
    setTimeout(() => res.socket?.destroy(), 20);
  });
}
