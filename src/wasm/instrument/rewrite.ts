import {
  EXPORT_DEPTH, EXPORT_FUEL, EXPORT_START, EXPORT_TRAP, TRAP_OUT_OF_FUEL, TRAP_STACK_EXHAUSTED
} from '../abi.js'
import { Reader, Writer } from '../binary/bytes.js'
import { SectionId, ValType, type FuncType, type ParsedModule } from '../binary/module.js'
import { rewriteBody, type ModuleContext } from './body.js'
import { emitGrowHelperBody, emitTrapHelperBody } from './memory.js'

/** Order of the known sections in a module (the tag and data count sections sit between others) */
const RANK: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 }

function typeKey (t: FuncType): string {
  return `${t.params.join(',')}:${t.results.join(',')}`
}

function encodeType (w: Writer, t: FuncType): void {
  w.byte(0x60)
  w.u32(t.params.length); for (const p of t.params) w.byte(p)
  w.u32(t.results.length); for (const r of t.results) w.byte(r)
}

/** Bytes of a section's payload after its leading count, and that count */
function vecTail (m: ParsedModule, id: number): { count: number, tail: Uint8Array } {
  const s = m.sections.find(x => x.id === id)
  if (s === undefined) return { count: 0, tail: new Uint8Array(0) }
  const r = new Reader(m.bytes, s.start, s.end)
  const count = r.u32()
  return { count, tail: m.bytes.subarray(r.pos, s.end) }
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
 */
export function instrumentModule (m: ParsedModule, memoryPages: number, exactFuel = false): Uint8Array {
  const types = m.types.slice()
  const typeIndex = new Map<string, number>()
  types.forEach((t, i) => { if (!typeIndex.has(typeKey(t))) typeIndex.set(typeKey(t), i) })
  const ensureType = (t: FuncType): number => {
    const key = typeKey(t)
    let i = typeIndex.get(key)
    if (i === undefined) { i = types.length; types.push(t); typeIndex.set(key, i) }
    return i
  }
  const voidType = ensureType({ params: [], results: [] })
  const growType = ensureType({ params: [ValType.i32], results: [ValType.i32] })

  const nFuncs = m.funcTypes.length
  const nGlobals = m.importedGlobals + m.definedGlobals
  const blockTypes = new Map<number, Uint8Array>()
  const ctx: ModuleContext = {
    bytes: m.bytes,
    typeParams: Int32Array.from(m.types, t => t.params.length),
    typeResults: Int32Array.from(m.types, t => t.results.length),
    funcTypes: Int32Array.from(m.funcTypes),
    fuelGlobal: nGlobals,
    depthGlobal: nGlobals + 1,
    outOfFuel: nFuncs,
    stackExhausted: nFuncs + 1,
    grow: nFuncs + 2,
    exactFuel,
    resultBlockType: (t) => {
      let bt = blockTypes.get(t)
      if (bt === undefined) {
        const results = m.types[t].results
        const w = new Writer(8)
        if (results.length === 0) w.byte(0x40)
        else if (results.length === 1) w.byte(results[0])
        else w.s64(ensureType({ params: [], results }))
        bt = w.result()
        blockTypes.set(t, bt)
      }
      return bt
    }
  }
  const trapGlobal = nGlobals + 2

  const code = new Writer(m.bytes.length + (m.bytes.length >> 1) + 1024)
  code.u32(m.bodies.length + 3)
  for (let i = 0; i < m.bodies.length; i++) {
    const [start, end] = m.bodies[i]
    rewriteBody(ctx, start, end, m.funcTypes[m.importedFuncs + i], code)
  }
  const helper = new Writer(64)
  for (const emit of [
    (w: Writer) => emitTrapHelperBody(w, trapGlobal, TRAP_OUT_OF_FUEL),
    (w: Writer) => emitTrapHelperBody(w, trapGlobal, TRAP_STACK_EXHAUSTED),
    (w: Writer) => emitGrowHelperBody(w, trapGlobal, memoryPages)
  ]) {
    helper.len = 0
    emit(helper)
    code.u32(helper.len)
    code.bytes(helper.buf, 0, helper.len)
  }

  const payloads = new Map<number, Writer>()
  {
    const w = new Writer(); w.u32(types.length)
    for (const t of types) encodeType(w, t)
    payloads.set(SectionId.type, w)
  }
  {
    const { count, tail } = vecTail(m, SectionId.function)
    const w = new Writer(tail.length + 16); w.u32(count + 3); w.bytes(tail)
    w.u32(voidType); w.u32(voidType); w.u32(growType)
    payloads.set(SectionId.function, w)
  }
  if (m.memories.length === 1) {
    const mem = m.memories[0]
    const w = new Writer(16); w.u32(1); w.byte(1); w.u32(mem.min)
    w.u32(Math.min(mem.max ?? memoryPages, memoryPages))
    payloads.set(SectionId.memory, w)
  }
  {
    const { count, tail } = vecTail(m, SectionId.global)
    const w = new Writer(tail.length + 32); w.u32(count + 3); w.bytes(tail)
    w.byte(ValType.i64); w.byte(1); w.byte(0x42); w.byte(0); w.byte(0x0b) // fuel
    w.byte(ValType.i32); w.byte(1); w.byte(0x41); w.byte(0); w.byte(0x0b) // depth
    w.byte(ValType.i32); w.byte(1); w.byte(0x41); w.byte(0); w.byte(0x0b) // trap reason
    payloads.set(SectionId.global, w)
  }
  {
    const { count, tail } = vecTail(m, SectionId.export)
    const extra: Array<[string, number, number]> = [
      [EXPORT_FUEL, 3, nGlobals], [EXPORT_DEPTH, 3, nGlobals + 1], [EXPORT_TRAP, 3, trapGlobal]
    ]
    if (m.start !== undefined) extra.push([EXPORT_START, 0, m.start])
    const w = new Writer(tail.length + 64); w.u32(count + extra.length); w.bytes(tail)
    for (const [name, kind, index] of extra) { w.name(name); w.byte(kind); w.u32(index) }
    payloads.set(SectionId.export, w)
  }
  payloads.set(SectionId.code, code)

  const out = new Writer(code.len + m.bytes.length / 4 + 1024)
  out.bytes(m.bytes, 0, 8)
  const emitted = new Set<number>()
  const emit = (id: number, payload: Writer): void => {
    out.byte(id); out.u32(payload.len); out.bytes(payload.buf, 0, payload.len)
    emitted.add(id)
  }
  const emitMissingBefore = (rank: number): void => {
    for (const [id, payload] of payloads) {
      if (!emitted.has(id) && RANK[id] < rank && !m.sections.some(s => s.id === id)) emit(id, payload)
    }
  }
  for (const s of m.sections) {
    if (s.id !== SectionId.custom) emitMissingBefore(RANK[s.id] ?? 99)
    if (s.id === SectionId.start) continue // called by the host as dcx:start once fuel is set
    const payload = payloads.get(s.id)
    if (payload !== undefined) emit(s.id, payload)
    else out.bytes(m.bytes, s.headerStart, s.end)
  }
  emitMissingBefore(99)
  return out.result()
}
