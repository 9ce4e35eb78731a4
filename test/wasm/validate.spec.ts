import { describe, expect, it } from 'vitest'
import { prepareModule, wasm, WAT } from '../helpers/wasm.js'

async function refusal (bytes: Uint8Array, memoryLimit = 64 * 2 ** 20): Promise<{ code: string, message: string }> {
  try {
    await prepareModule(bytes, { memoryLimit })
  } catch (err: any) {
    return { code: err.code, message: err.message }
  }
  throw new Error('module was accepted')
}

describe('validate', () => {
  it('refuses an import that is not WASI, naming it', async () => {
    const r = await refusal(wasm(WAT, 'env-import'))
    expect(r.code).toBe('ERR_MODULE_REJECTED')
    expect(r.message).toContain('env.foo is not available to jobs')
  })

  it('refuses shared memory and atomics', async () => {
    expect((await refusal(wasm(WAT, 'atomics'))).message).toMatch(/shared: threads and shared memory are not available/)
  })

  it('refuses relaxed SIMD, naming the instruction', async () => {
    expect((await refusal(wasm(WAT, 'relaxed'))).message).toMatch(/relaxed SIMD/)
  })

  it('refuses a memory whose initial size is over the limit', async () => {
    const r = await refusal(wasm(WAT, 'bigmem'), 256 * 2 ** 20)
    expect(r.message).toContain('initial 512 MiB')
    expect(r.message).toContain('limit of 256 MiB')
  })

  it('refuses a WASI import with the wrong type', async () => {
    expect((await refusal(wasm(WAT, 'wrong-sig'))).message).toContain('wasi_snapshot_preview1.fd_write has the wrong type: preview1 defines it as (i32, i32, i32, i32) -> i32')
  })

  it('refuses a module without _start', async () => {
    expect((await refusal(wasm(WAT, 'no-start'))).message).toContain('no `_start`')
  })

  it('refuses bytes that are not a module, and truncated modules', async () => {
    expect((await refusal(new TextEncoder().encode('hello world'))).message).toContain('not a WebAssembly module')
    const hello = wasm(WAT, 'hello')
    expect((await refusal(hello.subarray(0, hello.length - 5))).code).toBe('ERR_MODULE_REJECTED')
  })

  it('refuses a module V8 finds invalid, with V8\'s reason', async () => {
    const hello = wasm(WAT, 'hello').slice()
    // flip i32.store's opcode in the body into an i64.store: a type error
    const at = hello.lastIndexOf(0x36)
    hello[at] = 0x37
    const r = await refusal(hello)
    expect(r.message).toMatch(/not valid WebAssembly/)
  })
})
