import { Reader } from './binary/bytes.js'
import { FC_IMM, FD_IMM, IMM, Imm, KIND, Kind } from './binary/opcodes.js'
import { skipImmediate } from './instrument/immediates.js'
import type { ParsedModule } from './binary/module.js'

/**
 * Loops nested deeper than this in any function keep the module in V8's
 * baseline tier: TurboFan's loop analysis is quadratic in loop nesting (a
 * rewritten function of 4,000 nested loops took 0.7 s to compile, 16,000 took
 * 7 s, the 65,535 a job may nest about 100 s), Liftoff's is linear. Real
 * code nests loops a handful deep.
 */
export const MAX_OPTIMIZED_LOOP_DEPTH = 64
/**
 * A function body larger than this keeps the module in the baseline tier:
 * TurboFan's time and memory grow faster than a body's size, and a body this
 * large is generated code (an interpreter's dispatch, a state machine), where
 * a long-running loop in one call is rare.
 */
export const MAX_OPTIMIZED_BODY_BYTES = 256 * 1024

/**
 * Whether a job's functions may be compiled by TurboFan from their first
 * call (`tiering.ts`): only when no function has a shape whose optimized
 * compile would take far longer than running it. One pass over the code of
 * a module validation has parsed; malformed code answers false (the rewrite
 * refuses it anyway).
 */
export function optimizableFromStart (bytes: Uint8Array, m: ParsedModule): boolean {
  try {
    for (let i = 0; i < m.bodyStart.length; i++) {
      const start = m.bodyStart[i]
      const end = m.bodyEnd[i]
      if (end - start > MAX_OPTIMIZED_BODY_BYTES) return false
      if (loopDepth(bytes, start, end) > MAX_OPTIMIZED_LOOP_DEPTH) return false
    }
    return true
  } catch {
    return false
  }
}

/** The deepest loop nesting in one body, stopping once it is past the limit */
function loopDepth (bytes: Uint8Array, start: number, end: number): number {
  const r = new Reader(bytes, start, end)
  const groups = r.u32()
  for (let g = 0; g < groups; g++) { r.u32(); r.byte() }
  // for each open block, loop or if: whether it is a loop (the function's own block is not)
  const open: boolean[] = [false]
  let depth = 0
  let deepest = 0
  while (r.pos < end && open.length > 0) {
    const at = r.pos
    const op = bytes[r.pos++]
    let imm: number = IMM[op]
    if (op === 0xfc || op === 0xfd) {
      const sub = r.u32()
      imm = (op === 0xfc ? FC_IMM : FD_IMM)[sub]
    }
    switch (op === 0xfc || op === 0xfd ? -1 : KIND[op]) {
      case Kind.Loop:
        depth++
        if (depth > deepest) deepest = depth
        if (deepest > MAX_OPTIMIZED_LOOP_DEPTH) return deepest
        open.push(true)
        break
      case Kind.Block: case Kind.If:
        open.push(false)
        break
      case Kind.End:
        if (open.pop() === true) depth--
        break
    }
    if (imm === Imm.BlockType) {
      r.s33()
    } else if (imm === Imm.BrTable) {
      const n = r.u32()
      for (let i = 0; i <= n; i++) r.u32()
    } else {
      skipImmediate(r, imm, at)
    }
  }
  return deepest
}
