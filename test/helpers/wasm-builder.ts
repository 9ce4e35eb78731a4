// Builds WebAssembly modules byte by byte, for tests that need shapes no
// compiler emits (a million types, 50,000 locals, deep nesting). wabt is not
// installed, and these modules are too large to commit.
import { Writer } from '../../dist/wasm/binary/bytes.js'

export { Writer }
export type Emit = (w: Writer) => void

export const I32 = 0x7f
export const I64 = 0x7e
export const F32 = 0x7d
export const F64 = 0x7c

function section (out: Writer, id: number, payload: Emit): void {
  const w = new Writer()
  payload(w)
  out.byte(id)
  out.u32(w.len)
  out.bytes(w.buf, 0, w.len)
}

/** A function type: `(params) -> (results)` */
export function funcType (w: Writer, params: number[], results: number[]): void {
  w.byte(0x60)
  w.u32(params.length); for (const p of params) w.byte(p)
  w.u32(results.length); for (const r of results) w.byte(r)
}

/** One function of a command */
export interface FuncSpec {
  /** Type index; 0 is `() -> ()` */
  type: number
  /** Local declarations: [count, value type] */
  locals?: Array<[number, number]>
  /** Instructions before the final `end` */
  body?: Emit
}

export interface CommandSpec {
  /** Types after type 0 (`() -> ()`); `type(w, i)` writes the i-th (default: all `() -> (i32)`) */
  types?: number
  type?: (w: Writer, i: number) => void
  /** Locals and code of `_start` (function 0, type 0) */
  start?: Omit<FuncSpec, 'type'>
  /** Functions after `_start` */
  funcs?: FuncSpec[]
  /** That many more functions of type 0 with an empty body, after `funcs` */
  emptyFuncs?: number
  /** Mutable i32 globals */
  globals?: number
  /** Exports of `_start` under more names, besides `_start` and `memory` */
  exports?: number
  /** A start section naming this function */
  startSection?: number
}

/**
 * A WASI command: `_start` (function 0) and one page of memory exported as
 * `memory`, with whatever else the spec asks for. Running it exits 0 unless
 * its body says otherwise.
 */
export function command (spec: CommandSpec = {}): Uint8Array {
  const extraTypes = spec.types ?? 0
  const funcs: FuncSpec[] = [{ type: 0, ...spec.start }, ...(spec.funcs ?? [])]
  const empty = spec.emptyFuncs ?? 0
  const out = new Writer(1 << 16)
  out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
  section(out, 1, w => {
    w.u32(1 + extraTypes)
    funcType(w, [], [])
    for (let i = 0; i < extraTypes; i++) {
      if (spec.type !== undefined) spec.type(w, i)
      else funcType(w, [], [I32])
    }
  })
  section(out, 3, w => {
    w.u32(funcs.length + empty)
    for (const f of funcs) w.u32(f.type)
    for (let i = 0; i < empty; i++) w.byte(0)
  })
  section(out, 5, w => { w.u32(1); w.byte(0); w.u32(1) })
  if (spec.globals !== undefined) {
    section(out, 6, w => {
      w.u32(spec.globals!)
      for (let i = 0; i < spec.globals!; i++) { w.byte(I32); w.byte(1); w.byte(0x41); w.byte(0); w.byte(0x0b) }
    })
  }
  section(out, 7, w => {
    const extra = spec.exports ?? 0
    w.u32(2 + extra)
    w.name('_start'); w.byte(0); w.u32(0)
    w.name('memory'); w.byte(2); w.u32(0)
    for (let i = 0; i < extra; i++) { w.name(`f${i}`); w.byte(0); w.u32(0) }
  })
  if (spec.startSection !== undefined) section(out, 8, w => w.u32(spec.startSection!))
  section(out, 10, w => {
    w.u32(funcs.length + empty)
    const body = new Writer(1 << 16)
    for (const f of funcs) {
      body.len = 0
      const locals = f.locals ?? []
      body.u32(locals.length)
      for (const [n, t] of locals) { body.u32(n); body.byte(t) }
      f.body?.(body)
      body.byte(0x0b)
      w.u32(body.len)
      w.bytes(body.buf, 0, body.len)
    }
    for (let i = 0; i < empty; i++) { w.byte(2); w.byte(0); w.byte(0x0b) }
  })
  return out.result()
}

/** `n` nested blocks (`block ... end`), `3n` bytes */
export function nestedBlocks (n: number, opener = 0x02): Emit {
  return w => {
    for (let i = 0; i < n; i++) { w.byte(opener); w.byte(0x40) }
    for (let i = 0; i < n; i++) w.byte(0x0b)
  }
}
