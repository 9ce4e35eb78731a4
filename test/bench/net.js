// Network figures for npm run bench: daemon start to "ready", a remote trivial
// job round trip between warm daemons on loopback, 256 MiB fetched by one
// daemon from another (`dcx cat` through the requester) over the bulk path
// and over bitswap (a provider with "bulk": false) against the provider
// reading it itself, with the requesters' memory, and the same bytes fetched
// by a plain Helia node from a dcx daemon and, for reference, from another
// plain Helia node (test/helpers/plain-helia.js).
import { spawn } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT, DCX, MiB, median, dcx, daemon } from './common.js'

const { startPlainHelia } = await import(join(ROOT, 'test/helpers/plain-helia.js'))
const { unixfs } = await import('@helia/unixfs')
const { CID } = await import('multiformats/cid')
// a stalled transfer (a peer that breaks the yamux spec) ends the run here
const FETCH_TIMEOUT_MS = 180_000

/** A plain Helia node serving `file` from memory, in a process of its own (the reference sender) */
async function heliaPeer (file) {
  const child = spawn(process.execPath, [join(ROOT, 'test/bench/helia-peer.js'), file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  await new Promise((resolve, reject) => {
    child.stdout.on('data', d => { out += d; if (/^cid /m.test(out)) resolve() })
    child.once('exit', code => reject(new Error(`helia-peer exited ${code}: ${out}`)))
  })
  return {
    addr: /^addr (\S+)$/m.exec(out)[1],
    cid: /^cid (\S+)$/m.exec(out)[1],
    stop: async () => { child.stdin.end(); await new Promise(r => child.once('exit', r)) }
  }
}

/** A fresh plain Helia node (in this process) reads `cid` from the peer at `addr`; resolves with the ms it took */
async function heliaFetch (addr, cid, size) {
  const node = await startPlainHelia()
  try {
    await node.dial(addr)
    const t = performance.now()
    let got = 0
    for await (const chunk of unixfs(node.helia).cat(CID.parse(cid), { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })) got += chunk.length
    if (got !== size) throw new Error(`fetched ${got} of ${size} bytes`)
    return performance.now() - t
  } finally {
    await node.stop()
  }
}

export async function netRows ({ quick, bitswapMiB, transfersOnly }) {
  const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-net-'))
  const running = []
  try {
    const a = join(dir, 'a'); const b = join(dir, 'b'); const c = join(dir, 'c'); const d = join(dir, 'd')
    for (const repo of [a, b, c, d]) dcx(['init'], repo)
    // b serves the same DAG over bitswap only
    const bConfig = join(b, 'config.json')
    await writeFile(bConfig, JSON.stringify({ ...JSON.parse(await readFile(bConfig, 'utf8')), bulk: false }, null, 2))
    const size = (bitswapMiB ?? (quick ? 64 : 256)) * MiB
    const file = join(dir, 'data.bin')
    await writeFile(file, createCipheriv('aes-128-ctr', Buffer.alloc(16, 2), Buffer.alloc(16)).update(Buffer.alloc(size)))
    const cid = dcx(['add', '-Q', file], a).trim()
    if (dcx(['add', '-Q', file], b).trim() !== cid) throw new Error('the two providers hold different CIDs')

    process.stderr.write('net: daemon start...\n')
    const starts = []
    for (let i = 0; i < (quick || transfersOnly ? 2 : 5); i++) { const d = await daemon(c); starts.push(d.readyMs); await d.stop() }
    const da = await daemon(a); running.push(da)
    const dc = await daemon(c); running.push(dc)
    await dc.api.run('swarm/connect', { addr: da.addr })

    const trips = []
    const publishes = []
    const resolves = []
    if (!transfersOnly) {
    process.stderr.write('net: remote trivial jobs...\n')
    const hello = (await readFile(join(ROOT, 'test/wasm/wat/hello.wasm'))).toString('base64')
    const job = { module: hello, name: 'hello', args: [], env: [], inputs: [], limits: {}, force: true, on: da.peerId }
    await dc.api.run('run', job)
    for (let i = 0; i < (quick ? 10 : 30); i++) {
      const t = performance.now()
      const r = await dc.api.run('run', job)
      trips.push(performance.now() - t)
      if (r.executor !== da.peerId || r.receipt == null) throw new Error('remote run did not run remotely')
    }

    process.stderr.write('net: IPNS publish and resolve...\n')
    for (let i = 0; i < (quick ? 5 : 15); i++) {
      let t = performance.now()
      const { Name } = await da.api.run('name/publish', { key: 'self', value: cid, ttl: 1 })
      publishes.push(performance.now() - t)
      t = performance.now()
      const { Path } = await dc.api.run('name/resolve', { name: Name, nocache: true })
      resolves.push(performance.now() - t)
      if (Path !== `/ipfs/${cid}`) throw new Error(`resolved ${Path}`)
    }

    }

    // c fetches from a over the bulk path, d from b over bitswap, a reads its own copy: alternated, the fetched blocks collected between runs
    process.stderr.write(`net: ${size / MiB} MiB between daemons, bulk path and bitswap, and read locally...\n`)
    const db = await daemon(b); running.push(db)
    const dd = await daemon(d); running.push(dd)
    await dd.api.run('swarm/connect', { addr: db.addr })
    /** CPU seconds a process has used (user + system), from /proc */
    const cpuSeconds = async (pid) => {
      const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
      return (Number(fields[11]) + Number(fields[12])) / 100
    }
    /**
     * `dcx cat` as a user runs it, with `reader`'s repo (its daemon fetches what the repo lacks, and the
     * command reads the repo's files as the blocks land), of what `provider` holds: ms, the reader
     * daemon's peak RSS in KiB, the CPU seconds both daemons used
     */
    const catThrough = async (reader, readerRepo, provider = reader) => {
      const cpu0 = [await cpuSeconds(reader.child.pid), await cpuSeconds(provider.child.pid)]
      let peakKiB = 0
      const poll = setInterval(async () => {
        try { peakKiB = Math.max(peakKiB, Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${reader.child.pid}/status`, 'utf8'))[1])) } catch {}
      }, 50)
      const t = performance.now()
      const child = spawn(DCX, ['cat', cid], { env: { ...process.env, DCX_PATH: readerRepo }, stdio: ['ignore', 'pipe', 'inherit'] })
      let got = 0
      child.stdout.on('data', chunk => { got += chunk.length })
      const code = await new Promise(resolve => child.once('close', resolve))
      const ms = performance.now() - t
      clearInterval(poll)
      if (code !== 0 || got !== size) throw new Error(`dcx cat exited ${code} with ${got} of ${size} bytes`)
      const cpu = (await cpuSeconds(reader.child.pid)) - cpu0[0] + (provider === reader ? 0 : (await cpuSeconds(provider.child.pid)) - cpu0[1])
      return { ms, peakKiB, cpu }
    }
    /** The daemon's fetch alone (`block/fetch` through its API, what `dcx cat` asks first): ms */
    const fetchThrough = async (reader) => {
      const t = performance.now()
      await reader.api.run('block/fetch', { target: cid, scope: 'entity', range: { offset: 0 } })
      return performance.now() - t
    }
    const rate = ms => size / 1e6 / (ms / 1000)
    const loads = [loadavg()[0]]
    const bulk = []; const local = []; const swap = []; const bulkFetch = []; const swapFetch = []
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      await dc.api.run('repo/gc', {}); await dd.api.run('repo/gc', {})
      bulk.push(await catThrough(dc, c, da))
      local.push(await catThrough(da, a))
      swap.push(await catThrough(dd, d, db))
      await dc.api.run('repo/gc', {}); await dd.api.run('repo/gc', {})
      bulkFetch.push(await fetchThrough(dc))
      swapFetch.push(await fetchThrough(dd))
      process.stderr.write(`net: bulk ${rate(bulk.at(-1).ms).toFixed(0)} MB/s (fetch alone ${rate(bulkFetch.at(-1)).toFixed(0)} MB/s, ${bulk.at(-1).cpu.toFixed(1)} CPU s), local ${rate(local.at(-1).ms).toFixed(0)} MB/s, bitswap ${rate(swap.at(-1).ms).toFixed(0)} MB/s (fetch alone ${rate(swapFetch.at(-1)).toFixed(0)} MB/s, ${swap.at(-1).cpu.toFixed(1)} CPU s); load ${loadavg()[0].toFixed(1)}\n`)
      loads.push(loadavg()[0])
    }
    const medianMs = runs => median(runs.map(r => r.ms))
    const peakMiB = runs => Math.max(...runs.map(r => r.peakKiB)) / 1024
    const cpuMedian = runs => median(runs.map(r => r.cpu))
    const transferRows = [
      `| ${size / MiB} MiB fetched by one daemon from another over the bulk path (\`dcx cat\` with the requester's repo, median of ${bulk.length}; load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}) | ${rate(medianMs(bulk)).toFixed(0)} MB/s (the daemon's fetch alone ${rate(median(bulkFetch)).toFixed(0)} MB/s): ${(medianMs(local) / medianMs(bulk)).toFixed(2)}x the provider reading it itself, ${(medianMs(swap) / medianMs(bulk)).toFixed(2)}x bitswap; both daemons' CPU ${cpuMedian(bulk).toFixed(1)} s; requester daemon peak RSS ${peakMiB(bulk).toFixed(0)} MiB |`,
      `| reference: \`dcx cat\` of the same ${size / MiB} MiB on the provider (local blocks) | ${rate(medianMs(local)).toFixed(0)} MB/s |`,
      `| bitswap transfer of ${size / MiB} MiB between two daemons (the provider with \`"bulk": false\`; \`dcx cat\` with the requester's repo) | ${rate(medianMs(swap)).toFixed(0)} MB/s (the daemon's fetch alone ${rate(median(swapFetch)).toFixed(0)} MB/s); both daemons' CPU ${cpuMedian(swap).toFixed(1)} s; requester daemon peak RSS ${peakMiB(swap).toFixed(0)} MiB |`
    ]
    if (transfersOnly) return transferRows

    // the same receiver (a plain Helia node) and bytes, two senders, alternated
    process.stderr.write(`net: a plain Helia node fetches ${size / MiB} MiB from a dcx daemon and from a plain Helia node...\n`)
    const ref = await heliaPeer(file)
    running.push(ref)
    if (ref.cid !== cid) throw new Error(`Helia's CID ${ref.cid} is not dcx's ${cid}`)
    const fromDcx = []
    const fromHelia = []
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      fromHelia.push(await heliaFetch(ref.addr, cid, size))
      fromDcx.push(await heliaFetch(da.addr, cid, size))
    }
    return [
      `| daemon start to "ready" | ${median(starts).toFixed(0)} ms median |`,
      `| remote trivial job, warm daemons on loopback: submit to receipt checked and output stored (API call) | ${median(trips).toFixed(1)} ms median, ${Math.min(...trips).toFixed(1)} best |`,
      `| IPNS between two daemons on the LAN DHT: \`name publish\` / \`name resolve --nocache\` on the other daemon (API call) | ${median(publishes).toFixed(1)} ms / ${median(resolves).toFixed(1)} ms median |`,
      ...transferRows,
      `| bitswap, dcx daemon → plain Helia node: ${size / MiB} MiB read by @helia/unixfs cat (median of ${fromDcx.length}) | ${rate(median(fromDcx)).toFixed(0)} MB/s, ${(median(fromHelia) / median(fromDcx)).toFixed(2)}x the reference |`,
      `| reference: the same from a plain Helia node (its own process, blocks in memory) | ${rate(median(fromHelia)).toFixed(0)} MB/s |`
    ]
  } finally {
    for (const d of running) await d.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--bitswap-mib')
  // --transfers: only the daemon-to-daemon transfer rows
  console.log((await netRows({ quick: process.argv.includes('--quick'), transfersOnly: process.argv.includes('--transfers'), bitswapMiB: at > 0 ? Number(process.argv[at + 1]) : undefined })).join('\n'))
}
