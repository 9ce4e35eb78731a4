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
import { answerRepeatedWants } from './bitswap-rewant.js'
import { ListenFailedError } from './errors.js'
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
    // The initial stream window is the yamux spec's 256 KiB, as every peer
    // assumes: yamux sends that much on a new stream before any window update,
    // so a larger initial window here overruns spec-following peers (Helia's,
    // Kubo's go-yamux), which reset the stream. Larger windows are granted
    // by window updates, up to maxStreamWindowSize.
    // The read buffer holds more than a bitswap message: past its limit a
    // stream is aborted, and @helia/bitswap attaches its reader to a new stream
    // only after an await, while yamux grants window on arrival, not on read;
    // so messages that arrive before the reader (several 4 MiB pieces of one
    // merged message can share a stream) would be dropped with the default
    // 4 MiB limit, and their blocks wait seconds for the wantlist to be re-sent.
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: 16 * MiB, maxReadBufferLength: 32 * MiB } })],
    // A failed liveness ping does not abort the connection: on a busy executor
    // a ping can outlast the next one (the ping protocol allows one outbound
    // stream), and aborting reset every job stream on the connection, so
    // running jobs were lost and re-run elsewhere. A peer that dies closes
    // its TCP connection, which ends its streams anyway.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    services: {
      identify: identify(),
      ping: ping(),
      // the LAN DHT protocol, and public addresses are not passed around
      dht: kadDHT({ protocol: '/ipfs/lan/kad/1.0.0', peerInfoMapper: removePublicAddressesMapper, clientMode: false })
    }
  }))
  try {
    await helia.start()
  } catch (err: any) {
    await helia.stop().catch(() => {})
    // libp2p's message is about its own options; say which config key and what to do
    if (err?.name === 'UnsupportedListenAddressesError') throw new ListenFailedError(init.config.listen, err.message)
    throw err
  }
  // a peer that wants a block again after it was sent gets it again (bitswap alone would swallow the want)
  answerRepeatedWants(helia as unknown as { blockBrokers?: unknown[] })
  for (const addr of init.config.bootstrap) {
    const { multiaddr } = await import('@multiformats/multiaddr')
    await helia.libp2p.dial(multiaddr(addr)).catch(() => {})
  }
  return helia
}

export type DcxNode = Awaited<ReturnType<typeof createNode>>
