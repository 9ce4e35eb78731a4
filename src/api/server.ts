import { chmod, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { DcxError, storageFailure } from '../errors.js'
import { dataHandlers } from './handlers/data.js'
import { jobHandlers } from './handlers/jobs.js'
import { nameHandlers } from './handlers/names.js'
import { peerHandlers } from './handlers/peers.js'
import { repoHandlers } from './handlers/repo.js'
import { API_ARGS, describeIssue } from './schemas.js'
import type { ApiCall } from './schemas.js'
import type { ApiContext, Handler } from './handler.js'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

export type { ApiContext }

const handlers: Record<string, Handler> = { ...peerHandlers, ...dataHandlers, ...jobHandlers, ...nameHandlers, ...repoHandlers }
for (const call of Object.keys(handlers)) {
  if (!Object.hasOwn(API_ARGS, call)) throw new Error(`API call ${call} has no argument schema in api/schemas.ts`)
}

/** A request whose arguments do not fit the call */
class ApiArgumentsError extends DcxError {
  constructor (call: string, why: string) {
    super(`bad arguments for ${call}: ${why}`, 'ERR_API_ARGS', 2)
  }
}

/** The call's arguments, checked against its schema */
function checked (call: string, args: unknown): unknown {
  const parsed = API_ARGS[call as ApiCall].safeParse(args)
  if (!parsed.success) throw new ApiArgumentsError(call, describeIssue(parsed.error))
  return parsed.data
}

async function body (req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    // a module travels base64 in a run request: allow for the job protocol's 32 MiB
    if (size > 48 << 20) throw new DcxError('request too large', 'ERR_API_REQUEST')
    chunks.push(c as Buffer)
  }
  if (chunks.length === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new DcxError('the request body is not JSON', 'ERR_API_REQUEST', 2)
  }
}

function send (res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

/**
 * The daemon's control API: JSON over HTTP on a Unix socket inside the repo,
 * mode 0600 in a 0700 repo, so only the repo's owner can reach it. Failures
 * carry our error's code and exit code, so a command run through the daemon
 * fails as it would offline.
 */
export async function startApi (path: string, ctx: ApiContext): Promise<Server> {
  await rm(path, { force: true })
  const server = createServer((req, res) => {
    const handler = handlers[req.url ?? '']
    if (req.method !== 'POST' || handler === undefined) { send(res, 404, { error: { code: 'ERR_API_NOT_FOUND', message: `no API call ${req.url}` } }); return }
    const aborter = new AbortController()
    res.on('close', () => aborter.abort())
    body(req)
      .then(async args => await handler(ctx, checked(req.url!, args), res, aborter.signal))
      .then(value => { if (value !== undefined) send(res, 200, value) })
      .catch((caught: any) => {
        if (res.headersSent) { res.destroy(caught); return }
        // a full disk under the daemon is reported as the CLI would report it offline
        const err = storageFailure(caught) ?? caught
        const ours = err instanceof DcxError
        send(res, 500, { error: { code: err?.code ?? 'ERR_INTERNAL', message: String(err?.message ?? err).split('\n')[0], exitCode: ours ? err.exitCode : undefined, ours } })
      })
  })
  const old = process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve))
  } finally {
    process.umask(old)
  }
  await chmod(path, 0o600)
  return server
}
