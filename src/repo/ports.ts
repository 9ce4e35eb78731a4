import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { InvalidArgumentError } from '../errors.js'

/** Lowest port picked: below it sit many well-known services */
const PORT_FLOOR = 10000
/** Linux's default ephemeral range, when /proc does not say */
const EPHEMERAL_DEFAULT: [number, number] = [32768, 60999]
const PICK_TRIES = 64

/** The ports the OS hands out by itself (to port-0 listeners and outgoing connections) */
async function ephemeralRange (): Promise<[number, number]> {
  try {
    const [low, high] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number)
    if (Number.isInteger(low) && Number.isInteger(high) && low <= high) return [low, high]
  } catch {}
  return process.platform === 'linux' ? EPHEMERAL_DEFAULT : [49152, 65535]
}

/** Whether nothing listens on 127.0.0.1:`port`; resolves with the port it got (for port 0, the OS's choice) */
async function tryListen (port: number): Promise<number | undefined> {
  return await new Promise(resolve => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const got = (server.address() as { port: number }).port
      server.close(() => resolve(got))
    })
  })
}

/**
 * A free TCP port on 127.0.0.1 for a new repo's daemon (its gateway, its
 * libp2p listener), kept in the config so that it is the same at every
 * start: peers that knew the address find it again. Chosen at random below
 * the OS's ephemeral range: ports there are never handed out by the OS
 * itself (to a port-0 listener, or to an outgoing connection), so the port
 * stays free for this repo's daemon; the random choice among ~20,000 makes
 * two repos' ports differ. Falls back to a port the OS picks if none of the
 * tries is free. `key` names the config key, for the error; `exclude` holds
 * ports already picked for this repo.
 */
export async function pickLoopbackPort (key: string, exclude: number[] = []): Promise<number> {
  const [low, high] = await ephemeralRange()
  const ranges: Array<[number, number]> = []
  if (low - 1 - PORT_FLOOR >= 1000) ranges.push([PORT_FLOOR, low - 1])
  if (65535 - high >= 1000) ranges.push([high + 1, 65535])
  for (let i = 0; i < PICK_TRIES && ranges.length > 0; i++) {
    const [from, to] = ranges[i % ranges.length]
    const port = from + Math.floor(Math.random() * (to - from + 1))
    if (!exclude.includes(port) && await tryListen(port) !== undefined) return port
  }
  const port = await tryListen(0)
  if (port === undefined) throw new InvalidArgumentError(`no free TCP port on 127.0.0.1: set ${key} in config.json`)
  return port
}
