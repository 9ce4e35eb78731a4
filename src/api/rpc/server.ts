import { RpcListenError } from '../errors.js'
import { parseHttpListen, startHttpServers } from '../http-server.js'
import { rpcHandler } from './handler.js'
import { ownOrigins } from './guard.js'
import type { RpcInit } from './handler.js'

/** Connections held at once */
const MAX_CONNECTIONS = 128

/** A running RPC API */
export interface RunningRpc {
  /** Where it listens, e.g. `/ip4/127.0.0.1/tcp/5001/http` */
  addresses: string[]
  /** Stop listening and cut the answers under way */
  close: () => Promise<void>
}

/** Whether a listen host is a loopback address (only this machine can reach it) */
export function isLoopback (host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1'
}

/**
 * Start the Kubo RPC API on each of `addresses` (multiaddrs). A request
 * whose headers are too large (431), that is not HTTP (400),
 * or that is slow to send its headers is answered and its connection
 * closed; none stops the API or the daemon.
 */
export async function startRpc<C> (addresses: string[], init: Omit<RpcInit<C>, 'origins'>): Promise<RunningRpc> {
  const origins = new Set<string>()
  const running = await startHttpServers(addresses, rpcHandler({ ...init, origins }), {
    parse: address => {
      const at = parseHttpListen(address, '/ip4/127.0.0.1/tcp/5001')
      if ('why' in at) throw new RpcListenError(address, at.why)
      return at
    },
    fail: (address, why) => new RpcListenError(address, why),
    what: 'the API',
    maxConnections: MAX_CONNECTIONS,
    // an `add` upload may take long; the headers may not
    requestTimeoutMs: 0
  })
  for (const o of ownOrigins(running.infos.map(i => ({ host: i.address, port: i.port })))) origins.add(o)
  return { addresses: running.addresses, close: running.close }
}
