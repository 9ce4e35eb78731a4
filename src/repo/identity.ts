import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { storageFailure } from '../errors.js'
import { RepoDamagedError, RepoExistsError } from './errors.js'
import { publishFile } from './publish-file.js'
import type { PrivateKey } from '@libp2p/interface'

/** A repo's identity: its Ed25519 key and the peer ID derived from it */
export interface Identity {
  privateKey: PrivateKey
  peerId: string
  /** The public key, protobuf-encoded and base64 as Kubo prints it */
  publicKey: string
}

function describe (privateKey: PrivateKey): Identity {
  return {
    privateKey,
    peerId: peerIdFromPrivateKey(privateKey).toString(),
    publicKey: Buffer.from(publicKeyToProtobuf(privateKey.publicKey)).toString('base64')
  }
}

/** Create a new Ed25519 identity and store it readable by the owner only (0600) */
export async function createIdentity (file: string): Promise<Identity> {
  const privateKey = await generateKeyPair('Ed25519')
  // Published whole: a full disk must not leave an empty key that blocks the next init
  if (!await publishFile(file, privateKeyToProtobuf(privateKey), 0o600)) throw new RepoExistsError(dirname(file))
  return describe(privateKey)
}

/** Load the identity key of a repo */
export async function loadIdentity (file: string, root: string): Promise<Identity> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new RepoDamagedError(root, 'identity.key is missing')
    throw storageFailure(err, file) ?? new RepoDamagedError(root, `identity.key unreadable: ${err.code ?? err.message}`)
  }
  try {
    return describe(privateKeyFromProtobuf(bytes))
  } catch {
    throw new RepoDamagedError(root, 'identity.key is not a libp2p private key')
  }
}
