import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { kadDHT, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import { createHeliaLight } from 'helia'
import type { RepoConfig } from '../repo/config.js'
import type { PrivateKey } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

const MiB = 2 ** 20

export interface NodeInit {
  config: RepoConfig
  privateKey: PrivateKey
  blockstore: Blockstore
  datastore: Datastore
}

/**
 * A Helia node built from parts, not from Helia's defaults: those dial public
 * bootstrap peers, run mDNS, UPnP and autoNAT, and ask HTTP gateways and
 * delegated routers. Here the network is exactly TCP + Noise + Yamux with
 * identify, ping, a LAN Kademlia DHT and bitswap, listening where the repo
 * config says (loopback by default) and dialling only configured peers.
 */
export async function createNode (init: NodeInit) {
  const helia = withBitswap(withLibp2pLight(createHeliaLight({
    blockstore: init.blockstore,
    datastore: init.datastore,
    codecs: [dagCbor, dagJson]
  }), {
    privateKey: init.privateKey,
    addresses: { listen: init.config.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // bitswap sends 1 MiB blocks: a larger window than the 256 KiB default keeps
    // them moving. The read buffer must hold a full window: past its limit a
    // stream is aborted, and bitswap buffers a new stream's first messages
    // before it reads them, so a smaller limit silently drops blocks (each one
    // then waits seconds for the wantlist to be re-sent).
    streamMuxers: [yamux({ streamOptions: { initialStreamWindowSize: 4 * MiB, maxStreamWindowSize: 16 * MiB, maxReadBufferLength: 32 * MiB } })],
    services: {
      identify: identify(),
      ping: ping(),
      // the LAN DHT protocol, and public addresses are not passed around
      dht: kadDHT({ protocol: '/ipfs/lan/kad/1.0.0', peerInfoMapper: removePublicAddressesMapper, clientMode: false })
    }
  }))
  await helia.start()
  for (const addr of init.config.bootstrap) {
    const { multiaddr } = await import('@multiformats/multiaddr')
    await helia.libp2p.dial(multiaddr(addr)).catch(() => {})
  }
  return helia
}

export type DcxNode = Awaited<ReturnType<typeof createNode>>
