/**
 * What the rewriter must know of each instruction: how to skip its
 * immediates, its effect on the operand stack (for the stack-height counter),
 * its fuel cost, and whether it needs rewriting. Tables are typed arrays
 * indexed by opcode (and by sub-opcode for the 0xFC and 0xFD prefixes) so the
 * decoder's inner loop does no allocation and no string work.
 *
 * Covered: MVP, multi-value, sign extension, saturating conversions, bulk
 * memory, reference types, fixed-width SIMD. Anything else V8 might accept
 * (threads, relaxed SIMD, exceptions, tail calls, GC, typed function
 * references, memory64, multi-memory) is rejected by name at validation.
 */

/** Immediate shapes */
export const enum Imm {
  None, BlockType, Idx, BrTable, CallIndirect, MemArg, MemIdx, I32, I64, F32, F64,
  SelectT, RefType, TwoIdx, V128, Lane, MemArgLane, Invalid
}

/** What the rewriter does with an instruction */
export const enum Kind {
  Plain, Block, Loop, If, Else, End, Br, BrIf, BrTable, Return, Unreachable, Call, CallIndirect,
  MemoryGrow, BulkMemory, BulkTable,
  NanF32, NanF64, NanF32x4, NanF64x2
}

const SIZE = 256
export const IMM = new Uint8Array(SIZE).fill(Imm.Invalid)
export const POP = new Uint8Array(SIZE)
export const PUSH = new Uint8Array(SIZE)
export const KIND = new Uint8Array(SIZE)
export const COST = new Uint8Array(SIZE)
export const NAME: string[] = new Array(SIZE).fill('')

export const FC_IMM = new Uint8Array(SIZE).fill(Imm.Invalid)
export const FC_POP = new Uint8Array(SIZE)
export const FC_PUSH = new Uint8Array(SIZE)
export const FC_KIND = new Uint8Array(SIZE)

export const FD_IMM = new Uint8Array(SIZE).fill(Imm.Invalid)
export const FD_POP = new Uint8Array(SIZE)
export const FD_PUSH = new Uint8Array(SIZE)
export const FD_KIND = new Uint8Array(SIZE)

function op (code: number, name: string, imm: Imm, pop: number, push: number, kind = Kind.Plain, cost = 1): void {
  IMM[code] = imm; POP[code] = pop; PUSH[code] = push; KIND[code] = kind; COST[code] = cost; NAME[code] = name
}
function range (from: number, to: number, imm: Imm, pop: number, push: number, kind = Kind.Plain): void {
  for (let c = from; c <= to; c++) op(c, `0x${c.toString(16)}`, imm, pop, push, kind)
}

// control; wasmtime charges 0 for nop, drop, block, loop, unreachable, return, else, end
op(0x00, 'unreachable', Imm.None, 0, 0, Kind.Unreachable, 0)
op(0x01, 'nop', Imm.None, 0, 0, Kind.Plain, 0)
op(0x02, 'block', Imm.BlockType, 0, 0, Kind.Block, 0)
op(0x03, 'loop', Imm.BlockType, 0, 0, Kind.Loop, 0)
op(0x04, 'if', Imm.BlockType, 1, 0, Kind.If)
op(0x05, 'else', Imm.None, 0, 0, Kind.Else, 0)
op(0x0b, 'end', Imm.None, 0, 0, Kind.End, 0)
op(0x0c, 'br', Imm.Idx, 0, 0, Kind.Br)
op(0x0d, 'br_if', Imm.Idx, 1, 0, Kind.BrIf)
op(0x0e, 'br_table', Imm.BrTable, 1, 0, Kind.BrTable)
op(0x0f, 'return', Imm.None, 0, 0, Kind.Return, 0)
op(0x10, 'call', Imm.Idx, 0, 0, Kind.Call)
op(0x11, 'call_indirect', Imm.CallIndirect, 1, 0, Kind.CallIndirect)
op(0x1a, 'drop', Imm.None, 1, 0, Kind.Plain, 0)
op(0x1b, 'select', Imm.None, 3, 1)
op(0x1c, 'select', Imm.SelectT, 3, 1)
// variables and tables
op(0x20, 'local.get', Imm.Idx, 0, 1)
op(0x21, 'local.set', Imm.Idx, 1, 0)
op(0x22, 'local.tee', Imm.Idx, 1, 1)
op(0x23, 'global.get', Imm.Idx, 0, 1)
op(0x24, 'global.set', Imm.Idx, 1, 0)
op(0x25, 'table.get', Imm.Idx, 1, 1)
op(0x26, 'table.set', Imm.Idx, 2, 0)
// memory
range(0x28, 0x35, Imm.MemArg, 1, 1)
range(0x36, 0x3e, Imm.MemArg, 2, 0)
op(0x3f, 'memory.size', Imm.MemIdx, 0, 1)
op(0x40, 'memory.grow', Imm.MemIdx, 1, 1, Kind.MemoryGrow)
// constants
op(0x41, 'i32.const', Imm.I32, 0, 1)
op(0x42, 'i64.const', Imm.I64, 0, 1)
op(0x43, 'f32.const', Imm.F32, 0, 1)
op(0x44, 'f64.const', Imm.F64, 0, 1)
// numeric: comparisons and integer arithmetic
op(0x45, 'i32.eqz', Imm.None, 1, 1)
range(0x46, 0x4f, Imm.None, 2, 1)
op(0x50, 'i64.eqz', Imm.None, 1, 1)
range(0x51, 0x66, Imm.None, 2, 1)
range(0x67, 0x69, Imm.None, 1, 1)
range(0x6a, 0x78, Imm.None, 2, 1)
range(0x79, 0x7b, Imm.None, 1, 1)
range(0x7c, 0x8a, Imm.None, 2, 1)
// f32: abs neg are bit operations; ceil floor trunc nearest sqrt can make NaNs
range(0x8b, 0x8c, Imm.None, 1, 1)
range(0x8d, 0x91, Imm.None, 1, 1, Kind.NanF32)
range(0x92, 0x97, Imm.None, 2, 1, Kind.NanF32) // add sub mul div min max
op(0x98, 'f32.copysign', Imm.None, 2, 1)
range(0x99, 0x9a, Imm.None, 1, 1)
range(0x9b, 0x9f, Imm.None, 1, 1, Kind.NanF64)
range(0xa0, 0xa5, Imm.None, 2, 1, Kind.NanF64)
op(0xa6, 'f64.copysign', Imm.None, 2, 1)
// conversions; demote and promote can change a NaN's payload
range(0xa7, 0xbf, Imm.None, 1, 1)
op(0xb6, 'f32.demote_f64', Imm.None, 1, 1, Kind.NanF32)
op(0xbb, 'f64.promote_f32', Imm.None, 1, 1, Kind.NanF64)
// sign extension
range(0xc0, 0xc4, Imm.None, 1, 1)
// reference types
op(0xd0, 'ref.null', Imm.RefType, 0, 1)
op(0xd1, 'ref.is_null', Imm.None, 1, 1)
op(0xd2, 'ref.func', Imm.Idx, 0, 1)

/** Names of instruction families we reject, by first byte */
export const REJECTED_OPCODES: Record<number, string> = {
  0x06: 'exception handling (try)', 0x07: 'exception handling (catch)', 0x08: 'exception handling (throw)',
  0x09: 'exception handling (rethrow)', 0x0a: 'exception handling (throw_ref)', 0x18: 'exception handling (delegate)',
  0x19: 'exception handling (catch_all)', 0x1f: 'exception handling (try_table)',
  0x12: 'tail calls (return_call)', 0x13: 'tail calls (return_call_indirect)',
  0x14: 'typed function references (call_ref)', 0x15: 'tail calls (return_call_ref)',
  0xd3: 'GC (ref.eq)', 0xd4: 'typed function references (ref.as_non_null)',
  0xd5: 'typed function references (br_on_null)', 0xd6: 'typed function references (br_on_non_null)',
  0xfb: 'GC instructions', 0xfe: 'threads (atomic instructions)'
}

// 0xFC prefix
function fc (sub: number, imm: Imm, pop: number, push: number, kind = Kind.Plain): void {
  FC_IMM[sub] = imm; FC_POP[sub] = pop; FC_PUSH[sub] = push; FC_KIND[sub] = kind
}
for (let s = 0; s <= 7; s++) fc(s, Imm.None, 1, 1) // trunc_sat
fc(8, Imm.TwoIdx, 3, 0, Kind.BulkMemory) // memory.init data mem
fc(9, Imm.Idx, 0, 0) // data.drop
fc(10, Imm.TwoIdx, 3, 0, Kind.BulkMemory) // memory.copy
fc(11, Imm.MemIdx, 3, 0, Kind.BulkMemory) // memory.fill
fc(12, Imm.TwoIdx, 3, 0, Kind.BulkTable) // table.init
fc(13, Imm.Idx, 0, 0) // elem.drop
fc(14, Imm.TwoIdx, 3, 0, Kind.BulkTable) // table.copy
fc(15, Imm.Idx, 2, 1) // table.grow
fc(16, Imm.Idx, 0, 1) // table.size
fc(17, Imm.Idx, 3, 0, Kind.BulkTable) // table.fill

// 0xFD prefix: fixed-width SIMD
function fd (from: number, to: number, imm: Imm, pop: number, push: number, kind = Kind.Plain): void {
  for (let s = from; s <= to; s++) { FD_IMM[s] = imm; FD_POP[s] = pop; FD_PUSH[s] = push; FD_KIND[s] = kind }
}
fd(0, 10, Imm.MemArg, 1, 1) // loads, load_splat
fd(11, 11, Imm.MemArg, 2, 0) // v128.store
fd(12, 12, Imm.V128, 0, 1)
fd(13, 13, Imm.V128, 2, 1) // i8x16.shuffle: 16 lane bytes
fd(14, 14, Imm.None, 2, 1) // swizzle
fd(15, 20, Imm.None, 1, 1) // splats
for (let s = 21; s <= 34; s++) {
  // extract_lane (1 -> 1) and replace_lane (2 -> 1) alternate by shape
  const replace = s === 23 || s === 26 || s === 28 || s === 30 || s === 32 || s === 34
  fd(s, s, Imm.Lane, replace ? 2 : 1, 1)
}
fd(35, 76, Imm.None, 2, 1) // comparisons
fd(77, 77, Imm.None, 1, 1) // not
fd(78, 81, Imm.None, 2, 1) // and andnot or xor
fd(82, 82, Imm.None, 3, 1) // bitselect
fd(83, 83, Imm.None, 1, 1) // any_true
fd(84, 87, Imm.MemArgLane, 2, 1) // load_lane
fd(88, 91, Imm.MemArgLane, 2, 0) // store_lane
fd(92, 93, Imm.MemArg, 1, 1) // load32_zero load64_zero
fd(94, 94, Imm.None, 1, 1, Kind.NanF32x4) // f32x4.demote_f64x2_zero
fd(95, 95, Imm.None, 1, 1, Kind.NanF64x2) // f64x2.promote_low_f32x4
fd(96, 100, Imm.None, 1, 1) // i8x16 abs neg popcnt all_true bitmask
fd(101, 102, Imm.None, 2, 1) // narrow
fd(103, 106, Imm.None, 1, 1, Kind.NanF32x4) // f32x4 ceil floor trunc nearest
fd(107, 115, Imm.None, 2, 1) // i8x16 shifts, add, sub (sat)
fd(116, 117, Imm.None, 1, 1, Kind.NanF64x2) // f64x2 ceil floor
fd(118, 121, Imm.None, 2, 1) // i8x16 min max
fd(122, 122, Imm.None, 1, 1, Kind.NanF64x2) // f64x2.trunc
fd(123, 123, Imm.None, 2, 1) // avgr_u
fd(124, 129, Imm.None, 1, 1) // extadd_pairwise, i16x8 abs neg
fd(130, 130, Imm.None, 2, 1) // q15mulr_sat_s
fd(131, 132, Imm.None, 1, 1) // all_true bitmask
fd(133, 134, Imm.None, 2, 1) // narrow
fd(135, 138, Imm.None, 1, 1) // extend
fd(139, 147, Imm.None, 2, 1) // shifts, add, sub
fd(148, 148, Imm.None, 1, 1, Kind.NanF64x2) // f64x2.nearest
fd(149, 153, Imm.None, 2, 1) // mul min max
fd(155, 159, Imm.None, 2, 1) // avgr_u, extmul
fd(160, 161, Imm.None, 1, 1) // i32x4 abs neg
fd(163, 164, Imm.None, 1, 1) // all_true bitmask
fd(167, 170, Imm.None, 1, 1) // extend
fd(171, 174, Imm.None, 2, 1) // shifts add
fd(177, 177, Imm.None, 2, 1) // sub
fd(181, 186, Imm.None, 2, 1) // mul min max dot
fd(188, 191, Imm.None, 2, 1) // extmul
fd(192, 193, Imm.None, 1, 1) // i64x2 abs neg
fd(195, 196, Imm.None, 1, 1) // all_true bitmask
fd(199, 202, Imm.None, 1, 1) // extend
fd(203, 206, Imm.None, 2, 1) // shifts add
fd(209, 209, Imm.None, 2, 1) // sub
fd(213, 223, Imm.None, 2, 1) // mul, comparisons, extmul
fd(224, 225, Imm.None, 1, 1) // f32x4 abs neg
fd(227, 227, Imm.None, 1, 1, Kind.NanF32x4) // sqrt
fd(228, 233, Imm.None, 2, 1, Kind.NanF32x4) // add sub mul div min max
fd(234, 235, Imm.None, 2, 1) // pmin pmax pick an operand's bits
fd(236, 237, Imm.None, 1, 1) // f64x2 abs neg
fd(239, 239, Imm.None, 1, 1, Kind.NanF64x2) // sqrt
fd(240, 245, Imm.None, 2, 1, Kind.NanF64x2)
fd(246, 247, Imm.None, 2, 1) // pmin pmax
fd(248, 255, Imm.None, 1, 1) // trunc_sat, convert
