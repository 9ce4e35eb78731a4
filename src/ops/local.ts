import { missing, offline } from './context.js'
import type { OpContext, RepoParts } from './context.js'
import type { DaemonClient } from '../api/client.js'
import type { BlockAccess } from '../repo/blockstore.js'
import type { Keystore } from '../repo/keystore.js'
import type { Identity } from '../repo/identity.js'
import type { FetchUnderWay } from './fetch-under-way.js'
import type { OpOptions, OpProgress } from './operation.js'
import type { AbortOptions } from 'abort-error'

/** The parts of a context run in this process; what is not given is missing */
export interface LocalParts {
  root: string
  command: string
  blocks: BlockAccess
  daemon?: DaemonClient
  repo?: RepoParts
  /** What the daemon fetches for a read: how long one block may take, and where its waits are reported */
  fetching?: FetchScope
  /** Reads `blocks` behind a running fetch: `prefetch` starts the fetch and returns, reads wait for its blocks */
  follower?: { follow: (fetch: FetchUnderWay) => void }
}

/** The caller's side of a fetch through the daemon */
export interface FetchScope {
  timeoutMs?: number
  onProgress?: OpOptions['onProgress']
}

/**
 * A context for an operation run in this process. Offline, paths are read
 * as given and nothing is fetched; with a daemon beside it (a `read`
 * operation), `/ipns/` names resolve through the daemon and `prefetch` asks
 * it to make a DAG local before it is read from the repo's files.
 */
export function localContext (parts: LocalParts): OpContext {
  let identity: Promise<Identity> | undefined
  let keystore: Promise<Keystore> | undefined
  const { daemon } = parts
  return {
    root: parts.root,
    blocks: parts.blocks,
    resolve: async (text: string, options: AbortOptions = {}) => {
      const { parseCidPath } = await import('../data/cid-path.js')
      if (daemon === undefined || !text.startsWith('/ipns/')) return parseCidPath(text)
      const { Path } = await daemon.run('name/resolve', { name: text }, options) as { Path: string }
      return { ...parseCidPath(Path), text }
    },
    prefetch: async (target, options = {}) => {
      if (daemon === undefined) return
      const input = { target: target.text, scope: options.scope, range: options.range, timeoutMs: parts.fetching?.timeoutMs }
      const onProgress = parts.fetching?.onProgress
      if (parts.follower === undefined) {
        await daemon.run('block/fetch', input, { signal: options.signal, onProgress: onProgress as any })
        return
      }
      // the fetch runs on while the operation reads: its blocks are read as they land
      const { FetchUnderWay } = await import('./fetch-under-way.js')
      parts.follower.follow(new FetchUnderWay(async landed => {
        try {
          return await daemon.run('block/fetch', { ...input, landed: true }, {
            signal: options.signal,
            onProgress: (event: OpProgress) => { if (event.type === 'fetch:landed') landed((event.detail as { cid: string }).cid); else onProgress?.(event) }
          })
        } catch (err: any) {
          if (err?.code !== 'ERR_API_ARGS' || !String(err?.message).includes('landed')) throw err
        }
        // a daemon started before `landed` existed does not report blocks: reads wait for its whole fetch
        return await daemon.run('block/fetch', input, { signal: options.signal, onProgress: onProgress as any })
      }))
    },
    identity: async () => {
      identity ??= import('../repo/repo.js').then(async ({ readIdentity }) => await readIdentity(parts.root))
      return await identity
    },
    keystore: async () => {
      keystore ??= import('../repo/keystore.js').then(({ Keystore }) => new Keystore(parts.root))
      return await keystore
    },
    repo: () => parts.repo ?? missing('repo'),
    node: () => offline(parts.root, parts.command),
    online: false
  }
}
