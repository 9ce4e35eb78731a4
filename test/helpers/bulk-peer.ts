import { multiaddr } from '@multiformats/multiaddr'
import { createNode } from '../../src/net/node.js'
import { BulkService } from '../../src/net/bulk/index.js'
import { openRepo, readIdentity } from '../../src/repo/repo.js'
import type { BulkRequester } from '../../src/net/bulk/index.js'
import type { DcxNode } from '../../src/net/node.js'
import type { Repo } from '../../src/repo/repo.js'

/** A dcx peer in the test process: a real repo (made by `dcx init`), a real libp2p node on 127.0.0.1, the bulk service */
export interface BulkPeer {
  root: string
  repo: Repo
  node: DcxNode
  service: BulkService
  peerId: string
  addr: string
  /** The requester side of the bulk path over this peer's node and repo */
  requester: BulkRequester
  dial: (addr: string) => Promise<void>
  stop: () => Promise<void>
}

/** Open the repo at `root` (it holds the repo lock until stopped) and start a node serving the bulk protocol */
export async function startBulkPeer (root: string): Promise<BulkPeer> {
  const identity = await readIdentity(root)
  const repo = await openRepo(root, { command: 'test peer' })
  const node = await createNode({ config: repo.config, privateKey: identity.privateKey, blockstore: repo.blockstore, datastore: repo.datastore })
  const service = new BulkService({ registrar: node.libp2p, blockstore: repo.blockstore })
  await service.start()
  let stopped = false
  return {
    root,
    repo,
    node,
    service,
    peerId: node.libp2p.peerId.toString(),
    addr: node.libp2p.getMultiaddrs()[0].toString(),
    requester: { libp2p: node.libp2p, blocks: repo.blockstore },
    dial: async addr => { await node.libp2p.dial(multiaddr(addr)) },
    stop: async () => {
      if (stopped) return
      stopped = true
      await service.stop()
      await node.stop()
      await repo.close()
    }
  }
}
