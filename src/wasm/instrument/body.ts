import { ModuleRejectedError } from '../errors.js'
import { FRAME_OVERHEAD, UNCOUNTED_LEAF_MAX_SLOTS } from '../abi.js'
import { Reader, Writer, malformed } from '../binary/bytes.js'
import { IntList } from '../binary/int-list.js'
import {
  COST, FC_IMM, FC_KIND, FC_POP, FC_PUSH, FD_IMM, FD_KIND, FD_POP, FD_PUSH, IMM, Imm, KIND, Kind, POP, PUSH, REJECTED_OPCODES
} from '../binary/opcodes.js'
import { MAX_JOB_NESTING, MAX_NESTING, V8_LIMITS } from '../limits.js'
import { ADDED_LOCALS, ADDED_NESTING } from './additions.js'
import { emitCharge, emitLengthCharge, emitStore, exactVariantDelta, type FuelIndices } from './fuel.js'
import { emitCanonF32, emitCanonF32x4, emitCanonF64, emitCanonF64x2, SINK } from './nan.js'
import { skipImmediate, VALTYPE_SLOTS } from './immediates.js'
import { emitInlined, INLINE_MAX_PARAMS, InlineLocals, type InlineLeaves } from './inline.js'
import { emitStackEnter, emitStackLeave } from './stack.js'

/** What the body rewriter needs to know about the module */
export interface ModuleContext {
  bytes: Uint8Array
  /** Per type index: number of params and results */
  typeParams: Int32Array
  typeResults: Int32Array
  /** Per function index: its type index */
  funcTypes: Int32Array
  fuelGlobal: number
  depthGlobal: number
  outOfFuel: number
  stackExhausted: number
  grow: number
  /** Store fuel to the global on every charge (see fuel.ts) */
  exactFuel: boolean
  /** Per type index, the block type yielding a function's results (see TypePlan) */
  blockTypes: Int32Array
  /** Working memory shared by the module's bodies */
  scratch: Scratch
  /**
   * Fast variant only: the leaf functions whose calls are replaced by their
   * bodies (inline.ts), and the exact variant's context, used to measure a
   * body of that variant when inlining made the two differ in shape.
   */
  inline?: InlineLeaves
  exact?: ModuleContext
}

const SIMD_SINK = new Uint8Array(256)
SIMD_SINK[19] = 1; SIMD_SINK[20] = 2 // f32x4.splat f64x2.splat
SIMD_SINK[32] = 1; SIMD_SINK[34] = 2 // f32x4.replace_lane f64x2.replace_lane
/** Producers whose float result is clean: loads, constants, conversions from integers */
const CLEAN = new Uint8Array(256)
for (const op of [0x2a, 0x2b, 0x43, 0x44, 0xb2, 0xb3, 0xb4, 0xb5, 0xb7, 0xb8, 0xb9, 0xba, 0xbe, 0xbf]) CLEAN[op] = 1

/**
 * Working memory reused across the bodies of one module (a module has
 * thousands of them), all in typed arrays: a body of n bytes needs at most
 * a few bytes per byte here, whatever its shape.
 */
export class Scratch {
  /** The body's rewritten code, before the fuel charges are put in */
  code = new Writer(1 << 16)
  /**
   * Per straight-line run, three entries: where it starts in `code`, its
   * cost * 4 + its flags, and how much of the cost comes after its check
   */
  segs = new IntList(3 * 256)
  /** Locals for the params of inlined callees */
  inlineLocals = new InlineLocals()
  /** Where a body of the other variant is written to be measured */
  measure = new Writer(1 << 10)
  /** The size of the last body written */
  size = 0
  /** Per open block, four entries: its kind (| TARGETED), operand height at entry, params, results */
  ctl = new IntList(4 * 64)
  /** Per operand-stack slot: the value may be a NaN with machine-dependent bits */
  dirty = new Uint8Array(1024)
}

const SEG_CHECK = 1
const SEG_RELOAD = 2
/** A branch targets this block's end, so code after the end starts a new run */
const TARGETED = 256

function blockType (r: Reader, ctx: ModuleContext): number {
  // returns params * 65536 + results, which stays exact for any valid module
  const b = r.bytes[r.pos]
  if (b === 0x40) { r.pos++; return 0 }
  if (VALTYPE_SLOTS[b] !== undefined) { r.pos++; return 1 }
  const t = r.s33()
  if (t < 0 || t >= ctx.typeParams.length) throw new ModuleRejectedError(`block type ${t}`, 'is not a function type index (typed references are not supported)')
  return ctx.typeParams[t] * 65536 + ctx.typeResults[t]
}

function rejectSimd (sub: number, at: number): never {
  if (sub >= 0x100 && sub <= 0x113) {
    throw new ModuleRejectedError(`instruction 0xfd ${sub} at offset ${at}`, 'is relaxed SIMD, whose results differ between CPUs')
  }
  throw malformed(at, `unknown SIMD instruction 0xfd ${sub}`)
}

function bodyTooLarge (funcIndex: number, originalSize: number, size: number | undefined): ModuleRejectedError {
  const grows = size === undefined ? `more than ${V8_LIMITS.functionSize}` : `${size}`
  return new ModuleRejectedError(`function ${funcIndex}`, `is ${originalSize} bytes and grows to ${grows} bytes when rewritten for fuel, call depth and NaNs, over V8's limit of ${V8_LIMITS.functionSize} bytes per function: split it into smaller functions`)
}

/**
 * Rewrites one function body (locals and code) into `out`, with its size
 * prefix, adding fuel metering, the call-depth counter and NaN
 * canonicalization. The original bytes are copied in runs; only boundaries
 * and rewritten instructions cost more than a memcpy. Refuses a body nested
 * deeper than MAX_JOB_NESTING, or one that either variant of the rewrite
 * (fast or exact fuel) would grow past V8's function size limit. Returns the
 * size the body has in the other variant.
 */
export function rewriteBody (ctx: ModuleContext, funcIndex: number, start: number, end: number, typeIndex: number, out: Writer): number {
  const bytes = ctx.bytes
  const r = new Reader(bytes, start, end)
  const s = ctx.scratch
  const w = s.code
  w.len = 0
  const segs = s.segs
  segs.length = 0

  // locals
  const nParams = ctx.typeParams[typeIndex]
  let nLocals = 0
  let localSlots = 0
  const groups = r.u32()
  for (let i = 0; i < groups; i++) {
    const n = r.u32()
    const t = r.byte()
    nLocals += n
    localSlots += n * (VALTYPE_SLOTS[t] ?? 1)
  }
  const localsEnd = r.pos
  const base = nParams + nLocals
  const fuel: FuelIndices = { fuelGlobal: ctx.fuelGlobal, fuel: base, tmp32: base + 1, outOfFuel: ctx.outOfFuel }
  const nan = { f32: base + 2, f64: base + 3, v128: base + 4 }
  const stackIx = { depthGlobal: ctx.depthGlobal, tmp32: base + 1, exhausted: ctx.stackExhausted }

  // prologue: depth check (dropped later if the function is an uncounted leaf), wrapper block
  const framePatch = emitStackEnter(w, stackIx)
  const prologueEnd = w.len
  w.byte(0x02)
  const bt = ctx.blockTypes[typeIndex]
  if (bt >= 0) w.byte(bt)
  else w.s64(-bt - 1)

  let segStart = w.len
  let segCost = 0
  let segCheck = true
  let segReload = true
  /** The run's cost up to its check: all of it, but for a run that starts with an inlined callee (its cost) */
  let segCheckAt = -1
  const closeSegment = (): void => {
    if (segCost !== 0 || segCheck || segReload) {
      // a run's cost is at most its body's size, far below 2^29
      segs.push(segStart); segs.push(segCost * 4 + (segCheck ? SEG_CHECK : 0) + (segReload ? SEG_RELOAD : 0))
      segs.push(segCheckAt < 0 ? 0 : segCost - segCheckAt)
    }
  }

  let copyFrom = r.pos
  const flush = (upTo: number): void => {
    if (upTo > copyFrom) w.bytes(bytes, copyFrom, upTo)
    copyFrom = upTo
  }
  /** The instruction just read ends a straight-line run */
  const boundary = (check: boolean, reload = false): void => {
    flush(r.pos)
    closeSegment()
    segStart = w.len
    segCost = 0
    segCheck = check
    segReload = reload
    segCheckAt = -1
  }

  let h = 0
  let maxH = 0
  let depth = 0
  let calls = 0
  /** Calls replaced by the callee's body (fast variant) */
  let inlined = 0
  const inlineLocals = s.inlineLocals
  inlineLocals.reset(base + ADDED_LOCALS.length)
  // the scratch locals must keep the body within V8's limit on locals
  const leaves = !ctx.exactFuel && nParams + nLocals + ADDED_LOCALS.length + INLINE_MAX_PARAMS * 4 <= V8_LIMITS.functionLocals
    ? ctx.inline
    : undefined
  let ctlBase = 0
  const ctl = s.ctl
  ctl.length = 0
  const target = (label: number): void => { if (label < depth) ctl.data[4 * (depth - 1 - label)] |= TARGETED }

  const pop = (n: number): void => { h -= n; if (h < ctlBase) h = ctlBase }
  let dirty = s.dirty
  const push = (n: number): void => {
    if (h + n > dirty.length) { const d = new Uint8Array(2 * (h + n)); d.set(dirty); dirty = s.dirty = d }
    for (let i = 0; i < n; i++) dirty[h + i] = 1
    h += n
    if (h > maxH) maxH = h
  }
  /** Canonicalizes the value on top of the stack before the current instruction if it may be dirty */
  const sink = (type: number, opStart: number): void => {
    if (h === 0 || h <= ctlBase || dirty[h - 1] === 0) return
    flush(opStart)
    if (type === 1) emitCanonF32(w, nan)
    else emitCanonF64(w, nan)
  }
  const open = (kind: number, bt: number, at: number): void => {
    if (depth === MAX_JOB_NESTING) {
      throw new ModuleRejectedError(`function ${funcIndex}`, `nests blocks more than ${MAX_JOB_NESTING} deep (at offset ${at}); jobs may nest at most ${MAX_JOB_NESTING} blocks, loops and ifs (dcx's limit is ${MAX_NESTING}, which bounds V8's compile memory, and the rewrite adds ${ADDED_NESTING})`)
    }
    const p = Math.floor(bt / 65536)
    pop(p)
    ctl.push(kind); ctl.push(h); ctl.push(p); ctl.push(bt % 65536)
    ctlBase = h
    push(p)
    depth++
  }

  for (;;) {
    if (r.pos >= end) throw malformed(r.pos, 'function body ends without `end`')
    // the rewritten code only grows: stop as soon as it is certain to be too large
    if (w.len - prologueEnd > V8_LIMITS.functionSize) throw bodyTooLarge(funcIndex, end - start, undefined)
    const opStart = r.pos
    const op = bytes[r.pos++]
    const imm = IMM[op]
    if (imm === Imm.Invalid && op !== 0xfc && op !== 0xfd) {
      const family = REJECTED_OPCODES[op]
      if (family !== undefined) throw new ModuleRejectedError(`instruction 0x${op.toString(16)} at offset ${opStart}`, `is ${family}, which dcx does not run`)
      throw malformed(opStart, `unknown opcode 0x${op.toString(16)}`)
    }
    if (op === 0xfc || op === 0xfd) {
      const sub = r.u32()
      let subImm: number; let kind: number; let p: number; let q: number
      if (op === 0xfc) {
        if (sub > 255 || FC_IMM[sub] === Imm.Invalid) throw malformed(opStart, `unknown instruction 0xfc ${sub}`)
        subImm = FC_IMM[sub]; kind = FC_KIND[sub]; p = FC_POP[sub]; q = FC_PUSH[sub]
      } else {
        if (sub > 255 || FD_IMM[sub] === Imm.Invalid) rejectSimd(sub, opStart)
        subImm = FD_IMM[sub]; kind = FD_KIND[sub]; p = FD_POP[sub]; q = FD_PUSH[sub]
      }
      if (op === 0xfd && sub < 256 && SIMD_SINK[sub] !== 0) sink(SIMD_SINK[sub], opStart)
      skipImmediate(r, subImm, opStart)
      segCost++
      pop(p); push(q)
      switch (kind) {
        case Kind.BulkMemory: case Kind.BulkTable:
          flush(opStart)
          emitLengthCharge(w, fuel, kind === Kind.BulkMemory)
          break
        case Kind.NanF32x4: flush(r.pos); emitCanonF32x4(w, nan); break
        case Kind.NanF64x2: flush(r.pos); emitCanonF64x2(w, nan); break
        default: break
      }
      continue
    }

    const kind = KIND[op]
    segCost += COST[op]
    switch (kind) {
      case Kind.Plain:
        if (SINK[op] !== 0) sink(SINK[op], opStart)
        skipImmediate(r, imm, opStart)
        pop(POP[op]); push(PUSH[op])
        if (CLEAN[op] !== 0) dirty[h - 1] = 0
        break
      case Kind.NanF32: case Kind.NanF64: pop(POP[op]); push(1); break
      case Kind.Block: open(kind, blockType(r, ctx), opStart); break
      case Kind.Loop: open(kind, blockType(r, ctx), opStart); boundary(true); break
      case Kind.If: pop(1); open(kind, blockType(r, ctx), opStart); boundary(false); break
      case Kind.Else: {
        const i = 4 * (depth - 1)
        h = ctl.data[i + 1] + ctl.data[i + 2]
        boundary(false)
        break
      }
      case Kind.End: {
        if (depth === 0) {
          // end of the function: close the wrapper, leave the frame, end
          flush(opStart)
          closeSegment()
          w.byte(0x0b)
          if (!ctx.exactFuel) emitStore(w, fuel)
          const frame = FRAME_OVERHEAD + nParams + localSlots + maxH
          const counted = calls !== 0 || frame > UNCOUNTED_LEAF_MAX_SLOTS
          if (counted) {
            w.u32Padded(frame, framePatch)
            emitStackLeave(w, stackIx, frame)
          }
          w.byte(0x0b)
          if (r.pos !== end) throw malformed(r.pos, 'code after the end of a function body')
          return assemble(out, start, localsEnd, counted ? 0 : prologueEnd)
        }
        const i = 4 * (depth - 1)
        const k = ctl.data[i]
        h = ctl.data[i + 1] + ctl.data[i + 3]
        // only fallthrough reaches the end of a loop, or of a block no branch
        // targets: the code after it runs exactly when the current run does
        const joins = (k & ~TARGETED) === Kind.If || (k & TARGETED) !== 0
        ctl.length -= 4
        depth--
        ctlBase = depth === 0 ? 0 : ctl.data[4 * (depth - 1) + 1]
        if (h > maxH) maxH = h
        if (joins) boundary(false)
        break
      }
      case Kind.Br: target(r.u32()); h = ctlBase; boundary(false); break
      case Kind.BrIf: target(r.u32()); pop(1); boundary(false); break
      case Kind.BrTable: {
        const n = r.u32()
        for (let i = 0; i <= n; i++) target(r.u32())
        h = ctlBase
        boundary(false)
        break
      }
      case Kind.Return:
        // branch to the wrapper block so the frame is left on the way out
        flush(opStart)
        w.byte(0x0c); w.u32(depth)
        copyFrom = r.pos
        h = ctlBase
        boundary(false)
        break
      case Kind.Unreachable: h = ctlBase; boundary(false); break
      case Kind.Call: {
        const f = r.u32()
        if (f >= ctx.funcTypes.length) throw malformed(opStart, `call to function ${f}, which does not exist`)
        const t = ctx.funcTypes[f]
        pop(ctx.typeParams[t]); push(ctx.typeResults[t])
        // still a call for the frame: the caller is counted as it is in the exact variant
        calls++
        const leafCost = leaves?.get(f) ?? -1
        if (leafCost >= 0) {
          // The callee's body takes the call's place and starts a run whose
          // check sees what the callee's entry check saw: the fuel after the
          // callee's cost, before the rest of the run's (see emitCharge).
          // Nothing in between stores fuel or can observe the counter.
          flush(opStart)
          copyFrom = r.pos
          closeSegment()
          segStart = w.len
          segCost = leafCost
          segCheck = true
          segReload = false
          segCheckAt = leafCost
          emitInlined(w, bytes, leaves!, f, inlineLocals)
          inlined++
          break
        }
        if (!ctx.exactFuel) { flush(opStart); emitStore(w, fuel) }
        boundary(false, true)
        break
      }
      case Kind.CallIndirect: {
        if (!ctx.exactFuel) { flush(opStart); emitStore(w, fuel) }
        const t = r.u32()
        r.u32()
        if (t >= ctx.typeParams.length) throw malformed(opStart, `call_indirect with type ${t}, which does not exist`)
        pop(1 + ctx.typeParams[t]); push(ctx.typeResults[t])
        calls++
        boundary(false, true)
        break
      }
      case Kind.MemoryGrow:
        skipImmediate(r, imm, opStart)
        flush(opStart)
        w.byte(0x10); w.u32(ctx.grow)
        copyFrom = r.pos
        break
      default: throw malformed(opStart, `opcode 0x${op.toString(16)}`)
    }
  }

  /** Writes the body into `out`: the code with each run's charge put in front of it */
  function assemble (out: Writer, start: number, localsEnd: number, from: number): number {
    const at = out.beginSized()
    // locals: the originals, then our scratch locals
    const groups = new Reader(bytes, start, localsEnd)
    const n = groups.u32()
    const extra = inlineLocals.types
    out.u32(n + ADDED_LOCALS.length + extra.length)
    out.bytes(bytes, groups.pos, localsEnd)
    for (const t of ADDED_LOCALS) { out.byte(1); out.byte(t) }
    for (const t of extra) { out.byte(1); out.byte(t) }
    let prev = from
    let costCharges = 0
    const code = w.buf
    const seg = segs.data
    for (let i = 0; i < segs.length; i += 3) {
      const pos = seg[i]
      const cost = seg[i + 1] >>> 2
      out.bytes(code, prev, pos)
      emitCharge(out, fuel, cost, (seg[i + 1] & SEG_CHECK) !== 0, (seg[i + 1] & SEG_RELOAD) !== 0, ctx.exactFuel, seg[i + 2])
      if (cost !== 0) costCharges++
      prev = pos
    }
    out.bytes(code, prev, w.len)
    const size = out.endSized(at)
    s.size = size
    let other: number
    if (inlined === 0) {
      // the fast variant stores fuel before every call and on the way out
      const delta = exactVariantDelta(fuel, costCharges, calls + 1)
      other = ctx.exactFuel ? size - delta : size + delta
    } else {
      // inlining changed the body's runs: write the exact variant to measure
      // it (it checks itself, and the fast variant without inlining, against
      // the limit, as the rewrite without inlining would have)
      const exact = ctx.exact!
      const m = exact.scratch.measure
      m.len = 0
      rewriteBody(exact, funcIndex, start, end, typeIndex, m)
      other = exact.scratch.size
    }
    if (size > V8_LIMITS.functionSize || other > V8_LIMITS.functionSize) {
      throw bodyTooLarge(funcIndex, end - start, Math.max(size, other))
    }
    return other
  }
}
