import { networkBlocks } from '../../net/blocks.js'
import { ensureGatewayConfig, gatewaySettings } from '../../repo/gateway-config.js'
import { startGateway } from './server.js'
import type { RunningGateway } from './server.js'
import type { NameService } from '../../net/names.js'
import type { DcxNode } from '../../net/node.js'
import type { Repo } from '../../repo/repo.js'

/**
 * Start the daemon's Trustless Gateway where the repo config says
 * (`Addresses.Gateway`; a repo from before the gateway gets a port on its
 * first start), serving the repo's blocks, with peers behind it when
 * `Gateway.NoFetch` is false and IPNS through the daemon's name service.
 * Undefined when `Addresses.Gateway` is an empty list (no gateway).
 */
export async function startDaemonGateway (repo: Repo, node: DcxNode, names: NameService): Promise<RunningGateway | undefined> {
  repo.config = await ensureGatewayConfig(repo.paths.config, repo.config)
  const settings = gatewaySettings(repo.config)
  if (settings.addresses.length === 0) return undefined
  const network = networkBlocks(node)
  return await startGateway(settings.addresses, {
    blockstore: repo.blockstore,
    noFetch: settings.noFetch,
    retrievalTimeoutMs: settings.retrievalTimeoutMs,
    fetch: settings.noFetch ? undefined : async (cid, options) => await network.getBytes(cid, options),
    resolveIpns: async (name, options) => ({ path: (await names.resolve(name, { signal: options.signal })).Path })
  })
}
