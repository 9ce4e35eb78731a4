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

/** A function whose body the fast variant copies into its callers */
export interface InlineLeaf {
  /** [codeStart, codeEnd) of its instructions in the module's bytes, without the final `end` */
  codeStart: number
  codeEnd: number
  /** The value type of each param */
  params: Uint8Array
  /** The fuel its body costs, charged once at its entry */
  cost: number
}

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
 * by function index. Reads each small body once; costs nothing per large one.
 */
export function findInlineLeaves (m: ParsedModule): Map<number, InlineLeaf> {
  const leaves = new Map<number, InlineLeaf>()
  const bytes = m.bytes
  for (let i = 0; i < m.bodyStart.length; i++) {
    const start = m.bodyStart[i]
    const end = m.bodyEnd[i]
    if (end - start > INLINE_MAX_BODY_BYTES || bytes[start] !== 0) continue // declared locals
    const f = m.importedFuncs + i
    const t = m.funcTypes[f]
    const nParams = m.typeParams[t]
    if (nParams > INLINE_MAX_PARAMS) continue
    const params = bytes.subarray(m.typeAt[t] + 2, m.typeAt[t] + 2 + nParams) // form, count < 128, types
    if (![...params].every(p => SCALAR.has(p))) continue
    const cost = leafCost(bytes, start + 1, end)
    if (cost < 0) continue
    leaves.set(f, { codeStart: start + 1, codeEnd: end - 1, params: params.slice(), cost })
  }
  return leaves
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
 * Writes a leaf's body in place of a call to it: its arguments, on the
 * operand stack, go to scratch locals, then its instructions follow with
 * their local indices moved to those locals. Leaves its results on the stack,
 * as the call did.
 */
export function emitInlined (w: Writer, bytes: Uint8Array, leaf: InlineLeaf, locals: InlineLocals): void {
  const at = new Array<number>(leaf.params.length)
  const seen = new Map<number, number>()
  for (let j = 0; j < leaf.params.length; j++) {
    const t = leaf.params[j]
    const k = seen.get(t) ?? 0
    seen.set(t, k + 1)
    at[j] = locals.index(t, k)
  }
  for (let j = leaf.params.length - 1; j >= 0; j--) { w.byte(0x21); w.u32(at[j]) }
  const r = new Reader(bytes, leaf.codeStart, leaf.codeEnd)
  let copyFrom = r.pos
  while (r.pos < leaf.codeEnd) {
    const opStart = r.pos
    const op = bytes[r.pos++]
    if (op >= 0x20 && op <= 0x22) {
      const local = r.u32()
      w.bytes(bytes, copyFrom, opStart)
      w.byte(op); w.u32(at[local])
      copyFrom = r.pos
    } else {
      skipImmediate(r, IMM[op], opStart)
    }
  }
  w.bytes(bytes, copyFrom, leaf.codeEnd)
}
