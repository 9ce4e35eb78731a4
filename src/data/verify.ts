import { readFile, stat } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { decode as decodeMultihash } from 'multiformats/hashes/digest'
import { DcxError } from '../errors.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { matchesMultihash } from './hashers.js'
import { walkDag } from './walk.js'
import type { Pin, PinStore } from './pins.js'
import type { RepoBlockstore } from '../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'
import type { ProgressOptions, ProgressEvent } from 'progress-events'

/** One problem `repo verify` or `pin verify` found */
export interface Problem {
  cid: string
  problem: string
}

export type VerifyProgress = ProgressEvent<'verify:block', { done: number }>

/** Re-hash every block file; yields each block whose bytes do not match its name */
export async function * verifyBlocks (blockstore: RepoBlockstore, options: AbortOptions & ProgressOptions<VerifyProgress> = {}): AsyncGenerator<Problem> {
  let done = 0
  for await (const { multihash, file } of blockstore.listMultihashes(options)) {
    const digest = decodeMultihash(multihash)
    const cid = CID.createV1(raw.code, digest).toString()
    let ok: boolean
    try {
      ok = await matchesMultihash(digest, await readFile(file))
    } catch (err: any) {
      yield { cid, problem: err instanceof DcxError ? err.message : `unreadable: ${err.code ?? err.message}` }
      continue
    }
    if (!ok) yield { cid, problem: 'contents do not match the hash (corrupt block)' }
    options.onProgress?.({ type: 'verify:block', detail: { done: ++done } } as VerifyProgress)
  }
}

/** Check that one pin's DAG is complete and every block in it hashes right */
export async function verifyPin (pin: Pin, blockstore: RepoBlockstore, options: AbortOptions = {}): Promise<Problem | undefined> {
  let bad: Problem | undefined
  if (pin.type === 'direct') {
    // a direct pin protects one block, not what it links to
    try {
      const bytes = await blockstore.getBytes(pin.cid, options)
      return await matchesMultihash(pin.cid.multihash, bytes) ? undefined : { cid: pin.cid.toString(), problem: `block ${pin.cid} is corrupt` }
    } catch (err) {
      if (err instanceof BlockNotFoundError) return { cid: pin.cid.toString(), problem: `block ${err.cid} is missing` }
      throw err
    }
  }
  try {
    await walkDag(pin.cid, blockstore, {
      ...options,
      readLeaves: true,
      onBlock: async (cid, bytes) => {
        if (bad == null && bytes != null && !(await matchesMultihash(cid.multihash, bytes))) {
          bad = { cid: pin.cid.toString(), problem: `block ${cid} is corrupt` }
        }
      }
    })
  } catch (err: any) {
    if (err instanceof BlockNotFoundError) return { cid: pin.cid.toString(), problem: `block ${err.cid} is missing` }
    if (err instanceof DcxError) return { cid: pin.cid.toString(), problem: err.message }
    throw err
  }
  return bad
}

/** Verify every pin; yields each pin with its problem (or none) */
export async function * verifyPins (pins: PinStore, blockstore: RepoBlockstore, options: AbortOptions = {}): AsyncGenerator<{ pin: Pin, problem?: Problem }> {
  for await (const pin of pins.ls(options)) {
    yield { pin, problem: await verifyPin(pin, blockstore, options) }
  }
}

/** Size figures for `repo stat` */
export interface RepoStat {
  numObjects: number
  repoSize: number
}

/** Count blocks and their bytes on disk */
export async function repoStat (blockstore: RepoBlockstore, options: AbortOptions = {}): Promise<RepoStat> {
  let numObjects = 0
  let repoSize = 0
  for await (const { file } of blockstore.listMultihashes(options)) {
    numObjects++
    repoSize += (await stat(file)).size
  }
  return { numObjects, repoSize }
}
