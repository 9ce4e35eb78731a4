import * as Args from '@oclif/core/args'
import { DcxCommand } from '../../cli/base.js'
import { kuboSwarmResult } from '../../ops/kubo.js'
import { swarmDisconnectOp } from '../../ops/net/swarm.js'

export default class PeersDisconnect extends DcxCommand {
  static override summary = 'Close the daemon\'s connections to a peer'
  static override examples = ['<%= config.bin %> peers disconnect 12D3KooW...']
  static override args = { peer: Args.string({ required: true, description: 'peer ID' }) }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(PeersDisconnect)
    const r = await this.session(flags.repo).run(swarmDisconnectOp, { peer: args.peer }, { signal: this.signal })
    if (this.kuboJson(() => kuboSwarmResult('disconnect', r.peer))) return
    this.log(`disconnected from ${r.peer}`)
  }

}
