import { OpArgumentsError } from '../api/errors.js'
import { NoDaemonError } from './errors.js'
import { localContext } from './local.js'
import type { DaemonClient } from '../api/client.js'
import type { OpContext } from './context.js'
import type { Operation, OpOptions } from './operation.js'

/**
 * Where a command's operations run: in the daemon when one runs on the repo
 * (it holds the repo and the network), else here, opening only what the
 * operation needs: the block files for a `read` (no lock, no LevelDB), the
 * repo under its lock for a `repo` operation. The command does not ask which;
 * output and failures are the same either way.
 */
export class Session {
  private daemon?: Promise<DaemonClient | undefined>

  /**
   * @param root the repo folder
   * @param command what the user ran (`pin add`), named in the repo lock and in "needs a daemon" errors
   */
  constructor (readonly root: string, readonly command: string) {}

  /** The daemon running on the repo, if any (asked once) */
  async daemonClient (): Promise<DaemonClient | undefined> {
    this.daemon ??= (async () => {
      const [{ connectDaemon }, { repoPaths }] = await Promise.all([import('../api/client.js'), import('../repo/paths.js')])
      return await connectDaemon(repoPaths(this.root).api)
    })()
    return await this.daemon
  }

  /** Whether a daemon runs on the repo */
  async online (): Promise<boolean> {
    return (await this.daemonClient()) !== undefined
  }

  /** Run an operation in the daemon or here, as its `access` says */
  async run<I, O> (op: Operation<I, O>, input: I, options: OpOptions = {}): Promise<O> {
    const parsed = op.input.safeParse(input)
    if (!parsed.success) throw new OpArgumentsError(op.name, parsed.error)
    const checked = parsed.data
    const daemon = await this.daemonClient()
    if (op.access !== 'read' && daemon !== undefined) {
      return await daemon.run(op.name, checked, { signal: options.signal, onProgress: options.onProgress as any, fetchTimeoutMs: options.fetchTimeoutMs, bytes: op.bytes }) as O
    }
    switch (op.access) {
      case 'node': throw new NoDaemonError(this.root, this.command)
      case 'read': return await op.run(await this.readContext(daemon, options), checked, options)
      case 'files': return await op.run(await this.filesContext(), checked, options)
      case 'repo': return await this.inRepo(op, checked, options)
    }
  }

  private async readContext (daemon: DaemonClient | undefined, options: OpOptions): Promise<OpContext> {
    const [{ openBlockRepo }, { PeerBackedBlockstore }] = await Promise.all([import('../repo/block-repo.js'), import('./peer-backed.js')])
    const { paths, blockstore } = await openBlockRepo(this.root)
    // what the daemon fetches for this read: within the caller's timeout, its waits reported to the caller
    const fetching = { timeoutMs: options.fetchTimeoutMs, onProgress: options.onProgress }
    return localContext({
      root: this.root,
      command: this.command,
      blocks: daemon === undefined ? blockstore : new PeerBackedBlockstore(paths.blocks, daemon, fetching),
      daemon,
      fetching
    })
  }

  private async filesContext (): Promise<OpContext> {
    const { openBlockRepo } = await import('../repo/block-repo.js')
    const { blockstore } = await openBlockRepo(this.root)
    return localContext({ root: this.root, command: this.command, blocks: blockstore })
  }

  private async inRepo<I, O> (op: Operation<I, O>, input: I, options: OpOptions): Promise<O> {
    const [{ openRepo, readIdentity }, { jobContext }, { JobHistory }] = await Promise.all([import('../repo/repo.js'), import('../jobs/context.js'), import('../jobs/history.js')])
    const identity = await readIdentity(this.root)
    const repo = await openRepo(this.root, { command: this.command, useReserve: op.useReserve })
    try {
      const jobs = await jobContext(repo, identity)
      return await op.run(localContext({
        root: this.root,
        command: this.command,
        blocks: repo.blockstore,
        repo: { paths: repo.paths, config: repo.config, blockstore: repo.blockstore, pins: jobs.pins, receipts: jobs.receipts, history: new JobHistory(repo.datastore), identity, jobs }
      }), input, options)
    } finally {
      await repo.close()
    }
  }
}
