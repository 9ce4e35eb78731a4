import * as Args from '@oclif/core/args'
import { DcxCommand } from '../../cli/base.js'
import { pinRmOp } from '../../ops/data/pin.js'
import { kuboPinRm } from '../../ops/kubo.js'

export default class PinRm extends DcxCommand {
  static override summary = 'Remove pins; the blocks stay until `dcx repo gc`'
  static override examples = ['<%= config.bin %> pin rm <cid>']
  static override strict = false
  static override args = { cid: Args.string({ required: true, description: 'CIDs to unpin' }) }

  async run (): Promise<void> {
    const { flags, argv } = await this.parse(PinRm)
    const out = await this.session(flags.repo).run(pinRmOp, { cids: argv as string[] }, { signal: this.signal })
    if (this.kuboJson(() => kuboPinRm(out))) return
    for (const { cid } of out) this.log(`unpinned ${cid}`)
  }

}
