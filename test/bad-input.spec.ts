import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { open, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DCX, FIXTURES, dcx, errorLine, ok, tempRepo } from './helpers/cli.js'

let repo: string
let dir: string
let cleanup: () => Promise<void>
let books: string
beforeAll(async () => {
  ({ repo, dir, cleanup } = await tempRepo())
  books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo })).stdout.trim()
})
afterAll(async () => cleanup())

async function fails (args: string[], pattern: RegExp, exit = 1): Promise<void> {
  const r = await dcx(args, { repo })
  expect(r.code, r.stderr).toBe(exit)
  expect(errorLine(r)).toMatch(pattern)
}

describe('bad input gives one clear line and a non-zero exit', () => {
  it('a wrong CID', async () => {
    await fails(['cat', 'bafyNOTACID'], /^Error: 'bafyNOTACID' is not a valid CID/)
    await fails(['pin', 'add', 'hello'], /'hello' is not a valid CID/)
    await fails(['dag', 'export', 'x'], /'x' is not a valid CID/)
  })

  it('a missing local path', async () => {
    await fails(['add', join(dir, 'nope.txt')], /cannot read .*nope\.txt: no such file or directory/)
  })

  it('a path not inside a CID', async () => {
    await fails(['cat', `${books}/no/such/file.txt`], /no link named 'no\/such\/file\.txt' under /)
    await fails(['ls', `${books}/river.txt/deeper`], /no link named|not a directory/)
  })

  it('a CID that is not in the repo, saying no daemon is running', async () => {
    await fails(['cat', 'bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba'], /bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba is not in the repo and no daemon is running/)
    await fails(['get', 'bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba', '-o', join(dir, 'x')], /is not in the repo/)
    await expect(readdir(dir)).resolves.not.toContain('x')
  })

  it('cat of a directory', async () => {
    await fails(['cat', books], /is a directory, not a file/)
  })

  it('a CAR file that does not exist', async () => {
    await fails(['dag', 'import', join(dir, 'missing.car')], /cannot read .*missing\.car: no such file/)
  })

  it('an unknown flag or a bad flag value is a usage error', async () => {
    await fails(['add', '--frobnicate', 'x'], /Nonexistent flag: --frobnicate/, 2)
    // one rule: every bad flag value is a usage error (2)
    await fails(['add', '--chunker', 'rabin', join(FIXTURES, 'books/river.txt')], /unsupported chunker 'rabin'/, 2)
    await fails(['add', '--cid-version', '7', join(FIXTURES, 'books/river.txt')], /Parsing --cid-version: Expected an integer less than or equal to 1/, 2)
    await fails(['frobnicate'], /unknown command 'frobnicate': run `dcx help` to see the commands/, 2)
  })

  it('--json errors are JSON with a stable code', async () => {
    const r = await dcx(['pin', 'add', 'nope', '--json'], { repo })
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'ERR_INVALID_CID', message: expect.stringContaining("'nope' is not a valid CID") } })
  })

  it('DEBUG shows the stack for a bug report', async () => {
    const r = await dcx(['cat', 'nope'], { repo, env: { DEBUG: 'dcx' } })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/InvalidCidError: 'nope' is not a valid CID[^\n]*\n\s+at /)
  })

  it.skipIf(process.getuid?.() === 0)('an unreadable file fails before anything is written', async () => {
    const f = join(dir, 'secret.txt')
    await writeFile(f, 'no', { mode: 0o000 })
    await fails(['add', f], /cannot read .*secret\.txt: EACCES/)
  })
})

/** Block files in a repo's blocks folder (sharded in subfolders) */
function countFiles (dir: string): number {
  return readdirSync(dir, { recursive: true }).filter(name => String(name).endsWith('.data')).length
}

describe('Ctrl-C in the middle of an add', () => {
  it('exits 130, pins nothing, and leaves the repo consistent', async () => {
    const big = join(dir, 'big.bin')
    const fh = await open(big, 'w')
    // 1 GiB of non-zero data so the add takes long enough to interrupt
    const piece = Buffer.alloc(16 << 20, 7)
    for (let i = 0; i < 64; i++) { piece[0] = i; await fh.write(piece) }
    await fh.close()
    const pinsBefore = (await ok(['pin', 'ls', '-q'], { repo })).stdout
    const r = await new Promise<{ code: number | null, stderr: string }>((resolve) => {
      const child = spawn(DCX, ['add', big], { env: { ...process.env, DCX_PATH: repo }, stdio: ['ignore', 'pipe', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', d => { stderr += d })
      // interrupt once the add is writing blocks (a fixed delay raced the CLI's start on a loaded machine)
      const blocks = join(repo, 'blocks')
      const before = countFiles(blocks)
      const poll = setInterval(() => {
        if (countFiles(blocks) > before + 2) { clearInterval(poll); child.kill('SIGINT') }
      }, 20)
      child.on('close', code => { clearInterval(poll); resolve({ code, stderr }) })
    })
    expect(r.code).toBe(130)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/interrupted/)
    expect((await ok(['pin', 'ls', '-q'], { repo })).stdout).toBe(pinsBefore)
    const v = await ok(['repo', 'verify'], { repo })
    expect(v.stdout).toContain('verified repo integrity')
    await ok(['repo', 'gc', '-q'], { repo })
    await ok(['pin', 'verify'], { repo })
  })
})
