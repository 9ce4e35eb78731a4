// The web view (/webui) in a real headless chromium against real daemons on
// 127.0.0.1: what the page shows is what the CLI says, it follows the
// history live, Verify catches a forged receipt, a file added from the page
// gets `dcx add`'s CID, the map grid puts each shard on the executor its
// receipt names, a page of another origin cannot use the API, and a daemon
// with API.Authorizations gets its token from a form.
//
// Two daemons: A (no secret) holds the data and runs the jobs; B (with a
// secret) holds two of the map's four shards, so the grid has two columns.
// The page hooks (data-testid): job-row (data-job, data-receipt), live,
// verify, verify-result, difference, add-files, add, added (data-cid),
// pin-row, map-grid, shard (data-shard, data-executor), reduce,
// token-form, peer-id, peer (data-peer), config-executor.
//
// WEBUI_SCREENSHOTS=1 also writes docs/webui/<view>.png (1000x700 wide).
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowser } from './helpers/browser.js'
import { FIXTURES, ok, PROJECT, tempDir, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'
import { forgedReceiptCar } from './helpers/forger.js'
import { lsLinks } from './helpers/kubo.js'
import { rpcUrl } from './rpc/helpers.js'

const JOBS = join(PROJECT, 'wasm-jobs')
const TOKEN = 'webui-test-token-5b1f0c9e'
const SHOTS = process.env.WEBUI_SCREENSHOTS === '1'
const json = (s: string): any => JSON.parse(s)

describe('the web view', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let b: Awaited<ReturnType<typeof tempRepo>>
  let scratch: Awaited<ReturnType<typeof tempDir>>
  let da: RunningDaemon
  let db: RunningDaemon
  let urlA: string
  let urlB: string
  let browser: Browser
  let closeBrowser: (() => Promise<void>) | undefined
  let page: Page
  let books: string
  let honest: any
  let forged: string
  let map: any
  const started = Date.now()

  const shot = async (name: string): Promise<void> => {
    if (!SHOTS) return
    await mkdir(join(PROJECT, 'docs', 'webui'), { recursive: true })
    await page.screenshot({ path: join(PROJECT, 'docs', 'webui', `${name}.png`) as `${string}.png` })
  }
  /** Open a view of A's page (same document: only the hash changes after the first) */
  const open = async (hash: string, url = urlA): Promise<void> => {
    if (page.url().startsWith(`${url}/webui`)) await page.evaluate((h: string) => { location.hash = h }, hash)
    else await page.goto(`${url}/webui#${hash}`)
  }
  const attrs = async (selector: string, name: string): Promise<string[]> =>
    await page.$$eval(selector, (els, n) => els.map(e => e.getAttribute(n as string) ?? ''), name)

  beforeAll(async () => {
    ;[a, b, scratch] = await Promise.all([tempRepo(), tempRepo(), tempDir()])
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    // the map's input: four small files; A keeps two and the folder's own block, B the other two
    const shards = join(scratch.path, 'shards')
    await mkdir(shards)
    for (let i = 0; i < 4; i++) await writeFile(join(shards, `s-${i}.txt`), `shard ${i}: the river light house\n`.repeat(20 + i))
    const root = (await ok(['add', '-r', '-Q', shards], { repo: a.repo })).stdout.trim()
    await ok(['add', '-r', '-Q', shards], { repo: b.repo })
    const entries = new Map(lsLinks((await ok(['ls', root, '--json'], { repo: a.repo })).stdout).map(e => [e.name, e.cid]))
    await ok(['pin', 'rm', root], { repo: a.repo })
    await ok(['pin', 'add', '--no-recursive', root], { repo: a.repo })
    await ok(['pin', 'add', entries.get('s-0.txt')!, entries.get('s-1.txt')!], { repo: a.repo })
    await ok(['pin', 'rm', root], { repo: b.repo })
    await ok(['pin', 'add', entries.get('s-2.txt')!, entries.get('s-3.txt')!], { repo: b.repo })
    await Promise.all([ok(['repo', 'gc', '-q'], { repo: a.repo }), ok(['repo', 'gc', '-q'], { repo: b.repo })])
    // an honest run, and a receipt for the same job claiming another job's output
    honest = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--json'], { repo: a.repo })).stdout)
    const other = json((await ok(['run', join(JOBS, 'sha256sum.wasm'), '--input', books, '--json'], { repo: a.repo })).stdout)
    const receipt = json((await ok(['receipt', 'show', honest.receipt, '--json'], { repo: a.repo })).stdout)
    const lie = await forgedReceiptCar(receipt, other.output)
    await writeFile(join(scratch.path, 'lie.car'), lie.car)
    await ok(['dag', 'import', join(scratch.path, 'lie.car')], { repo: a.repo })
    forged = lie.cid.toString()
    // B asks for its secret
    const file = join(b.repo, 'config.json')
    await writeFile(file, JSON.stringify({ ...json(await readFile(file, 'utf8')), API: { Authorizations: { tests: { AuthSecret: `bearer:${TOKEN}` } } } }))
    ;[da, db, { browser, close: closeBrowser }] = await Promise.all([startDaemon(a.repo), startDaemon(b.repo), startBrowser()])
    urlA = rpcUrl(da)
    urlB = rpcUrl(db)
    await ok(['peers', 'connect', db.addrs[0]], { repo: a.repo })
    map = json((await ok(['run', join(JOBS, 'wcmap.wasm'), '--input', root, '--map', '--reduce', join(JOBS, 'wcreduce.wasm'), '--json'], { repo: a.repo })).stdout)
    page = await browser.newPage()
    console.log(`webui.spec: set-up ${((Date.now() - started) / 1000).toFixed(1)} s`)
  })
  afterAll(async () => {
    await closeBrowser?.()
    await Promise.all([da?.stop(), db?.stop()])
    await Promise.all([a?.cleanup(), b?.cleanup(), scratch?.cleanup()])
    console.log(`webui.spec: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  })

  it('GET /webui serves the built page with its security headers; HEAD too; nothing else under /webui; /api/v0 stays POST-only', async () => {
    const page = await fetch(`${urlA}/webui`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const html = await page.text()
    expect(html).toContain('<script src="/webui/app.js"')
    // nothing from another origin: every URL in the page is its own
    expect(html.match(/(?:src|href)="[^"]*"/g)!.every(u => /"(\/webui\/|data:)/.test(u))).toBe(true)
    const head = await fetch(`${urlA}/webui/app.js`, { method: 'HEAD' })
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'text/javascript; charset=utf-8', ''])
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000)
    for (const path of ['/webui/nope.js', '/webui/../package.json', '/webui/%2e%2e/package.json', '/webuix']) expect((await fetch(`${urlA}${path}`)).status, path).toBe(404)
    expect((await fetch(`${urlA}/webui`, { method: 'POST' })).status).toBe(405)
    expect((await fetch(`${urlA}/api/v0/id`)).status).toBe(405)
    // B has a secret: its page still loads without one (the files hold no data)
    expect((await fetch(`${urlB}/webui/app.css`)).status).toBe(200)
  })

  it('the job list is `dcx job ls`, newest first', async () => {
    await open('/jobs')
    await page.waitForSelector('[data-testid=job-row]')
    const cli = json((await ok(['job', 'ls', '-n', '0', '--json'], { repo: a.repo })).stdout) as any[]
    expect(cli.length).toBeGreaterThanOrEqual(3)
    expect(await attrs('[data-testid=job-row]', 'data-receipt')).toEqual(cli.map(r => r.receipt))
    expect(await attrs('[data-testid=job-row]', 'data-job')).toEqual(cli.map(r => r.job))
  })

  it('a job run from the CLI appears without a reload', async () => {
    await open('/jobs')
    await page.waitForFunction(() => document.querySelector('[data-testid=live]')?.textContent?.includes('Live') === true, { timeout: 10_000 })
    await page.evaluate(() => { (window as any).notReloaded = true })
    const run = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--seed', '02', '--json'], { repo: a.repo })).stdout)
    await page.waitForSelector(`[data-testid=job-row][data-receipt="${run.receipt}"]`, { timeout: 10_000 })
    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true)
    expect((await attrs('[data-testid=job-row]', 'data-receipt'))[0]).toBe(run.receipt)
    expect(await page.$eval('[data-testid=news]', e => e.textContent)).toBe('New run: wordcount, exit 0')
    await shot('jobs')
  })

  it('Verify on an honest receipt says verified; on a forged one it names the files that differ', async () => {
    await open(`/job/${honest.receipt}`)
    await page.waitForSelector('[data-testid=stdout]')
    expect(await page.$eval('[data-testid=stdout]', e => e.textContent)).toBe(honest.stdout)
    await page.click('[data-testid=verify]')
    await page.waitForFunction(() => document.querySelector('[data-testid=verify-result]')?.textContent !== '', { timeout: 30_000 })
    expect(await page.$eval('[data-testid=verify-result]', e => e.textContent)).toMatch(/^✓ Verified: re-run matches/)
    await shot('job')
    await open(`/job/${forged}`)
    await page.waitForSelector('[data-testid=verify]')
    await page.click('[data-testid=verify]')
    await page.waitForSelector('[data-testid=difference]', { timeout: 30_000 })
    expect(await page.$eval('[data-testid=verify-result]', e => e.textContent)).toMatch(/^✗ NOT verified: output differs: claimed /)
    expect(await page.$$eval('[data-testid=difference]', els => els.map(e => e.textContent))).toEqual(expect.arrayContaining(['outputs/wc.txt', 'stdout']))
  })

  it('a file added from the page gets the CID `dcx add` gives, and is pinned', async () => {
    // over one chunk (256 KiB), so the chunker, leaves and CID version all count
    const file = join(scratch.path, 'upload.bin')
    await writeFile(file, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)))
    const want = (await ok(['add', '-Q', '--only-hash', file], { repo: a.repo })).stdout.trim()
    await open('/data')
    const input = await page.waitForSelector('[data-testid=add-files]')
    await (input as any).uploadFile(file)
    await page.click('[data-testid=add]')
    await page.waitForSelector('[data-testid=added]', { timeout: 20_000 })
    expect(await attrs('[data-testid=added]', 'data-cid')).toEqual([want])
    expect(await attrs('[data-testid=added]', 'data-name')).toEqual(['upload.bin'])
    await page.waitForSelector(`[data-testid=pin-row][data-cid="${want}"]`)
    expect(json((await ok(['pin', 'ls', '--json'], { repo: a.repo })).stdout).Keys[want]?.Type).toBe('recursive')
    await shot('data')
  })

  it('the map grid shows each shard on the executor its receipt names, and opens its job', async () => {
    await open(`/map/${map.receipt}`)
    await page.waitForSelector('[data-testid=shard]')
    const shown = await page.$$eval('[data-testid=shard]', els => els.map(e => [e.getAttribute('data-shard'), e.getAttribute('data-executor')]))
    const named = await Promise.all((map.shards as any[]).map(async s => [s.name, json((await ok(['receipt', 'show', s.receipt, '--json'], { repo: a.repo })).stdout).executor]))
    expect(new Map(shown)).toEqual(new Map(named))
    // the shards held by B ran on B
    expect(new Set(shown.map(s => s[1]))).toEqual(new Set([da.peerId, db.peerId]))
    expect(await page.$('[data-testid=reduce]')).not.toBeNull()
    await shot('map')
    await page.click('[data-testid=shard][data-shard="s-2.txt"]')
    await page.waitForSelector('[data-testid=stdout]')
    expect(await page.$eval('[data-testid=stdout]', e => e.textContent)).toContain('s-2.txt')
  })

  it('the peers and node views show the connected peer and this node', async () => {
    await open('/peers')
    await page.waitForSelector(`[data-testid=peer][data-peer="${db.peerId}"]`, { timeout: 15_000 })
    await shot('peers')
    await open('/node')
    await page.waitForSelector('[data-testid=peer-id]')
    expect(await page.$eval('[data-testid=peer-id]', e => e.textContent)).toBe(da.peerId)
    await page.waitForSelector('[data-testid=config-executor]')
    await shot('node')
  })

  it('a page of another origin cannot call the API: the call fails and the repo is unchanged', async () => {
    const pinned = async (): Promise<boolean> => json((await ok(['pin', 'ls', '--json'], { repo: a.repo })).stdout).Keys[books]?.Type === 'recursive'
    expect(await pinned()).toBe(true)
    const target = `${urlA}/api/v0/pin/rm?arg=${books}`
    // the attack: a script that reads the answer, and one that only sends (no-cors, no preflight)
    const html = `<!doctype html><script>
      (async () => {
        const out = {}
        try { out.cors = (await fetch(${JSON.stringify(target)}, { method: 'POST' })).status } catch (e) { out.cors = 'failed: ' + e.message }
        try { await fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors' }); out.noCors = 'sent' } catch (e) { out.noCors = 'failed' }
        window.results = out
      })()
    </script>`
    const server: Server = createServer((_, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }).end(html) })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const evil = await browser.newPage()
      await evil.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      await evil.waitForFunction(() => (window as any).results !== undefined)
      const results = await evil.evaluate(() => (window as any).results)
      expect(results.cors).toMatch(/^failed/)
      await evil.close()
    } finally {
      server.close()
    }
    expect(await pinned()).toBe(true)
  })

  it('with API.Authorizations the page asks for the token, then works with it', async () => {
    await page.goto(`${urlB}/webui#/node`)
    await page.waitForSelector('[data-testid=token-form]')
    await shot('token')
    await page.type('#token', TOKEN)
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-testid=peer-id]')
    expect(await page.$eval('[data-testid=peer-id]', e => e.textContent)).toBe(db.peerId)
    expect(await page.evaluate(() => sessionStorage.getItem('dcx-api-token'))).toBe(TOKEN)
  })

  it('is readable 400 px wide: no view scrolls sideways', async () => {
    await page.setViewport({ width: 400, height: 700 })
    try {
      for (const [url, hash, ready] of [[urlA, '/jobs', 'job-row'], [urlA, `/job/${honest.receipt}`, 'stdout'], [urlA, `/map/${map.receipt}`, 'shard'], [urlA, '/data', 'pin-row'], [urlB, '/node', 'peer-id']] as const) {
        await page.goto(`${url}/webui#${hash}`)
        await page.waitForSelector(`[data-testid=${ready}]`)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(400)
        if (hash === '/jobs') await shot('jobs-narrow')
      }
    } finally {
      await page.setViewport({ width: 1000, height: 700 })
    }
  })
})
