import { DcxCommand } from '../../cli/base.js'
import { swarmPeersOp } from '../../ops/net/swarm.js'
import type { PeerJson } from '../../ops/net/swarm.js'

export default class PeersLs extends DcxCommand {
  static override summary = 'List the peers the daemon is connected to'
  static override examples = ['<%= config.bin %> peers ls', '<%= config.bin %> peers ls --json']

  async run (): Promise<PeerJson[]> {
    const { flags } = await this.parse(PeersLs)
    const peers = await this.session(flags.repo).run(swarmPeersOp, {}, { signal: this.signal })
    for (const p of peers) this.log(p.addr.includes('/p2p/') ? p.addr : `${p.addr}/p2p/${p.peer}`)
    return peers
  }

}
