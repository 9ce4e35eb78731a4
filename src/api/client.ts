import { request } from 'node:http'
import { access } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { DcxError } from '../errors.js'
import { DaemonError } from '../ops/errors.js'

/** A client for a running daemon's control API */
export interface DaemonClient {
  call: <T = any>(path: string, args?: unknown) => Promise<T>
  stream: (path: string, args?: unknown) => Promise<AsyncIterable<Uint8Array>>
}

function post (socket: string, path: string, args: unknown): Promise<import('node:http').IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: 'POST', headers: { 'content-type': 'application/json' } }, resolve)
    req.once('error', reject)
    req.end(JSON.stringify(args ?? {}))
  })
}

async function failure (res: import('node:http').IncomingMessage): Promise<never> {
  const text = Buffer.concat(await Array.fromAsync(res as AsyncIterable<Buffer>)).toString('utf8')
  let error: any
  try { error = JSON.parse(text).error } catch {}
  // our own errors cross the socket whole, so a command fails the same way through the daemon as offline
  if (error?.ours === true) throw new DcxError(String(error.message), String(error.code), Number(error.exitCode ?? 1))
  throw new DaemonError(String(error?.message ?? text))
}

/**
 * The daemon running on a repo, or undefined when none is: no socket, or a
 * socket nobody answers on (left by a daemon that was killed).
 */
export async function connectDaemon (socket: string): Promise<DaemonClient | undefined> {
  try {
    await access(socket)
  } catch {
    return undefined
  }
  const client: DaemonClient = {
    call: async (path, args) => {
      const res = await post(socket, path, args)
      if (res.statusCode !== 200) return await failure(res)
      return JSON.parse(Buffer.concat(await Array.fromAsync(res as AsyncIterable<Buffer>)).toString('utf8'))
    },
    stream: async (path, args) => {
      const res = await post(socket, path, args)
      if (res.statusCode !== 200) return await failure(res)
      return Readable.from(res) as AsyncIterable<Uint8Array>
    }
  }
  try {
    await client.call('/v0/id')
    return client
  } catch (err: any) {
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') return undefined
    throw err
  }
}
