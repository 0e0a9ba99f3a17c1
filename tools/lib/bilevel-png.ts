// A PNG whose header declares a huge canvas while the file stays a few KB: one-bit greyscale, every row
// identical, deflated. Written chunk by chunk because encoding it through an image library would first
// allocate the full canvas (hundreds of MB for 12000x12000) only to compress it back to almost nothing.
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A width x height (pixels) one-bit greyscale PNG filled with black (`white` false) or white. */
export function bilevelPng(width: number, height: number, white = false): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // colour type: greyscale
  const rowBytes = Math.ceil(width / 8);
  // Each scanline is a filter-type byte (0 = none) followed by the packed pixels.
  const row = Buffer.alloc(1 + rowBytes, white ? 0xff : 0x00);
  row[0] = 0;
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
