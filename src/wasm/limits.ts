import { ModuleRejectedError } from './errors.js'
import { Reader } from './binary/bytes.js'
import type { ParsedModule } from './binary/module.js'
import { ADDED_FUNCTIONS, ADDED_GLOBALS, ADDED_LOCALS, ADDED_NESTING, addedExports, planTypes } from './instrument/additions.js'

/**
 * V8's implementation limits (its src/wasm/wasm-limits.h), as the V8 of the
 * Node this runs on enforces them: test/wasm/limits.spec.ts has this V8
 * validate a module at each limit and one over (all but the module size,
 * which would take a gigabyte). A module over any of them does not
 * compile, so a rewrite that pushes a valid module over one must be refused
 * before it is made (see docs/rationale.md).
 */
export const V8_LIMITS = {
  /** Entries of the type section */
  types: 1_000_000,
  /** Entries of the function section (imported functions count apart) */
  functions: 1_000_000,
  /** Entries of the export section */
  exports: 1_000_000,
  /** Entries of the global section */
  globals: 1_000_000,
  /** Params and declared locals of one function, together */
  functionLocals: 50_000,
  /** Bytes of one function body (locals and code, not its size prefix) */
  functionSize: 7_654_321,
  /** Bytes of a whole module */
  moduleSize: 1024 * 1024 * 1024
} as const

/**
 * Blocks, loops and ifs open at once in one function, counting the block the
 * rewrite wraps every body in. V8 has no such limit, but its validator and
 * baseline compiler take most of a kilobyte of host memory per open block
 * (a 3 MB function nested a million deep took 930 MB once called), outside
 * the job's memory limit; at this limit, about 90 MB. Switches compiled to
 * `br_table` nest one block per case; V8 caps `br_table` at 65,520 targets,
 * which this still holds.
 */
export const MAX_NESTING = 65_536

/** The most blocks a job's function may have open at once */
export const MAX_JOB_NESTING = MAX_NESTING - ADDED_NESTING

function over (what: string, count: number, limit: number, added: number, noun: string): ModuleRejectedError {
  return new ModuleRejectedError(what, `declares ${count} ${noun}; jobs may declare at most ${limit - added} (V8's limit is ${limit} and the rewrite adds ${added})`)
}

/**
 * Checks the counts the rewrite adds to against V8's limits less what it
 * adds: types, functions, globals, exports and each function's locals. Reads
 * only section headers and each body's local declarations. Throws
 * ModuleRejectedError naming the item, the limit and the rewrite's share.
 * Body sizes and nesting depth are checked as bodies are rewritten.
 */
export function checkLimits (m: ParsedModule): void {
  const types = m.typeAt.length
  const addedTypes = planTypes(m).addedCount
  if (types + addedTypes > V8_LIMITS.types) throw over('the type section', types, V8_LIMITS.types, addedTypes, 'types')
  const defined = m.bodyStart.length
  if (defined + ADDED_FUNCTIONS > V8_LIMITS.functions) throw over('the function section', defined, V8_LIMITS.functions, ADDED_FUNCTIONS, 'functions')
  if (m.definedGlobals + ADDED_GLOBALS > V8_LIMITS.globals) throw over('the global section', m.definedGlobals, V8_LIMITS.globals, ADDED_GLOBALS, 'globals')
  const exports = addedExports(m)
  if (m.exportCount + exports > V8_LIMITS.exports) throw over('the export section', m.exportCount, V8_LIMITS.exports, exports, 'exports')

  const maxLocals = V8_LIMITS.functionLocals - ADDED_LOCALS.length
  for (let i = 0; i < defined; i++) {
    const f = m.importedFuncs + i
    const params = m.typeParams[m.funcTypes[f]]
    const r = new Reader(m.bytes, m.bodyStart[i], m.bodyEnd[i])
    let locals = 0
    for (let groups = r.u32(), g = 0; g < groups && params + locals <= maxLocals; g++) {
      locals += r.u32()
      r.skip(1)
    }
    if (params + locals > maxLocals) {
      const what = params === 0 ? `${locals} locals` : `${locals} locals and ${params} params`
      throw new ModuleRejectedError(`function ${f}`, `declares ${what}; jobs may declare at most ${maxLocals} params and locals per function (V8's limit is ${V8_LIMITS.functionLocals} and the rewrite adds ${ADDED_LOCALS.length})`)
    }
  }
}
