/*
 * The WebAssembly JS API as V8 provides it in Node. TypeScript ships these
 * types only in its DOM libs, which would bring browser globals into a Node
 * project; this declares the part dcx uses.
 */
declare namespace WebAssembly {
  class Module {
    constructor (bytes: BufferSource)
    static exports (module: Module): Array<{ name: string, kind: string }>
    static imports (module: Module): Array<{ module: string, name: string, kind: string }>
  }
  class Instance {
    constructor (module: Module, importObject?: Record<string, Record<string, unknown>>)
    readonly exports: Record<string, unknown>
  }
  class Memory {
    constructor (descriptor: { initial: number, maximum?: number })
    readonly buffer: ArrayBuffer
    grow (delta: number): number
  }
  class Global {
    constructor (descriptor: { value: string, mutable?: boolean }, value?: unknown)
    value: unknown
  }
  class CompileError extends Error {}
  class LinkError extends Error {}
  class RuntimeError extends Error {}
  function validate (bytes: BufferSource): boolean
  function compile (bytes: BufferSource): Promise<Module>
}
type BufferSource = ArrayBufferView | ArrayBuffer
