import { ModuleRejectedError } from '../errors.js'
import { Reader, malformed } from './bytes.js'
import { IntList } from './int-list.js'

/** Section ids of the binary format */
export const SectionId = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13
} as const

/** Order of the known sections in a module (the tag and data count sections sit between others) */
export const SECTION_RANK: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 }

/** Value types we accept; anything else is a proposal we do not run */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f } as const
const VALTYPES = new Uint8Array(256)
for (const t of Object.values(ValType)) VALTYPES[t] = 1

export interface FuncType {
  params: number[]
  results: number[]
}

export interface Section {
  id: number
  /** Offset of the section id byte */
  headerStart: number
  /** Payload bounds */
  start: number
  end: number
}

export interface Import {
  module: string
  name: string
  /** 0 function, 1 table, 2 memory, 3 global, 4 tag */
  kind: number
  /** Type index, for functions */
  typeIndex: number
}

export interface Export {
  name: string
  kind: number
  index: number
}

export interface MemoryLimits {
  flags: number
  min: number
  max?: number
}

/**
 * The parts of a module the validator and rewriter need. Everything that
 * comes once per type, function or body is an offset or a count in a typed
 * array, never an object, so the parse of an n-byte module holds a few bytes
 * per byte; imports and exports are decoded on demand (`importsOf`,
 * `exportsOf`).
 */
export interface ParsedModule {
  bytes: Uint8Array
  /** The known (non-custom) sections, in file order, each at most once */
  sections: Section[]
  /** Per type index: offset of its form byte (0x60) in `bytes` */
  typeAt: Int32Array
  /** Per type index: its number of params and of results */
  typeParams: Int32Array
  typeResults: Int32Array
  /** Imports of any kind */
  importCount: number
  importedFuncs: number
  importedGlobals: number
  /** Type index of every function, imported ones first */
  funcTypes: Int32Array
  memories: MemoryLimits[]
  definedGlobals: number
  exportCount: number
  start?: number
  /** Per defined function, in definition order: [start, end) of its body in `bytes` */
  bodyStart: Int32Array
  bodyEnd: Int32Array
}

const KIND_NAMES = ['function', 'table', 'memory', 'global', 'tag']

/** Name of an import or export kind, for messages */
export function kindName (kind: number): string {
  return KIND_NAMES[kind] ?? `kind ${kind}`
}

function badValType (t: number, where: string): ModuleRejectedError {
  return new ModuleRejectedError(where, `uses value type 0x${t.toString(16)}, from a proposal dcx does not run (typed references, GC or exceptions)`)
}

function valType (r: Reader, where: () => string): number {
  const t = r.byte()
  if (VALTYPES[t] === 0) throw badValType(t, where())
  return t
}

function limits (r: Reader, where: () => string): MemoryLimits {
  const flags = r.byte()
  if ((flags & 0x02) !== 0) throw new ModuleRejectedError(where(), 'is shared: threads and shared memory are not available to jobs')
  if ((flags & 0x04) !== 0) throw new ModuleRejectedError(where(), 'is 64-bit (memory64), which dcx does not run')
  if (flags > 0x01) throw new ModuleRejectedError(where(), `has unsupported limit flags 0x${flags.toString(16)}`)
  const min = r.u32()
  const max = (flags & 1) !== 0 ? r.u32() : undefined
  return { flags, min, max }
}

/**
 * A vector's length, refused when its entries could not fit in what is left
 * of the section: the typed arrays sized by it stay within the module's size.
 */
function vecLength (s: Reader, minEntryBytes: number, what: string): number {
  const at = s.pos
  const n = s.u32()
  if (n * minEntryBytes > s.end - s.pos) throw malformed(at, `${n} ${what} entries do not fit in their section`)
  return n
}

/** Every section of a module, custom ones included, in file order */
export function * sectionsOf (bytes: Uint8Array): Generator<Section> {
  const r = new Reader(bytes, 8)
  while (!r.done) {
    const headerStart = r.pos
    const id = r.byte()
    const size = r.u32()
    const start = r.pos
    const end = start + size
    if (end > bytes.length) throw malformed(start, `section ${id} runs past the end of the file`)
    yield { id, headerStart, start, end }
    r.pos = end
  }
}

/** A known section of the module, if it has one */
export function sectionOf (m: ParsedModule, id: number): Section | undefined {
  return m.sections.find(s => s.id === id)
}

/**
 * Reads a module's structure: sections, types, imports, function types,
 * memories, exports and where each function body lies. Structural problems
 * and proposals we do not run are refused here with the item named; V8's
 * own validation covers the rest of well-formedness.
 */
export function parseModule (bytes: Uint8Array): ParsedModule {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new ModuleRejectedError('the file', 'is not a WebAssembly module (no \\0asm header)')
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new ModuleRejectedError('the file', 'is not a core WebAssembly version 1 module (components are not supported)')
  }
  const none = new Int32Array(0)
  const m: ParsedModule = {
    bytes, sections: [], typeAt: none, typeParams: none, typeResults: none, importCount: 0, importedFuncs: 0,
    importedGlobals: 0, funcTypes: none, memories: [], definedGlobals: 0, exportCount: 0, bodyStart: none, bodyEnd: none
  }
  const importTypes = new IntList()
  let rank = 0
  let functions = false
  for (const section of sectionsOf(bytes)) {
    const { id, start, end } = section
    if (id !== SectionId.custom) {
      const r = SECTION_RANK[id]
      if (r === undefined) throw malformed(section.headerStart, `unknown section id ${id}`)
      if (r <= rank) throw malformed(section.headerStart, `section ${id} is repeated or out of order`)
      rank = r
      m.sections.push(section)
    }
    const s = new Reader(bytes, start, end)
    switch (id) {
      case SectionId.type: readTypes(s, m); break
      case SectionId.import: readImports(s, m, importTypes); break
      case SectionId.function: readFunctions(s, m, importTypes); functions = true; break
      case SectionId.table: readTables(s); break
      case SectionId.memory: {
        const n = vecLength(s, 2, 'memory')
        if (n > 1) throw new ModuleRejectedError(`${n} memories`, 'are declared: multiple memories are not supported')
        for (let i = 0; i < n; i++) m.memories.push(limits(s, () => `memory ${i}`))
        break
      }
      case SectionId.global: m.definedGlobals = vecLength(s, 4, 'global'); break
      case SectionId.export: m.exportCount = readExports(s); break
      case SectionId.start: m.start = s.u32(); break
      case SectionId.code: readBodies(s, m); break
      case SectionId.tag: throw new ModuleRejectedError('the tag section', 'belongs to exception handling, which dcx does not run')
      default: break
    }
  }
  if (!functions) m.funcTypes = importTypes.toArray()
  if (m.bodyStart.length !== m.funcTypes.length - m.importedFuncs) {
    throw malformed(bytes.length, 'function and code sections disagree on the number of functions')
  }
  return m
}

function readTypes (s: Reader, m: ParsedModule): void {
  // the smallest entry is `0x60 0 0`
  const n = vecLength(s, 3, 'type')
  m.typeAt = new Int32Array(n)
  m.typeParams = new Int32Array(n)
  m.typeResults = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    m.typeAt[i] = s.pos
    const form = s.byte()
    if (form !== 0x60) throw new ModuleRejectedError(`type ${i}`, 'is a GC type (struct, array or recursive group), which dcx does not run')
    for (let k = 0; k < 2; k++) {
      const count = s.u32()
      for (let j = 0; j < count; j++) {
        const t = s.byte()
        if (VALTYPES[t] === 0) throw badValType(t, `type ${i}`)
      }
      if (k === 0) m.typeParams[i] = count
      else m.typeResults[i] = count
    }
  }
}

/** A function type, decoded from the module's bytes */
export function funcType (m: ParsedModule, index: number): FuncType {
  const r = new Reader(m.bytes, m.typeAt[index] + 1)
  const params: number[] = []
  const results: number[] = []
  for (let k = r.u32(), j = 0; j < k; j++) params.push(r.byte())
  for (let k = r.u32(), j = 0; j < k; j++) results.push(r.byte())
  return { params, results }
}

function skipName (s: Reader): void {
  s.skip(s.u32())
}

/** Reads one import entry at `s`, checking what it declares; names are decoded only when `names` is set */
function readImport (s: Reader, names: boolean): Import {
  const at = s.pos
  const where = (): string => {
    const r = new Reader(s.bytes, at, s.end)
    return `import ${r.name()}.${r.name()}`
  }
  let module = ''
  let name = ''
  if (names) { module = s.name(); name = s.name() } else { skipName(s); skipName(s) }
  const kind = s.byte()
  let typeIndex = -1
  switch (kind) {
    case 0: typeIndex = s.u32(); break
    case 1: valType(s, where); limits(s, where); break
    case 2: limits(s, where); break
    case 3: valType(s, where); s.byte(); break
    default: throw new ModuleRejectedError(where(), `is a ${kindName(kind)}, which jobs cannot import`)
  }
  return { module, name, kind, typeIndex }
}

function readImports (s: Reader, m: ParsedModule, importTypes: IntList): void {
  // the smallest entry is two empty names, a kind and an index
  const n = vecLength(s, 4, 'import')
  m.importCount = n
  for (let i = 0; i < n; i++) {
    const imp = readImport(s, false)
    if (imp.kind === 0) { importTypes.push(imp.typeIndex); m.importedFuncs++ }
    if (imp.kind === 3) m.importedGlobals++
  }
}

/** The module's imports, decoded one at a time */
export function * importsOf (m: ParsedModule): Generator<Import> {
  const section = sectionOf(m, SectionId.import)
  if (section === undefined) return
  const s = new Reader(m.bytes, section.start, section.end)
  for (let n = s.u32(), i = 0; i < n; i++) yield readImport(s, true)
}

function readFunctions (s: Reader, m: ParsedModule, importTypes: IntList): void {
  const n = vecLength(s, 1, 'function')
  const types = new Int32Array(m.importedFuncs + n)
  types.set(importTypes.data.subarray(0, importTypes.length))
  for (let i = 0; i < n; i++) {
    const at = s.pos
    const t = s.u32()
    if (t >= m.typeAt.length) throw malformed(at, `function ${m.importedFuncs + i} has type ${t}, which does not exist`)
    types[m.importedFuncs + i] = t
  }
  m.funcTypes = types
}

function readTables (s: Reader): void {
  for (let n = vecLength(s, 3, 'table'), i = 0; i < n; i++) {
    if (s.bytes[s.pos] === 0x40) throw new ModuleRejectedError(`table ${i}`, 'has an initializer (typed function references), which dcx does not run')
    valType(s, () => `table ${i}`)
    const flags = s.byte()
    if (flags > 1) throw new ModuleRejectedError(`table ${i}`, `has unsupported limit flags 0x${flags.toString(16)}`)
    s.u32()
    if (flags === 1) s.u32()
  }
}

function readExport (s: Reader, names: boolean): Export {
  let name = ''
  if (names) name = s.name()
  else skipName(s)
  const kind = s.byte()
  const index = s.u32()
  return { name, kind, index }
}

function readExports (s: Reader): number {
  const n = vecLength(s, 3, 'export')
  for (let i = 0; i < n; i++) readExport(s, false)
  return n
}

/** The module's exports, decoded one at a time */
export function * exportsOf (m: ParsedModule): Generator<Export> {
  const section = sectionOf(m, SectionId.export)
  if (section === undefined) return
  const s = new Reader(m.bytes, section.start, section.end)
  for (let n = s.u32(), i = 0; i < n; i++) yield readExport(s, true)
}

function readBodies (s: Reader, m: ParsedModule): void {
  const n = vecLength(s, 1, 'code')
  m.bodyStart = new Int32Array(n)
  m.bodyEnd = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const size = s.u32()
    const start = s.pos
    s.skip(size)
    m.bodyStart[i] = start
    m.bodyEnd[i] = start + size
  }
}
