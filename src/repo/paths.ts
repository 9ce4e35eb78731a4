import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Where a repo's parts live, relative to its root */
export interface RepoPaths {
  root: string
  config: string
  identity: string
  blocks: string
  datastore: string
  lock: string
  /** Rewritten WebAssembly modules, by module hash and runtime ABI */
  wasmCache: string
  /** The running daemon's control API (a Unix socket, mode 0600) */
  api: string
  /** IPNS keys other than the identity, one file (mode 0600) per name */
  keystore: string
  /** Scratch space of running jobs (large outputs spill here); a dead process's leftovers are removed when the repo is opened */
  tmp: string
  /** Disk space held back so that a full disk can still be cleaned up (see `repo/reserve.ts`) */
  reserve: string
}

/**
 * The repo root: `--repo` if given, else `$DCX_PATH`, else `~/.dcx`.
 */
export function resolveRepoRoot (flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag != null && flag !== '') return resolve(flag)
  if (env.DCX_PATH != null && env.DCX_PATH !== '') return resolve(env.DCX_PATH)
  return join(homedir(), '.dcx')
}

/** The files and folders inside a repo root */
export function repoPaths (root: string): RepoPaths {
  return {
    root,
    config: join(root, 'config.json'),
    identity: join(root, 'identity.key'),
    blocks: join(root, 'blocks'),
    datastore: join(root, 'datastore'),
    lock: join(root, 'repo.lock'),
    wasmCache: join(root, 'cache', 'wasm'),
    api: join(root, 'api.sock'),
    keystore: join(root, 'keystore'),
    tmp: join(root, 'tmp'),
    reserve: join(root, 'reserve')
  }
}
