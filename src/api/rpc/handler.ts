import { RpcRequestError } from '../errors.js'
import { refuse, sendAnswer, sendError } from './answer.js'
import { badRequest, parseCall } from './call.js'
import { authorized, sameOrigin } from './guard.js'
import { isWebuiPath, serveWebui } from '../webui.js'
import type { RpcAuthorization } from './guard.js'
import type { RpcCommand } from './call.js'
import type { CallScope } from '../server.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The RPC's URL prefix, Kubo's */
export const RPC_PREFIX = '/api/v0/'
/** Largest body of a command that takes no files (Kubo's clients send none) */
const MAX_PLAIN_BODY_BYTES = 64 * 1024

/** What the RPC handler serves with */
export interface RpcInit<C> {
  /** The commands, by Kubo's path (`pin/add`) */
  commands: ReadonlyMap<string, RpcCommand<C>>
  /** The daemon's context for one call */
  context: (scope: CallScope) => C
  /** `API.Authorizations`: when any, each request must carry one */
  authorizations: RpcAuthorization[]
  /** The API's own origins (a page it served may call it); filled in once it listens */
  origins: Set<string>
}

/** Read (and drop) a body a command does not take, refusing one that is large */
async function drain (req: IncomingMessage): Promise<void> {
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_PLAIN_BODY_BYTES) throw badRequest(`the request body is over ${MAX_PLAIN_BODY_BYTES} bytes, and this command takes no files`)
  }
}

/**
 * The Kubo RPC handler: `POST /api/v0/<command>?arg=...&<option>=...`,
 * and the web view's files at `GET /webui` (`webui.ts`).
 * Refused before anything runs: another method than POST (405, so a
 * browser's cross-site GET, an `<img>` or a link, does nothing), a request
 * from another origin's page (403), a missing or wrong secret when
 * `API.Authorizations` lists some (403). An unknown command gets Kubo's
 * error object with 404; a failing one its error with 500 (400 for
 * arguments that are not the command's).
 */
export function rpcHandler<C> (init: RpcInit<C>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://rpc.invalid')
    } catch {
      refuse(res, 400, 'Bad Request')
      return
    }
    // the web view's files: GET, no data, no secret (the page's calls meet the rules below)
    if (isWebuiPath(url.pathname)) { serveWebui(req, res, url.pathname); return }
    if (!url.pathname.startsWith(RPC_PREFIX)) { refuse(res, 404, 'Not Found'); return }
    if (req.method !== 'POST') { refuse(res, 405, 'Method Not Allowed'); return }
    if (!sameOrigin(req, init.origins)) { refuse(res, 403, 'Forbidden'); return }
    if (!authorized(req, url.pathname, init.authorizations)) { refuse(res, 403, 'Forbidden'); return }
    const name = url.pathname.slice(RPC_PREFIX.length).replace(/\/+$/, '')
    const command = init.commands.get(name)
    if (command === undefined) {
      res.setHeader('Connection', 'close')
      sendError(res, new RpcRequestError(404, 3, `command not found: "${name}"`))
      return
    }
    const aborter = new AbortController()
    res.on('close', () => { aborter.abort() })
    const serve = async (): Promise<void> => {
      const call = parseCall(name, url.searchParams, req)
      if (command.body !== true) await drain(req)
      const answer = await command.run(call, init.context, { signal: aborter.signal })
      await sendAnswer(res, answer)
    }
    serve().catch((caught: unknown) => {
      if (!req.complete) res.setHeader('Connection', 'close')
      sendError(res, caught)
    })
  }
}
