import { Args } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { needDaemon } from '../../cli/need-daemon.js'

export default class PeersDisconnect extends DcxCommand {
  static override summary = 'Close the daemon\'s connections to a peer'
  static override examples = ['<%= config.bin %> peers disconnect 12D3KooW...']
  static override args = { peer: Args.string({ required: true, description: 'peer ID' }) }

  async run (): Promise<{ peer: string }> {
    const { args, flags } = await this.parse(PeersDisconnect)
    const daemon = await needDaemon(this.repoRoot(flags.repo), 'peers disconnect')
    const r = await daemon.call<{ peer: string }>('/v0/peers/disconnect', { peer: args.peer })
    this.log(`disconnected from ${r.peer}`)
    return r
  }
}
