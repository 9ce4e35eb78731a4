import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { NotPinnedError } from './errors.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { walkDag } from './walk.js'
import type { WalkStore } from './walk.js'
import type { AbortOptions } from 'abort-error'
import type { Datastore } from 'interface-datastore'

export type PinType = 'recursive' | 'direct'

/** One pin as stored in the datastore */
export interface Pin {
  cid: CID
  type: PinType
  /** What the pin is for (Kubo's pin names): a user's label, or a job artifact's `job <job-cid> <role>` */
  name?: string
}

export interface AddPinOptions extends AbortOptions {
  type?: PinType
  /**
   * Skip the completeness walk: only for DAGs this process has just written
   * block by block (an add), where every block is known to be present.
   */
  knownComplete?: boolean
  /** Name the pin (replacing the name of an existing pin) */
  name?: string
  /**
   * Name the pin only if it is made now: an existing pin keeps its name (or
   * its lack of one), so a job never relabels what a user or another job pinned
   */
  nameIfNew?: string
}

const PREFIX = '/pins/'

function pinKey (cid: CID): Key {
  // v0 and v1 of the same DAG are one pin
  return new Key(PREFIX + cid.toV1().toString())
}

/**
 * Pins, kept in the repo's LevelDB datastore. A recursive pin is only
 * written once every block of its DAG is present, so there is never a half
 * pin; direct pins protect one block.
 */
export class PinStore {
  private readonly datastore: Pick<Datastore, 'get' | 'put' | 'has' | 'delete' | 'query'>
  private readonly blocks: WalkStore

  constructor (datastore: Pick<Datastore, 'get' | 'put' | 'has' | 'delete' | 'query'>, blocks: WalkStore) {
    this.datastore = datastore
    this.blocks = blocks
  }

  /** Pin `cid`; for a recursive pin, first check that its whole DAG is here */
  async add (cid: CID, options: AddPinOptions = {}): Promise<Pin> {
    const type = options.type ?? 'recursive'
    if (type === 'recursive' && options.knownComplete !== true) {
      await walkDag(cid, this.blocks, options)
    } else if (!(await this.blocks.has(cid, options))) {
      throw new BlockNotFoundError(cid.toString())
    }
    const existing = await this.get(cid)
    // A recursive pin covers a direct one; never downgrade.
    const stored: PinType = existing?.type === 'recursive' ? 'recursive' : type
    const name = options.name ?? (existing !== undefined ? existing.name : options.nameIfNew)
    if (existing?.type === stored && existing.name === name) return existing
    await this.put({ cid, type: stored, name })
    return { cid, type: stored, ...(name !== undefined ? { name } : {}) }
  }

  /** Rename an existing pin (a job's artifact taken over by another job) */
  async rename (cid: CID, name: string): Promise<void> {
    const pin = await this.get(cid)
    if (pin == null) throw new NotPinnedError(cid.toString())
    await this.put({ ...pin, name })
  }

  private async put (pin: Pin): Promise<void> {
    const record: Record<string, string> = { cid: pin.cid.toString(), type: pin.type }
    if (pin.name !== undefined) record.name = pin.name
    await this.datastore.put(pinKey(pin.cid), new TextEncoder().encode(JSON.stringify(record)))
  }

  /** The pin on `cid`, if any */
  async get (cid: CID): Promise<Pin | undefined> {
    try {
      return decodePin(await this.datastore.get(pinKey(cid)))
    } catch (err: any) {
      if (err.name === 'NotFoundError') return undefined
      throw err
    }
  }

  /** Remove the pin on `cid`; blocks stay until `gc` */
  async rm (cid: CID): Promise<Pin> {
    const pin = await this.get(cid)
    if (pin == null) throw new NotPinnedError(cid.toString())
    await this.datastore.delete(pinKey(cid))
    return pin
  }

  /** Every pin, in key order */
  async * ls (options: AbortOptions = {}): AsyncGenerator<Pin> {
    for await (const { value } of this.datastore.query({ prefix: PREFIX }, options)) {
      yield decodePin(value)
    }
  }
}

function decodePin (value: Uint8Array): Pin {
  const parsed = JSON.parse(new TextDecoder().decode(value))
  return { cid: CID.parse(parsed.cid), type: parsed.type, ...(typeof parsed.name === 'string' ? { name: parsed.name } : {}) }
}
