import { ModuleRejectedError } from '../../errors.js'
import { Reader, malformed } from './bytes.js'

/** Section ids of the binary format */
export const SectionId = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13
} as const

/** Value types we accept; anything else is a proposal we do not run */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f } as const
const VALTYPES = new Set<number>(Object.values(ValType))

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

/** The parts of a module the validator and rewriter need; bodies stay as offsets */
export interface ParsedModule {
  bytes: Uint8Array
  sections: Section[]
  types: FuncType[]
  imports: Import[]
  importedFuncs: number
  importedGlobals: number
  /** Type index of every function, imported ones first */
  funcTypes: number[]
  memories: MemoryLimits[]
  definedGlobals: number
  exports: Export[]
  start?: number
  /** [start, end) of each function body in `bytes`, in definition order */
  bodies: Array<[number, number]>
}

const KIND_NAMES = ['function', 'table', 'memory', 'global', 'tag']

/** Name of an import or export kind, for messages */
export function kindName (kind: number): string {
  return KIND_NAMES[kind] ?? `kind ${kind}`
}

function valType (r: Reader, where: string): number {
  const t = r.byte()
  if (!VALTYPES.has(t)) {
    throw new ModuleRejectedError(where, `uses value type 0x${t.toString(16)}, from a proposal dcx does not run (typed references, GC or exceptions)`)
  }
  return t
}

function limits (r: Reader, where: string): MemoryLimits {
  const flags = r.byte()
  if ((flags & 0x02) !== 0) throw new ModuleRejectedError(where, 'is shared: threads and shared memory are not available to jobs')
  if ((flags & 0x04) !== 0) throw new ModuleRejectedError(where, 'is 64-bit (memory64), which dcx does not run')
  if (flags > 0x01) throw new ModuleRejectedError(where, `has unsupported limit flags 0x${flags.toString(16)}`)
  const min = r.u32()
  const max = (flags & 1) !== 0 ? r.u32() : undefined
  return { flags, min, max }
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
  const m: ParsedModule = {
    bytes, sections: [], types: [], imports: [], importedFuncs: 0, importedGlobals: 0,
    funcTypes: [], memories: [], definedGlobals: 0, exports: [], bodies: []
  }
  const r = new Reader(bytes, 8)
  while (!r.done) {
    const headerStart = r.pos
    const id = r.byte()
    const size = r.u32()
    const start = r.pos
    const end = start + size
    if (end > bytes.length) throw malformed(start, `section ${id} runs past the end of the file`)
    m.sections.push({ id, headerStart, start, end })
    const s = new Reader(bytes, start, end)
    switch (id) {
      case SectionId.type: readTypes(s, m); break
      case SectionId.import: readImports(s, m); break
      case SectionId.function: for (let n = s.u32(), i = 0; i < n; i++) m.funcTypes.push(s.u32()); break
      case SectionId.table: readTables(s); break
      case SectionId.memory: for (let n = s.u32(), i = 0; i < n; i++) m.memories.push(limits(s, `memory ${i}`)); break
      case SectionId.global: m.definedGlobals = s.u32(); break
      case SectionId.export: readExports(s, m); break
      case SectionId.start: m.start = s.u32(); break
      case SectionId.code: readBodies(s, m); break
      case SectionId.tag: throw new ModuleRejectedError('the tag section', 'belongs to exception handling, which dcx does not run')
      default: break
    }
    r.pos = end
  }
  if (m.memories.length > 1) throw new ModuleRejectedError(`${m.memories.length} memories`, 'are declared: multiple memories are not supported')
  if (m.bodies.length !== m.funcTypes.length - m.importedFuncs) {
    throw malformed(bytes.length, 'function and code sections disagree on the number of functions')
  }
  return m
}

function readTypes (s: Reader, m: ParsedModule): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    const form = s.byte()
    if (form !== 0x60) throw new ModuleRejectedError(`type ${i}`, 'is a GC type (struct, array or recursive group), which dcx does not run')
    const params: number[] = []
    const results: number[] = []
    for (let k = s.u32(), j = 0; j < k; j++) params.push(valType(s, `type ${i}`))
    for (let k = s.u32(), j = 0; j < k; j++) results.push(valType(s, `type ${i}`))
    m.types.push({ params, results })
  }
}

function readImports (s: Reader, m: ParsedModule): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    const module = s.name()
    const name = s.name()
    const kind = s.byte()
    let typeIndex = -1
    switch (kind) {
      case 0: typeIndex = s.u32(); m.funcTypes.push(typeIndex); m.importedFuncs++; break
      case 1: valType(s, `import ${module}.${name}`); limits(s, `import ${module}.${name}`); break
      case 2: limits(s, `import ${module}.${name}`); break
      case 3: valType(s, `import ${module}.${name}`); s.byte(); m.importedGlobals++; break
      default: throw new ModuleRejectedError(`import ${module}.${name}`, `is a ${kindName(kind)}, which jobs cannot import`)
    }
    m.imports.push({ module, name, kind, typeIndex })
  }
}

function readTables (s: Reader): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    if (s.bytes[s.pos] === 0x40) throw new ModuleRejectedError(`table ${i}`, 'has an initializer (typed function references), which dcx does not run')
    valType(s, `table ${i}`)
    const flags = s.byte()
    if (flags > 1) throw new ModuleRejectedError(`table ${i}`, `has unsupported limit flags 0x${flags.toString(16)}`)
    s.u32()
    if (flags === 1) s.u32()
  }
}

function readExports (s: Reader, m: ParsedModule): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    const name = s.name()
    const kind = s.byte()
    const index = s.u32()
    m.exports.push({ name, kind, index })
  }
}

function readBodies (s: Reader, m: ParsedModule): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    const size = s.u32()
    const start = s.pos
    s.skip(size)
    m.bodies.push([start, start + size])
  }
}
