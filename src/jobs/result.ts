import { createReadStream } from 'node:fs'
import { importer } from 'ipfs-unixfs-importer'
import { importerOptions } from '../data/profiles.js'
import type { OutputEntry, RunResult } from '../wasm/index.js'
import type { ImportCandidate, WritableStorage } from 'ipfs-unixfs-importer'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * The result directory's CID profile. Part of the runtime ABI: output CIDs
 * must not change when the repo's default profile does.
 */
const RESULT_PROFILE = importerOptions({ cidVersion: 1 })

/** What the result's `exitCode` file says: the code, or the status for a job that did not exit */
export function exitCodeText (result: Pick<RunResult, 'status' | 'exitCode' | 'trap'>): string {
  if (result.status === 'exit') return `${result.exitCode ?? 0}\n`
  return result.status === 'trap' ? `trap: ${result.trap}\n` : `${result.status}\n`
}

async function * bytesOf (result: RunResult, entry: OutputEntry): AsyncGenerator<Uint8Array> {
  if (entry.spill !== undefined) {
    for await (const chunk of createReadStream(entry.spill, { highWaterMark: 1 << 20 })) yield chunk as Uint8Array
  } else if (entry.bytes !== undefined) {
    yield entry.bytes
  }
}

function * candidates (result: RunResult): Generator<ImportCandidate> {
  yield { path: 'exitCode', content: [new TextEncoder().encode(exitCodeText(result))] }
  yield { path: 'outputs' }
  for (const entry of result.outputs) {
    const path = `outputs/${entry.path}`
    if (entry.type === 'dir') yield { path }
    else if (entry.type === 'symlink') yield { path, link: entry.target ?? '' } as ImportCandidate
    else yield { path, content: bytesOf(result, entry) }
  }
  yield { path: 'stderr', content: [result.stderr] }
  yield { path: 'stdout', content: [result.stdout] }
}

/**
 * Import a run's result as a UnixFS directory, Bacalhau's layout:
 * `outputs/` (what the job left there), `stdout`, `stderr`, `exitCode`.
 * Returns the directory's CID.
 */
export async function importResult (result: RunResult, blockstore: WritableStorage, options: AbortOptions = {}): Promise<CID> {
  let root: CID | undefined
  // storing a result counts against the job's time: every write checks the deadline
  const store: WritableStorage = {
    put: async (cid, bytes) => {
      options.signal?.throwIfAborted()
      return await blockstore.put(cid, bytes, options)
    }
  }
  for await (const entry of importer(candidates(result), store, { ...RESULT_PROFILE, wrapWithDirectory: true })) {
    if (entry.path === '' || entry.path === undefined) root = entry.cid
  }
  return root!
}
