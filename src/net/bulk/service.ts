import { BULK_PROTOCOL, MAX_BLOCKS, MAX_CONCURRENT_TRANSFERS, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS } from './constants.js'
import { serveBulkRequest } from './server.js'
import type { Served, ServeStore } from './server.js'
import type { Connection, Startable, Stream, StreamHandlerOptions } from '@libp2p/interface'

/** What the service needs from the node: a place to register its handler, and the repo's own blocks */
export interface BulkServiceComponents {
  registrar: {
    handle: (protocol: string, handler: (stream: Stream, connection: Connection) => void | Promise<void>, options?: StreamHandlerOptions) => Promise<void>
    unhandle: (protocol: string) => Promise<void>
  }
  /** Local blocks only: a provider never fetches what it is asked for */
  blockstore: ServeStore
}

export interface BulkServiceInit {
  /** Transfers served at once before answering BUSY (default `MAX_CONCURRENT_TRANSFERS`) */
  maxConcurrentTransfers?: number
  maxInboundStreams?: number
  maxOutboundStreams?: number
  /** Most blocks one transfer walks (default `MAX_BLOCKS`) */
  maxBlocks?: number
  /** Told how each request ended */
  log?: (peer: string, served: Served | { error: Error }) => void
}

/**
 * The provider side of the bulk transfer protocol as a libp2p-style
 * service: `start()` registers the handler, `stop()` removes it and ends the
 * transfers under way. Each inbound stream carries one request, answered by
 * `serveBulkRequest` from the repo's blocks.
 */
export class BulkService implements Startable {
  readonly protocol = BULK_PROTOCOL
  private readonly components: BulkServiceComponents
  private readonly init: Required<Omit<BulkServiceInit, 'log'>> & Pick<BulkServiceInit, 'log'>
  private readonly transfers = new Set<AbortController>()
  private started = false

  constructor (components: BulkServiceComponents, init: BulkServiceInit = {}) {
    this.components = components
    this.init = {
      maxConcurrentTransfers: init.maxConcurrentTransfers ?? MAX_CONCURRENT_TRANSFERS,
      maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS,
      maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS,
      maxBlocks: init.maxBlocks ?? MAX_BLOCKS,
      log: init.log
    }
    this.handle = this.handle.bind(this)
  }

  readonly [Symbol.toStringTag] = 'dcx/bulk'

  isStarted (): boolean {
    return this.started
  }

  /** Transfers being served now */
  get active (): number {
    return this.transfers.size
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(this.protocol, this.handle, {
      maxInboundStreams: this.init.maxInboundStreams,
      maxOutboundStreams: this.init.maxOutboundStreams
    })
    this.started = true
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(this.protocol)
    for (const transfer of this.transfers) transfer.abort(new Error('the provider is stopping'))
    this.started = false
  }

  private async handle (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const transfer = new AbortController()
    // a requester that resets the stream or goes away stops the work done for it
    const gone = (): void => transfer.abort(new Error('the requester went away'))
    stream.addEventListener('close', gone, { once: true })
    const busy = this.transfers.size >= this.init.maxConcurrentTransfers
    this.transfers.add(transfer)
    try {
      const served = await serveBulkRequest(stream, this.components.blockstore, { busy, maxBlocks: this.init.maxBlocks, signal: transfer.signal })
      this.init.log?.(peer, served)
    } catch (err: any) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      this.init.log?.(peer, { error: err })
    } finally {
      stream.removeEventListener('close', gone)
      this.transfers.delete(transfer)
    }
  }
}

/** One line for a provider's log: what a transfer sent, or why it did not */
export function describeTransfer (peer: string, outcome: Served | { error: Error }): string {
  if ('error' in outcome) return `bulk: transfer to ${peer} broke off: ${String(outcome.error?.message ?? outcome.error).split('\n')[0]}`
  const what = outcome.request === undefined ? 'a malformed request' : `${outcome.request.root} (${outcome.request.scope}${outcome.request.skip > 0 ? `, from block ${outcome.request.skip}` : ''})`
  if (outcome.refused !== undefined && !outcome.refused.ok) return `bulk: refused ${what} to ${peer}: ${outcome.refused.code}`
  return `bulk: sent ${what} to ${peer}: ${outcome.blocks} blocks, ${outcome.bytes} bytes${outcome.missing !== undefined ? `, stopped at ${outcome.missing} (not held)` : ''}`
}
