import type { Writer } from '../binary/bytes.js'
import { TRAP_HOST_MEMORY } from '../abi.js'

/**
 * Memory: the module's maximum is clamped to the job's limit, so growing past
 * it returns -1 the same way everywhere. Growing below the limit may still
 * fail if the host itself is short of memory; that would be a result decided
 * by the machine, so `memory.grow` calls this helper, which turns such a
 * failure into a host error (never a job result) instead of returning -1.
 */
export function emitGrowHelperBody (w: Writer, trapGlobal: number, maxPages: number): void {
  w.byte(1); w.byte(1); w.byte(0x7f) // one i32 local
  w.byte(0x20); w.byte(0) // local.get delta
  w.byte(0x40); w.byte(0) // memory.grow 0
  w.byte(0x22); w.byte(1)
  w.byte(0x41); w.s32(-1)
  w.byte(0x46) // i32.eq
  w.byte(0x04); w.byte(0x40)
  w.byte(0x3f); w.byte(0) // memory.size
  w.byte(0xad) // i64.extend_i32_u
  w.byte(0x20); w.byte(0)
  w.byte(0xad)
  w.byte(0x7c) // i64.add
  w.byte(0x42); w.s64(maxPages)
  w.byte(0x58) // i64.le_u
  w.byte(0x04); w.byte(0x40)
  w.byte(0x41); w.s32(TRAP_HOST_MEMORY)
  w.byte(0x24); w.u32(trapGlobal)
  w.byte(0x00)
  w.byte(0x0b)
  w.byte(0x0b)
  w.byte(0x20); w.byte(1)
  w.byte(0x0b)
}

/** Body of a helper that records a trap reason and traps */
export function emitTrapHelperBody (w: Writer, trapGlobal: number, reason: number): void {
  w.byte(0) // no locals
  w.byte(0x41); w.s32(reason)
  w.byte(0x24); w.u32(trapGlobal)
  w.byte(0x00)
  w.byte(0x0b)
}
