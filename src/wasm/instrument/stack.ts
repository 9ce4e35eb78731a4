import type { Writer } from '../binary/bytes.js'
import { STACK_LIMIT_SLOTS } from '../abi.js'

/**
 * Call depth: a mutable i32 global counts the stack slots of every counted
 * frame. A function adds its frame size on entry and traps as "call stack
 * exhausted" past STACK_LIMIT_SLOTS; it subtracts it on every way out (the
 * body is wrapped in a block that `return` branches to). A trap ends the run,
 * so unwinding needs no bookkeeping. The limit is far below what the host
 * stack holds, so V8's own stack size never decides where recursion stops.
 */
export interface StackIndices {
  depthGlobal: number
  tmp32: number
  /** Function that records "stack exhausted" and traps */
  exhausted: number
}

/**
 * Writes the entry check with a padded placeholder for the frame size (known
 * only once the body has been walked); returns where to patch it.
 */
export function emitStackEnter (w: Writer, ix: StackIndices): number {
  w.byte(0x23); w.u32(ix.depthGlobal)
  w.byte(0x41)
  const patchAt = w.len
  w.u32Padded(0)
  w.byte(0x6a) // i32.add
  w.byte(0x22); w.u32(ix.tmp32)
  w.byte(0x24); w.u32(ix.depthGlobal)
  w.byte(0x20); w.u32(ix.tmp32)
  w.byte(0x41); w.s32(STACK_LIMIT_SLOTS)
  w.byte(0x4b) // i32.gt_u
  w.byte(0x04); w.byte(0x40)
  w.byte(0x10); w.u32(ix.exhausted)
  w.byte(0x0b)
  return patchAt
}

export function emitStackLeave (w: Writer, ix: StackIndices, frame: number): void {
  w.byte(0x23); w.u32(ix.depthGlobal)
  w.byte(0x41); w.s32(frame)
  w.byte(0x6b) // i32.sub
  w.byte(0x24); w.u32(ix.depthGlobal)
}
