import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidArgumentError } from '../errors.js'
import { parseCid } from '../data/cid-path.js'
import { addOp } from '../ops/data/add.js'
import type { Session } from '../ops/session.js'

/** An input as the user named it: a CID, or a local file or folder that is added first */
export type InputRef = { cid: string, path?: string } | { local: string, path?: string, given?: string }

function isCid (text: string): boolean {
  try {
    parseCid(text)
    return true
  } catch {
    return false
  }
}

/**
 * `<cid>[:<mount path>]` or `<local path>[:<mount path>]` (`--input`, or a
 * job file's `inputs:` entry). What parses as a CID is a CID, even when a
 * file of that name exists (write `./<name>` for the file); anything else
 * must be an existing file or folder, relative to `base`. A local path may
 * hold ':' itself: the split is at the first ':' whose left side is a CID or
 * an existing path.
 */
export function parseInputRef (text: string, base: string, what = `--input '${text}'`): InputRef {
  const candidates: Array<[string, string | undefined]> = [[text, undefined]]
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) candidates.push([text.slice(0, i), text.slice(i + 1)])
  for (const [left, path] of candidates) {
    if (path === '') throw new InvalidArgumentError(`${what} has an empty mount path: use <cid>:/inputs/<name>`)
    if (isCid(left)) return { cid: parseCid(left).toString(), path }
    if (left !== '' && existsSync(resolve(base, left))) return { local: resolve(base, left), path, given: left }
  }
  throw new InvalidArgumentError(`${what} is neither a CID nor a file or folder here: give a CID from \`dcx add\`, or a path to add`)
}

/**
 * Make every input a CID: a local file or folder is added to the repo (the
 * `add` operation, recursively, pinned, as `dcx add -r` would) and its root
 * CID used; `onAdded` hears of each.
 */
export async function inputCids (refs: InputRef[], session: Session, options: { signal?: AbortSignal, onAdded?: (cid: string, path: string) => void } = {}): Promise<Array<{ cid: string, path?: string }>> {
  const out: Array<{ cid: string, path?: string }> = []
  for (const ref of refs) {
    if ('cid' in ref) { out.push(ref); continue }
    const added = await session.run(addOp, { paths: [ref.local], recursive: true }, { signal: options.signal })
    const root = added[added.length - 1]
    options.onAdded?.(root.cid, ref.given ?? ref.local)
    out.push({ cid: root.cid, path: ref.path })
  }
  return out
}
