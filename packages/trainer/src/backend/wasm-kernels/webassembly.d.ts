// The WebAssembly JS API that Node provides, as far as the native kernels use it. TypeScript only ships
// these types in its DOM and web-worker libraries, which a Node package should not pull in.
declare namespace WebAssembly {
  interface MemoryDescriptor { initial: number; maximum?: number; shared?: boolean }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Global {
    readonly value: unknown;
  }
  type Imports = Record<string, Record<string, Memory | Global | ((...args: number[]) => unknown)>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, unknown>;
  }
}
