import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { writeFileWhole } from '../../cli/write-file.js'
import { exportCar } from '../../data/car/export.js'
import { parseCid } from '../../data/cid-path.js'
import { loadReceipt } from '../../jobs/receipts.js'
import { openBlockRepo } from '../../repo/block-repo.js'

export default class ReceiptExport extends DcxCommand {
  static override summary = 'Write a verification bundle: one CAR with the receipt and every block needed to check it'
  static override description = 'The bundle holds the receipt, the job spec, the module, the inputs and the outputs, so `dcx verify bundle.car` works offline on another machine.'
  static override examples = ['<%= config.bin %> receipt export <receipt-cid> -o bundle.car']
  static override args = { cid: Args.string({ required: true, description: 'receipt CID' }) }
  static override flags = {
    output: Flags.string({ char: 'o', required: true, description: 'the CAR file to write (whole or not at all)' })
  }

  async run (): Promise<{ receipt: string, output: string }> {
    const { args, flags } = await this.parse(ReceiptExport)
    const cid = parseCid(args.cid)
    const { blockstore } = await openBlockRepo(this.repoRoot(flags.repo))
    await loadReceipt(cid, blockstore, { signal: this.signal })
    // the receipt links the job spec (which links module and inputs) and the output: its DAG is the bundle
    await writeFileWhole(flags.output, exportCar(cid, blockstore, { signal: this.signal }), this.signal)
    this.log(`exported receipt ${cid} and everything needed to verify it to ${flags.output}`)
    return { receipt: cid.toString(), output: flags.output }
  }
}
