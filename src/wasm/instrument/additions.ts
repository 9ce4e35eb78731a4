import { Reader, Writer } from '../binary/bytes.js'
import { ValType, type ParsedModule } from '../binary/module.js'

/*
 * What the rewrite adds to a module. Validation checks the original against
 * V8's limits less these (src/wasm/limits.ts), and the rewriter takes them
 * from here, so the two cannot drift apart.
 */

/** Functions appended: the out-of-fuel and stack-exhausted trap helpers, and the `memory.grow` helper */
export const ADDED_FUNCTIONS = 3

/** Globals appended: fuel left, call depth, trap reason, limits hit */
export const ADDED_GLOBALS = 4

/**
 * Locals appended to every body, in this order: the fuel counter (i64), an
 * i32 scratch, and the NaN scratch for f32, f64 and v128.
 */
export const ADDED_LOCALS: readonly number[] = [ValType.i64, ValType.i32, ValType.f32, ValType.f64, ValType.v128]

/** Blocks every body is wrapped in (so `return` leaves through the frame's exit) */
export const ADDED_NESTING = 1

/** Exports appended: fuel, depth, trap reason and limits hit, and the start function when the module has one */
export function addedExports (m: Pick<ParsedModule, 'start'>): number {
  return 4 + (m.start !== undefined ? 1 : 0)
}

/** The types a rewrite uses and appends */
export interface TypePlan {
  /** Index of `() -> ()`, the trap helpers' type */
  voidType: number
  /** Index of `(i32) -> (i32)`, the grow helper's type */
  growType: number
  /** How many types are appended to the type section */
  addedCount: number
  /** Their encodings, one after the other, in index order */
  added: Uint8Array
  /**
   * Per type index of a defined function, the block type of the block its
   * body is wrapped in (one yielding the function's results): a value >= 0
   * is the one-byte block type (0x40 for none, else the value type); a value
   * v < 0 is the type index -v - 1 of `() -> (results)`.
   */
  blockTypes: Int32Array
}

function encodeType (w: Writer, params: Uint8Array, results: Uint8Array): void {
  w.byte(0x60)
  w.u32(params.length); w.bytes(params)
  w.u32(results.length); w.bytes(results)
}

/**
 * The rewrite's types: existing ones are reused (the first of each shape),
 * missing ones appended in a fixed order (the trap helpers' type, the grow
 * helper's, then a results-only type per multi-value function type, in
 * order of first use). Costs a few bytes per type: no object per type.
 */
export function planTypes (m: ParsedModule): TypePlan {
  const bytes = m.bytes
  const n = m.typeAt.length
  const r = new Reader(bytes)
  /** Offset of type t's result value types */
  const resultsAt = (t: number): number => {
    r.pos = m.typeAt[t] + 1
    r.skip(r.u32())
    r.u32()
    return r.pos
  }
  let voidType = -1
  let growType = -1
  // zero-param, multi-result types by their result bytes: few in any module
  const resultsOnly = new Map<string, number>()
  const key = (t: number): string => {
    const at = resultsAt(t)
    let k = ''
    for (let i = at; i < at + m.typeResults[t]; i++) k += String.fromCharCode(bytes[i])
    return k
  }
  const isGrow = (t: number): boolean => {
    r.pos = m.typeAt[t] + 1
    r.u32()
    const param = r.byte()
    r.u32()
    return param === ValType.i32 && r.byte() === ValType.i32
  }
  for (let t = 0; t < n; t++) {
    const params = m.typeParams[t]
    const results = m.typeResults[t]
    if (params === 0 && results === 0) {
      if (voidType < 0) voidType = t
    } else if (params === 1 && results === 1) {
      if (growType < 0 && isGrow(t)) growType = t
    } else if (params === 0 && results >= 2) {
      const k = key(t)
      if (!resultsOnly.has(k)) resultsOnly.set(k, t)
    }
  }
  const added = new Writer(64)
  let next = n
  if (voidType < 0) { voidType = next++; encodeType(added, new Uint8Array(0), new Uint8Array(0)) }
  if (growType < 0) { growType = next++; encodeType(added, Uint8Array.of(ValType.i32), Uint8Array.of(ValType.i32)) }

  const blockTypes = new Int32Array(n)
  for (let f = m.importedFuncs; f < m.funcTypes.length; f++) {
    const t = m.funcTypes[f]
    const results = m.typeResults[t]
    if (results === 0) blockTypes[t] = 0x40
    else if (results === 1) blockTypes[t] = bytes[resultsAt(t)]
    else if (blockTypes[t] === 0) {
      const k = key(t)
      let index = resultsOnly.get(k)
      if (index === undefined) {
        index = next++
        const at = resultsAt(t)
        encodeType(added, new Uint8Array(0), bytes.subarray(at, at + results))
        resultsOnly.set(k, index)
      }
      blockTypes[t] = -index - 1
    }
  }
  return { voidType, growType, addedCount: next - n, added: added.result(), blockTypes }
}
