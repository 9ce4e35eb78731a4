import { GatewayListenError } from '../errors.js'
import { HEADERS_TIMEOUT_MS, parseHttpListen, startHttpServers } from '../http-server.js'
import type { ListenAddress } from '../http-server.js'
import { MAX_CONNECTIONS } from './constants.js'
import { gatewayHandler } from './handler.js'
import type { GatewayInit } from './handler.js'

/** Parse a gateway listen multiaddr; throws `GatewayListenError` naming what is wrong */
export function parseListenAddress (address: string): ListenAddress {
  const at = parseHttpListen(address, '/ip4/127.0.0.1/tcp/8080')
  if ('why' in at) throw new GatewayListenError(address, at.why)
  return at
}

/** A running gateway */
export interface RunningGateway {
  /** Where it listens, e.g. `/ip4/127.0.0.1/tcp/8080/http` */
  addresses: string[]
  /** Stop listening and cut the answers under way (a CAR stream may be long) */
  close: () => Promise<void>
}

/**
 * Start the Trustless Gateway on each of `addresses` (multiaddrs). The HTTP
 * server reads at most `MAX_HEADER_BYTES` of headers (431 past it), cuts off
 * a client that takes over `HEADERS_TIMEOUT_MS` to send them (`http-server.ts`), keeps at most
 * `MAX_CONNECTIONS` connections, and answers a request that is not HTTP
 * with a 400 and closes it: none of these stop the gateway or the daemon.
 */
export async function startGateway (addresses: string[], init: GatewayInit): Promise<RunningGateway> {
  const running = await startHttpServers(addresses, gatewayHandler(init), {
    parse: parseListenAddress,
    fail: (address, why) => new GatewayListenError(address, why),
    what: 'the gateway',
    maxConnections: MAX_CONNECTIONS,
    // a CAR answer may be long, its request is not
    requestTimeoutMs: HEADERS_TIMEOUT_MS
  })
  return { addresses: running.addresses, close: running.close }
}
