import { connect } from 'node:net'
import { readFile } from 'node:fs/promises'
import { CarBlockIterator } from '@ipld/car/iterator'
import type { RunningDaemon } from './daemon.js'
import type { CID } from 'multiformats/cid'

/** The gateway's base URL from the daemon's "Gateway server listening on /ip4/127.0.0.1/tcp/<port>/http" line */
export function gatewayUrl (d: RunningDaemon): string {
  const m = /^Gateway server listening on \/ip4\/(127\.0\.0\.1)\/tcp\/(\d+)\/http$/m.exec(d.output())
  if (m == null) throw new Error(`no gateway line in the daemon's output:\n${d.output()}`)
  return `http://${m[1]}:${m[2]}`
}

export interface Got {
  status: number
  headers: Headers
  body: Buffer
}

/** GET (or another method) a gateway URL and read the whole body */
export async function get (url: string, init: RequestInit = {}): Promise<Got> {
  const r = await fetch(url, { redirect: 'manual', ...init })
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) }
}

/** The roots and blocks of a CAR, in order */
export async function carContents (bytes: Uint8Array): Promise<{ roots: string[], blocks: Array<{ cid: CID, bytes: Uint8Array }> }> {
  const it = await CarBlockIterator.fromBytes(bytes)
  const blocks: Array<{ cid: CID, bytes: Uint8Array }> = []
  for await (const b of it) blocks.push(b)
  return { roots: (await it.getRoots()).map(r => r.toString()), blocks }
}

/** Send raw bytes on a fresh connection and read until the server closes it (or `ms` pass) */
export async function rawExchange (url: string, request: string | Buffer, ms = 5000): Promise<string> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); resolve(Buffer.concat(chunks).toString('latin1')) }, ms)
    socket.on('data', d => chunks.push(d))
    socket.on('error', err => { clearTimeout(timer); chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(err) })
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('latin1')) })
    socket.write(request)
  })
}

/** A process's resident memory, in MiB, from /proc */
export async function rssMiB (pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024
}
