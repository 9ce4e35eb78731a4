import { DcxCommand } from '../../cli/base.js'
import { pinVerifyOp } from '../../ops/data/pin.js'
import { kuboPinVerify } from '../../ops/kubo.js'

export default class PinVerify extends DcxCommand {
  static override summary = 'Check that every pinned DAG is complete and uncorrupted'
  static override description = 'Prints "<cid> ok" or "<cid> broken: <why>" per pin; exits 1 if any pin is broken. --json prints Kubo\'s `pin verify --verbose --enc=json` lines (`{"Cid", "Ok"}` or `{"Cid", "BadNodes"}`).'
  static override examples = ['<%= config.bin %> pin verify', '<%= config.bin %> pin verify --json']

  async run (): Promise<void> {
    const { flags } = await this.parse(PinVerify)
    const out = await this.session(flags.repo).run(pinVerifyOp, {}, { signal: this.signal })
    if (out.some(r => !r.ok)) process.exitCode = 1
    if (this.kuboJson(() => kuboPinVerify(out))) return
    for (const r of out) this.log(r.ok ? `${r.cid} ok` : `${r.cid} broken: ${r.problem}`)
  }

}
