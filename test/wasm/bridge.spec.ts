import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { prepareModule, runModule, wasm } from '../helpers/wasm.js'
import { PROGRAMS } from './programs.js'

describe('lazy inputs and spilled outputs', () => {
  it('streams a read-only input from an async reader in windows, and spills a large output to disk', async () => {
    const size = 40 * 2 ** 20
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i += 4096) bytes[i] = i / 4096 & 0xff
    let reads = 0
    const input = {
      type: 'file' as const,
      size,
      read: async (offset: number, length: number) => {
        reads++
        await new Promise(resolve => setImmediate(resolve))
        return bytes.subarray(offset, Math.min(size, offset + length))
      }
    }
    const prepared = await prepareModule(wasm(PROGRAMS, 'copy'), { memoryLimit: 2 ** 26 })
    const r = await runModule(prepared, { args: ['copy', '/inputs', '/outputs/copy.bin'], mounts: [{ path: '/inputs', node: input }] })
    try {
      expect(r.status).toBe('exit')
      expect(r.exitCode).toBe(0)
      expect(Buffer.from(r.stdout).toString()).toMatch(new RegExp(`^${size} `))
      // 1 MiB windows: one round trip per MiB, not per 64 KiB read
      expect(reads).toBeLessThanOrEqual(size / 2 ** 20 + 1)
      const [out] = r.outputs
      expect(out.path).toBe('copy.bin')
      expect(out.spill).toBeDefined()
      expect(out.bytes).toBeUndefined()
      const hash = createHash('sha256')
      for await (const chunk of r.readOutput(out)) hash.update(chunk)
      expect(hash.digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'))
    } finally {
      await r.dispose()
    }
  })

  it('reports a failing input reader as a host error, not a job result', async () => {
    const input = { type: 'file' as const, size: 10, read: async () => { throw new Error('block missing') } }
    const prepared = await prepareModule(wasm(PROGRAMS, 'copy'), { memoryLimit: 2 ** 26 })
    await expect(runModule(prepared, { args: ['copy', '/inputs', '/outputs/x'], mounts: [{ path: '/inputs', node: input }] }))
      .rejects.toMatchObject({ code: 'ERR_RUNTIME_HOST' })
  })
})
