import { Args } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { runningDaemon } from '../../cli/daemon.js'
import { withRepo } from '../../cli/open.js'
import { parseCid } from '../../data/cid-path.js'

export default class PinRm extends DcxCommand {
  static override summary = 'Remove pins; the blocks stay until `dcx repo gc`'
  static override examples = ['<%= config.bin %> pin rm <cid>']
  static override strict = false
  static override args = { cid: Args.string({ required: true, description: 'CIDs to unpin' }) }

  async run (): Promise<Array<{ cid: string }>> {
    const { flags, argv } = await this.parse(PinRm)
    const cids = (argv as string[]).map(parseCid)
    const daemon = await runningDaemon(this.repoRoot(flags.repo))
    if (daemon !== undefined) {
      const out = await daemon.call<Array<{ cid: string }>>('/v0/pin/rm', { cids: cids.map(String) })
      for (const { cid } of out) this.log(`unpinned ${cid}`)
      return out
    }
    return withRepo(this.repoRoot(flags.repo), 'pin rm', async repo => {
      const out = []
      for (const cid of cids) {
        await repo.pins.rm(cid)
        this.log(`unpinned ${cid}`)
        out.push({ cid: cid.toString() })
      }
      return out
    }, { useReserve: true })
  }
}
