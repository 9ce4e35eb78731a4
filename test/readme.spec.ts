// The README's examples, run as a user would type them: every fenced block of
// `$ ` commands that uses dcx runs in order, in one fresh repo and one working folder, and
// what each command prints (stdout and stderr, as a terminal shows them) must be
// the README's text. Only what cannot repeat is masked: peer IDs and public keys,
// times, the repo's path, and receipts and IPNS names (signed by a key made for
// this repo). A block the test cannot run here says why in a comment before it:
// <!-- not run by test/readme.spec.ts: reason -->
import { spawn } from 'node:child_process'
import { mkdir, readFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DCX, PROJECT, tempDir } from './helpers/cli.js'

interface Example { line: number, commands: Array<{ command: string, expected: string[] }> }

const NOT_RUN = /<!-- not run by test\/readme\.spec\.ts: .+ -->/

/** The README's runnable blocks, with the line each starts on */
function examples (readme: string): Example[] {
  const lines = readme.split('\n')
  const found: Example[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('```')) continue
    let end = i + 1
    while (end < lines.length && !lines[end].startsWith('```')) end++
    const body = lines.slice(i + 1, end)
    const skipped = NOT_RUN.test(lines[i - 1] ?? '') || NOT_RUN.test(lines[i - 2] ?? '')
    if (lines[i] === '```' && body[0]?.startsWith('$ ') === true && body.some(l => l.startsWith('$ dcx ')) && !skipped) {
      const commands: Example['commands'] = []
      for (const l of body) {
        if (l.startsWith('$ ')) commands.push({ command: l.slice(2), expected: [] })
        else commands.at(-1)?.expected.push(l)
      }
      found.push({ line: i + 1, commands })
    }
    i = end
  }
  return found
}

const PEER_ID = /12D3KooW[1-9A-HJ-NP-Za-km-z]{44}/
const PUBLIC_KEY = /CAES[A-Za-z0-9+/]{40,}={0,2}/
const TIME = /\d+(\.\d+)? (s|ms)\b/
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/
const CID = /\b(baf[a-z2-7]{50,}|Qm[1-9A-HJ-NP-Za-km-z]{44}|k51[a-z0-9]{50,})\b/g

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A README line as a pattern: exact, but for what cannot repeat. CIDs that a
 * key signs (the CID after `receipt`, IPNS names) are captured, to be bound to
 * what this run printed and used in the commands that follow.
 */
function linePattern (expected: string): { pattern: RegExp, bound: string[] } {
  const bound: string[] = []
  let source = ''
  let rest = expected
  const varying = [PEER_ID, PUBLIC_KEY, ISO_TIME, TIME]
  while (rest.length > 0) {
    const hits = varying.map(re => re.exec(rest)).filter(m => m !== null)
    CID.lastIndex = 0
    let cid: RegExpExecArray | null
    let signed: RegExpExecArray | undefined
    while ((cid = CID.exec(rest)) !== null) {
      if (cid[0].startsWith('k51') || /receipt:?\s+$/.test(rest.slice(0, cid.index))) { signed = cid; break }
    }
    const first = [...hits, ...(signed === undefined ? [] : [signed])].sort((a, b) => a.index - b.index)[0]
    if (first === undefined) { source += escape(rest); break }
    source += escape(rest.slice(0, first.index))
    if (first === signed) {
      bound.push(first[0])
      source += first[0].startsWith('k51') ? '(k51[a-z0-9]+)' : '(baf[a-z2-7]+)'
    } else {
      const re = varying.find(r => r.exec(first[0])?.[0] === first[0]) ?? TIME
      source += re.source
    }
    rest = rest.slice(first.index + first[0].length)
  }
  return { pattern: new RegExp(`^${source}$`), bound }
}

describe('the README\'s examples', () => {
  let work: Awaited<ReturnType<typeof tempDir>>
  let cwd: string
  let repo: string
  let bin: string
  const bindings = new Map<string, string>()

  beforeAll(async () => {
    work = await tempDir('dcx-readme-')
    cwd = join(work.path, 'work')
    repo = join(work.path, 'home', '.dcx')
    bin = join(work.path, 'bin')
    await mkdir(cwd)
    await mkdir(bin)
    await symlink(DCX, join(bin, 'dcx'))
    for (const dir of ['fixtures', 'wasm-jobs']) await symlink(join(PROJECT, dir), join(cwd, dir))
  })
  afterAll(async () => await work?.cleanup())

  /** One command in `sh`, stdout and stderr interleaved as a terminal shows them */
  async function shell (command: string): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, DCX_PATH: repo, PATH: `${bin}:${process.env.PATH ?? ''}` }
    delete env.DEBUG
    return await new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', `${command} 2>&1`], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] })
      const out: Buffer[] = []
      child.stdout.on('data', d => out.push(d))
      child.on('error', reject)
      child.on('close', () => resolve(Buffer.concat(out).toString('utf8')))
    })
  }

  const substitute = (text: string): string => text.replace(CID, cid => bindings.get(cid) ?? cid)

  it('every runnable block prints what the README says', async () => {
    const readme = await readFile(join(PROJECT, 'README.md'), 'utf8')
    const blocks = examples(readme)
    expect(blocks.length).toBeGreaterThan(8)
    // every difference at once, so one run of the test shows all a README edit needs
    const differences: string[] = []
    for (const block of blocks) {
      for (const { command, expected } of block.commands) {
        const where = `README.md line ${block.line}: $ ${command}`
        const printed = (await shell(substitute(command))).replaceAll(repo, '/home/me/.dcx').replace(/\n$/, '').split('\n')
        const want = expected.length === 0 ? [''] : expected
        if (printed.length !== want.length) {
          differences.push(`${where}\nREADME:\n${want.join('\n')}\nprinted:\n${printed.join('\n')}`)
          continue
        }
        want.forEach((line, i) => {
          const { pattern, bound } = linePattern(substitute(line))
          const match = pattern.exec(printed[i])
          if (match === null) differences.push(`${where}\nREADME:  ${line}\nprinted: ${printed[i]}`)
          else bound.forEach((cid, j) => bindings.set(cid, match[j + 1]))
        })
      }
    }
    expect(differences.join('\n\n')).toBe('')
  })

  it('a block that is not run says why', async () => {
    const readme = await readFile(join(PROJECT, 'README.md'), 'utf8')
    for (const m of readme.matchAll(/<!-- not run by test\/readme\.spec\.ts:(.*)-->/g)) expect(m[1].trim().length).toBeGreaterThan(10)
  })
})
