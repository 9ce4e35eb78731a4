import { ModuleRejectedError } from '../errors.js'
import { malformed, type Reader } from '../binary/bytes.js'
import { Imm } from '../binary/opcodes.js'

/** Operand-stack slots a value of each type takes (the call-depth counter counts slots) */
export const VALTYPE_SLOTS: Record<number, number> = { 0x7f: 1, 0x7e: 1, 0x7d: 1, 0x7c: 1, 0x7b: 2, 0x70: 1, 0x6f: 1 }

/** Moves `r` past an instruction's immediate of shape `imm`, refusing the shapes dcx does not run */
export function skipImmediate (r: Reader, imm: number, at: number): void {
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
