import { readFile, writeFile, chmod } from 'node:fs/promises'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { NotARepoError } from '../errors.js'
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
  await writeFile(file, privateKeyToProtobuf(privateKey), { mode: 0o600, flag: 'wx' })
  await chmod(file, 0o600)
  return describe(privateKey)
}

/** Load the identity key of a repo */
export async function loadIdentity (file: string, root: string): Promise<Identity> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (err: any) {
    throw new NotARepoError(root, `identity key unreadable: ${err.code ?? err.message}`)
  }
  try {
    return describe(privateKeyFromProtobuf(bytes))
  } catch {
    throw new NotARepoError(root, 'identity.key is not a libp2p private key')
  }
}
