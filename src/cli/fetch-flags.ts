import * as Flags from '@oclif/core/flags'
import { parseDuration } from '../jobs/parse.js'
import { statusLine } from './progress.js'
import type { OpOptions, OpProgress } from '../ops/operation.js'

/**
 * `--timeout`, Kubo's global option, on the commands that read blocks a
 * peer may have to send (with `dcx daemon`): how long one block the repo
 * lacks may take before the command gives up.
 */
export const fetchFlags = {
  timeout: Flags.string({
    description: 'with `dcx daemon`: how long to wait for a block the repo lacks to come from peers, e.g. 30s, 10m (default 2m)',
    helpGroup: 'GLOBAL'
  })
}

/** The options of one read: Ctrl-C, the fetch timeout, and on a terminal a line saying what is searched for */
export interface FetchRun {
  options: OpOptions
  /** Clear the search line (call when the operation has answered) */
  done: () => void
}

/**
 * Options for an operation that may fetch: `--timeout`, and `fetch:searching`
 * events shown as one line on stderr (a TTY only: "searching for <cid>:
 * asked 3 peers, 12 s"); other events go to `onProgress`.
 */
export function fetchOptions (signal: AbortSignal, flags: { timeout?: string }, onProgress?: (event: OpProgress) => void): FetchRun {
  const status = statusLine()
  return {
    options: {
      signal,
      fetchTimeoutMs: flags.timeout !== undefined ? parseDuration(flags.timeout) : undefined,
      onProgress: event => {
        if (event.type !== 'fetch:searching') {
          onProgress?.(event)
          return
        }
        const { cid, peers, elapsedMs } = event.detail as { cid: string, peers: number, elapsedMs: number }
        status.show(`searching for ${cid}: asked ${peers} peer${peers === 1 ? '' : 's'}, ${Math.round(elapsedMs / 1000)} s`)
      }
    },
    done: status.clear
  }
}
