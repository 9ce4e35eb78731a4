import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { prepareModule, runModule, wasm } from '../helpers/wasm.js'
import { PROGRAMS } from './programs.js'
import type { FileExtent, LazyFile } from '../../src/wasm/index.js'

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

describe('direct inputs: bytes the job reads from host files itself', () => {
  const MiB = 2 ** 20
  const size = 6 * MiB
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 12)) & 0xff
  let dir: string
  let cleanup: () => Promise<void>
  beforeEach(async () => {
    const t = await tempDir()
    dir = t.path
    cleanup = t.cleanup
    // [0, 3 MiB) in one file after 100 bytes of something else, [3, 4 MiB) in no file, [4, 6 MiB) in another
    await writeFile(join(dir, 'a'), Buffer.concat([Buffer.alloc(100, 0xee), bytes.subarray(0, 3 * MiB)]))
    await writeFile(join(dir, 'b'), bytes.subarray(4 * MiB))
  })
  afterEach(async () => { await cleanup() })

  /** The file as extents, and a record of what came through `read` and what was checked */
  function input (verify?: (check: string) => Promise<void>): { file: LazyFile, reads: Array<[number, number]>, checks: string[] } {
    const all: FileExtent[] = [
      { start: 0, length: 3 * MiB, path: join(dir, 'a'), at: 100, check: 'a' },
      { start: 3 * MiB, length: MiB },
      { start: 4 * MiB, length: 2 * MiB, path: join(dir, 'b'), at: 0, check: 'b' }
    ]
    const reads: Array<[number, number]> = []
    const checks: string[] = []
    const file: LazyFile = {
      type: 'file',
      size,
      read: async (offset, length) => {
        reads.push([offset, length])
        return bytes.subarray(offset, Math.min(size, offset + length))
      },
      // one extent per answer, so the job asks again at every boundary
      extents: async (offset) => all.filter(e => e.start + e.length > offset).slice(0, 1),
      verify: async (check) => {
        checks.push(check)
        await verify?.(check)
      }
    }
    return { file, reads, checks }
  }

  const copy = async (file: LazyFile, onInputRead?: (bytes: number) => void): Promise<string> => {
    const prepared = await prepareModule(wasm(PROGRAMS, 'copy'), { memoryLimit: 2 ** 26 })
    const r = await runModule(prepared, { args: ['copy', '/inputs', '/outputs/copy.bin'], mounts: [{ path: '/inputs', node: file }], onInputRead })
    try {
      expect(r.status).toBe('exit')
      const hash = createHash('sha256')
      for await (const chunk of r.readOutput(r.outputs[0])) hash.update(chunk)
      return hash.digest('hex')
    } finally {
      await r.dispose()
    }
  }
  const expected = createHash('sha256').update(bytes).digest('hex')

  it('reads host files itself, takes only what they do not hold through read, and checks each file it read', async () => {
    const { file, reads, checks } = input()
    let reported = 0
    expect(await copy(file, n => { reported += n })).toBe(expected)
    // progress counts the bytes read from host files and through read alike
    expect(reported).toBe(size)
    expect(reads.every(([offset]) => offset >= 3 * MiB && offset < 4 * MiB)).toBe(true)
    expect(reads.length).toBeGreaterThan(0)
    expect(checks).toEqual(['a', 'b'])
  })

  it('a host file shorter than its extent says is read through read instead', async () => {
    await writeFile(join(dir, 'b'), bytes.subarray(4 * MiB, 5 * MiB))
    const { file, reads } = input()
    expect(await copy(file)).toBe(expected)
    expect(reads.some(([offset]) => offset >= 5 * MiB)).toBe(true)
  })

  it('a check that fails fails the run, though the job itself succeeded', async () => {
    const { file } = input(async (check) => { if (check === 'b') throw new Error('b is damaged') })
    const prepared = await prepareModule(wasm(PROGRAMS, 'copy'), { memoryLimit: 2 ** 26 })
    await expect(runModule(prepared, { args: ['copy', '/inputs', '/outputs/copy.bin'], mounts: [{ path: '/inputs', node: file }] }))
      .rejects.toMatchObject({ code: 'ERR_RUNTIME_HOST', message: expect.stringContaining('b is damaged') })
  })
})
