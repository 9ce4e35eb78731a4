import { arch, platform } from 'node:os'
import { badRequest } from '../../api/rpc/call.js'
import { InvalidArgumentError } from '../../errors.js'
import { DCX_VERSION } from '../../version.js'
import { blockGetOp, blockStatOp } from '../data/block.js'
import { catOp } from '../data/cat.js'
import { dagExportOp } from '../data/dag.js'
import { dagGetOp } from '../data/dag-get.js'
import { getTarOp } from '../data/get.js'
import { lsOp } from '../data/ls.js'
import { pinAddOp, pinLsOp, pinRmOp, pinVerifyOp } from '../data/pin.js'
import { repoGcOp, repoStatOp } from '../data/repo.js'
import { idOp } from '../net/id.js'
import { configOp, configShowOp } from '../repo/config.js'
import { keyGenOp, keyListOp, keyRmOp } from '../net/keys.js'
import { namePublishOp, nameResolveOp } from '../net/names.js'
import { findProvsOp, swarmConnectOp, swarmPeersOp } from '../net/swarm.js'
import { kuboFindProvs, kuboId, kuboLine, kuboLs, kuboPinAdd, kuboPinLs, kuboPinRm, kuboPinVerify, kuboRepoGc, kuboRepoStat, kuboSwarmPeers, kuboSwarmResult } from '../kubo.js'
import { arg, args, callOp, durationOption } from './call-op.js'
import type { RpcContext } from './call-op.js'
import type { KuboValue } from '../kubo.js'
import type { OpContext } from '../context.js'
import type { Operation } from '../operation.js'
import type { RpcAnswer, RpcCall, RpcCommand } from '../../api/rpc/call.js'

/** Kubo's JSON values as an answer: one value, or (`stream`) a line each as Kubo streams them */
export function kuboJson (values: KuboValue[], stream = false): RpcAnswer {
  return { type: 'json', lines: values.map(kuboLine), stream }
}

/** A command that runs one operation and answers Kubo's JSON made from its output */
function json<I, O> (op: Operation<I, O>, input: (call: RpcCall) => unknown, out: (output: O, call: RpcCall) => KuboValue[], options: { stream?: boolean | ((call: RpcCall) => boolean) } = {}): RpcCommand<OpContext> {
  return {
    run: async (call, context, { signal }) => {
      const output = await callOp(op, call, context as RpcContext, input(call), { signal })
      const stream = typeof options.stream === 'function' ? options.stream(call) : options.stream === true
      return kuboJson(out(output, call), stream)
    }
  }
}

/** A command that runs one byte-stream operation and answers its bytes */
function bytes<I> (op: Operation<I, AsyncIterable<Uint8Array>>, input: (call: RpcCall) => unknown, contentType?: string): RpcCommand<OpContext> {
  return {
    run: async (call, context, { signal }) => ({ type: 'bytes', bytes: await callOp(op, call, context as RpcContext, input(call), { signal }), contentType })
  }
}

/** `version`: Kubo's `VersionOutput`, with dcx's version */
const version: RpcCommand<OpContext> = {
  run: async () => kuboJson([{ Version: DCX_VERSION, Commit: '', Repo: '1', System: `${arch()}/${platform()}`, Golang: '' }])
}

/** Kubo's `pin ls --stream`: a `PinLsObject` per pin */
function pinLsLines (pins: Array<{ cid: string, type: string, name?: string }>): KuboValue[] {
  return pins.map(p => ({ Cid: p.cid, Name: p.name ?? '', Type: p.type }))
}

/** Kubo's `pin/ls` with arguments: only those CIDs, each of which must be pinned */
function pinsNamed<P extends { cid: string }> (pins: P[], call: RpcCall): P[] {
  if (call.args.length === 0) return pins
  return call.args.map(a => {
    const text = a.replace(/^\/ipfs\//, '')
    const pin = pins.find(p => p.cid === text)
    if (pin === undefined) throw new InvalidArgumentError(`path '${a}' is not pinned`)
    return pin
  })
}

/**
 * The Kubo commands the RPC answers, by Kubo's path, each the operation the
 * CLI runs for that verb, its output in the JSON `--json` prints.
 */
export const KUBO_COMMANDS: ReadonlyMap<string, RpcCommand<OpContext>> = new Map<string, RpcCommand<OpContext>>([
  ['id', json(idOp, call => {
    if (call.args.length > 0) throw badRequest('id answers for this node only: give no argument')
    return {}
  }, kuboId)],
  ['version', version],
  // read only, the API's secrets hidden: a page or a tool reads the config; its owner sets it with `dcx config`
  ['config', json(configOp, call => {
    if (call.args.length > 1 || call.bool('bool') !== undefined || call.bool('json') !== undefined) throw badRequest('config through the RPC only reads a key: set it with `dcx config <key> <value>` on the node\'s machine')
    return { key: arg(call, 0, 'key'), redact: true }
  }, field => [{ ...field }])],
  ['config/show', json(configShowOp, () => ({ redact: true }), config => [config as unknown as KuboValue])],
  ['cat', bytes(catOp, call => ({ target: arg(call, 0, 'ipfs-path'), offset: call.int('offset'), length: call.int('length') }))],
  ['ls', {
    run: async (call, context, { signal }) => {
      const objects = []
      for (const target of args(call, 'ipfs-path')) {
        const entries = await callOp(lsOp, call, context as RpcContext, { target }, { signal })
        objects.push(...(kuboLs(target, entries)[0].Objects as unknown[]))
      }
      return kuboJson([{ Objects: objects }], call.bool('stream') === true)
    }
  }],
  ['pin/add', json(pinAddOp, call => ({ cids: args(call, 'ipfs-path').map(a => a.replace(/^\/ipfs\//, '')), recursive: call.bool('recursive'), name: call.option('name') || undefined }), kuboPinAdd)],
  ['pin/ls', json(pinLsOp, call => ({ type: call.option('type') }), (pins, call) => call.bool('stream') === true ? pinLsLines(pinsNamed(pins, call)) : kuboPinLs(pinsNamed(pins, call)), { stream: call => call.bool('stream') === true })],
  ['pin/rm', json(pinRmOp, call => ({ cids: args(call, 'ipfs-path').map(a => a.replace(/^\/ipfs\//, '')) }), kuboPinRm)],
  ['pin/verify', json(pinVerifyOp, () => ({}), (checks, call) => kuboPinVerify(call.bool('verbose') === true ? checks : checks.filter(c => !c.ok)), { stream: true })],
  ['repo/gc', json(repoGcOp, () => ({}), r => kuboRepoGc(r.removed), { stream: true })],
  ['repo/stat', {
    run: async (call, context, { signal }) => {
      const stat = await callOp(repoStatOp, call, context as RpcContext, {}, { signal })
      return kuboJson(kuboRepoStat(stat, (context({ onProgress: () => {} })).root))
    }
  }],
  ['get', bytes(getTarOp, call => {
    // Kubo gzips on request; a client that wants that can gzip the tar it reads
    if (call.bool('compress') === true) throw badRequest('get sends an uncompressed tar: leave out compress (and compression-level)')
    return { target: arg(call, 0, 'ipfs-path') }
  }, 'application/x-tar')],
  ['dag/get', bytes(dagGetOp, call => ({ target: arg(call, 0, 'ref'), codec: call.option('output-codec') }))],
  ['dag/export', bytes(dagExportOp, call => ({ root: arg(call, 0, 'root') }))],
  ['block/get', bytes(blockGetOp, call => ({ target: arg(call, 0, 'cid') }))],
  ['block/stat', json(blockStatOp, call => ({ target: arg(call, 0, 'cid') }), s => [s])],
  ['swarm/peers', json(swarmPeersOp, () => ({}), (peers, call) => kuboSwarmPeers(peers, { direction: call.bool('direction') }))],
  ['swarm/connect', {
    run: async (call, context, { signal }) => {
      const strings: string[] = []
      for (const addr of args(call, 'address')) {
        const r = await callOp(swarmConnectOp, call, context as RpcContext, { addr }, { signal })
        strings.push(...(kuboSwarmResult('connect', r.peer)[0].Strings as string[]))
      }
      return kuboJson([{ Strings: strings }])
    }
  }],
  ['routing/findprovs', json(findProvsOp, call => ({ cid: arg(call, 0, 'key'), limit: call.int('num-providers'), timeoutMs: durationOption(call, 'timeout') }), kuboFindProvs, { stream: true })],
  ['key/gen', json(keyGenOp, call => {
    const type = call.option('type')
    if (type !== undefined && type !== 'ed25519') throw badRequest(`key type "${type}" is not one dcx makes: give type=ed25519`)
    return { name: arg(call, 0, 'name') }
  }, key => [{ ...key }])],
  ['key/list', json(keyListOp, () => ({}), keys => [keys])],
  ['key/rm', {
    run: async (call, context, { signal }) => {
      const removed = []
      for (const name of args(call, 'name')) removed.push(...(await callOp(keyRmOp, call, context as RpcContext, { name }, { signal })).Keys)
      return kuboJson([{ Keys: removed }])
    }
  }],
  ['name/publish', json(namePublishOp, call => ({ value: arg(call, 0, 'ipfs-path'), key: call.option('key'), lifetime: durationOption(call, 'lifetime'), ttl: durationOption(call, 'ttl') }), r => [{ ...r }])],
  ['name/resolve', json(nameResolveOp, call => ({ name: arg(call, 0, 'name'), nocache: call.bool('nocache') }), r => [r], { stream: call => call.bool('stream') === true })]
])
