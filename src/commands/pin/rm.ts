import { Args } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { pinRmOp } from '../../ops/data/pin.js'

export default class PinRm extends DcxCommand {
  static override summary = 'Remove pins; the blocks stay until `dcx repo gc`'
  static override examples = ['<%= config.bin %> pin rm <cid>']
  static override strict = false
  static override args = { cid: Args.string({ required: true, description: 'CIDs to unpin' }) }

  async run (): Promise<Array<{ cid: string }>> {
    const { flags, argv } = await this.parse(PinRm)
    const out = await this.session(flags.repo).run(pinRmOp, { cids: argv as string[] }, { signal: this.signal })
    for (const { cid } of out) this.log(`unpinned ${cid}`)
    return out
  }

}
