import { Writer } from '../binary/bytes.js'

/**
 * Fuel: a mutable i64 global holding what is left, mirrored in a local of
 * each function. Every instruction costs
 * 1 except nop, drop, block, loop, unreachable, return, else and end (0), as
 * wasmtime counts. The cost of a straight-line run of code is subtracted on
 * entry to the run; runs start at function entry, loop and if/else bodies,
 * after `end`, branches and calls. Exhaustion is checked at function entry,
 * at loop headers and before bulk memory operations, so every cycle and every
 * recursion hits a check, and the check fires at the same place everywhere.
 */
export interface FuelIndices {
  fuelGlobal: number
  /**
   * i64 local mirroring the global. Every charge updates both, so the global
   * is exact at all times, but the loop-carried dependency runs through a
   * register instead of a store-to-load round trip through memory.
   */
  fuel: number
  /** i32 scratch local */
  tmp32: number
  /** Function that records "out of fuel" and traps */
  outOfFuel: number
}

/** `global = local`: before calls and on the way out, so callees, the host and the caller see what was spent */
export function emitStore (w: Writer, ix: FuelIndices): void {
  w.byte(0x20); w.u32(ix.fuel)
  w.byte(0x24); w.u32(ix.fuelGlobal)
}

/**
 * `fuel -= cost`, then `if (fuel < 0) outOfFuel()` when `check`. With
 * `reload`, the local is first refreshed from the global (at function entry
 * and after calls, where other code has spent fuel). With `store`, the
 * global is updated too: the exact-fuel variant stores on every charge so a
 * trap anywhere leaves the global exact; the fast variant stores only before
 * calls and on the way out (a trapping run is re-run with the exact variant).
 */
export function emitCharge (w: Writer, ix: FuelIndices, cost: number, check: boolean, reload: boolean, store: boolean, after = 0): void {
  if (cost === 0 && !reload) {
    if (check) { w.byte(0x20); w.u32(ix.fuel); emitTrapIfNegative(w, ix, after) }
    return
  }
  if (reload) { w.byte(0x23); w.u32(ix.fuelGlobal) } else { w.byte(0x20); w.u32(ix.fuel) }
  if (cost !== 0) {
    w.byte(0x42); w.s64(cost)
    w.byte(0x7d) // i64.sub
  }
  if (store && cost !== 0) {
    w.byte(0x22); w.u32(ix.fuel)
    w.byte(0x24); w.u32(ix.fuelGlobal)
  } else {
    w.byte(0x21); w.u32(ix.fuel)
  }
  if (check) {
    w.byte(0x20); w.u32(ix.fuel)
    emitTrapIfNegative(w, ix, after)
  }
}

const probe = new Writer(64)

/**
 * How many more bytes a body has in the exact-fuel variant than in the fast
 * one, given how many of its charges have a cost (the exact variant stores
 * each to the global too) and how many times the fast one stores before a
 * call or the exit (the exact variant never needs to). Measured by emitting
 * both, so it follows any change to the encodings above; lets the rewriter
 * check both variants against V8's function size limit while making one.
 */
export function exactVariantDelta (ix: FuelIndices, costCharges: number, stores: number): number {
  probe.len = 0
  emitCharge(probe, ix, 1, false, false, true)
  const exact = probe.len
  probe.len = 0
  emitCharge(probe, ix, 1, false, false, false)
  const fast = probe.len
  probe.len = 0
  emitStore(probe, ix)
  return costCharges * (exact - fast) - stores * probe.len
}

/** `if (fuel + after < 0) outOfFuel()`, as `fuel < -after`: the check before the last `after` of a charge */
function emitTrapIfNegative (w: Writer, ix: FuelIndices, after = 0): void {
  w.byte(0x42); w.s64(-after) // i64.const; 0 is one byte 0, as it always was
  w.byte(0x53) // i64.lt_s
  w.byte(0x04); w.byte(0x40) // if
  w.byte(0x10); w.u32(ix.outOfFuel)
  w.byte(0x0b)
}

/**
 * Before a bulk operation whose length is on top of the stack: charge for
 * the length and check. Memory operations cost 1 per 8 bytes (rounded up),
 * table operations 1 per element, on top of the instruction's own 1.
 */
export function emitLengthCharge (w: Writer, ix: FuelIndices, perEightBytes: boolean): void {
  w.byte(0x21); w.u32(ix.tmp32) // local.set len
  w.byte(0x20); w.u32(ix.fuel)
  w.byte(0x20); w.u32(ix.tmp32)
  w.byte(0xad) // i64.extend_i32_u
  if (perEightBytes) {
    w.byte(0x42); w.byte(7); w.byte(0x7c) // i64.add 7
    w.byte(0x42); w.byte(3); w.byte(0x88) // i64.shr_u 3
  }
  w.byte(0x7d)
  w.byte(0x22); w.u32(ix.fuel)
  w.byte(0x24); w.u32(ix.fuelGlobal)
  w.byte(0x20); w.u32(ix.fuel)
  emitTrapIfNegative(w, ix)
  w.byte(0x20); w.u32(ix.tmp32) // local.get len
}
