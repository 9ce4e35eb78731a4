import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { decodeJobSpec, encodeRecord } from '../../dist/jobs/records.js'
import { signReceipt } from '../../dist/jobs/receipts.js'
import { createNode } from '../../dist/net/node.js'
import { RepoBlockstore } from '../../dist/repo/blockstore.js'

const LOCAL = { version: 1, profile: 'local', peerId: '', listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false }

export interface Forger { node: any, peerId: string, forged: CID }

/**
 * A dishonest peer: it speaks the job protocol, answers every job at once
 * with a correctly signed receipt for a made-up output, and serves that
 * output over bitswap, but never runs anything. Only comparing results can
 * catch it. With `claims`, it says it holds that input in full (so `--on
 * auto` and map runs choose it for that input); otherwise it does not answer
 * what it holds.
 */
export async function startForger (dir: string, claims?: CID): Promise<Forger> {
  const privateKey = await generateKeyPair('Ed25519')
  const blockstore = new RepoBlockstore(join(dir, 'blocks'))
  await blockstore.open()
  const node = await createNode({ config: LOCAL as any, privateKey, blockstore, datastore: new MemoryDatastore() })
  const bytes = new TextEncoder().encode('the answer is 42\n')
  const forged = CID.createV1(raw.code, await sha256.digest(bytes))
  await blockstore.put(forged, bytes)
  const peerId = peerIdFromPrivateKey(privateKey).toString()
  await node.libp2p.handle('/dcx/job/1.0.0', async (stream: any) => {
    const lp = lpStream(stream)
    const request: any = dagCbor.decode((await lp.read()).subarray())
    if (request.type === 'dcx/have-request') {
      if (claims === undefined) { stream.abort(new Error('the forger does not say what it holds')); return }
      const held = request.inputs.some((c: CID) => CID.asCID(c)?.equals(claims) === true) ? 1e9 : 0
      await lp.write(dagCbor.encode({ type: 'dcx/have-response', version: 1, bytes: held }))
      await stream.close()
      return
    }
    const specBlock = await encodeRecord(request.spec)
    decodeJobSpec(specBlock.cid, specBlock.bytes)
    const receipt = await signReceipt({
      type: 'dcx/receipt',
      version: 1,
      job: specBlock.cid,
      output: forged,
      status: 'exit',
      exitCode: 0,
      trap: null,
      fuel: 1000,
      runtime: { name: 'dcx', version: '0.1.0', abi: request.spec.runtime.abi },
      executor: peerId,
      time: new Date().toISOString()
    }, privateKey)
    await lp.write(dagCbor.encode({ type: 'dcx/job-response', ok: true, receipt: (await encodeRecord(receipt)).bytes }))
    await stream.close()
  })
  return { node, peerId, forged }
}

/**
 * A receipt for `job` claiming `output`, correctly signed by a key made for
 * it (so only a re-run catches it), as a CAR of its one block to `dag
 * import`. `like` gives the other fields (fuel, runtime, time) of an honest
 * receipt, as `receipt show --json` prints them.
 */
export async function forgedReceiptCar (like: { job: string, fuel: number, runtime: unknown, time: string }, output: string): Promise<{ cid: CID, car: Uint8Array, executor: string }> {
  const [{ CarWriter }, { generateKeyPair: keyPair }] = await Promise.all([import('@ipld/car/writer'), import('@libp2p/crypto/keys')])
  const key = await keyPair('Ed25519')
  const executor = peerIdFromPrivateKey(key).toString()
  const unsigned = {
    type: 'dcx/receipt', version: 1, job: CID.parse(like.job), output: CID.parse(output), status: 'exit', exitCode: 0, trap: null,
    fuel: like.fuel, runtime: like.runtime, executor, time: like.time
  }
  const bytes = dagCbor.encode({ ...unsigned, signature: await key.sign(dagCbor.encode(unsigned)) })
  const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
  const { writer, out } = CarWriter.create([cid])
  const chunks: Uint8Array[] = []
  const collecting = (async () => { for await (const c of out) chunks.push(c) })()
  await writer.put({ cid, bytes })
  await writer.close()
  await collecting
  return { cid, car: Buffer.concat(chunks), executor }
}
