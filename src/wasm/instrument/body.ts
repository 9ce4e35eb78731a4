import { ModuleRejectedError } from '../../errors.js'
import { FRAME_OVERHEAD, UNCOUNTED_LEAF_MAX_SLOTS } from '../abi.js'
import { Reader, Writer, malformed } from '../binary/bytes.js'
import {
  COST, FC_IMM, FC_KIND, FC_POP, FC_PUSH, FD_IMM, FD_KIND, FD_POP, FD_PUSH, IMM, Imm, KIND, Kind, POP, PUSH, REJECTED_OPCODES
} from '../binary/opcodes.js'
import { emitCharge, emitLengthCharge, emitStore, type FuelIndices } from './fuel.js'
import { emitCanonF32, emitCanonF32x4, emitCanonF64, emitCanonF64x2 } from './nan.js'
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
  /** Block type bytes for a block yielding a function's results */
  resultBlockType: (typeIndex: number) => Uint8Array
}

/**
 * Scalar NaNs are canonicalized where their bits could be seen, not after
 * every operation: a float's bits are only observable when it is stored to
 * memory, reinterpreted as an integer, gives its sign to copysign, or enters
 * a SIMD vector. Everything else (arithmetic, comparisons, conversions to
 * integers, moves through locals, calls and blocks) is blind to payload and
 * sign. Values straight from a load, a constant or an integer conversion are
 * known clean and are stored untouched; anything else that reaches a sink is
 * canonicalized there. Each entry is the sink's float type (1 f32, 2 f64).
 */
const SINK = new Uint8Array(256)
SINK[0x38] = 1; SINK[0x39] = 2 // f32.store f64.store
SINK[0xbc] = 1; SINK[0xbd] = 2 // i32.reinterpret_f32 i64.reinterpret_f64
SINK[0x98] = 1; SINK[0xa6] = 2 // copysign takes the sign of the top operand
const SIMD_SINK = new Uint8Array(256)
SIMD_SINK[19] = 1; SIMD_SINK[20] = 2 // f32x4.splat f64x2.splat
SIMD_SINK[32] = 1; SIMD_SINK[34] = 2 // f32x4.replace_lane f64x2.replace_lane
/** Producers whose float result is clean: loads, constants, conversions from integers */
const CLEAN = new Uint8Array(256)
for (const op of [0x2a, 0x2b, 0x43, 0x44, 0xb2, 0xb3, 0xb4, 0xb5, 0xb7, 0xb8, 0xb9, 0xba, 0xbe, 0xbf]) CLEAN[op] = 1

const VALTYPE_SLOTS: Record<number, number> = { 0x7f: 1, 0x7e: 1, 0x7d: 1, 0x7c: 1, 0x7b: 2, 0x70: 1, 0x6f: 1 }

/** Scratch state reused across bodies: a module has thousands of them */
class Scratch {
  code = new Writer(1 << 16)
  body = new Writer(1 << 16)
  segPos: number[] = []
  segCost: number[] = []
  segCheck: boolean[] = []
  segReload: boolean[] = []
  ctlKind: number[] = []
  ctlBase: number[] = []
  ctlParams: number[] = []
  ctlResults: number[] = []
  /** Per operand-stack slot: the value may be a NaN with machine-dependent bits */
  dirty = new Uint8Array(1024)
  /** A branch targets this block's end, so code after the end starts a new run */
  ctlTargeted: boolean[] = []
}
const scratch = new Scratch()

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

/**
 * Rewrites one function body (locals and code) into `out`, adding fuel
 * metering, the call-depth counter and NaN canonicalization. The original
 * bytes are copied in runs; only boundaries and rewritten instructions cost
 * more than a memcpy.
 */
export function rewriteBody (ctx: ModuleContext, start: number, end: number, typeIndex: number, out: Writer): void {
  const bytes = ctx.bytes
  const r = new Reader(bytes, start, end)
  const s = scratch
  const w = s.code
  w.len = 0
  s.segPos.length = 0; s.segCost.length = 0; s.segCheck.length = 0; s.segReload.length = 0

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
  w.bytes(ctx.resultBlockType(typeIndex))

  let segStart = w.len
  let segCost = 0
  let segCheck = true
  let segReload = true
  const closeSegment = (): void => {
    if (segCost !== 0 || segCheck || segReload) {
      s.segPos.push(segStart); s.segCost.push(segCost); s.segCheck.push(segCheck); s.segReload.push(segReload)
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
  }

  let h = 0
  let maxH = 0
  let depth = 0
  let calls = false
  let ctlBase = 0
  const ctlKind = s.ctlKind; const ctlBases = s.ctlBase; const ctlParams = s.ctlParams; const ctlResults = s.ctlResults
  const ctlTargeted = s.ctlTargeted
  ctlKind.length = 0; ctlBases.length = 0; ctlParams.length = 0; ctlResults.length = 0; ctlTargeted.length = 0
  const target = (label: number): void => { if (label < depth) ctlTargeted[depth - 1 - label] = true }

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
  const open = (kind: number, bt: number): void => {
    const p = Math.floor(bt / 65536)
    pop(p)
    ctlKind.push(kind); ctlBases.push(h); ctlParams.push(p); ctlResults.push(bt % 65536); ctlTargeted.push(false)
    ctlBase = h
    push(p)
    depth++
  }

  for (;;) {
    if (r.pos >= end) throw malformed(r.pos, 'function body ends without `end`')
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
      case Kind.Block: open(kind, blockType(r, ctx)); break
      case Kind.Loop: open(kind, blockType(r, ctx)); boundary(true); break
      case Kind.If: pop(1); open(kind, blockType(r, ctx)); boundary(false); break
      case Kind.Else: {
        const i = ctlKind.length - 1
        h = ctlBases[i] + ctlParams[i]
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
          const counted = calls || frame > UNCOUNTED_LEAF_MAX_SLOTS
          if (counted) {
            w.u32Padded(frame, framePatch)
            emitStackLeave(w, stackIx, frame)
          }
          w.byte(0x0b)
          if (r.pos !== end) throw malformed(r.pos, 'code after the end of a function body')
          assemble(out, start, localsEnd, counted ? 0 : prologueEnd)
          return
        }
        const i = ctlKind.length - 1
        h = ctlBases[i] + ctlResults[i]
        // only fallthrough reaches the end of a loop, or of a block no branch
        // targets: the code after it runs exactly when the current run does
        const joins = ctlKind[i] === Kind.If || ctlTargeted[i]
        ctlKind.pop(); ctlBases.pop(); ctlParams.pop(); ctlResults.pop(); ctlTargeted.pop()
        depth--
        ctlBase = depth === 0 ? 0 : ctlBases[ctlBases.length - 1]
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
        if (!ctx.exactFuel) { flush(opStart); emitStore(w, fuel) }
        const f = r.u32()
        if (f >= ctx.funcTypes.length) throw malformed(opStart, `call to function ${f}, which does not exist`)
        const t = ctx.funcTypes[f]
        pop(ctx.typeParams[t]); push(ctx.typeResults[t])
        calls = true
        boundary(false, true)
        break
      }
      case Kind.CallIndirect: {
        if (!ctx.exactFuel) { flush(opStart); emitStore(w, fuel) }
        const t = r.u32()
        r.u32()
        if (t >= ctx.typeParams.length) throw malformed(opStart, `call_indirect with type ${t}, which does not exist`)
        pop(1 + ctx.typeParams[t]); push(ctx.typeResults[t])
        calls = true
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

  function assemble (out: Writer, start: number, localsEnd: number, from: number): void {
    const body = s.body
    body.len = 0
    // locals: the originals, then our scratch locals
    const groups = new Reader(bytes, start, localsEnd)
    const n = groups.u32()
    body.u32(n + 5)
    body.bytes(bytes, groups.pos, localsEnd)
    for (const t of [0x7e, 0x7f, 0x7d, 0x7c, 0x7b]) { body.byte(1); body.byte(t) }
    let prev = from
    const code = w.buf
    for (let i = 0; i < s.segPos.length; i++) {
      const at = s.segPos[i]
      body.bytes(code, prev, at)
      emitCharge(body, fuel, s.segCost[i], s.segCheck[i], s.segReload[i], ctx.exactFuel)
      prev = at
    }
    body.bytes(code, prev, w.len)
    out.u32(body.len)
    out.bytes(body.buf, 0, body.len)
  }
}

function skipImmediate (r: Reader, imm: number, at: number): void {
  switch (imm) {
    case Imm.None: return
    case Imm.Idx: r.u32(); return
    case Imm.I32: r.skipLeb(5); return
    case Imm.I64: r.skipLeb(10); return
    case Imm.F32: r.skip(4); return
    case Imm.F64: r.skip(8); return
    case Imm.MemArg: {
      const align = r.u32()
      if ((align & 0x40) !== 0) throw new ModuleRejectedError(`a memory access at offset ${at}`, 'names a memory index: multiple memories are not supported')
      r.u32()
      return
    }
    case Imm.MemArgLane: {
      const align = r.u32()
      if ((align & 0x40) !== 0) throw new ModuleRejectedError(`a memory access at offset ${at}`, 'names a memory index: multiple memories are not supported')
      r.u32(); r.skip(1)
      return
    }
    case Imm.MemIdx:
      if (r.u32() !== 0) throw new ModuleRejectedError(`a memory instruction at offset ${at}`, 'names memory index > 0: multiple memories are not supported')
      return
    case Imm.TwoIdx: r.u32(); r.u32(); return
    case Imm.CallIndirect: r.u32(); r.u32(); return
    case Imm.SelectT: {
      const n = r.u32()
      for (let i = 0; i < n; i++) {
        const t = r.byte()
        if (VALTYPE_SLOTS[t] === undefined) throw new ModuleRejectedError(`select at offset ${at}`, 'uses a typed reference, which dcx does not run')
      }
      return
    }
    case Imm.RefType: {
      const t = r.byte()
      if (t !== 0x70 && t !== 0x6f) throw new ModuleRejectedError(`ref.null at offset ${at}`, 'uses a typed reference, which dcx does not run')
      return
    }
    case Imm.V128: r.skip(16); return
    case Imm.Lane: r.skip(1); return
    default: throw malformed(at, 'unexpected immediate')
  }
}
