import { Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
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
    return withRepo(this.repoRoot(flags.repo), 'pin ls', async repo => {
      const out = []
      for await (const pin of repo.pins.ls({ signal: this.signal })) {
        if (flags.type !== 'all' && pin.type !== flags.type) continue
        this.log(flags.quiet ? pin.cid.toString() : `${pin.cid} ${pin.type}`)
        out.push({ cid: pin.cid.toString(), type: pin.type })
      }
      return out
    })
  }
}
