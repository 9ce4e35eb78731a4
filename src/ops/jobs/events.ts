import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/** One line of the daemon's event stream */
export type DaemonEvent =
  | { type: 'hello', peerId: string }
  | { type: 'job', record: import('../../jobs/history.js').JobRecord }
  | { type: 'ping' }

const line = (event: DaemonEvent): Uint8Array => new TextEncoder().encode(JSON.stringify(event) + '\n')

/**
 * `events`: the daemon's events as newline-delimited JSON, until the caller
 * goes away or the daemon stops: `hello` with its peer ID at once, then a
 * `job` with the history's record each time a run is recorded (a run here,
 * on a peer, a cached answer, a map run), and a `ping` every 15 s of quiet.
 * Bounded: `jobs/history-feed.ts`.
 */
export const eventsOp = defineOp({
  name: 'events',
  access: 'node',
  bytes: true,
  input: z.strictObject({}),
  run: async (ctx, _input, { signal }): Promise<AsyncIterable<Uint8Array>> => {
    const { followHistory } = await import('../../jobs/history-feed.js')
    const peerId = ctx.node().node.libp2p.peerId.toString()
    const feed = followHistory(ctx.repo().history, { signal })
    return (async function * () {
      try {
        yield line({ type: 'hello', peerId })
        for await (const event of feed) yield line(event)
      } finally {
        await feed.return(undefined)
      }
    })()
  }
})
