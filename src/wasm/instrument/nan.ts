import type { Writer } from '../binary/bytes.js'

/**
 * NaN canonicalization: after an operation that can produce a NaN, replace
 * any NaN by the canonical one (f32 7fc00000, f64 7ff8000000000000), since
 * the payload and sign of a produced NaN differ between CPUs (x86 makes
 * fff8000000000000 for 0/0). Branch-free: `x == x ? x : canonical` with a
 * select (scalar) or a bitselect on the lane mask (SIMD).
 */
export interface NanLocals {
  f32: number
  f64: number
  v128: number
}

const F32_CANON = [0x00, 0x00, 0xc0, 0x7f]
const F64_CANON = [0, 0, 0, 0, 0, 0, 0xf8, 0x7f]

function canonicalScalar (w: Writer, local: number, constOp: number, canon: number[], eqOp: number): void {
  w.byte(0x22); w.u32(local)
  w.byte(constOp); for (const b of canon) w.byte(b)
  w.byte(0x20); w.u32(local)
  w.byte(0x20); w.u32(local)
  w.byte(eqOp)
  w.byte(0x1b) // select
}

function canonicalVector (w: Writer, local: number, lane: number[], lanes: number, eqSubop: number): void {
  w.byte(0x22); w.u32(local)
  w.byte(0xfd); w.byte(12) // v128.const
  for (let i = 0; i < lanes; i++) for (const b of lane) w.byte(b)
  w.byte(0x20); w.u32(local)
  w.byte(0x20); w.u32(local)
  w.byte(0xfd); w.u32(eqSubop)
  w.byte(0xfd); w.u32(82) // v128.bitselect
}

export function emitCanonF32 (w: Writer, l: NanLocals): void { canonicalScalar(w, l.f32, 0x43, F32_CANON, 0x5b) }
export function emitCanonF64 (w: Writer, l: NanLocals): void { canonicalScalar(w, l.f64, 0x44, F64_CANON, 0x61) }
export function emitCanonF32x4 (w: Writer, l: NanLocals): void { canonicalVector(w, l.v128, F32_CANON, 4, 65) }
export function emitCanonF64x2 (w: Writer, l: NanLocals): void { canonicalVector(w, l.v128, F64_CANON, 2, 71) }

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
export const SINK = new Uint8Array(256)
SINK[0x38] = 1; SINK[0x39] = 2 // f32.store f64.store
SINK[0xbc] = 1; SINK[0xbd] = 2 // i32.reinterpret_f32 i64.reinterpret_f64
SINK[0x98] = 1; SINK[0xa6] = 2 // copysign takes the sign of the top operand
