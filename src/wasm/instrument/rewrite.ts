import {
  EXPORT_DEPTH, EXPORT_FUEL, EXPORT_LIMITS, EXPORT_START, EXPORT_TRAP, TRAP_OUT_OF_FUEL, TRAP_STACK_EXHAUSTED
} from '../abi.js'
import { ModuleRejectedError } from '../errors.js'
import { Reader, Writer, lebLength } from '../binary/bytes.js'
import { SECTION_RANK, SectionId, ValType, sectionOf, sectionsOf, type ParsedModule } from '../binary/module.js'
import { V8_LIMITS } from '../limits.js'
import { ADDED_FUNCTIONS, ADDED_GLOBALS, planTypes } from './additions.js'
import { rewriteBody, Scratch, type ModuleContext } from './body.js'
import { InlineLeaves } from './inline.js'
import { emitGrowHelperBody, emitTrapHelperBody } from './memory.js'

/** Bytes of a section's payload after its leading count, and that count */
function vecTail (m: ParsedModule, id: number): { count: number, tail: Uint8Array } {
  const s = sectionOf(m, id)
  if (s === undefined) return { count: 0, tail: new Uint8Array(0) }
  const r = new Reader(m.bytes, s.start, s.end)
  const count = r.u32()
  return { count, tail: m.bytes.subarray(r.pos, s.end) }
}

function moduleTooLarge (size: number | undefined): ModuleRejectedError {
  const grows = size === undefined ? `more than ${V8_LIMITS.moduleSize}` : `${size}`
  return new ModuleRejectedError('the module', `grows to ${grows} bytes when rewritten for fuel, call depth and NaNs, over V8's limit of ${V8_LIMITS.moduleSize} bytes per module`)
}

/**
 * Rewrites a validated module for deterministic execution: fuel, call depth
 * and NaN canonicalization in every body, `memory.grow` through a checking
 * helper, the memory maximum clamped to `memoryPages`, the start function
 * turned into an export the host calls once fuel is set, and the counters
 * exported for the host to read after any trap. With `exactFuel` the fuel
 * global is exact at every instruction (for re-running a trapped job);
 * without, it is exact at calls, host calls and exits, and runs faster. Function, global and type
 * indices of the original are unchanged: everything new is appended.
 *
 * Every section is written once, straight into the output (bodies too, with
 * their sizes patched in after), so a module of n bytes that rewrites to
 * m bytes takes the output's buffer (less than 2m, and m again for the
 * final copy) plus a few bytes per byte of the largest body and per type
 * and function: see docs/rationale.md for the bound and its test. Refuses a
 * module whose rewrite, in either fuel variant, is over one of V8's size
 * limits (a body, the whole module).
 */
export function instrumentModule (m: ParsedModule, memoryPages: number, exactFuel = false): Uint8Array {
  if (exactFuel) return instrument(m, memoryPages, true, false)
  try {
    return instrument(m, memoryPages, false, true)
  } catch (err) {
    // Inlining and padding only make a fast variant faster: a module they
    // would push over one of V8's limits is rewritten as it was without
    // them, and accepted or refused exactly as before.
    if (!(err instanceof ModuleRejectedError)) throw err
    return instrument(m, memoryPages, false, false)
  }
}

function instrument (m: ParsedModule, memoryPages: number, exactFuel: boolean, speedUps: boolean): Uint8Array {
  const bytes = m.bytes
  const plan = planTypes(m)
  const nFuncs = m.funcTypes.length
  const nGlobals = m.importedGlobals + m.definedGlobals
  const ctx: ModuleContext = {
    bytes,
    typeParams: m.typeParams,
    typeResults: m.typeResults,
    funcTypes: m.funcTypes,
    fuelGlobal: nGlobals,
    depthGlobal: nGlobals + 1,
    outOfFuel: nFuncs,
    stackExhausted: nFuncs + 1,
    grow: nFuncs + 2,
    exactFuel,
    blockTypes: plan.blockTypes,
    scratch: new Scratch()
  }
  if (speedUps) {
    const leaves = new InlineLeaves(m)
    if (leaves.count > 0) {
      ctx.inline = leaves
      ctx.exact = { ...ctx, exactFuel: true, scratch: new Scratch(), inline: undefined }
    }
  }
  const padding = speedUps ? paddingFunctions(m) : 0
  const trapGlobal = nGlobals + 2
  const limitsGlobal = nGlobals + 3
  // the most pages memory.grow may reach: the module's own maximum, clamped to the job's limit
  const maxPages = m.memories.length === 1 ? Math.min(m.memories[0].max ?? memoryPages, memoryPages) : memoryPages

  const out = new Writer(bytes.length + (bytes.length >> 1) + 1024)
  out.bytes(bytes, 0, 8)
  /** How much larger the module is in the other fuel variant */
  let otherDelta = 0
  const section = (id: number, fill: () => void): void => {
    out.byte(id)
    const at = out.beginSized()
    fill()
    const size = out.endSized(at)
    if (id === SectionId.code) otherDelta += lebLength(size + otherDelta) - lebLength(size)
  }

  // each section the rewrite changes, in the order they come in a module
  const rewritten = new Map<number, () => void>()
  rewritten.set(SectionId.type, () => section(SectionId.type, () => {
    const { count, tail } = vecTail(m, SectionId.type)
    out.u32(count + plan.addedCount); out.bytes(tail); out.bytes(plan.added)
  }))
  rewritten.set(SectionId.function, () => section(SectionId.function, () => {
    const { count, tail } = vecTail(m, SectionId.function)
    out.u32(count + ADDED_FUNCTIONS + padding); out.bytes(tail)
    out.u32(plan.voidType); out.u32(plan.voidType); out.u32(plan.growType)
    for (let i = 0; i < padding; i++) out.u32(plan.voidType)
  }))
  if (m.memories.length === 1) {
    const mem = m.memories[0]
    rewritten.set(SectionId.memory, () => section(SectionId.memory, () => {
      out.u32(1); out.byte(1); out.u32(mem.min)
      out.u32(maxPages)
    }))
  }
  rewritten.set(SectionId.global, () => section(SectionId.global, () => {
    const { count, tail } = vecTail(m, SectionId.global)
    out.u32(count + ADDED_GLOBALS); out.bytes(tail)
    out.byte(ValType.i64); out.byte(1); out.byte(0x42); out.byte(0); out.byte(0x0b) // fuel
    out.byte(ValType.i32); out.byte(1); out.byte(0x41); out.byte(0); out.byte(0x0b) // depth
    out.byte(ValType.i32); out.byte(1); out.byte(0x41); out.byte(0); out.byte(0x0b) // trap reason
    out.byte(ValType.i32); out.byte(1); out.byte(0x41); out.byte(0); out.byte(0x0b) // limits hit
  }))
  rewritten.set(SectionId.export, () => section(SectionId.export, () => {
    const { count, tail } = vecTail(m, SectionId.export)
    const extra: Array<[string, number, number]> = [
      [EXPORT_FUEL, 3, nGlobals], [EXPORT_DEPTH, 3, nGlobals + 1], [EXPORT_TRAP, 3, trapGlobal], [EXPORT_LIMITS, 3, limitsGlobal]
    ]
    if (m.start !== undefined) extra.push([EXPORT_START, 0, m.start])
    out.u32(count + extra.length); out.bytes(tail)
    for (const [name, kind, index] of extra) { out.name(name); out.byte(kind); out.u32(index) }
  }))
  rewritten.set(SectionId.code, () => section(SectionId.code, () => {
    const bodies = m.bodyStart.length
    out.u32(bodies + ADDED_FUNCTIONS + padding)
    for (let i = 0; i < bodies; i++) {
      const f = m.importedFuncs + i
      const at = out.len
      const other = rewriteBody(ctx, f, m.bodyStart[i], m.bodyEnd[i], m.funcTypes[f], out)
      const size = out.len - at
      otherDelta += other + lebLength(other) - size
      if (out.len > V8_LIMITS.moduleSize || out.len + otherDelta > V8_LIMITS.moduleSize) throw moduleTooLarge(undefined)
    }
    const helper = new Writer(64)
    for (const emit of [
      (w: Writer) => emitTrapHelperBody(w, trapGlobal, TRAP_OUT_OF_FUEL),
      (w: Writer) => emitTrapHelperBody(w, trapGlobal, TRAP_STACK_EXHAUSTED),
      (w: Writer) => emitGrowHelperBody(w, trapGlobal, limitsGlobal, maxPages, memoryPages)
    ]) {
      helper.len = 0
      emit(helper)
      out.u32(helper.len)
      out.bytes(helper.buf, 0, helper.len)
    }
    for (let i = 0; i < padding; i++) { out.byte(2); out.byte(0); out.byte(0x0b) }
  }))

  const present = new Set(m.sections.map(s => s.id))
  const emitted = new Set<number>()
  const emit = (id: number): void => { rewritten.get(id)!(); emitted.add(id) }
  const emitMissingBefore = (rank: number): void => {
    for (const id of rewritten.keys()) {
      if (!emitted.has(id) && SECTION_RANK[id] < rank && !present.has(id)) emit(id)
    }
  }
  for (const s of sectionsOf(bytes)) {
    if (s.id !== SectionId.custom) emitMissingBefore(SECTION_RANK[s.id])
    if (s.id === SectionId.start) continue // called by the host as dcx:start once fuel is set
    if (rewritten.has(s.id)) emit(s.id)
    else out.bytes(bytes, s.headerStart, s.end)
  }
  emitMissingBefore(99)
  if (out.len > V8_LIMITS.moduleSize || out.len + otherDelta > V8_LIMITS.moduleSize) {
    throw moduleTooLarge(Math.max(out.len, out.len + otherDelta))
  }
  return out.result()
}

/** V8 counts a function as small below this many body bytes (its module decoder's kSmallFunctionThreshold) */
const V8_SMALL_FUNCTION_BYTES = 50

/**
 * How many empty, never-called functions the fast variant appends so that
 * V8 sees the share of small functions the original has. V8 sizes the
 * budget for inlining callees into a function TurboFan compiles by that
 * share (a module with few small functions is taken to be inlined by its
 * toolchain already: under 25 % gets a fifth of the budget of 50 % or more),
 * and the rewrite adds some 35 bytes to every body, so a module with 38 % of
 * small functions kept 7 %, and its hot callers stopped inlining `strlen`
 * and `memcmp`. At most as many as the module defines, so the module's size
 * grows by at most 4 bytes per function.
 */
function paddingFunctions (m: ParsedModule): number {
  const n = m.bodyStart.length
  let small = 0
  for (let i = 0; i < n; i++) if (m.bodyEnd[i] - m.bodyStart[i] < V8_SMALL_FUNCTION_BYTES) small++
  if (small === 0) return 0
  // Counted as if no body stayed small (a few tiny ones do: the share comes
  // out a little above the original's, which only loosens V8's budget a bit):
  // (helpers + p) / (n + helpers + p) >= small / n
  const helpers = ADDED_FUNCTIONS
  const p = small === n ? n : Math.ceil((small * (n + helpers) - n * helpers) / (n - small))
  return Math.max(0, Math.min(p, n, V8_LIMITS.functions - n - helpers))
}
