import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RpcListenError } from '../../api/errors.js'
import { parseHttpListen } from '../../api/http-server.js'
import { isLoopback, startRpc } from '../../api/rpc/server.js'
import { apiSettings, ensureApiConfig } from '../../repo/api-config.js'
import { RPC_COMMANDS } from './commands.js'
import type { RpcContext } from './call-op.js'
import type { RunningRpc } from '../../api/rpc/server.js'
import type { Repo } from '../../repo/repo.js'

/** The file Kubo's tools read to find a running node's API: its multiaddr, without `/http` */
export const API_FILE = 'api'

/** A running RPC API, and the `<repo>/api` file that announces it */
export interface DaemonRpc extends RunningRpc {}

/**
 * Start the daemon's Kubo RPC API where the repo config says
 * (`Addresses.API`; a repo from before the RPC gets a loopback port on its
 * first start) and write its multiaddr to `<repo>/api`, as Kubo does, so
 * that tools looking for a running node find it; `close` removes the file.
 * A non-loopback address without `API.Authorizations` is refused: the RPC
 * can do all the repo's owner can. Undefined when `Addresses.API` is empty.
 */
export async function startDaemonRpc (repo: Repo, context: RpcContext): Promise<DaemonRpc | undefined> {
  repo.config = await ensureApiConfig(repo.paths.config, repo.config)
  const settings = apiSettings(repo.config)
  if (settings.addresses.length === 0) return undefined
  if (settings.authorizations.length === 0) {
    for (const address of settings.addresses) {
      const at = parseHttpListen(address, '/ip4/127.0.0.1/tcp/5001')
      if ('why' in at) throw new RpcListenError(address, at.why)
      if (!isLoopback(at.host)) throw new RpcListenError(address, 'it is not a loopback address and API.Authorizations lists no secret: anyone who reaches it could use the repo as its owner; set one with dcx config --json API.Authorizations \'{"me":{"AuthSecret":"bearer:<a long random token>"}}\', or listen on /ip4/127.0.0.1')
    }
  }
  const rpc = await startRpc(settings.addresses, { commands: RPC_COMMANDS, context, authorizations: settings.authorizations })
  const file = join(repo.paths.root, API_FILE)
  try {
    await writeFile(file, rpc.addresses[0].replace(/\/http$/, ''))
  } catch (err) {
    await rpc.close()
    throw err
  }
  return {
    addresses: rpc.addresses,
    close: async () => {
      await rpc.close()
      await rm(file, { force: true })
    }
  }
}
