import { peerIdFromString } from '@libp2p/peer-id'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { decodeReceipt, encodeRecord, signingBytes } from './records.js'
import type { Receipt, UnsignedReceipt } from './records.js'
import type { PrivateKey } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { Datastore } from 'interface-datastore'

/** Sign a receipt with the executor's key */
export async function signReceipt (unsigned: UnsignedReceipt, key: PrivateKey): Promise<Receipt> {
  const signature = await key.sign(signingBytes(unsigned))
  return { ...unsigned, signature }
}

/**
 * Whether the receipt's signature was made by the key inside its executor's
 * peer ID (Ed25519 peer IDs carry their public key).
 */
export async function checkSignature (receipt: Receipt): Promise<{ ok: boolean, why?: string }> {
  let publicKey
  try {
    publicKey = peerIdFromString(receipt.executor).publicKey
  } catch {
    return { ok: false, why: `executor '${receipt.executor}' is not a peer ID` }
  }
  if (publicKey === undefined) return { ok: false, why: `executor ${receipt.executor} has no inline public key` }
  try {
    const ok = await publicKey.verify(signingBytes(receipt), receipt.signature)
    return ok ? { ok } : { ok, why: `the signature was not made by ${receipt.executor}` }
  } catch {
    return { ok: false, why: 'the signature is malformed' }
  }
}

const PREFIX = '/receipts/'

/** The repo's receipts, indexed by job CID (the latest receipt for a job wins) */
export class ReceiptIndex {
  constructor (private readonly datastore: Pick<Datastore, 'get' | 'put' | 'delete' | 'query'>) {}

  async put (job: CID, receipt: CID): Promise<void> {
    await this.datastore.put(new Key(PREFIX + job.toV1().toString()), new TextEncoder().encode(receipt.toString()))
  }

  async get (job: CID): Promise<CID | undefined> {
    try {
      return CID.parse(new TextDecoder().decode(await this.datastore.get(new Key(PREFIX + job.toV1().toString()))))
    } catch (err: any) {
      if (err.name === 'NotFoundError') return undefined
      throw err
    }
  }

  /** Forget the job's receipt (its block stays until unpinned and collected) */
  async delete (job: CID): Promise<void> {
    await this.datastore.delete(new Key(PREFIX + job.toV1().toString()))
  }

  async * ls (options: AbortOptions = {}): AsyncGenerator<{ job: CID, receipt: CID }> {
    for await (const { key, value } of this.datastore.query({ prefix: PREFIX }, options)) {
      yield { job: CID.parse(key.toString().slice(PREFIX.length)), receipt: CID.parse(new TextDecoder().decode(value)) }
    }
  }
}

/** Load a receipt block and check its shape */
export async function loadReceipt (cid: CID, blockstore: { getBytes: (cid: CID, o?: AbortOptions) => Promise<Uint8Array> }, options: AbortOptions = {}): Promise<Receipt> {
  return decodeReceipt(cid, await blockstore.getBytes(cid, options))
}

export { encodeRecord }
