import { describe, expect, it } from 'vitest'
import { CONFORMANCE, run, wasm, type Ran, dir } from '../helpers/wasm.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
/** The layout the conformance programs expect under /inputs (read-only) */
const inputs = dir({
  'hello.txt': { type: 'file', bytes: enc('hello world\n') },
  dir: dir({
    'a.txt': { type: 'file', bytes: enc('a') },
    'b.txt': { type: 'file', size: 2, read: async () => enc('bb') },
    sub: dir({})
  })
})

async function conformance (name: string, args: string[] = []): Promise<Ran> {
  return await run(wasm(CONFORMANCE, name), {
    args: [name, ...args],
    env: [['A', '1'], ['B', 'two words']],
    mounts: [{ path: '/inputs', node: inputs }],
    seed: enc('conformance')
  })
}

function failures (r: Ran): string[] {
  return r.stdout.split('\n').filter(l => l.startsWith('FAIL'))
}

describe('WASI preview1 conformance (our C programs)', () => {
  for (const name of ['files', 'dirs', 'links', 'clocks', 'sockets']) {
    it(`${name}: every check passes`, async () => {
      const r = await conformance(name)
      expect(failures(r)).toEqual([])
      expect(r.stdout).toMatch(/^ok /m)
      expect([r.status, r.exitCode]).toEqual(['exit', 0])
    })
  }

  it('args and environment arrive exactly, in order', async () => {
    const r = await conformance('args_env', ['one', 'two three', ''])
    expect(r.stdout).toBe('argc=4\nargv[0]=args_env\nargv[1]=one\nargv[2]=two three\nargv[3]=\nenv A=1\nenv B=two words\n')
  })

  it('clock and random values are the same on every run', async () => {
    const a = await conformance('clocks')
    const b = await conformance('clocks')
    expect(a.stdout).toBe(b.stdout)
  })

  it('stdin is empty, stdout is not a tty, stdout and stderr are captured', async () => {
    const r = await conformance('stdio', ['100000'])
    expect(failures(r)).toEqual([])
    expect(r.stdout.replace(/^ok .*\n/gm, '').length).toBe(100000)
    expect(r.stderr).toBe('done\n')
  })

  it('ends with the code given to exit() or proc_exit, and traps on abort', async () => {
    expect((await conformance('exit', ['3'])).exitCode).toBe(3)
    expect((await conformance('exit', ['0'])).exitCode).toBe(0)
    expect((await conformance('exit', ['proc_exit'])).exitCode).toBe(7)
    const trap = await conformance('exit', ['trap'])
    expect([trap.status, trap.trap]).toEqual(['trap', 'unreachable'])
    expect((await conformance('exit', ['abort'])).status).toBe('trap')
    const raise = await conformance('exit', ['raise'])
    expect(failures(raise)).toEqual([])
  })

  it('leaves what the job wrote in /outputs for the caller to walk', async () => {
    const r = await conformance('dirs')
    expect(r.outputs.map(o => [o.path, o.type, o.size])).toEqual([['c.txt', 'file', 12]])
  })
})
