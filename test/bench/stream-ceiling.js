// Ceiling throughput of ONE stream between two Node processes on 127.0.0.1.
// The receiver only counts bytes. Variants:
//   tcp          plain node:net socket
//   noise-yamux  libp2p with dcx's transport stack (TCP + Noise + Yamux, options as src/net/node.ts)
//   plain-yamux  libp2p with @libp2p/plaintext instead of Noise (only if installed)
//   chacha       single process: node:crypto ChaCha20-Poly1305 on 64 KiB frames (per-core crypto rate)
//
// usage: node test/bench/stream-ceiling.js [--mib N] [--only v1,v2] [--prof-recv DIR] [--sendbuf-mib N]
//        node test/bench/stream-ceiling.js --top FILE.cpuprofile [N]   (self-time table of a profile)
// (the receiver is this script run as `recv <variant>`)
import { spawn, execFileSync } from 'node:child_process'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

const SELF = fileURLToPath(import.meta.url)
const MiB = 1 << 20
const KiB = 1 << 10
const PROTOCOL = '/dcx-bench/1.0.0'
const WRITE = 256 * KiB

const argv = process.argv.slice(2)
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt }
// the sender waits while more than this is queued on the stream (2 MiB: src/net/bulk/constants.ts SEND_BUFFER_BYTES)
const SEND_BUFFER_BYTES = Number(opt('--sendbuf-mib', 2)) * MiB
const cpuSec = c => (c.user + c.system) / 1e6
const load = () => execFileSync('uptime').toString().replace(/.*load average:\s*/, '').trim()

async function hasPlaintext () {
  try { await import('@libp2p/plaintext'); return true } catch { return false }
}

async function makeNode (variant) {
  const { createLibp2p } = await import('libp2p')
  const { tcp } = await import('@libp2p/tcp')
  const { yamux } = await import('@chainsafe/libp2p-yamux')
  let encrypter
  if (variant === 'noise-yamux') encrypter = (await import('@chainsafe/libp2p-noise')).noise()
  else encrypter = (await import('@libp2p/plaintext')).plaintext()
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [encrypter],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: 16 * MiB, maxReadBufferLength: 32 * MiB } })],
    connectionMonitor: { abortConnectionOnPingFailure: false },
    services: {}
  })
}

// ---------------------------------------------------------------- receiver
async function receiver (variant) {
  // one line on stdout when done: bytes, receiver wall s and CPU s from first byte/stream to end
  // when profiled (--cpu-prof-dir), the transfer window in the profile's clock (µs, monotonic) goes to window.json there
  const profDir = process.execArgv[process.execArgv.indexOf('--cpu-prof-dir') + 1]
  let h0
  const report = (bytes, t0, c0) => {
    const wall = (performance.now() - t0) / 1000
    if (process.execArgv.includes('--cpu-prof')) writeFileSync(`${profDir}/window.json`, JSON.stringify({ startUs: Number(h0 / 1000n), endUs: Number(process.hrtime.bigint() / 1000n) }))
    process.stdout.write(`done ${bytes} ${wall} ${cpuSec(process.cpuUsage(c0))}\n`)
  }
  if (variant === 'tcp') {
    const server = net.createServer(sock => {
      let bytes = 0; const t0 = performance.now(); const c0 = process.cpuUsage(); h0 = process.hrtime.bigint()
      sock.on('data', d => { bytes += d.length })
      sock.on('end', () => { report(bytes, t0, c0); sock.end(); server.close() })
    })
    server.listen(0, '127.0.0.1', () => process.stdout.write(`addr ${server.address().port}\n`))
  } else {
    const node = await makeNode(variant)
    await node.handle(PROTOCOL, (stream) => {
      let bytes = 0; const t0 = performance.now(); const c0 = process.cpuUsage(); h0 = process.hrtime.bigint()
      stream.addEventListener('message', e => { bytes += e.data.byteLength })
      stream.addEventListener('end', () => { report(bytes, t0, c0); stream.close().catch(() => {}) })
    })
    process.stdout.write(`addr ${node.getMultiaddrs()[0].toString()}\n`)
    // the parent ends stdin when it is finished with us
    process.stdin.on('end', async () => { await node.stop(); process.exit(0) })
    process.stdin.resume()
  }
}

// ---------------------------------------------------------------- sender (parent)
function startReceiver (variant, profDir) {
  const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []
  const child = spawn(process.execPath, [...execArgv, SELF, 'recv', variant], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  const lines = []
  const waiters = []
  child.stdout.on('data', d => {
    out += d
    let i
    while ((i = out.indexOf('\n')) >= 0) { lines.push(out.slice(0, i)); out = out.slice(i + 1) }
    for (const w of [...waiters]) w()
  })
  const next = prefix => new Promise((resolve, reject) => {
    const check = () => {
      const l = lines.find(x => x.startsWith(prefix))
      if (l) { waiters.splice(waiters.indexOf(check), 1); resolve(l.slice(prefix.length).trim()) }
    }
    waiters.push(check); check()
    child.once('exit', code => reject(new Error(`receiver exited ${code}`)))
  })
  const exited = new Promise(resolve => child.once('exit', resolve))
  return { child, next, stop: async () => { child.stdin.end(); await exited } }
}

async function drained (stream) {
  await new Promise((resolve, reject) => {
    const done = err => { stream.removeEventListener('drain', ok); stream.removeEventListener('close', bad); err ? reject(err) : resolve() }
    const ok = () => done(); const bad = () => done(new Error('stream closed'))
    stream.addEventListener('drain', ok); stream.addEventListener('close', bad)
  })
}

async function runTransfer (variant, total, profDir) {
  const buf = randomBytes(WRITE)
  const r = startReceiver(variant, profDir)
  const addr = await r.next('addr ')
  const loadBefore = load()
  let t0, c0, node
  if (variant === 'tcp') {
    const sock = net.connect(Number(addr), '127.0.0.1')
    await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject) })
    t0 = performance.now(); c0 = process.cpuUsage()
    for (let sent = 0; sent < total; sent += WRITE) {
      if (!sock.write(buf)) await new Promise(resolve => sock.once('drain', resolve))
    }
    sock.end()
  } else {
    const { multiaddr } = await import('@multiformats/multiaddr')
    node = await makeNode(variant)
    await node.dial(multiaddr(addr)) // connection set up (TCP + encrypter + muxer) outside the timing
    t0 = performance.now(); c0 = process.cpuUsage()
    const stream = await node.dialProtocol(multiaddr(addr), PROTOCOL)
    for (let sent = 0; sent < total; sent += WRITE) {
      stream.send(buf)
      while (stream.writeBufferLength > SEND_BUFFER_BYTES) {
        if (stream.status !== 'open') throw new Error(`stream is ${stream.status}`)
        if (stream.writableNeedsDrain) await drained(stream)
        else await new Promise(resolve => setImmediate(resolve))
      }
    }
    await stream.close()
  }
  const [bytes, rWall, rCpu] = (await r.next('done ')).split(' ').map(Number)
  const wall = (performance.now() - t0) / 1000
  const sCpu = cpuSec(process.cpuUsage(c0))
  const loadAfter = load()
  if (node) await node.stop()
  await r.stop()
  if (bytes !== total) throw new Error(`${variant}: received ${bytes} of ${total}`)
  return { variant, MBps: total / 1e6 / wall, wall, sCpu, rWall, rCpu, loadBefore, loadAfter }
}

function chachaLoop (total) {
  const FRAME = 64 * KiB
  const key = randomBytes(32); const ad = Buffer.alloc(0)
  const pt = randomBytes(FRAME)
  const nonce = n => { const b = Buffer.alloc(12); b.writeBigUInt64LE(BigInt(n), 4); return b }
  // as @chainsafe/libp2p-noise's nodeCrypto: a new cipher per frame, tag appended with Buffer.concat
  const enc = (p, n) => {
    const c = createCipheriv('chacha20-poly1305', key, nonce(n), { authTagLength: 16 })
    c.setAAD(ad, { plaintextLength: p.byteLength })
    const u = c.update(p); const f = c.final(); const t = c.getAuthTag()
    return Buffer.concat([u, f, t], u.byteLength + f.byteLength + t.byteLength)
  }
  const dec = (ct, n) => {
    const d = createDecipheriv('chacha20-poly1305', key, nonce(n), { authTagLength: 16 })
    const text = ct.subarray(0, ct.length - 16)
    d.setAAD(ad, { plaintextLength: text.byteLength }); d.setAuthTag(ct.subarray(ct.length - 16))
    const o = d.update(text); d.final(); return o
  }
  const frames = Math.ceil(total / FRAME)
  const loadBefore = load()
  const cts = []
  let c0 = process.cpuUsage(); let t0 = performance.now()
  for (let i = 0; i < frames; i++) cts.push(enc(pt, i))
  const encWall = (performance.now() - t0) / 1000; const encCpu = cpuSec(process.cpuUsage(c0))
  c0 = process.cpuUsage(); t0 = performance.now()
  for (let i = 0; i < frames; i++) dec(cts[i], i)
  const decWall = (performance.now() - t0) / 1000; const decCpu = cpuSec(process.cpuUsage(c0))
  const mb = frames * FRAME / 1e6
  return {
    variant: 'chacha', encMBps: mb / encWall, decMBps: mb / decWall, MBps: mb / (encWall + decWall),
    wall: encWall + decWall, sCpu: encCpu + decCpu, loadBefore, loadAfter: load()
  }
}

// ---------------------------------------------------------------- profile summary
function top (file, n) {
  const prof = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(prof.nodes.map(x => [x.id, x]))
  const self = new Map()
  const dt = prof.timeDeltas
  // only the samples inside the transfer window, when the receiver wrote one
  const wfile = `${dirname(file)}/window.json`
  const w = existsSync(wfile) ? JSON.parse(readFileSync(wfile, 'utf8')) : { startUs: -Infinity, endUs: Infinity }
  if (existsSync(wfile)) console.log(`transfer window ${((w.endUs - w.startUs) / 1e6).toFixed(2)} s`)
  let t = prof.startTime
  for (let i = 0; i < prof.samples.length; i++) {
    t += dt[i]
    if (t < w.startUs || t > w.endUs) continue
    const f = byId.get(prof.samples[i]).callFrame
    const url = f.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '')
    const key = `${url || '(native)'}:${f.lineNumber + 1}:${f.functionName || '(anonymous)'}`
    self.set(key, (self.get(key) ?? 0) + (dt[i + 1] ?? 0))
  }
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0)
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, n)
  console.log(`total sampled ${(totalUs / 1e6).toFixed(2)} s`)
  for (const [k, us] of rows) console.log(`${(us / 1e3).toFixed(0).padStart(7)} ms ${(100 * us / totalUs).toFixed(1).padStart(5)}%  ${k}`)
}

// ---------------------------------------------------------------- main
if (argv[0] === 'recv') {
  await receiver(argv[1])
} else if (argv[0] === '--top') {
  top(argv[1], Number(argv[2] ?? 10))
} else {
  const total = Number(opt('--mib', 256)) * MiB
  const profDir = opt('--prof-recv')
  let variants = ['tcp', 'noise-yamux', 'plain-yamux', 'chacha']
  if (!await hasPlaintext()) { variants = variants.filter(v => v !== 'plain-yamux'); console.error('@libp2p/plaintext not installed: skipping plain-yamux') }
  if (opt('--only')) variants = variants.filter(v => opt('--only').split(',').includes(v))
  console.log(`${total / MiB} MiB, ${WRITE / KiB} KiB writes, libp2p send buffer bound ${SEND_BUFFER_BYTES / MiB} MiB, node ${process.version}`)
  console.log('variant      MB/s    wall_s  send_cpu_s  recv_wall_s  recv_cpu_s  load_before -> load_after')
  for (const v of variants) {
    const r = v === 'chacha' ? chachaLoop(total) : await runTransfer(v, total, profDir)
    const f = (x, w, d = 2) => (x === undefined ? '-' : x.toFixed(d)).padStart(w)
    console.log(`${v.padEnd(12)}${f(r.MBps, 6, 0)}${f(r.wall, 10)}${f(r.sCpu, 12)}${f(r.rWall, 13)}${f(r.rCpu, 12)}  ${r.loadBefore} -> ${r.loadAfter}` +
      (v === 'chacha' ? `  (encrypt ${r.encMBps.toFixed(0)} MB/s, decrypt ${r.decMBps.toFixed(0)} MB/s, one core)` : ''))
  }
}
