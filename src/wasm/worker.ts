import { parentPort, workerData } from 'node:worker_threads'
import {
  EXPORT_FUEL, EXPORT_LIMITS, EXPORT_START, EXPORT_TRAP, LIMIT_BIT_MEMORY, TRAP_HOST_MEMORY, TRAP_OUT_OF_FUEL, TRAP_STACK_EXHAUSTED
} from './abi.js'
import { decodeExtents } from './extents.js'
import { decodeListing } from './listing.js'
import { BRIDGE } from './protocol.js'
import type { LimitHit, OutputEntry, TreeSpec, WorkerInput, WorkerMessage, WorkerResult } from './protocol.js'
import { trapName } from './traps.js'
import { compileTier } from './tiering.js'
import { Capture } from './wasi/capture.js'
import { BytesContent, DirectContent, LazyContent, SharedWindow, SpaceBudget, WritableContent } from './wasi/content.js'
import type { DirectSource } from './wasi/content.js'
import { E } from './wasi/constants.js'
import { fail } from './wasi/errno.js'
import { FuelExhausted, ProcExit, WasiHost } from './wasi/host.js'
import { compareUtf8, DirNode, FileNode, SymlinkNode, Tree } from './wasi/tree.js'
import type { Node } from './wasi/tree.js'
import { World } from './wasi/world.js'

/*
 * Runs one job: builds the virtual tree, instantiates the module against the
 * WASI host, runs `_start`, and posts back the status, fuel, captured output
 * and the /outputs tree. Blocking reads of read-only inputs go through the
 * shared buffers: post a request, Atomics.wait until the main thread fills it.
 */
const input = workerData as WorkerInput
const port = parentPort!
const control = new Int32Array(input.control)
const data = new Uint8Array(input.data)

function post (msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer)
}

/** Post a request and block until the main thread answers it; the answer's state */
function ask (msg: WorkerMessage): number {
  Atomics.store(control, 0, BRIDGE.waiting)
  post(msg)
  Atomics.wait(control, 0, BRIDGE.waiting)
  return Atomics.load(control, 0)
}

function fetchSync (source: number, offset: number, length: number): Uint8Array {
  if (ask({ type: 'read', source, offset, length }) !== BRIDGE.ready) throw new HostFailure(`reading input source ${source} failed`)
  return data.slice(0, control[1])
}

/** A lazy directory's listing, page by page through the data buffer; ENOMEM when the input entry limit refuses it */
function listSync (source: number): Uint8Array {
  const state = ask({ type: 'list', source })
  if (state === BRIDGE.refused) {
    hit('input-entries')
    fail(E.NOMEM)
  }
  if (state !== BRIDGE.ready) throw new HostFailure(`listing input directory ${source} failed`)
  return pages(`listing input directory ${source}`)
}

/** The rest of an answer whose first page is in the data buffer */
function pages (what: string): Uint8Array {
  const out = new Uint8Array(control[2])
  out.set(data.subarray(0, control[1]))
  let at = control[1]
  while (at < out.length) {
    if (ask({ type: 'more', offset: at }) !== BRIDGE.ready) throw new HostFailure(`${what} failed`)
    out.set(data.subarray(0, control[1]), at)
    at += control[1]
  }
  return out
}

/** One window for every direct input file of the run */
const sharedWindow = new SharedWindow(data.length)

/** How a direct input file reaches the main thread */
function directSource (source: number): DirectSource {
  return {
    extents: (offset) => {
      if (ask({ type: 'extents', source, offset }) !== BRIDGE.ready) throw new HostFailure(`locating input source ${source} failed`)
      return decodeExtents(pages(`locating input source ${source}`))
    },
    fetch: (offset, length) => fetchSync(source, offset, length),
    check: (check) => post({ type: 'check', source, check }),
    read: input.reportReads ? (bytes) => post({ type: 'input-read', bytes }) : undefined
  }
}

function inputFile (source: number, size: number, direct: boolean): FileNode {
  return tree.file(direct ? new DirectContent(size, directSource(source), sharedWindow) : new LazyContent(source, size, fetchSync, data.length))
}

class HostFailure extends Error {}

const limitsHit = new Set<LimitHit>()
function hit (limit: LimitHit): void { limitsHit.add(limit) }

const budget = new SpaceBudget(input.limits.outputBytes, input.limits.memoryBytes, input.spillDir)
const tree = new Tree(input.tree.t === 'dir' && input.tree.writable)

function build (dir: DirNode, spec: Extract<TreeSpec, { t: 'dir' }>): void {
  for (const [name, child] of [...spec.entries].sort((a, b) => compareUtf8(a[0], b[0]))) {
    let node
    switch (child.t) {
      case 'dir': node = tree.dir(child.writable); tree.link(dir, name, node); build(node, child); continue
      case 'lazydir': node = lazyDir(child.source); break
      case 'bytes': node = tree.file(dir.writable ? writableCopy(child.bytes) : new BytesContent(child.bytes)); break
      case 'lazy': node = inputFile(child.source, child.size, child.direct); break
      case 'symlink': node = tree.symlink(child.target, dir.writable); break
    }
    tree.link(dir, name, node)
  }
}

/** An input directory, listed by the main thread when the job first looks inside; its nodes are made in name order */
function lazyDir (source: number): DirNode {
  return tree.lazyDir(() => {
    const listed = decodeListing(listSync(source)).sort((a, b) => compareUtf8(a.name, b.name))
    return listed.map((e): [string, Node] => {
      switch (e.kind) {
        case 'dir': return [e.name, lazyDir(e.source)]
        case 'file': return [e.name, inputFile(e.source, e.size, e.direct)]
        case 'symlink': return [e.name, tree.symlink(e.target, false)]
      }
    })
  })
}

function writableCopy (bytes: Uint8Array): WritableContent {
  const c = new WritableContent(budget, input.limits.spillAt)
  if (bytes.length > 0) c.write(0, bytes)
  return c
}

function rootFrom (spec: TreeSpec): void {
  if (spec.t !== 'dir') throw new HostFailure('the tree root must be a directory')
  build(tree.root, spec)
}

/** What the job left in /outputs, depth first in name order (a directory, then what it holds), walked without recursion */
function collectOutputs (): { entries: OutputEntry[], transfer: ArrayBuffer[] } {
  const entries: OutputEntry[] = []
  const transfer = new Set<ArrayBuffer>()
  const outputs = tree.root.entries.get('outputs')
  if (!(outputs instanceof DirNode)) return { entries, transfer: [] }
  const stack: Array<{ dir: DirNode, prefix: string, names: string[], next: number }> = [{ dir: outputs, prefix: '', names: outputs.sortedNames(), next: 0 }]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (top.next === top.names.length) { stack.pop(); continue }
    const name = top.names[top.next++]
    const node = top.dir.entries.get(name)!
    const path = top.prefix === '' ? name : `${top.prefix}/${name}`
    if (node instanceof DirNode) {
      entries.push({ path, type: 'dir', size: 0 })
      stack.push({ dir: node, prefix: path, names: node.sortedNames(), next: 0 })
    } else if (node instanceof SymlinkNode) {
      entries.push({ path, type: 'symlink', size: 0, target: node.target })
    } else if (node instanceof FileNode) {
      const settled = node.content.settle()
      if ('bytes' in settled) {
        entries.push({ path, type: 'file', size: settled.bytes.length, bytes: settled.bytes })
        transfer.add(settled.bytes.buffer as ArrayBuffer)
      } else {
        entries.push({ path, type: 'file', size: settled.size, spill: settled.spill })
      }
    }
  }
  return { entries, transfer: [...transfer] }
}

function main (): void {
  rootFrom(input.tree)
  const live = (type: 'stdout' | 'stderr') => input.liveOutput ? (chunk: Uint8Array) => post({ type, chunk }) : undefined
  const stdout = new Capture(input.limits.stdoutBytes, live('stdout'))
  const stderr = new Capture(input.limits.stderrBytes, live('stderr'))
  let fuelGlobal: WebAssembly.Global | undefined
  let trapGlobal: WebAssembly.Global | undefined
  let limitsGlobal: WebAssembly.Global | undefined
  const limit = input.fuel
  const world = new World(input.seed, input.instrumented ? () => limit - (fuelGlobal!.value as bigint) : undefined)
  const host = new WasiHost({
    tree,
    args: input.args,
    env: input.env,
    world,
    stdout,
    stderr,
    newFile: () => new WritableContent(budget, input.limits.spillAt),
    preopen: input.preopen,
    maxEntries: input.limits.entries,
    maxDirDepth: input.limits.dirDepth,
    onLimit: hit,
    checkFuel: input.instrumented ? () => { if ((fuelGlobal!.value as bigint) < 0n) throw new FuelExhausted() } : () => {}
  })

  let status: WorkerResult['status'] = 'exit'
  let exitCode: number | undefined = 0
  let trap: string | undefined
  const endTiering = compileTier(input.optimizeFromStart)
  try {
    const instance = new WebAssembly.Instance(input.module, { wasi_snapshot_preview1: host.imports() })
    const exports = instance.exports as Record<string, any>
    host.bind(exports.memory as WebAssembly.Memory)
    if (input.instrumented) {
      fuelGlobal = exports[EXPORT_FUEL]
      trapGlobal = exports[EXPORT_TRAP]
      limitsGlobal = exports[EXPORT_LIMITS]
      fuelGlobal!.value = limit
      exports[EXPORT_START]?.()
    }
    exports._start()
    if (fuelGlobal !== undefined && (fuelGlobal.value as bigint) < 0n) throw new FuelExhausted()
  } catch (err: any) {
    exitCode = undefined
    if (err instanceof ProcExit) {
      exitCode = err.code
      if (fuelGlobal !== undefined && (fuelGlobal.value as bigint) < 0n) { status = 'out-of-fuel'; exitCode = undefined }
    } else if (err instanceof FuelExhausted) {
      status = 'out-of-fuel'
    } else if (err instanceof WebAssembly.RuntimeError) {
      const reason = trapGlobal?.value as number | undefined
      if (reason === TRAP_OUT_OF_FUEL) status = 'out-of-fuel'
      else if (reason === TRAP_STACK_EXHAUSTED) status = 'stack-exhausted'
      else if (reason === TRAP_HOST_MEMORY) throw new HostFailure('the host could not grow memory below the job\'s limit')
      else {
        const name = trapName(err.message)
        if (name === undefined) throw new HostFailure(`unexpected trap: ${err.message}`)
        status = 'trap'
        trap = name
      }
    } else if (err instanceof RangeError) {
      throw new HostFailure(`V8 failed: ${err.message}`)
    } else if (err instanceof WebAssembly.LinkError || err instanceof WebAssembly.CompileError) {
      throw new HostFailure(`${err.name}: ${err.message}`)
    } else {
      throw err
    }
  } finally {
    endTiering()
  }
  // limits the instrumented code recorded (memory.grow past the job's limit), whatever ended the job
  if ((((limitsGlobal?.value as number | undefined) ?? 0) & LIMIT_BIT_MEMORY) !== 0) hit('memory')
  let fuelUsed = 0n
  if (fuelGlobal !== undefined) {
    const left = fuelGlobal.value as bigint
    fuelUsed = status === 'out-of-fuel' || left < 0n ? limit : limit - left
  }
  const { entries, transfer } = collectOutputs()
  const out = stdout.bytes()
  const errb = stderr.bytes()
  post({
    type: 'result', status, exitCode, trap, fuelUsed, stdout: out, stderr: errb,
    stdoutTotal: stdout.total, stderrTotal: stderr.total, outputs: entries, limitsHit: [...limitsHit].sort()
  }, [...transfer, out.buffer as ArrayBuffer, errb.buffer as ArrayBuffer])
}

try {
  main()
} catch (err: any) {
  post({ type: 'host-error', message: err instanceof HostFailure ? err.message : String(err?.stack ?? err) })
}
