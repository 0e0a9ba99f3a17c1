import { pack } from 'tar-stream';

/** Fixed header fields so that a rerun writes the same bytes (2026-01-01T00:00:00Z, root, 0644). */
export const TAR_HEADER = { mtime: new Date(Date.UTC(2026, 0, 1)), uid: 0, gid: 0, uname: '', gname: '', mode: 0o644 } as const;

export interface TarMember { name: string; data: Buffer }

/** Pack members, in the given order, into an in-memory ustar archive. */
export async function packTar(members: readonly TarMember[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk) => chunks.push(chunk as Buffer));
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const member of members) {
    await new Promise<void>((resolve, reject) => {
      archive.entry({ ...TAR_HEADER, name: member.name, size: member.data.length, type: 'file' }, member.data,
        (err) => (err ? reject(err) : resolve()));
    });
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
