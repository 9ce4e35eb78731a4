import { Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { runningDaemon } from '../../cli/daemon.js'
import { withRepo } from '../../cli/open.js'

export default class PinLs extends DcxCommand {
  static override summary = 'List pins: <cid> <type>'
  static override examples = ['<%= config.bin %> pin ls', '<%= config.bin %> pin ls --type recursive -q']
  static override flags = {
    type: Flags.string({ char: 't', options: ['all', 'recursive', 'direct'], default: 'all', description: 'which pins to list' }),
    quiet: Flags.boolean({ char: 'q', description: 'print only the CIDs' })
  }

  async run (): Promise<Array<{ cid: string, type: string }>> {
    const { flags } = await this.parse(PinLs)
    const root = this.repoRoot(flags.repo)
    const daemon = await runningDaemon(root)
    const all = daemon !== undefined
      ? await daemon.call<Array<{ cid: string, type: string }>>('/v0/pin/ls')
      : await withRepo(root, 'pin ls', async repo => (await Array.fromAsync(repo.pins.ls({ signal: this.signal }))).map(p => ({ cid: p.cid.toString(), type: p.type as string })), { useReserve: true })
    const out = all.filter(p => flags.type === 'all' || p.type === flags.type)
    for (const pin of out) this.log(flags.quiet ? pin.cid : `${pin.cid} ${pin.type}`)
    return out
  }
}
