import { createCipheriv, createHash } from 'node:crypto'
import { importer } from 'ipfs-unixfs-importer'
import { describe, expect, it } from 'vitest'
import { discardStore } from '../../src/data/add.js'
import { importerOptions } from '../../src/data/profiles.js'
import type { AddProfileOptions } from '../../src/data/profiles.js'
import type { ImportCandidate } from 'ipfs-unixfs-importer'

/**
 * Kubo's deterministic test data (test/cli/testutils/random_deterministic.go):
 * the ChaCha20 (IETF) keystream with key sha256(seed), a zero nonce and
 * counter 0. OpenSSL's chacha20 IV is the 4-byte counter then the nonce.
 */
function * chacha20Stream (size: number, seed: string): Generator<Uint8Array> {
  const key = createHash('sha256').update(seed).digest()
  const cipher = createCipheriv('chacha20', key, Buffer.alloc(16))
  const zeros = Buffer.alloc(1 << 20)
  for (let left = size; left > 0; left -= zeros.length) {
    yield cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left))
  }
}

const ALPHABET_EASY = 'abcdefghijklmnopqrstuvwxyz01234567890-_'

/** Kubo's deterministic file names: every name but the last has nameLen characters */
function names (count: number, nameLen: number, lastLen: number, seed: string): string[] {
  const stream = Buffer.concat([...chacha20Stream(1 << 20, seed)])
  const out: string[] = []
  let offset = 0
  for (let i = 0; i < count; i++) {
    const len = i === count - 1 ? lastLen : nameLen
    out.push([...stream.subarray(offset, offset + len)].map(b => ALPHABET_EASY[b % ALPHABET_EASY.length]).join(''))
    offset += len
  }
  return out
}

async function rootOf (source: ImportCandidate[] | Iterable<ImportCandidate>, profile: AddProfileOptions): Promise<{ cid: string, type?: string }> {
  let last: { cid: string, type?: string } = { cid: '' }
  for await (const e of importer(source, discardStore, importerOptions(profile))) last = { cid: e.cid.toString(), type: e.unixfs?.type }
  return last
}

const file = async (size: number, seed: string, profile: AddProfileOptions): Promise<string> =>
  (await rootOf([{ content: chacha20Stream(size, seed) }], profile)).cid

const dir = async (names: string[], profile: AddProfileOptions): Promise<{ cid: string, type?: string }> =>
  rootOf(names.map(name => ({ path: `rootDir/${name}`, content: Uint8Array.of(120) })), profile)

const v0: AddProfileOptions = { cidVersion: 0 }
const v1: AddProfileOptions = { cidVersion: 1 }

// Expected CIDs are Kubo's (test/cli/cid_profiles_test.go), as published with IPIP-499
describe('IPIP-499 unixfs-v0-2015 (--cid-version 0)', () => {
  it('"hello world"', async () => {
    expect((await rootOf([{ content: new TextEncoder().encode('hello world') }], v0)).cid).toBe('Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD')
  })
  it('a file at and just over the 256 KiB chunk size', async () => {
    expect(await file(262_144, 'chunk-v0-seed', v0)).toBe('QmWmRj3dFDZdb6ABvbmKhEL6TmPbAfBZ1t5BxsEyJrcZhE')
    expect(await file(262_145, 'chunk-v0-seed', v0)).toBe('QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ')
  })
  it('a file at and just over 174 links', async () => {
    expect(await file(174 * 262_144, 'v0-seed', v0)).toBe('QmUbBALi174SnogsUzLpYbD4xPiBSFANF4iztWCsHbMKh2')
    expect(await file(174 * 262_144 + 1, 'v0-seed', v0)).toBe('QmV81WL765sC8DXsRhE5fJv2rwhS4icHRaf3J9Zk5FdRnW')
  })
  it('a directory at the HAMT threshold stays flat, one byte over shards (links-bytes)', async () => {
    expect(await dir(names(4096, 30, 30, 'hamt-unixfs-v0-2015'), v0)).toEqual({ cid: 'QmX5GtRk3TSSEHtdrykgqm4eqMEn3n2XhfkFAis5fjyZmN', type: 'directory' })
    expect(await dir(names(4033, 31, 31, 'hamt-unixfs-v0-2015'), v0)).toEqual({ cid: 'QmeMiJzmhpJAUgynAcxTQYek5PPKgdv3qEvFsdV3XpVnvP', type: 'hamt-sharded-directory' })
  })
})

describe('IPIP-499 unixfs-v1-2025 (default)', () => {
  it('"hello world"', async () => {
    expect((await rootOf([{ content: new TextEncoder().encode('hello world') }], v1)).cid).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
  })
  it('a file at and just over the 1 MiB chunk size', async () => {
    expect(await file(1_048_576, 'chunk-v1-seed', v1)).toBe('bafkreiacndfy443ter6qr2tmbbdhadvxxheowwf75s6zehscklu6ezxmta')
    expect(await file(1_048_577, 'chunk-v1-seed', v1)).toBe('bafybeigmix7t42i6jacydtquhet7srwvgpizfg7gjbq7627d35mjomtu64')
  })
  it('a file at and just over 1024 links (1 GiB)', async () => {
    expect(await file(1024 * 1_048_576, 'v1-2025-seed', v1)).toBe('bafybeihmf37wcuvtx4hpu7he5zl5qaf2ineo2lqlfrapokkm5zzw7zyhvm')
    expect(await file(1024 * 1_048_576 + 1, 'v1-2025-seed', v1)).toBe('bafybeibdsi225ugbkmpbdohnxioyab6jsqrmkts3twhpvfnzp77xtzpyhe')
  })
  it('a directory at the HAMT threshold stays flat, one byte over shards (block-bytes)', async () => {
    expect(await dir(names(4766, 11, 21, 'hamt-unixfs-v1-2025'), v1)).toEqual({ cid: 'bafybeic3h7rwruealwxkacabdy45jivq2crwz6bufb5ljwupn36gicplx4', type: 'directory' })
    expect(await dir(names(4766, 11, 22, 'hamt-unixfs-v1-2025'), v1)).toEqual({ cid: 'bafybeiegvuterwurhdtkikfhbxcldohmxp566vpjdofhzmnhv6o4freidu', type: 'hamt-sharded-directory' })
  })
})
