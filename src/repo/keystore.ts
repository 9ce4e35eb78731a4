import { KeyNotFoundError } from './errors.js'
import { KeyExistsError } from './errors.js'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { base36 } from 'multiformats/bases/base36'
import { InvalidArgumentError, storageFailure } from '../errors.js'
import { loadIdentity } from './identity.js'
import { repoPaths } from './paths.js'
import { publishFile } from './publish-file.js'
import type { PrivateKey } from '@libp2p/interface'

/** The identity key's name, as in Kubo */
export const SELF = 'self'

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** A named key and the IPNS name it publishes under */
export interface KeyInfo {
  name: string
  /** The IPNS name: the public key as a base36 libp2p-key CID (k51...), as Kubo prints it */
  id: string
}

/** The IPNS name of a key: Kubo's `k51...` form */
export function ipnsName (key: PrivateKey): string {
  return key.publicKey.toCID().toString(base36)
}

function checkName (name: string): void {
  if (!NAME.test(name)) throw new InvalidArgumentError(`invalid key name '${name}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`)
}

/**
 * The repo's IPNS keys: `self` is the identity key; the others live in
 * `keystore/`, one protobuf-encoded private key per file, readable by the
 * owner only. Files, not LevelDB, so keys can be made and listed while a
 * daemon holds the repo.
 */
export class Keystore {
  private readonly dir: string
  constructor (private readonly root: string) {
    this.dir = repoPaths(root).keystore
  }

  /** Create an Ed25519 key under a new name */
  async generate (name: string): Promise<KeyInfo> {
    checkName(name)
    if (name === SELF) throw new KeyExistsError(name)
    const key = await generateKeyPair('Ed25519')
    let published: boolean
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 })
      // Whole or not at all: a full disk must not leave an empty key under the name
      published = await publishFile(join(this.dir, name), privateKeyToProtobuf(key), 0o600)
    } catch (err) {
      throw storageFailure(err, this.dir) ?? err
    }
    if (!published) throw new KeyExistsError(name)
    return { name, id: ipnsName(key) }
  }

  /** The private key under a name */
  async get (name: string): Promise<PrivateKey> {
    checkName(name)
    if (name === SELF) return (await loadIdentity(repoPaths(this.root).identity, this.root)).privateKey
    let bytes: Uint8Array
    try {
      bytes = await readFile(join(this.dir, name))
    } catch (err: any) {
      if (err.code === 'ENOENT') throw new KeyNotFoundError(name)
      throw err
    }
    return privateKeyFromProtobuf(bytes)
  }

  /** Every key, `self` first, then by name */
  async list (): Promise<KeyInfo[]> {
    let names: string[] = []
    try {
      names = (await readdir(this.dir)).filter(n => NAME.test(n)).sort()
    } catch (err: any) {
      if (err.code !== 'ENOENT') throw err
    }
    const out: KeyInfo[] = []
    for (const name of [SELF, ...names]) out.push({ name, id: ipnsName(await this.get(name)) })
    return out
  }

  /** Remove a key (not `self`); records it signed stay valid until they expire */
  async remove (name: string): Promise<KeyInfo> {
    checkName(name)
    if (name === SELF) throw new InvalidArgumentError('the self key is the repo\'s identity and cannot be removed')
    const info = { name, id: ipnsName(await this.get(name)) }
    await rm(join(this.dir, name))
    return info
  }
}
