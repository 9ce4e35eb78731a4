import { Args } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { parseCid } from '../../data/cid-path.js'
import { loadReceipt } from '../../jobs/receipts.js'
import { openBlockRepo } from '../../repo/block-repo.js'
import type { Receipt } from '../../jobs/records.js'

/** A receipt as plain JSON (CIDs as strings, signature base64) */
export function receiptJson (cid: string, r: Receipt): Record<string, unknown> {
  return {
    receipt: cid,
    job: r.job.toString(),
    output: r.output.toString(),
    status: r.status,
    exitCode: r.exitCode,
    trap: r.trap,
    fuel: r.fuel,
    runtime: r.runtime,
    executor: r.executor,
    time: r.time,
    signature: Buffer.from(r.signature).toString('base64')
  }
}

export default class ReceiptShow extends DcxCommand {
  static override summary = 'Show a receipt'
  static override examples = ['<%= config.bin %> receipt show <receipt-cid>', '<%= config.bin %> receipt show <receipt-cid> --json']
  static override args = { cid: Args.string({ required: true, description: 'receipt CID' }) }

  async run (): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(ReceiptShow)
    const cid = parseCid(args.cid)
    const { blockstore } = await openBlockRepo(this.repoRoot(flags.repo))
    const json = receiptJson(cid.toString(), await loadReceipt(cid, blockstore, { signal: this.signal }))
    for (const [k, v] of Object.entries(json)) this.log(`${k.padEnd(10)}${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    return json
  }
}
