import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidArgumentError } from '../errors.js'
import { ModuleRejectedError, RuntimeHostError } from './errors.js'
import { PAGE, RUNTIME_ABI_VERSION } from './abi.js'
import { JOB_LIMITS } from './job-limits.js'
import { instrumentModule } from './instrument/rewrite.js'
import { optimizableFromStart } from './tier-choice.js'
import { checkCompiles, validateModule } from './validate.js'

/** A module validated, rewritten for the current ABI and compiled */
export interface PreparedModule {
  /** sha256 of the original bytes, hex */
  hash: string
  abiVersion: number
  /** The memory limit the rewrite clamps to, in pages */
  memoryPages: number
  /** The rewritten bytes */
  bytes: Uint8Array
  module: WebAssembly.Module
  /**
   * The variant whose fuel counter is exact at every instruction, compiled
   * on first use: the runner re-runs a trapped job with it to report the
   * fuel spent up to the trap (see instrument/fuel.ts).
   */
  exact: () => WebAssembly.Module
  /**
   * Whether the job's functions may be compiled by TurboFan from their first
   * call, as every function's shape allows (`tier-choice.ts`, `tiering.ts`)
   */
  optimizeFromStart: boolean
  /** Came from the cache (memory or disk) instead of being rewritten now */
  cached: boolean
  /** Milliseconds spent validating and rewriting (0 when cached) */
  rewriteMs: number
}

export interface PrepareOptions {
  /** Bytes of linear memory the job may use; the module's maximum is clamped to it */
  memoryLimit: number
  /** Directory for rewritten modules, keyed by (module hash, ABI version, memory pages) */
  cacheDir?: string
}

/** Linear memory a job gets unless its spec says otherwise */
export const DEFAULT_MEMORY_LIMIT = JOB_LIMITS.memory.default

/** How V8 words a module over one of its implementation limits */
const V8_LIMIT_MESSAGE = /exceeds internal limit|too large|> maximum/

/**
 * Compiles rewritten bytes. Validation and the rewriter refuse everything
 * that would push a module over V8's limits, so a failure here is either a
 * limit they missed (still the module's doing: refused, with V8's words) or
 * a bug in the rewriter (a host error, never a job result).
 */
export function compileRewritten (bytes: Uint8Array): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes)
  } catch (err) {
    const message = String((err as Error)?.message ?? err).replace(/^WebAssembly\.Module\(\): /, '')
    if (err instanceof WebAssembly.CompileError && V8_LIMIT_MESSAGE.test(message)) {
      throw new ModuleRejectedError('the module', `is over one of V8's limits once rewritten for fuel, call depth and NaNs (${message}): see the limits a job must meet in the README`)
    }
    throw new RuntimeHostError(`the rewritten module does not compile (${message}): a bug in the rewriter, please report it`)
  }
}

/**
 * Validates and rewrites a module V8 has not seen yet. The rewrite comes
 * first: it refuses what V8 would take too much memory for (deep nesting
 * costs V8's validator about 240 bytes per open block), and it is linear in
 * the module whatever the bytes are. Only a module it accepts is handed to
 * V8's validator, whose verdict then comes before any use of the rewrite;
 * if the rewriter failed in some other way, V8's reason is the better one.
 */
function rewrite (original: Uint8Array, pages: number): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = instrumentModule(validateModule(original, pages * PAGE), pages)
  } catch (err) {
    if (!(err instanceof ModuleRejectedError)) checkCompiles(original)
    throw err
  }
  checkCompiles(original)
  return bytes
}

/**
 * Revision of the rewrite within one runtime ABI version, in the cache key:
 * a rewrite that changes its output without changing results (2: the limits-
 * hit global; 3: inlined leaf calls and padding in the fast variant) must
 * not be served an older rewrite from a repo's cache.
 */
const REWRITE_REVISION = 3

const memoryCache = new Map<string, PreparedModule>()
const MEMORY_CACHE_ENTRIES = 16

/** Bytes to whole pages, capped at the 4 GiB a 32-bit memory can address */
export function memoryPages (limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new InvalidArgumentError(`memory limit ${limit} is not a byte count`)
  return Math.min(Math.floor(limit / PAGE), 65536)
}

/**
 * Validates and rewrites a module, or takes the rewrite from the cache. The
 * module's imports and memory are checked on every call (they depend on the
 * limit); instruction-level checks happen during the rewrite, whose result is
 * cached only when it succeeded.
 */
export async function prepareModule (original: Uint8Array, options: PrepareOptions): Promise<PreparedModule> {
  const pages = memoryPages(options.memoryLimit)
  const parsed = validateModule(original, pages * PAGE)
  const hash = createHash('sha256').update(original).digest('hex')
  const key = `${hash}-abi${RUNTIME_ABI_VERSION}r${REWRITE_REVISION}-m${pages}`
  const hit = memoryCache.get(key)
  if (hit !== undefined) return { ...hit, cached: true, rewriteMs: 0 }
  // concurrent jobs with one module share one rewrite
  let pending = inFlight.get(key)
  if (pending === undefined) {
    pending = prepareUncached(original, options, pages, hash, key, optimizableFromStart(original, parsed)).finally(() => inFlight.delete(key))
    inFlight.set(key, pending)
  }
  return await pending
}

const inFlight = new Map<string, Promise<PreparedModule>>()

async function prepareUncached (original: Uint8Array, options: PrepareOptions, pages: number, hash: string, key: string, optimizeFromStart: boolean): Promise<PreparedModule> {
  const started = performance.now()

  let bytes: Uint8Array | undefined
  let cached = false
  const file = options.cacheDir !== undefined ? join(options.cacheDir, `${key}.wasm`) : undefined
  if (file !== undefined) {
    try {
      bytes = new Uint8Array(await readFile(file))
      cached = true
    } catch {}
  }
  if (bytes === undefined) bytes = rewrite(original, pages)
  let module: WebAssembly.Module
  if (!cached) {
    module = compileRewritten(bytes)
  } else {
    try {
      module = new WebAssembly.Module(bytes)
    } catch {
      // a damaged cache entry: rewrite again and overwrite it
      bytes = rewrite(original, pages)
      module = compileRewritten(bytes)
      cached = false
    }
  }
  const rewriteMs = cached ? 0 : performance.now() - started
  if (file !== undefined && !cached) {
    // Only a speed-up: a full or read-only disk must not fail the job, nor leave a partial file
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`
    try {
      await mkdir(options.cacheDir!, { recursive: true })
      await writeFile(tmp, bytes)
      await rename(tmp, file)
    } catch {
      await unlink(tmp).catch(() => {})
    }
  }
  let exact: WebAssembly.Module | undefined
  const prepared: PreparedModule = {
    hash,
    abiVersion: RUNTIME_ABI_VERSION,
    memoryPages: pages,
    bytes,
    module,
    exact: () => {
      exact ??= compileRewritten(instrumentModule(validateModule(original, pages * PAGE), pages, true))
      return exact
    },
    optimizeFromStart,
    cached,
    rewriteMs
  }
  memoryCache.set(key, prepared)
  if (memoryCache.size > MEMORY_CACHE_ENTRIES) memoryCache.delete(memoryCache.keys().next().value!)
  return prepared
}
