// Network figures for npm run bench: daemon start to "ready", a remote trivial
// job round trip between warm daemons on loopback, and a 256 MiB bitswap
// transfer between two daemons with the requester's memory.
import { spawn, spawnSync } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DCX = join(ROOT, 'bin/dcx')
const MiB = 1 << 20
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const { connectDaemon } = await import(join(ROOT, 'dist/api/client.js'))

function dcx (args, repo) {
  const r = spawnSync(DCX, args, { env: { ...process.env, DCX_PATH: repo } })
  if (r.status !== 0) throw new Error(`dcx ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.toString()
}

async function daemon (repo) {
  const t = performance.now()
  const child = spawn(DCX, ['daemon'], { env: { ...process.env, DCX_PATH: repo }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  await new Promise((resolve, reject) => {
    child.stdout.on('data', d => { out += d; if (/^ready$/m.test(out)) resolve() })
    child.once('exit', code => reject(new Error(`daemon exited ${code}: ${out}`)))
  })
  const readyMs = performance.now() - t
  return {
    readyMs,
    child,
    addr: /^listening on (\S+)$/m.exec(out)[1],
    peerId: /^peer ID: (\S+)$/m.exec(out)[1],
    api: await connectDaemon(join(repo, 'api.sock')),
    stop: async () => { child.kill('SIGTERM'); await new Promise(r => child.once('exit', r)) }
  }
}

export async function netRows ({ quick, bitswapMiB }) {
  const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-net-'))
  const running = []
  try {
    const a = join(dir, 'a'); const c = join(dir, 'c')
    dcx(['init'], a); dcx(['init'], c)
    const size = (bitswapMiB ?? (quick ? 64 : 256)) * MiB
    const file = join(dir, 'data.bin')
    await writeFile(file, createCipheriv('aes-128-ctr', Buffer.alloc(16, 2), Buffer.alloc(16)).update(Buffer.alloc(size)))
    const cid = dcx(['add', '-Q', file], a).trim()

    process.stderr.write('net: daemon start...\n')
    const starts = []
    for (let i = 0; i < (quick ? 2 : 5); i++) { const d = await daemon(c); starts.push(d.readyMs); await d.stop() }
    const da = await daemon(a); running.push(da)
    const dc = await daemon(c); running.push(dc)
    await dc.api.call('/v0/peers/connect', { addr: da.addr })

    process.stderr.write('net: remote trivial jobs...\n')
    const hello = (await readFile(join(ROOT, 'test/wasm/wat/hello.wasm'))).toString('base64')
    const job = { module: hello, name: 'hello', args: [], env: [], inputs: [], limits: {}, force: true, on: da.peerId }
    await dc.api.call('/v0/run', job)
    const trips = []
    for (let i = 0; i < (quick ? 10 : 30); i++) {
      const t = performance.now()
      const r = await dc.api.call('/v0/run', job)
      trips.push(performance.now() - t)
      if (r.executor !== da.peerId || r.receipt == null) throw new Error('remote run did not run remotely')
    }

    process.stderr.write('net: IPNS publish and resolve...\n')
    const publishes = []
    const resolves = []
    for (let i = 0; i < (quick ? 5 : 15); i++) {
      let t = performance.now()
      const { Name } = await da.api.call('/v0/name/publish', { key: 'self', value: cid, ttl: 1 })
      publishes.push(performance.now() - t)
      t = performance.now()
      const { Path } = await dc.api.call('/v0/name/resolve', { name: Name, nocache: true })
      resolves.push(performance.now() - t)
      if (Path !== `/ipfs/${cid}`) throw new Error(`resolved ${Path}`)
    }

    process.stderr.write(`net: bitswap ${size / MiB} MiB...\n`)
    let peakKiB = 0
    const poll = setInterval(async () => {
      try { peakKiB = Math.max(peakKiB, Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${dc.child.pid}/status`, 'utf8'))[1])) } catch {}
    }, 50)
    const t = performance.now()
    let got = 0
    for await (const chunk of await dc.api.stream('/v0/cat', { target: cid })) got += chunk.length
    const transferMs = performance.now() - t
    clearInterval(poll)
    if (got !== size) throw new Error(`fetched ${got} of ${size} bytes`)
    return [
      `| daemon start to "ready" | ${median(starts).toFixed(0)} ms median |`,
      `| remote trivial job, warm daemons on loopback: submit to receipt checked and output stored (API call) | ${median(trips).toFixed(1)} ms median, ${Math.min(...trips).toFixed(1)} best |`,
      `| IPNS between two daemons on the LAN DHT: \`name publish\` / \`name resolve --nocache\` on the other daemon (API call) | ${median(publishes).toFixed(1)} ms / ${median(resolves).toFixed(1)} ms median |`,
      `| bitswap transfer of ${size / MiB} MiB between two daemons (dcx cat through the requester) | ${(size / 1e6 / (transferMs / 1000)).toFixed(0)} MB/s, requester peak RSS ${(peakKiB / 1024).toFixed(0)} MiB |`
    ]
  } finally {
    for (const d of running) await d.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--bitswap-mib')
  console.log((await netRows({ quick: process.argv.includes('--quick'), bitswapMiB: at > 0 ? Number(process.argv[at + 1]) : undefined })).join('\n'))
}
