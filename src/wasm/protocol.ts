/**
 * What the runner (main thread) and the worker say to each other. The tree
 * travels as a plain structure; read-only file contents stay on the main
 * thread and are fetched through the shared-memory bridge on demand.
 */
export type TreeSpec =
  | { t: 'dir', writable: boolean, entries: Array<[string, TreeSpec]> }
  /** A read-only directory listed on the main thread when the job first looks inside */
  | { t: 'lazydir', source: number }
  | { t: 'bytes', bytes: Uint8Array }
  /** A read-only file read on demand; with `direct`, the main thread says where its bytes lie in host files */
  | { t: 'lazy', source: number, size: number, direct: boolean }
  | { t: 'symlink', target: string }

/**
 * Where a run of a read-only file's bytes lies. With `path`, the bytes are
 * in that host file from byte `at` on and the worker reads them itself;
 * without, it asks the main thread for them.
 */
export interface FileExtent {
  /** The first byte of the file this extent holds */
  start: number
  length: number
  /** A host file holding the bytes */
  path?: string
  /** Where in `path` the extent starts */
  at?: number
  /** With `path`: handed back to the main thread, which checks those bytes, once the worker has read from the file */
  check?: string
}

export interface WorkerLimits {
  stdoutBytes: number
  stderrBytes: number
  /** Bytes all writable files together may hold */
  outputBytes: number
  /** Bytes writable files may hold in memory before spilling to disk */
  memoryBytes: number
  /** A single file spills once larger than this */
  spillAt: number
  /** Names the writable directories may hold together (files, directories, links) */
  entries: number
  /** Directories may nest this deep, counted from the root (`/outputs` is 1) */
  dirDepth: number
}

export interface WorkerInput {
  module: WebAssembly.Module
  instrumented: boolean
  /** Compile the job's functions with TurboFan from their first call (`tiering.ts`) */
  optimizeFromStart: boolean
  args: string[]
  env: string[]
  fuel: bigint
  seed: Uint8Array
  tree: TreeSpec
  limits: WorkerLimits
  spillDir: string
  /**
   * Int32Array view: [state, length, total]. state: 0 waiting, 1 ready, 2
   * failed, 3 refused at a limit. For a listing, `total` is its whole length
   * and `length` what this page holds.
   */
  control: SharedArrayBuffer
  data: SharedArrayBuffer
  liveOutput: boolean
  /** Post how many input bytes the job's thread read from host files itself (for progress) */
  reportReads: boolean
  preopen: boolean
}

export interface OutputEntry {
  /** Path below /outputs, '/'-separated, no leading slash */
  path: string
  type: 'dir' | 'file' | 'symlink'
  size: number
  /** File bytes kept in memory */
  bytes?: Uint8Array
  /** Host file the bytes spilled to */
  spill?: string
  /** Symlink target */
  target?: string
}

export type Status = 'exit' | 'out-of-fuel' | 'stack-exhausted' | 'trap' | 'timeout'

/**
 * A limit the job ran into without it ending the job: the job saw an error
 * (ENOMEM, EDQUOT, ENAMETOOLONG, or -1 from `memory.grow` past its memory
 * limit) and went on as it chose. Deterministic, so part of the result.
 */
export type LimitHit = 'input-entries' | 'memory' | 'output-entries' | 'output-depth'

/** Bridge states in `control[0]` */
export const BRIDGE = { waiting: 0, ready: 1, failed: 2, refused: 3 } as const

/** Kinds of entry in an encoded directory listing */
export const LISTED = { dir: 0, file: 1, symlink: 2 } as const

export interface WorkerResult {
  type: 'result'
  status: Exclude<Status, 'timeout'>
  exitCode?: number
  trap?: string
  fuelUsed: bigint
  stdout: Uint8Array
  stderr: Uint8Array
  stdoutTotal: number
  stderrTotal: number
  outputs: OutputEntry[]
  /** Sorted, no repeats */
  limitsHit: LimitHit[]
}

export type WorkerMessage =
  | WorkerResult
  | { type: 'read', source: number, offset: number, length: number }
  /** List a lazy directory; the answer is an encoded listing, paged through the data buffer */
  | { type: 'list', source: number }
  /** Where a direct file's bytes from `offset` on lie; the answer is encoded extents, paged as a listing is */
  | { type: 'extents', source: number, offset: number }
  /** The next page of the listing or extents being answered, from this byte */
  | { type: 'more', offset: number }
  /** The worker read from an extent's host file: check it (no answer; the result waits for the checks) */
  | { type: 'check', source: number, check: string }
  /** The worker read this many bytes of inputs from host files (no answer) */
  | { type: 'input-read', bytes: number }
  | { type: 'stdout' | 'stderr', chunk: Uint8Array }
  | { type: 'host-error', message: string }
