// A plain Helia node for the interop suite and the bench. JavaScript, so that
// test/bench/net.js (plain Node) and the vitest specs share it.
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { kadDHT, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'

/**
 * A Helia node as its own packages make it, written by nobody here: what
 * `createHelia` builds (`withBitswap(withLibp2p(withHTTP(createHeliaLight())))`)
 * less the parts that reach the public network. Kept: TCP, Noise, Yamux and
 * identify from the upstream packages at their defaults, and bitswap (Helia's
 * default block broker, at its defaults). Left out: `withHTTP` (delegated
 * routing and trustless gateways) and `libp2pDefaults` (bootstrap list, mDNS,
 * autoNAT, UPnP, relays, WebRTC, WebSockets, delegated routers). Stores in
 * memory; listens on 127.0.0.1 only.
 *
 * With `dht`, it also runs `@libp2p/kad-dht` as its documentation configures a
 * LAN DHT (the LAN protocol, server mode, public addresses not passed on),
 * with ping, which kad-dht requires.
 *
 * @param {{ dht?: boolean }} [options]
 */
export async function startPlainHelia (options = {}) {
  const services = { identify: identify() }
  if (options.dht === true) {
    services.ping = ping()
    services.dht = kadDHT({ protocol: '/ipfs/lan/kad/1.0.0', peerInfoMapper: removePublicAddressesMapper, clientMode: false })
  }
  const helia = withBitswap(withLibp2pLight(createHeliaLight({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }), {
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    services
  }))
  await helia.start()
  // every connection from here on (start dials nobody: there is no one to
  // dial), to check that it reached nothing but loopback
  /** @type {string[]} */
  const remotes = helia.libp2p.getConnections().map(c => c.remoteAddr.toString())
  helia.libp2p.addEventListener('connection:open', evt => { remotes.push(evt.detail.remoteAddr.toString()) })
  return {
    helia,
    /** Every remote address it has had a connection with, open or closed */
    remotes,
    addr: helia.libp2p.getMultiaddrs()[0].toString(),
    /** @param {string} addr */
    dial: async addr => await helia.libp2p.dial(multiaddr(addr)),
    stop: async () => await helia.stop()
  }
}
