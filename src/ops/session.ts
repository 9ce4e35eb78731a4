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
      case 'read': return await this.read(op, checked, daemon, options)
      case 'files': return await op.run(await this.filesContext(), checked, options)
      case 'repo': return await this.inRepo(op, checked, options)
    }
  }

  /**
   * A `read` operation here, with the daemon (if one runs) fetching behind
   * it: what it prefetches is read as it lands, and the operation is done
   * (its bytes all yielded) only when those fetches are, so one that fails
   * fails the command as it would have before the first read.
   */
  private async read<I, O> (op: Operation<I, O>, input: I, daemon: DaemonClient | undefined, options: OpOptions): Promise<O> {
    const [{ openBlockRepo }, { PeerBackedBlockstore }] = await Promise.all([import('../repo/block-repo.js'), import('./peer-backed.js')])
    const { paths, blockstore } = await openBlockRepo(this.root)
    if (daemon === undefined) return await op.run(localContext({ root: this.root, command: this.command, blocks: blockstore }), input, options)
    // what the daemon fetches for this read: within the caller's timeout, its waits reported to the caller; stopped with the read
    const stop = new AbortController()
    const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal])
    const fetching = { timeoutMs: options.fetchTimeoutMs, onProgress: options.onProgress }
    const blocks = new PeerBackedBlockstore(paths.blocks, daemon, fetching)
    const context = localContext({ root: this.root, command: this.command, blocks, daemon, fetching, follower: blocks })
    let result: O
    try {
      result = await op.run(context, input, { ...options, signal })
      if (op.bytes !== true) await blocks.settled()
    } catch (err) {
      stop.abort(err)
      throw err
    }
    if (op.bytes !== true) return result
    const bytes = result as AsyncIterable<Uint8Array>
    return (async function * () {
      let finished = false
      try {
        yield * bytes
        await blocks.settled()
        finished = true
      } finally {
        // a reader that stopped early (or failed) stops the fetch
        if (!finished) stop.abort(new Error('the read ended'))
      }
    })() as O
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
