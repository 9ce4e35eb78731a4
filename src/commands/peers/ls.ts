import { Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { swarmPeersOp } from '../../ops/net/swarm.js'
import { kuboSwarmPeers } from '../../ops/kubo.js'

export default class PeersLs extends DcxCommand {
  static override summary = 'List the peers the daemon is connected to'
  static override description = 'Like `ipfs swarm peers`; --json prints Kubo\'s `{"Peers": [{"Addr", "Peer", "Identify"}]}`.'
  static override examples = ['<%= config.bin %> peers ls', '<%= config.bin %> peers ls --json --direction']
  static override flags = {
    direction: Flags.boolean({ description: 'say which side opened each connection (Kubo\'s `Direction`: 1 inbound, 2 outbound)' })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(PeersLs)
    const peers = await this.session(flags.repo).run(swarmPeersOp, {}, { signal: this.signal })
    if (this.kuboJson(() => kuboSwarmPeers(peers, { direction: flags.direction }))) return
    for (const p of peers) this.log(`${p.addr.includes('/p2p/') ? p.addr : `${p.addr}/p2p/${p.peer}`}${flags.direction ? ` ${p.direction}` : ''}`)
  }

}
