// What the bench scripts share: where dcx is, a synchronous `dcx` call,
// deterministic data files, and a `dcx daemon` started and waited for.
import { spawn, spawnSync } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const DCX = join(ROOT, 'bin/dcx')
export const NODE = join(ROOT, 'node_modules/node/bin/node')
export const MiB = 1 << 20
export const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

/** Run dcx on a repo to completion; its stdout, or an error with its stderr */
export function dcx (args, repo) {
  const r = spawnSync(DCX, args, { env: { ...process.env, DCX_PATH: repo }, maxBuffer: 64 * MiB })
  if (r.status !== 0) throw new Error(`dcx ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout.toString()
}

/** `size` incompressible bytes, the same for the same `seed` (AES-CTR over zeros) */
export async function makeRandomFile (path, size, seed) {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16))
  const zeros = Buffer.alloc(4 * MiB)
  const fh = await open(path, 'w')
  for (let left = size; left > 0; left -= zeros.length) await fh.write(cipher.update(zeros.subarray(0, Math.min(left, zeros.length))))
  await fh.close()
}

/** Deterministic English-like text: words from a fixed vocabulary, lines of 6-14 words */
export async function makeText (path, size) {
  let state = 7
  const rand = n => { state = (state * 1103515245 + 12345) % 2147483648; return state % n }
  const syll = ['ka', 'ri', 'to', 'ne', 'sa', 'lo', 'mu', 'the', 'an', 'or', 'ist', 'ed', 'ing', 'wa', 'ter']
  const vocab = Array.from({ length: 4000 }, () => Array.from({ length: 1 + rand(3) }, () => syll[rand(syll.length)]).join(''))
  const out = createWriteStream(path)
  let written = 0
  while (written < size) {
    let chunk = ''
    while (chunk.length < MiB) {
      const n = 6 + rand(9)
      const words = []
      for (let i = 0; i < n; i++) words.push(vocab[Math.min(rand(4000), rand(4000))])
      chunk += words.join(' ') + '\n'
    }
    chunk = chunk.slice(0, Math.min(chunk.length, size - written))
    written += chunk.length
    if (!out.write(chunk)) await new Promise(resolve => out.once('drain', resolve))
  }
  await new Promise(resolve => out.end(resolve))
}

/**
 * `dcx daemon` on a repo, once it says `ready`: how long that took, its
 * libp2p address and peer ID, its gateway and RPC URLs, a client of its
 * control API, and `stop` (SIGTERM, then wait for it to exit).
 */
export async function daemon (repo) {
  const { connectDaemon } = await import(join(ROOT, 'dist/api/client.js'))
  const started = performance.now()
  // stderr passes through: a pipe nobody reads would block the daemon once full
  const child = spawn(DCX, ['daemon'], { env: { ...process.env, DCX_PATH: repo }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  await new Promise((resolve, reject) => {
    child.stdout.on('data', d => { out += d; if (/^ready$/m.test(out)) resolve() })
    child.once('exit', code => reject(new Error(`daemon exited ${code}: ${out}`)))
  })
  const port = re => re.exec(out)?.[1]
  return {
    readyMs: performance.now() - started,
    child,
    addr: /^listening on (\S+)$/m.exec(out)[1],
    peerId: /^peer ID: (\S+)$/m.exec(out)[1],
    gateway: `http://127.0.0.1:${port(/^Gateway server listening on \/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/http$/m)}`,
    rpc: `http://127.0.0.1:${port(/^RPC API server listening on \/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/http$/m)}/api/v0`,
    api: await connectDaemon(join(repo, 'api.sock')),
    stop: async () => { child.kill('SIGTERM'); await new Promise(resolve => child.once('exit', resolve)) }
  }
}
