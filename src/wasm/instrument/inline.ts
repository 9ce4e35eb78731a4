import { Reader, type Writer } from '../binary/bytes.js'
import { ValType, type ParsedModule } from '../binary/module.js'
import { COST, IMM, Imm, KIND, Kind } from '../binary/opcodes.js'
import { skipImmediate } from './immediates.js'
import { SINK } from './nan.js'

/*
 * Inlining of small straight-line leaf functions, in the fast-fuel variant
 * only. V8 runs a function that is called once and loops for the whole job
 * (a per-file loop) in Liftoff code to its end, and Liftoff never inlines:
 * each call to a one-line libc function (`tolower`) pays the call, and the
 * rewrite adds a store of the fuel counter before it, a reload, a charge and
 * a check at the callee's entry, a store at its exit and a reload after it.
 * Inlining the callee's instructions at the call site removes all of that.
 *
 * A callee qualifies when nothing in it is observable to the rewrite but its
 * cost: no control flow, no calls, no instruction the rewrite changes (no
 * `memory.grow`, bulk memory, SIMD, or float sinks that get NaNs
 * canonicalized), no declared locals, and a frame far below the call-depth
 * counter's uncounted-leaf size, so that it never counted toward the call
 * depth anyway. Its one straight-line run costs the same fixed amount on
 * every call, which the caller charges and checks where the callee's entry
 * check was (see body.ts).
 */

/** Callees larger than this (body bytes, locals included) are called, not inlined */
export const INLINE_MAX_BODY_BYTES = 48
/** Callees with more params than this are called, not inlined */
export const INLINE_MAX_PARAMS = 4

const SCALAR = new Set<number>([ValType.i32, ValType.i64, ValType.f32, ValType.f64])

/** The fixed cost of a body that qualifies, or -1 */
function leafCost (bytes: Uint8Array, start: number, end: number): number {
  const r = new Reader(bytes, start, end)
  let cost = 0
  while (r.pos < end) {
    const at = r.pos
    const op = bytes[r.pos++]
    const kind = KIND[op]
    if (kind === Kind.End) return r.pos === end ? cost : -1
    if (IMM[op] === Imm.Invalid) return -1 // also the 0xfc and 0xfd prefixes
    if (kind !== Kind.Plain && kind !== Kind.NanF32 && kind !== Kind.NanF64) return -1
    if (SINK[op] !== 0) return -1
    skipImmediate(r, IMM[op], at)
    cost += COST[op]
  }
  return -1
}

/**
 * The defined functions of a validated module that the fast variant inlines,
 * and what each costs. One number per function, so a module of a million
 * functions costs 4 MB here; reads each small body once, no large one.
 */
export class InlineLeaves {
  /** Per defined function, the fuel its body costs (charged once, at entry), or -1 if it is called, not inlined */
  private readonly cost: Int32Array
  /** Param types of the last leaf asked for, and their count */
  readonly params = new Uint8Array(INLINE_MAX_PARAMS)
  paramCount = 0

  constructor (private readonly m: ParsedModule) {
    const bytes = m.bytes
    const n = m.bodyStart.length
    this.cost = new Int32Array(n).fill(-1)
    for (let i = 0; i < n; i++) {
      const start = m.bodyStart[i]
      const end = m.bodyEnd[i]
      if (end - start > INLINE_MAX_BODY_BYTES || bytes[start] !== 0) continue // or declared locals
      const t = m.funcTypes[m.importedFuncs + i]
      const nParams = m.typeParams[t]
      if (nParams > INLINE_MAX_PARAMS) continue
      let scalar = true
      // form, a one-byte param count (at most INLINE_MAX_PARAMS), the types
      for (let j = 0; j < nParams; j++) if (!SCALAR.has(bytes[m.typeAt[t] + 2 + j])) scalar = false
      if (scalar) this.cost[i] = leafCost(bytes, start + 1, end)
    }
  }

  /** How many functions are inlined */
  get count (): number {
    let n = 0
    for (const c of this.cost) if (c >= 0) n++
    return n
  }

  /** The cost of function `f` if it is inlined (and its params in `params`), else -1 */
  get (f: number): number {
    const i = f - this.m.importedFuncs
    if (i < 0 || i >= this.cost.length || this.cost[i] < 0) return -1
    const t = this.m.funcTypes[f]
    this.paramCount = this.m.typeParams[t]
    for (let j = 0; j < this.paramCount; j++) this.params[j] = this.m.bytes[this.m.typeAt[t] + 2 + j]
    return this.cost[i]
  }

  /** [start, end) of function `f`'s instructions, without its final `end` */
  codeStart (f: number): number { return this.m.bodyStart[f - this.m.importedFuncs] + 1 }
  codeEnd (f: number): number { return this.m.bodyEnd[f - this.m.importedFuncs] - 1 }
}

/**
 * The locals a body adds for the params of the callees inlined into it,
 * after its own and the rewrite's: one per param position and type, shared
 * by every call site (a leaf calls nothing, so no two are live at once).
 */
export class InlineLocals {
  private first = 0
  /** Per value type, the locals allocated so far */
  private readonly byType = new Map<number, number[]>()
  /** The type of each allocated local, in index order */
  readonly types: number[] = []

  reset (first: number): void {
    this.first = first
    this.byType.clear()
    this.types.length = 0
  }

  /** The index of the k-th scratch local of `type` */
  index (type: number, k: number): number {
    let list = this.byType.get(type)
    if (list === undefined) { list = []; this.byType.set(type, list) }
    while (list.length <= k) { list.push(this.first + this.types.length); this.types.push(type) }
    return list[k]
  }
}

/**
 * Writes leaf `f`'s body in place of a call to it (after `leaves.get(f)`
 * said it is one): its arguments, on the operand stack, go to scratch
 * locals, then its instructions follow with their local indices moved to
 * those locals. Leaves its results on the stack, as the call did.
 */
export function emitInlined (w: Writer, bytes: Uint8Array, leaves: InlineLeaves, f: number, locals: InlineLocals): void {
  const n = leaves.paramCount
  for (let j = 0; j < n; j++) {
    let k = 0
    for (let i = 0; i < j; i++) if (leaves.params[i] === leaves.params[j]) k++
    LOCAL_AT[j] = locals.index(leaves.params[j], k)
  }
  for (let j = n - 1; j >= 0; j--) { w.byte(0x21); w.u32(LOCAL_AT[j]) }
  const end = leaves.codeEnd(f)
  const r = new Reader(bytes, leaves.codeStart(f), end)
  let copyFrom = r.pos
  while (r.pos < end) {
    const opStart = r.pos
    const op = bytes[r.pos++]
    if (op >= 0x20 && op <= 0x22) { // local.get, local.set, local.tee
      const local = r.u32()
      w.bytes(bytes, copyFrom, opStart)
      w.byte(op); w.u32(LOCAL_AT[local])
      copyFrom = r.pos
    } else {
      skipImmediate(r, IMM[op], opStart)
    }
  }
  w.bytes(bytes, copyFrom, end)
}

/** Where each param of the leaf being inlined lives in the caller */
const LOCAL_AT = new Int32Array(INLINE_MAX_PARAMS)
