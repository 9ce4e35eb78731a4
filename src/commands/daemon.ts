import { rm } from 'node:fs/promises'
import { DcxCommand } from '../cli/base.js'
import { startApi } from '../api/server.js'
import { startDaemonGateway } from '../api/gateway/daemon.js'
import { writersDone } from '../api/handler.js'
import { createNode } from '../net/node.js'
import { openRepo, readIdentity } from '../repo/repo.js'
import { jobContext } from '../jobs/context.js'
import type { PinStore } from '../data/pins.js'
import { executorPolicy, serveJobs } from '../net/job-protocol.js'
import { createNameService } from '../net/names.js'
import { Keystore } from '../repo/keystore.js'
import type { DcxNode } from '../net/node.js'

/** How often pinned roots are announced again: provider records on the DHT expire (after 48 h on Kubo's DHT) */
const REPROVIDE_MS = 12 * 3600_000

/** Announce every pinned root on the DHT, so `--on auto` elsewhere can find this peer */
async function provideRoots (node: DcxNode, pins: Pick<PinStore, 'ls'>, signal: AbortSignal): Promise<void> {
  for await (const pin of pins.ls({ signal })) {
    if (pin.type !== 'recursive') continue
    try { await (node.routing as any).provide(pin.cid, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) }) } catch {}
  }
}

export default class Daemon extends DcxCommand {
  static override summary = 'Run a long-lived peer: libp2p on the configured addresses, bitswap, a LAN DHT, and the control API'
  static override description = `Listens where the repo config says (dcx init --profile local: 127.0.0.1, a port the OS picks; no bootstrap peers, no mDNS). Prints its peer ID, listen addresses and "ready". The control API is a Unix socket in the repo (mode 0600): while the daemon runs, \`dcx id\`, \`dcx peers\` and \`dcx cat\` go through it (cat fetches blocks the repo lacks from peers). Ctrl-C or SIGTERM stops it cleanly.`

  static override examples = ['<%= config.bin %> daemon', 'DCX_PATH=/tmp/peer-a <%= config.bin %> daemon &']

  async run (): Promise<void> {
    const { flags } = await this.parse(Daemon)
    const root = this.repoRoot(flags.repo)
    const identity = await readIdentity(root)
    const repo = await openRepo(root, { command: 'daemon' })
    let policy
    try {
      policy = executorPolicy(repo.config.executor)
    } catch (err) {
      await repo.close()
      throw err
    }
    let node
    try {
      node = await createNode({ config: repo.config, privateKey: identity.privateKey, blockstore: repo.blockstore as any, datastore: repo.datastore })
      const jobs = await jobContext(repo, identity)
      const executor = await serveJobs(node, jobs, policy, line => { this.log(line) })
      const keystore = new Keystore(root)
      const names = createNameService(node, keystore)
      const gateway = await startDaemonGateway(repo, node, names)
      const api = await startApi(repo.paths.api, { node, jobs, keystore, names }).catch(async err => { await gateway?.close(); throw err })
      const providing = new AbortController()
      const reprovide = (): void => { void provideRoots(node!, jobs.pins, providing.signal) }
      reprovide()
      const timer = setInterval(reprovide, REPROVIDE_MS).unref()
      this.log(`peer ID: ${node.libp2p.peerId.toString()}`)
      for (const addr of node.libp2p.getMultiaddrs()) this.log(`listening on ${addr.toString()}`)
      this.log(`API: ${repo.paths.api}`)
      for (const addr of gateway?.addresses ?? []) this.log(`Gateway server listening on ${addr}`)
      this.log('ready')
      await new Promise<void>(resolve => {
        const stop = (): void => resolve()
        process.once('SIGTERM', stop)
        this.signal.addEventListener('abort', stop, { once: true })
      })
      clearInterval(timer)
      providing.abort()
      await gateway?.close()
      // a second signal abandons what is still running (Ctrl-C twice does the same)
      process.once('SIGTERM', () => process.exit(143))
      // no new work; what is under way finishes, so nothing is left half-written
      const closed = new Promise<void>(resolve => api.close(() => resolve()))
      const finishing = executor.running()
      if (finishing > 0) this.log(`stopping: finishing ${finishing} running job(s) (Ctrl-C again to abandon them)`)
      await executor.drain()
      // their requesters fetch the outputs right after the answer: give them a moment before bitswap goes away
      if (finishing > 0) await new Promise(resolve => setTimeout(resolve, 1000))
      await writersDone()
      await closed
      api.closeAllConnections()
    } finally {
      await node?.stop().catch(() => {})
      await rm(repo.paths.api, { force: true })
      await repo.close()
    }
    this.log('stopped')
  }
}
