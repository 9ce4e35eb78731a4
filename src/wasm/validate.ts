import { ModuleRejectedError } from './errors.js'
import { EXPORT_DEPTH, EXPORT_FUEL, EXPORT_START, EXPORT_TRAP, PAGE } from './abi.js'
import { exportsOf, funcType, importsOf, kindName, parseModule, ValType, type Export, type ParsedModule } from './binary/module.js'
import { checkLimits } from './limits.js'
import { WASI_MODULE, WASI_PREVIEW1, wasiSignature } from './wasi/signatures.js'

const OURS = new Set([EXPORT_FUEL, EXPORT_DEPTH, EXPORT_TRAP, EXPORT_START])

function mib (bytes: number): string {
  return `${+(bytes / 2 ** 20).toFixed(2)} MiB`
}

/**
 * Checks that a module is something dcx runs the same way everywhere: a WASI
 * preview1 command importing only preview1 functions with their proper types,
 * one memory whose initial size fits `memoryLimit` bytes, no proposals whose
 * results differ between machines, and counts that stay within V8's limits
 * once the rewrite has added its own (src/wasm/limits.ts). Instructions,
 * body sizes and nesting are checked as they are rewritten (threads,
 * relaxed SIMD, exceptions, ...). Throws
 * ModuleRejectedError naming the item; nothing has run.
 */
export function validateModule (bytes: Uint8Array, memoryLimit: number): ParsedModule {
  const m = parseModule(bytes)
  for (const imp of importsOf(m)) {
    const name = `${imp.module}.${imp.name}`
    if (imp.kind !== 0) throw new ModuleRejectedError(name, `(a ${kindName(imp.kind)} import) is not available to jobs: a job may import only ${WASI_MODULE} functions`)
    if (imp.module !== WASI_MODULE || WASI_PREVIEW1[imp.name] === undefined) {
      const hint = imp.module === 'wasi_unstable' ? ' (rebuild for wasm32-wasip1)' : ''
      throw new ModuleRejectedError(name, `is not available to jobs: a job may import only ${WASI_MODULE} functions${hint}`)
    }
    if (imp.typeIndex >= m.typeAt.length) throw new ModuleRejectedError(name, `has type index ${imp.typeIndex}, which does not exist`)
    const t = funcType(m, imp.typeIndex)
    const want = WASI_PREVIEW1[imp.name]
    const got = t.params.map(p => p === ValType.i32 ? 'i' : p === ValType.i64 ? 'l' : '?').join('')
    const results = imp.name === 'proc_exit' ? 0 : 1
    if (got !== want || t.results.length !== results || (results === 1 && t.results[0] !== ValType.i32)) {
      throw new ModuleRejectedError(name, `has the wrong type: preview1 defines it as ${wasiSignature(imp.name)}`)
    }
  }
  let start: Export | undefined
  let memory: Export | undefined
  for (const e of exportsOf(m)) {
    if (e.name === '_start') start = e
    else if (e.name === 'memory') memory = e
    else if (OURS.has(e.name)) throw new ModuleRejectedError(`export ${e.name}`, 'uses a name the dcx runtime reserves')
  }
  if (start === undefined || start.kind !== 0) {
    throw new ModuleRejectedError('the module', 'exports no `_start` function: a job must be a WASI command (build with wasm32-wasip1, not as a library or reactor)')
  }
  if (memory === undefined || memory.kind !== 2 || m.memories.length !== 1) {
    throw new ModuleRejectedError('the module', 'exports no memory named `memory`, which WASI needs')
  }
  const initial = m.memories[0].min * PAGE
  if (initial > memoryLimit) {
    throw new ModuleRejectedError(`memory 0 (initial ${mib(initial)})`, `is over the job's memory limit of ${mib(memoryLimit)}: raise the limit or build with a smaller initial memory`)
  }
  checkLimits(m)
  return m
}

/** V8's verdict on the original bytes, for malformations our parser does not look for */
export function checkCompiles (bytes: Uint8Array): void {
  if (WebAssembly.validate(bytes)) return
  try {
    // eslint-disable-next-line no-new
    new WebAssembly.Module(bytes)
  } catch (err: any) {
    throw new ModuleRejectedError('the module', `is not valid WebAssembly: ${String(err?.message ?? err).replace(/^WebAssembly\.Module\(\): /, '')}`)
  }
}
