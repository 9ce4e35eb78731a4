import type { Writer } from '../binary/bytes.js'
import { LIMIT_BIT_MEMORY, TRAP_HOST_MEMORY } from '../abi.js'

/** `memory.size` plus the helper's `delta` param, as an i64: the size a grow asked for */
function emitAskedPages (w: Writer): void {
  w.byte(0x3f); w.byte(0) // memory.size
  w.byte(0xad) // i64.extend_i32_u
  w.byte(0x20); w.byte(0) // local.get delta
  w.byte(0xad)
  w.byte(0x7c) // i64.add
}

/**
 * Memory: the module's maximum is clamped to the job's limit, so growing past
 * it returns -1 the same way everywhere. `memory.grow` calls this helper,
 * which tells the three ways a grow can fail apart:
 *
 * - within the (clamped) maximum: the host itself is short of memory. That
 *   would be a result decided by the machine, so it becomes a host error
 *   (never a job result) instead of returning -1.
 * - past the job's limit (`jobPages`): -1, and the memory bit is set in the
 *   limits-hit global, so the result records that the limit was reached.
 * - past the module's own, lower maximum: -1, the module's own doing.
 */
export function emitGrowHelperBody (w: Writer, trapGlobal: number, limitsGlobal: number, maxPages: number, jobPages: number): void {
  w.byte(1); w.byte(1); w.byte(0x7f) // one i32 local
  w.byte(0x20); w.byte(0) // local.get delta
  w.byte(0x40); w.byte(0) // memory.grow 0
  w.byte(0x22); w.byte(1) // local.tee result
  w.byte(0x41); w.s32(-1)
  w.byte(0x46) // i32.eq
  w.byte(0x04); w.byte(0x40) // if
  emitAskedPages(w)
  w.byte(0x42); w.s64(maxPages)
  w.byte(0x58) // i64.le_u
  w.byte(0x04); w.byte(0x40) // if: within the maximum, the host failed
  w.byte(0x41); w.s32(TRAP_HOST_MEMORY)
  w.byte(0x24); w.u32(trapGlobal)
  w.byte(0x00)
  w.byte(0x0b)
  emitAskedPages(w)
  w.byte(0x42); w.s64(jobPages)
  w.byte(0x56) // i64.gt_u
  w.byte(0x04); w.byte(0x40) // if: past the job's limit
  w.byte(0x23); w.u32(limitsGlobal) // global.get
  w.byte(0x41); w.s32(LIMIT_BIT_MEMORY)
  w.byte(0x72) // i32.or
  w.byte(0x24); w.u32(limitsGlobal) // global.set
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
