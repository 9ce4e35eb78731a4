/**
 * What the runner (main thread) and the worker say to each other. The tree
 * travels as a plain structure; read-only file contents stay on the main
 * thread and are fetched through the shared-memory bridge on demand.
 */
export type TreeSpec =
  | { t: 'dir', writable: boolean, entries: Array<[string, TreeSpec]> }
  | { t: 'bytes', bytes: Uint8Array }
  | { t: 'lazy', source: number, size: number }
  | { t: 'symlink', target: string }

export interface WorkerLimits {
  stdoutBytes: number
  stderrBytes: number
  /** Bytes all writable files together may hold */
  outputBytes: number
  /** Bytes writable files may hold in memory before spilling to disk */
  memoryBytes: number
  /** A single file spills once larger than this */
  spillAt: number
}

export interface WorkerInput {
  module: WebAssembly.Module
  instrumented: boolean
  args: string[]
  env: string[]
  fuel: bigint
  seed: Uint8Array
  tree: TreeSpec
  limits: WorkerLimits
  spillDir: string
  /** Int32Array view: [state, length]; state 0 waiting, 1 ready, 2 failed */
  control: SharedArrayBuffer
  data: SharedArrayBuffer
  liveOutput: boolean
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
}

export type WorkerMessage =
  | WorkerResult
  | { type: 'read', source: number, offset: number, length: number }
  | { type: 'stdout' | 'stderr', chunk: Uint8Array }
  | { type: 'host-error', message: string }
