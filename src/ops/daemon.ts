import { rm } from 'node:fs/promises'
import { startDaemonGateway } from '../api/gateway/daemon.js'
import { startApi } from '../api/server.js'
import { inTurn, writersDone } from '../api/turns.js'
import { parseCidPath } from '../data/cid-path.js'
import { jobContext } from '../jobs/context.js'
import { JobHistory } from '../jobs/history.js'
import { networkBlocks } from '../net/blocks.js'
import { watchedBlocks } from '../net/fetch.js'
import { BulkService, describeTransfer } from '../net/bulk/index.js'
import { fetchFromPeers } from '../net/bulk/fetch-from-peers.js'
import { executorPolicy, pinningPolicy } from '../net/jobs/policy.js'
import { JobService } from '../net/jobs/server.js'
import { createNameService } from '../net/names.js'
import { createNode } from '../net/node.js'
import { startPeering } from '../net/peering.js'
import { peeringPeers } from '../repo/config-keys.js'
import { Keystore } from '../repo/keystore.js'
import { openRepo, readIdentity } from '../repo/repo.js'
import { startDaemonRpc } from './rpc/daemon.js'
import { OPERATIONS } from './table.js'
import type { CallScope } from '../api/server.js'
import type { BulkProgress } from '../net/bulk/index.js'
import type { NodeParts, OpContext, RepoParts } from './context.js'
import type { PinStore } from '../data/pins.js'
import type { DcxNode } from '../net/node.js'
import type { CID } from 'multiformats/cid'

/** How often pinned roots are announced again: provider records on the DHT expire (after 48 h on Kubo's DHT) */
const REPROVIDE_MS = 12 * 3600_000
/** How long one announcement may take */
const PROVIDE_TIMEOUT_MS = 10_000
/** After answering a job, how long the stopping daemon keeps serving blocks for the requester to fetch the output */
const ANSWERED_GRACE_MS = 1000

/** A running daemon, as the `daemon` command holds it */
export interface DaemonHandle {
  peerId: string
  /** libp2p listen addresses */
  addresses: string[]
  /** The control API's socket */
  api: string
  /** Where the Trustless Gateway listens (multiaddrs); empty when the config turns it off */
  gateway: string[]
  /** Where the Kubo RPC API listens (multiaddrs); empty when the config turns it off */
  rpc: string[]
  /** Jobs run for peers right now */
  runningJobs: () => number
  /** Refuse new work, finish running jobs and writers, close everything; the repo is never left half-written */
  stop: () => Promise<void>
}

export interface StartOptions {
  /** One line per event worth a log line (jobs run for peers) */
  log?: (line: string) => void
}

function provide (node: DcxNode, cid: CID, signal?: AbortSignal): Promise<void> {
  const within = AbortSignal.any([AbortSignal.timeout(PROVIDE_TIMEOUT_MS), ...(signal !== undefined ? [signal] : [])])
  return (node.routing as any).provide(cid, { signal: within }).catch(() => {})
}

/** Announce every recursively pinned root, so `--on auto` elsewhere can find this peer */
async function provideRoots (node: DcxNode, pins: Pick<PinStore, 'ls'>, signal: AbortSignal): Promise<void> {
  for await (const pin of pins.ls({ signal })) {
    if (pin.type === 'recursive') await provide(node, pin.cid, signal)
  }
}

/**
 * The daemon's context for one call: every operation it serves runs with
 * the repo it holds, its keys, and the live node; blocks the repo lacks
 * come from peers, each within the caller's fetch timeout (reads and
 * prefetches alike), and a wait for one is reported to the caller.
 */
function daemonContext (root: string, repo: RepoParts, node: NodeParts, keystore: Keystore, scope: CallScope): OpContext {
  return {
    root,
    // an operation that reads a block the repo lacks (job show, ls, dag get...) waits for it
    // within the caller's fetch timeout, as a prefetch does, not for ever
    blocks: watchedBlocks(node.network, { timeoutMs: scope.fetchTimeoutMs, onProgress: scope.onProgress as any, peers: () => node.node.libp2p.getPeers().length }),
    resolve: async (text, options) => {
      if (!text.startsWith('/ipns/')) return parseCidPath(text)
      return { ...parseCidPath((await node.names.resolve(text, options)).Path), text }
    },
    prefetch: async (target, options = {}) => {
      await node.fetch(target, { scope: options.scope ?? 'all', range: options.range, signal: options.signal, timeoutMs: scope.fetchTimeoutMs, onProgress: scope.onProgress as any })
    },
    identity: async () => repo.identity,
    keystore: async () => keystore,
    repo: () => repo,
    node: () => node,
    online: true
  }
}

/**
 * Start a daemon on a repo: Helia with libp2p where the repo config says, the
 * job protocol within the executor policy, IPNS, and the control API serving
 * every operation. Pinned roots are announced at start and every 12 hours.
 */
export async function startDaemon (root: string, options: StartOptions = {}): Promise<DaemonHandle> {
  const identity = await readIdentity(root)
  const repo = await openRepo(root, { command: 'daemon' })
  let node: DcxNode | undefined
  try {
    const policy = executorPolicy(repo.config.executor)
    const peers = peeringPeers(repo.config)
    node = await createNode({ config: repo.config, privateKey: identity.privateKey, blockstore: repo.blockstore as any, datastore: repo.datastore })
    const live = node
    const jobs = await jobContext(repo, identity)
    const peering = await startPeering(live, peers, { log: options.log })
    const executor = new JobService({ node: live, jobs, policy, pinning: pinningPolicy(repo.config.pinning), writerTurn: inTurn, log: options.log })
    await executor.start()
    const keystore = new Keystore(root)
    const repoParts: RepoParts = { paths: repo.paths, config: repo.config, blockstore: repo.blockstore, pins: jobs.pins, receipts: jobs.receipts, history: new JobHistory(repo.datastore), identity, jobs }
    const network = networkBlocks(live)
    const fetch: NodeParts['fetch'] = async (target, { timeoutMs, onProgress, onLanded, ...fetchOptions }) => {
      const watched = watchedBlocks(network, { timeoutMs, onProgress, onLanded, peers: () => live.libp2p.getPeers().length })
      // blocks the bulk path stored are reported as bitswap's are: once they are in the repo
      const onBulkProgress = onLanded === undefined ? undefined : (event: BulkProgress): void => { if (event.type === 'bulk:block' || event.type === 'bulk:fallback-block') onLanded(event.detail.cid) }
      return await fetchFromPeers(live, watched, target, { ...fetchOptions, onBulkProgress })
    }
    const nodeParts: NodeParts = { node: live, names: createNameService(live, keystore), network, fetch, provide: cid => { void provide(live, cid) } }
    // DAGs streamed as CARs to dcx peers, from the repo's own blocks (config `bulk: false`: peers fetch from this one over bitswap)
    const bulk = new BulkService({ registrar: live.libp2p, blockstore: repo.blockstore }, { log: options.log === undefined ? undefined : (peer, outcome) => { options.log?.(describeTransfer(peer, outcome)) } })
    if (repo.config.bulk !== false) await bulk.start()
    const gateway = await startDaemonGateway(repo, live, nodeParts.names)
    const context = (scope: CallScope): OpContext => daemonContext(root, repoParts, nodeParts, keystore, scope)
    const rpc = await startDaemonRpc(repo, context).catch(async err => { await gateway?.close(); throw err })
    const api = await startApi(repo.paths.api, OPERATIONS, context).catch(async err => { await rpc?.close(); await gateway?.close(); throw err })
    const providing = new AbortController()
    // an announcement cut short by stopping is not an error
    const reprovide = (): void => { provideRoots(live, jobs.pins, providing.signal).catch(() => {}) }
    reprovide()
    const timer = setInterval(reprovide, REPROVIDE_MS).unref()
    return {
      peerId: live.libp2p.peerId.toString(),
      addresses: live.libp2p.getMultiaddrs().map(a => a.toString()),
      api: repo.paths.api,
      gateway: gateway?.addresses ?? [],
      rpc: rpc?.addresses ?? [],
      runningJobs: () => executor.running(),
      stop: async () => {
        // event streams end first: the socket API's close waits for every connection
        repoParts.history.close()
        clearInterval(timer)
        providing.abort()
        peering.stop()
        try {
          await gateway?.close()
          await rpc?.close()
          const closed = new Promise<void>(resolve => api.close(() => resolve()))
          const answering = executor.running()
          await executor.stop()
          if (bulk.isStarted()) await bulk.stop()
          if (answering > 0) await new Promise(resolve => setTimeout(resolve, ANSWERED_GRACE_MS))
          await writersDone()
          await closed
          api.closeAllConnections()
        } finally {
          await live.stop().catch(() => {})
          await rm(repo.paths.api, { force: true })
          await repo.close()
        }
      }
    }
  } catch (err) {
    await node?.stop().catch(() => {})
    await repo.close()
    throw err
  }
}
