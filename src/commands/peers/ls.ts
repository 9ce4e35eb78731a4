import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { peersRootsOp, swarmPeersOp } from '../../ops/net/swarm.js'
import { kuboSwarmPeers } from '../../ops/kubo.js'

export default class PeersLs extends DcxCommand {
  static override summary = 'List the peers the daemon is connected to'
  static override description = `Like \`ipfs swarm peers\`; --json prints Kubo's \`{"Peers": [{"Addr", "Peer", "Identify"}]}\`.

--roots asks each connected peer which of this repo's recursively pinned roots (the first 64) it holds in full, over the job protocol, 5 s in all: one line per peer, \`<peer> <addresses> <roots held>\` (\`-\` for none; \`?\` when the peer did not answer in time or is not a dcx peer). --json prints \`{"peers": [{"peer", "addrs", "roots", "unknown"?}]}\`.`

  static override examples = ['<%= config.bin %> peers ls', '<%= config.bin %> peers ls --json --direction', '<%= config.bin %> peers ls --roots']
  static override flags = {
    direction: Flags.boolean({ description: 'say which side opened each connection (Kubo\'s `Direction`: 1 inbound, 2 outbound)', exclusive: ['roots'] }),
    roots: Flags.boolean({ description: 'say which of this repo\'s pinned roots each peer holds' })
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(PeersLs)
    if (flags.roots) {
      const out = await this.session(flags.repo).run(peersRootsOp, {}, { signal: this.signal })
      if (this.jsonEnabled()) return out
      for (const p of out.peers) {
        const held = p.roots.length > 0 ? p.roots.join(',') : '-'
        this.log(`${p.peer} ${p.addrs.join(',')} ${held}${p.unknown === true ? ' ?' : ''}`)
      }
      return out
    }
    const peers = await this.session(flags.repo).run(swarmPeersOp, {}, { signal: this.signal })
    if (this.kuboJson(() => kuboSwarmPeers(peers, { direction: flags.direction }))) return
    for (const p of peers) this.log(`${p.addr.includes('/p2p/') ? p.addr : `${p.addr}/p2p/${p.peer}`}${flags.direction ? ` ${p.direction}` : ''}`)
  }

}
