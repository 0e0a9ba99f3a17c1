// Push-style tar framing over arbitrary chunks: headers are decoded in place and member data is handed out
// as views of the chunks (copied only when a member spans chunks). tar-stream's extract() costs one stream
// object and several events per member; this loop reads ImageNet-sized samples at close to raw fs speed
// (see bench/shards.bench.ts). Long names (GNU 'L', pax 'path') and pax sizes are honoured.
import { CorruptTarHeaderError, NotATarError, TruncatedTarError } from './errors.js';
import { decodeHeader, decodePax, isZeroBlock } from './tar-header.js';

export interface TarMember {
  name: string;
  /** Byte offset of the member's header block in the shard. */
  offset: number;
  data: Buffer;
}

const pad512 = (n: number): number => (n + 511) & ~511;

const State = { Header: 0, Data: 1, Skip: 2, End: 3 } as const;
type State = (typeof State)[keyof typeof State];

export class TarParser {
  private state: State = State.Header;
  /** Bytes consumed so far (offset of the next byte). */
  private position: number;
  private readonly header = Buffer.alloc(512);
  private headerFill = 0;
  private headerOffset = 0;
  private sawHeader = false;
  /** Member being read: its name, size and the parts received so far; `kind` says what its data is for. */
  private name = '';
  private size = 0;
  private kind: 'file' | 'long-name' | 'pax' | 'skip' = 'file';
  private parts: Buffer[] = [];
  private received = 0;
  /** Bytes of padding (or ignored data) still to skip. */
  private skip = 0;
  private longName: string | undefined;
  private paxPath: string | undefined;
  private paxSize: number | undefined;

  /** `base` is the offset of the first byte fed (a member tar inside an outer tar). */
  constructor(private readonly url: string, private readonly base: number, private readonly onIgnored: (name: string) => void) {
    this.position = base;
  }

  /** Name of the member whose data is incomplete, if the stream stopped now. */
  get cut(): string | undefined {
    return this.state === State.Data && this.kind === 'file' ? this.name : undefined;
  }

  /** Feeds one chunk; appends the members it completes to `out`. */
  push(chunk: Buffer, out: TarMember[]): void {
    let at = 0;
    const n = chunk.length;
    while (at < n) {
      switch (this.state) {
        case State.End:
          this.position += n - at;
          return;
        case State.Skip: {
          const take = Math.min(this.skip, n - at);
          this.skip -= take;
          at += take;
          this.position += take;
          if (this.skip === 0) this.state = State.Header;
          break;
        }
        case State.Header: {
          let block: Buffer;
          if (this.headerFill === 0 && n - at >= 512) {
            block = chunk.subarray(at, at + 512);
            this.headerOffset = this.position;
            at += 512;
            this.position += 512;
          } else {
            if (this.headerFill === 0) this.headerOffset = this.position;
            const take = Math.min(512 - this.headerFill, n - at);
            chunk.copy(this.header, this.headerFill, at, at + take);
            this.headerFill += take;
            at += take;
            this.position += take;
            if (this.headerFill < 512) return;
            this.headerFill = 0;
            block = this.header;
          }
          this.onHeader(block, out);
          break;
        }
        case State.Data: {
          const take = Math.min(this.size - this.received, n - at);
          this.parts.push(chunk.subarray(at, at + take));
          this.received += take;
          at += take;
          this.position += take;
          if (this.received === this.size) this.finishData(out);
          break;
        }
      }
    }
  }

  /** Checks that the data did not stop inside a header or member. */
  end(): void {
    if (this.state === State.End) return;
    if (!this.sawHeader) {
      throw new NotATarError(this.url, this.position - this.base);
    }
    if (this.state === State.Header && this.headerFill === 0) return;
    throw new TruncatedTarError(this.url, this.position, this.cut);
  }

  private onHeader(block: Buffer, out: TarMember[]): void {
    // a real header starts with a non-empty name, so only a block starting with 0 can be the end marker
    if (block[0] === 0 && isZeroBlock(block)) {
      if (!this.sawHeader && this.headerOffset === this.base) {
        // an archive that is nothing but end-of-archive blocks is a valid empty tar
        this.sawHeader = true;
      }
      this.state = State.End;
      return;
    }
    const header = decodeHeader(block);
    if (header === undefined) {
      if (!this.sawHeader) throw new NotATarError(this.url, undefined);
      throw new CorruptTarHeaderError(this.url, this.headerOffset);
    }
    this.sawHeader = true;
    let size = header.size;
    switch (header.type) {
      case 'L':
        this.kind = 'long-name';
        break;
      case 'x':
        this.kind = 'pax';
        break;
      case '0':
      case '7':
        this.kind = 'file';
        this.name = this.paxPath ?? this.longName ?? header.name;
        size = this.paxSize ?? size;
        this.longName = this.paxPath = this.paxSize = undefined;
        break;
      default:
        // directories, links, pax globals, GNU long link names: not sample parts
        if (header.type !== 'g' && header.type !== 'K') {
          this.onIgnored(this.paxPath ?? this.longName ?? header.name);
          this.longName = this.paxPath = this.paxSize = undefined;
        }
        this.kind = 'skip';
    }
    this.size = size;
    this.received = 0;
    this.parts = [];
    if (this.kind === 'skip') {
      this.skipTo(pad512(size));
      return;
    }
    if (size === 0) this.finishData(out);
    else this.state = State.Data;
  }

  private finishData(out: TarMember[]): void {
    const data = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    this.parts = [];
    if (this.kind === 'file') {
      out.push({ name: this.name, offset: this.headerOffset, data });
    } else if (this.kind === 'long-name') {
      this.longName = data.toString('utf8').replace(/\0+$/, '');
    } else if (this.kind === 'pax') {
      const pax = decodePax(data);
      if (pax.path !== undefined) this.paxPath = pax.path;
      if (pax.size !== undefined && Number.isSafeInteger(Number(pax.size))) this.paxSize = Number(pax.size);
    }
    this.skipTo(pad512(this.size) - this.size);
  }

  private skipTo(bytes: number): void {
    this.skip = bytes;
    this.state = bytes > 0 ? State.Skip : State.Header;
  }
}
