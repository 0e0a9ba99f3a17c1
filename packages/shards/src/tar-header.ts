// Decoding of one 512-byte tar header block (ustar, GNU and v7) and of pax records.

export interface TarHeader {
  name: string;
  size: number;
  /** Type flag: '0' file, '7' contiguous file, '5' directory, 'x'/'g' pax, 'L'/'K' GNU long name/link, ... */
  type: string;
}

function octal(block: Uint8Array, from: number, length: number): number {
  if (block[from] & 0x80) {
    // GNU base-256, used for sizes of 8 GiB and more
    let value = block[from] & 0x7f;
    for (let i = from + 1; i < from + length; i++) value = value * 256 + block[i];
    return value;
  }
  let value = 0;
  let i = from;
  const end = from + length;
  while (i < end && block[i] === 0x20) i++;
  for (; i < end; i++) {
    const c = block[i];
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return NaN;
    value = value * 8 + (c - 0x30);
  }
  return value;
}

function cString(block: Buffer, from: number, length: number): string {
  let end = from;
  const max = from + length;
  while (end < max && block[end] !== 0) end++;
  return block.toString('utf8', from, end);
}

/** Whether a block is all zeros (end-of-archive marker). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < 512; i += 4) if (block.readUInt32LE(i) !== 0) return false;
  return true;
}

/** Decodes a header block; undefined when the checksum does not match (corrupt, or not a tar at all). */
export function decodeHeader(block: Buffer): TarHeader | undefined {
  const stored = octal(block, 148, 8);
  let sum = 8 * 0x20;
  let high = 0;
  for (let i = 0; i < 148; i++) sum += block[i];
  for (let i = 156; i < 512; i++) sum += block[i];
  // some old writers summed signed bytes: each byte >= 128 then counts 256 less
  if (stored !== sum) {
    for (let i = 0; i < 512; i++) if ((i < 148 || i >= 156) && block[i] > 127) high++;
    if (stored !== sum - 256 * high) return undefined;
  }
  const size = octal(block, 124, 12);
  if (!Number.isSafeInteger(size)) return undefined;
  const type = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
  const name = cString(block, 0, 100);
  // ustar ("ustar\0") puts a path prefix at 345; GNU ("ustar  ") uses that area for other fields
  const ustar = block[257] === 0x75 && block[258] === 0x73 && block[259] === 0x74 && block[260] === 0x61 &&
    block[261] === 0x72 && block[262] === 0;
  const prefix = ustar ? cString(block, 345, 155) : '';
  return { name: prefix === '' ? name : `${prefix}/${name}`, size, type };
}

/** Parses pax extended header records (`<len> key=value\n`). */
export function decodePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}
