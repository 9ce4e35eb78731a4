import { parseCid, parseCidPath } from '../../data/cid-path.js'
import { walkDag } from '../../data/walk.js'
import { addAndPin } from '../../data/add.js'
import { cat } from '../../data/cat.js'
import { gc } from '../../data/gc.js'
import { importCar } from '../../data/car/import.js'
import { networkBlocks } from '../../net/blocks.js'
import { exclusive } from '../handler.js'
import type { Handler } from '../handler.js'
import type { NameService } from '../../net/names.js'
import type { DcxNode } from '../../net/node.js'
import type { CID } from 'multiformats/cid'

/** Announce a new pinned root in the background, so that `--on auto` elsewhere finds this peer */
function provide (node: DcxNode, cid: CID): void {
  void (node.routing as any).provide(cid, { signal: AbortSignal.timeout(10_000) }).catch(() => {})
}

/** `/ipns/<name>[/path]` resolved to the `/ipfs/` path it points at; anything else as it is */
async function resolvePath (names: NameService, text: string, signal: AbortSignal): Promise<string> {
  return text.startsWith('/ipns/') ? (await names.resolve(text, { signal })).Path : text
}

/** Adding, pinning, reading and collecting blocks, with peers behind the repo */
export const dataHandlers: Record<string, Handler> = {
  '/v0/add': exclusive(async ({ node, jobs }, a, _res, signal) => {
    const out = []
    const roots: CID[] = []
    for await (const added of addAndPin(a.paths, jobs.blockstore, a.pin === false ? undefined : jobs.pins, { ...a.options, signal })) {
      out.push({ cid: added.cid.toString(), name: added.name, size: added.size.toString() })
      if (added.root) roots.push(added.cid)
    }
    // the roots are pinned once the add is over, so they are announced then
    if (a.pin !== false) for (const cid of roots) provide(node, cid)
    return out
  }),
  '/v0/pin/add': exclusive(async ({ node, jobs }, a, _res, signal) => {
    const out = []
    for (const c of a.cids) {
      const cid = parseCid(String(c))
      // fetch what the repo lacks from peers first; the pin is written once the DAG is whole
      if (a.recursive !== false) await walkDag(cid, networkBlocks(node), { readLeaves: true, signal })
      else await networkBlocks(node).getBytes(cid, { signal })
      const pin = await jobs.pins.add(cid, { type: a.recursive === false ? 'direct' : 'recursive', signal })
      out.push({ cid: pin.cid.toString(), type: pin.type })
      if (pin.type === 'recursive') provide(node, cid)
    }
    return out
  }),
  '/v0/pin/rm': exclusive(async ({ jobs }, a) => {
    for (const c of a.cids) await jobs.pins.rm(parseCid(String(c)))
    return a.cids.map((c: string) => ({ cid: c }))
  }),
  '/v0/pin/ls': async ({ jobs }, _a, _res, signal) => {
    const out = []
    for await (const pin of jobs.pins.ls({ signal })) out.push({ cid: pin.cid.toString(), type: pin.type })
    return out
  },
  '/v0/repo/gc': exclusive(async ({ jobs }, _a, _res, signal) => {
    const removed: string[] = []
    let bytes = 0
    for await (const r of gc(jobs.blockstore, jobs.pins, { signal })) { removed.push(r.cid.toString()); bytes += r.bytes }
    return { removed, bytes }
  }),
  '/v0/cat': async ({ node, names }, args, res, signal) => {
    // streams the bytes; blocks the repo lacks are fetched from peers by bitswap
    const target = parseCidPath(await resolvePath(names, String(args.target), signal))
    const chunks = cat(target, node.blockstore as any, { offset: args.offset, length: args.length, signal, window: 32 })
    const first = await chunks.next()
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    if (first.done !== true) res.write(first.value)
    for await (const chunk of { [Symbol.asyncIterator]: () => chunks }) {
      if (!res.write(chunk)) await new Promise(resolve => res.once('drain', resolve))
    }
    res.end()
    return undefined
  },
  '/v0/dag/import': exclusive(async ({ node, jobs }, a, _res, signal) => {
    // the file is read by path: the socket admits only the repo's owner, who can read it anyway
    const r = await importCar(String(a.file), jobs.blockstore, jobs.pins, { pinRoots: a.pinRoots !== false, signal })
    for (const root of r.roots) if (root.pinned) provide(node, root.cid)
    return { blocks: r.blocks, roots: r.roots.map(x => ({ cid: x.cid.toString(), pinned: x.pinned, missing: x.missing })) }
  }),
  '/v0/block/fetch': async ({ node }, args, _res, signal) => {
    // one block into the repo (unpinned, as Kubo's cache): readers in other processes then read it from disk
    const cid = parseCid(String(args.cid))
    await networkBlocks(node).getBytes(cid, { signal })
    return { cid: cid.toString() }
  }
}
