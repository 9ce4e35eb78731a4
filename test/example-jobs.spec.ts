import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'

// Each example job's exact output, checked against the same computation done
// here in JavaScript from the fixture files on disk.

const JOBS = join(PROJECT, 'wasm-jobs')
const BOOKS = join(FIXTURES, 'books')

/** Files under a folder in the order the job sees them: depth first, names sorted */
function files (dir: string, prefix = '/inputs'): Array<{ path: string, bytes: Buffer }> {
  const out: Array<{ path: string, bytes: Buffer }> = []
  for (const name of readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...files(full, `${prefix}/${name}`))
    else out.push({ path: `${prefix}/${name}`, bytes: readFileSync(full) })
  }
  return out
}

describe('example jobs compute what an independent implementation computes', () => {
  let t: Awaited<ReturnType<typeof tempRepo>>
  const run = async (job: string, input: string, args: string[] = []): Promise<{ output: string, stdout: string }> => {
    const cid = (await ok(['add', '-r', '-Q', input], { repo: t.repo })).stdout.trim()
    const r = JSON.parse((await ok(['run', join(JOBS, `${job}.wasm`), '--input', cid, '--json', '--', ...args], { repo: t.repo })).stdout)
    return { output: r.output, stdout: r.stdout }
  }
  const cat = async (path: string): Promise<string> => (await ok(['cat', path], { repo: t.repo })).stdout

  beforeAll(async () => { t = await tempRepo() })
  afterAll(async () => { await t.cleanup() })

  it('wordcount: wc-style lines, words, bytes per file, and the top words', async () => {
    const { output, stdout } = await run('wordcount', BOOKS)
    const lines: string[] = []
    const freq = new Map<string, number>()
    let total = [0, 0, 0]
    for (const f of files(BOOKS)) {
      const text = f.bytes.toString('latin1')
      const nl = [...text].filter(c => c === '\n').length
      const words = text.split(/[ \n\t\r\v\f]+/).filter(w => w !== '').length
      lines.push(`${nl} ${words} ${f.bytes.length} ${f.path}`)
      total = [total[0] + nl, total[1] + words, total[2] + f.bytes.length]
      for (const w of text.match(/[A-Za-z]+/g) ?? []) freq.set(w.toLowerCase(), (freq.get(w.toLowerCase()) ?? 0) + 1)
    }
    const totalLine = `${total.join(' ')} total`
    expect(await cat(`${output}/outputs/wc.txt`)).toBe([...lines, totalLine].join('\n') + '\n')
    expect(stdout).toBe(`${totalLine}\n`)
    const top = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20).map(([w, n]) => `${n} ${w}`)
    expect(await cat(`${output}/outputs/top-words.txt`)).toBe(top.join('\n') + '\n')
  })

  it('grep: matching lines as path:line:text', async () => {
    const { output, stdout } = await run('grep', BOOKS, ['-i', 'river|keeper|rain'])
    const re = /river|keeper|rain/i
    const expected: string[] = []
    for (const f of files(BOOKS)) {
      const ls = f.bytes.toString('utf8').split('\n')
      if (ls.at(-1) === '') ls.pop()
      ls.forEach((line, i) => { if (re.test(line)) expected.push(`${f.path}:${i + 1}:${line}`) })
    }
    expect(expected.length).toBeGreaterThan(2)
    expect(stdout).toBe(expected.join('\n') + '\n')
    expect(await cat(`${output}/outputs/matches.txt`)).toBe(stdout)
  })

  it('groupby: count, sum, min, max and mean per group, in exact cents', async () => {
    const { output, stdout } = await run('groupby', join(FIXTURES, 'sales.csv'), ['region', 'amount'])
    const rows = readFileSync(join(FIXTURES, 'sales.csv'), 'utf8').trim().split('\n').slice(1).map(l => l.split(','))
    const groups = new Map<string, number[]>()
    for (const r of rows) {
      const cents = Math.round(Number(r[3]) * 100)
      groups.set(r[0], [...(groups.get(r[0]) ?? []), cents])
    }
    const money = (c: number): string => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`
    const table = ['region,count,sum,min,max,mean']
    for (const key of [...groups.keys()].sort()) {
      const v = groups.get(key)!
      const sum = v.reduce((a, b) => a + b, 0)
      const mean = Math.floor((2 * sum + v.length) / (2 * v.length))
      table.push(`${key},${v.length},${money(sum)},${money(Math.min(...v))},${money(Math.max(...v))},${money(mean)}`)
    }
    expect(stdout).toBe(table.join('\n') + '\n')
    expect(await cat(`${output}/outputs/groupby.csv`)).toBe(stdout)
  })

  it('sha256sum: the digest of every file', async () => {
    const { output, stdout } = await run('sha256sum', BOOKS)
    const expected = files(BOOKS).map(f => `${createHash('sha256').update(f.bytes).digest('hex')}  ${f.path}`)
    expect(stdout).toBe(expected.join('\n') + '\n')
    expect(await cat(`${output}/outputs/SHA256SUMS`)).toBe(stdout)
  })

  it('regress: least squares and k-means, bit for bit', async () => {
    const { output, stdout } = await run('regress', join(FIXTURES, 'points.csv'))
    const rows = readFileSync(join(FIXTURES, 'points.csv'), 'utf8').trim().split('\n').slice(1).map(l => l.split(',').map(Number))
    const x = rows.map(r => r[0]); const y = rows.map(r => r[1]); const n = rows.length
    let sx = 0; let sy = 0
    for (let i = 0; i < n; i++) { sx += x[i]; sy += y[i] }
    const mx = sx / n; const my = sy / n
    let sxx = 0; let sxy = 0; let syy = 0
    for (let i = 0; i < n; i++) { const dx = x[i] - mx; const dy = y[i] - my; sxx += dx * dx; sxy += dx * dy; syy += dy * dy }
    const b = sxy / sxx; const a = my - b * mx; const r2 = (sxy * sxy) / (sxx * syy)
    const cx = [x[0], x[1], x[2]]; const cy = [y[0], y[1], y[2]]; const count = [0, 0, 0]
    for (let it = 0; it < 50; it++) {
      const ax = [0, 0, 0]; const ay = [0, 0, 0]; count.fill(0)
      for (let i = 0; i < n; i++) {
        let best = 0; let bd = Infinity
        for (let k = 0; k < 3; k++) {
          const d = Math.sqrt((x[i] - cx[k]) * (x[i] - cx[k]) + (y[i] - cy[k]) * (y[i] - cy[k]))
          if (d < bd) { bd = d; best = k }
        }
        ax[best] += x[i]; ay[best] += y[i]; count[best]++
      }
      for (let k = 0; k < 3; k++) if (count[k] > 0) { cx[k] = ax[k] / count[k]; cy[k] = ay[k] / count[k] }
    }
    const bits = (v: number): string => Buffer.from(new Float64Array([v]).buffer).reverse().toString('hex')
    const lines = stdout.trim().split('\n')
    const got = new Map(lines.filter(l => l.split(' ').length === 3).map(l => [l.split(' ')[0], l.split(' ')[2]]))
    expect(lines[0]).toBe(`rows ${n}`)
    expect(got.get('intercept')).toBe(bits(a))
    expect(got.get('slope')).toBe(bits(b))
    expect(got.get('r2')).toBe(bits(r2))
    for (let k = 0; k < 3; k++) {
      expect(got.get(`centroid${k}.x`)).toBe(bits(cx[k]))
      expect(got.get(`centroid${k}.y`)).toBe(bits(cy[k]))
      expect(stdout).toContain(`centroid${k}.size ${count[k]}\n`)
    }
    expect(await cat(`${output}/outputs/model.txt`)).toBe(stdout)
  })
})
