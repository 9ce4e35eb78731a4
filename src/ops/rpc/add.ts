import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { badRequest } from '../../api/rpc/call.js'
import { saveUpload } from '../../api/rpc/multipart.js'
import { addOp } from '../data/add.js'
import { dagImportOp } from '../data/dag.js'
import { kuboAdd, kuboDagImport, kuboLine } from '../kubo.js'
import { callOp } from './call-op.js'
import type { RpcContext } from './call-op.js'
import type { AddedJson } from '../data/add.js'
import type { OpContext } from '../context.js'
import type { RpcCall, RpcCommand } from '../../api/rpc/call.js'

/** A folder in the repo's scratch space for one request's upload, removed once the command is done */
export async function withUpload<T> (call: RpcCall, context: RpcContext, signal: AbortSignal, use: (dir: string, saved: Awaited<ReturnType<typeof saveUpload>>) => Promise<T>, maxBytes?: number): Promise<T> {
  const ctx = context({ onProgress: () => {} })
  const dir = join(ctx.repo().paths.tmp, `rpc-upload-${process.pid}-${randomBytes(6).toString('hex')}`)
  await mkdir(dir, { recursive: true })
  try {
    const saved = await saveUpload(call.request, dir, { signal, maxBytes })
    return await use(dir, saved)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Kubo's `cid-version` (0 or 1) */
function cidVersion (call: RpcCall): 0 | 1 | undefined {
  const v = call.int('cid-version')
  if (v !== undefined && v !== 0 && v !== 1) throw badRequest(`option "cid-version" is 0 or 1, not ${v}`)
  return v
}

/** A queue of lines an answer streams while the operation still runs (`add --progress`) */
function lineQueue (): { push: (line: string) => void, end: (err?: unknown) => void, lines: AsyncIterable<string> } {
  const queued: string[] = []
  let wake: (() => void) | undefined
  let ended = false
  let failure: unknown
  return {
    push: line => { queued.push(line); wake?.() },
    end: err => { ended = true; failure = err; wake?.() },
    lines: (async function * () {
      for (;;) {
        while (queued.length > 0) yield queued.shift()!
        if (ended) {
          if (failure !== undefined) throw failure
          return
        }
        await new Promise<void>(resolve => { wake = resolve })
        wake = undefined
      }
    })()
  }
}

/**
 * `add`: the files and directories of a multipart request saved to the
 * repo's scratch space, then added by the `add` operation, exactly as
 * `dcx add -r` adds them (so the CIDs are `dcx add`'s), with Kubo's
 * options: `cid-version`, `raw-leaves`, `chunker`, `pin`,
 * `wrap-with-directory`, `only-hash`, `quieter` (the root only) and
 * `progress` (`{"Name","Bytes"}` lines while it reads).
 */
export const rpcAdd: RpcCommand<OpContext> = {
  body: true,
  run: async (call, context, { signal }) => {
    const input = {
      recursive: true,
      hidden: true,
      wrapWithDirectory: call.bool('wrap-with-directory'),
      onlyHash: call.bool('only-hash'),
      cidVersion: cidVersion(call),
      rawLeaves: call.bool('raw-leaves'),
      chunker: call.option('chunker'),
      pin: call.bool('pin')
    }
    const quieter = call.bool('quieter') === true
    const progress = call.bool('progress') === true
    const queue = lineQueue()
    const run = async (): Promise<void> => {
      await withUpload(call, context as RpcContext, signal, async (dir, saved) => {
        if (saved.top.length === 0) throw badRequest('the request sends no file: add needs at least one')
        const onProgress = progress ? (e: { type: string, detail: unknown }) => { if (e.type === 'add:bytes') queue.push(kuboLine({ Name: '', Bytes: (e.detail as { done: number }).done })) } : undefined
        const added: AddedJson[] = await callOp(addOp, call, context as RpcContext, { ...input, paths: saved.top.map(name => join(dir, name)) }, { signal, onProgress: onProgress as any })
        // Kubo names an entry sent without a name by its CID
        const named = added.map(a => saved.unnamed.has(a.name) ? { ...a, name: a.cid } : a)
        for (const value of kuboAdd(quieter ? named.slice(-1) : named)) queue.push(kuboLine(value))
      })
    }
    if (!progress) {
      await run()
      queue.end()
      return { type: 'json', lines: queue.lines, stream: true }
    }
    run().then(() => { queue.end() }, err => { queue.end(err) })
    return { type: 'json', lines: queue.lines, stream: true }
  }
}

/** `dag/import`: CAR files of a multipart request imported by the `dag/import` operation, roots pinned unless `pin-roots=false` */
export const rpcDagImport: RpcCommand<OpContext> = {
  body: true,
  run: async (call, context, { signal }) => {
    const values = await withUpload(call, context as RpcContext, signal, async (dir, saved) => {
      if (saved.top.length === 0) throw badRequest('the request sends no CAR file')
      const imports = await callOp(dagImportOp, call, context as RpcContext, { files: saved.top.map(name => join(dir, name)), pinRoots: call.bool('pin-roots') }, { signal })
      return kuboDagImport(imports, call.bool('stats') === true)
    })
    return { type: 'json', lines: values.map(kuboLine), stream: true }
  }
}
