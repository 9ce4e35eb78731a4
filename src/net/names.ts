import { NameNotFoundError } from './errors.js'
import { ipns } from '@helia/ipns'
import { peerIdFromString } from '@libp2p/peer-id'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { CID } from 'multiformats/cid'
import { InvalidArgumentError } from '../errors.js'
import type { Keystore } from '../repo/keystore.js'
import type { AbortOptions } from 'abort-error'
import type { DcxNode } from './node.js'

export interface PublishOptions extends AbortOptions {
  /** How long the record is valid, ms (Helia's default 48 h) */
  lifetime?: number
  /** How long resolvers may cache it, ms (Helia's default 5 min) */
  ttl?: number
}

export interface ResolveOptions extends AbortOptions {
  /** Ask the network even when a cached record is still fresh */
  nocache?: boolean
}

/** Kubo's answer to `name publish` */
export interface Published { Name: string, Value: string }

/** IPNS over the daemon's routing (the LAN DHT), with keys from the repo's keystore */
export interface NameService {
  publish: (key: string, value: string, options?: PublishOptions) => Promise<Published>
  resolve: (name: string, options?: ResolveOptions) => Promise<{ Path: string }>
}

/** The key part of `k51...`, `12D3Koo...` or `/ipns/<name>[/path]`, checked */
function ipnsKey (target: string): string {
  const key = target.replace(/^\/ipns\//, '').split('/')[0]
  try {
    peerIdFromString(key)
    return key
  } catch {
    throw new InvalidArgumentError(`'${target}' is not an IPNS name: give a k51... name or a peer ID (DNSLink is not supported)`)
  }
}

/** `<cid>`, `/ipfs/<cid>[/path]` or `/ipns/<name>[/path]`, checked */
function ipnsValue (value: string): string {
  const text = value.startsWith('/') ? value : `/ipfs/${value}`
  const [, ns, id] = text.split('/')
  try {
    if (ns === 'ipfs') { CID.parse(id); return text }
    if (ns === 'ipns' && id !== undefined && id !== '') return text
  } catch {}
  throw new InvalidArgumentError(`cannot publish '${value}': give a CID, /ipfs/<cid>[/path] or /ipns/<name>`)
}

/**
 * Build the daemon's IPNS: Helia's publisher, resolver and republisher, with
 * its DHT validator and selector installed, so this peer also stores and
 * serves other peers' records. Our keys are copied into Helia's keychain
 * (under `dcx-<name>`, which never collides with its own `self`) when first
 * published with, so the republisher can re-sign them.
 */
export function createNameService (node: DcxNode, keystore: Keystore): NameService {
  const name = ipns(node as any)
  // the node started before this existed, so Helia's start event (which starts the republisher) has passed
  ;(name as any).start()
  const keychain = (node as any).keychain

  const syncKey = async (keyName: string): Promise<string> => {
    const key = await keystore.get(keyName)
    const chainName = `dcx-${keyName}`
    try {
      const held = await keychain.exportKey(chainName)
      if (held.publicKey.toCID().equals(key.publicKey.toCID())) return chainName
      await keychain.removeKey(chainName)
    } catch (err: any) {
      if (err?.name !== 'NotFoundError') throw err
    }
    const crypto = await (node as any).getCrypto('Ed25519')
    await keychain.importKey(chainName, await crypto.privateKeyFromProtobuf(privateKeyToProtobuf(key)))
    return chainName
  }

  return {
    async publish (keyName, value, options = {}) {
      const text = ipnsValue(value)
      const chainName = await syncKey(keyName)
      const { name: published } = await name.publish(chainName, text, { lifetime: options.lifetime, ttl: options.ttl, signal: options.signal })
      return { Name: published.replace(/^\/ipns\//, ''), Value: text }
    },
    async resolve (target, options = {}) {
      const key = ipnsKey(target)
      let value: string | undefined
      try {
        for await (const step of name.resolve(`/ipns/${key}`, { nocache: options.nocache, signal: options.signal })) value = step.value
      } catch (err: any) {
        options.signal?.throwIfAborted()
        throw new NameNotFoundError(target, err?.name === 'RecordNotFoundError' ? 'no record found' : String(err?.message ?? err).split('\n')[0])
      }
      if (value === undefined) throw new NameNotFoundError(target, 'no record found')
      // a path below the name carries on below what it points at
      const below = target.replace(/^\/ipns\//, '').split('/').slice(1).filter(s => s !== '')
      return { Path: [value.replace(/\/$/, ''), ...below].join('/') }
    }
  }
}
