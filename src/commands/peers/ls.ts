import { DcxCommand } from '../../cli/base.js'
import { needDaemon } from '../../cli/need-daemon.js'

export default class PeersLs extends DcxCommand {
  static override summary = 'List the peers the daemon is connected to'
  static override examples = ['<%= config.bin %> peers ls', '<%= config.bin %> peers ls --json']

  async run (): Promise<Array<{ peer: string, addr: string, direction: 'inbound' | 'outbound' }>> {
    const { flags } = await this.parse(PeersLs)
    const daemon = await needDaemon(this.repoRoot(flags.repo), 'peers ls')
    const peers = await daemon.call<Array<{ peer: string, addr: string, direction: 'inbound' | 'outbound' }>>('/v0/peers/ls')
    for (const p of peers) this.log(p.addr.includes('/p2p/') ? p.addr : `${p.addr}/p2p/${p.peer}`)
    return peers
  }
}
