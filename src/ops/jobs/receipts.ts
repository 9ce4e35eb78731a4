import * as z from 'zod/mini'
import { defineOp } from '../operation.js'
import type { Receipt } from '../../jobs/records.js'

/** A receipt's fields as `receipt show --json` prints them */
export function receiptJson (cid: string, r: Receipt): Record<string, unknown> {
  return {
    receipt: cid,
    job: r.job.toString(),
    output: r.output.toString(),
    status: r.status,
    exitCode: r.exitCode,
    trap: r.trap,
    fuel: r.fuel,
    ...(r.limitsHit !== undefined ? { limitsHit: r.limitsHit } : {}),
    runtime: r.runtime,
    executor: r.executor,
    time: r.time,
    signature: Buffer.from(r.signature).toString('base64')
  }
}

/** One line of `receipt ls` */
export interface ReceiptLine {
  receipt: string
  job: string
  /** A job's status, or `map` for a map run's receipt */
  status: string
  exitCode: number | null
  time: string
  output: string
}

/** `receipt/ls`: the receipts this repo keeps, one per job */
export const receiptLsOp = defineOp({
  name: 'receipt/ls',
  access: 'repo',
  input: z.strictObject({}),
  run: async (ctx, _input, { signal }): Promise<ReceiptLine[]> => {
    const [{ loadReceipt }, { decodeMapReceipt, looksLikeMapReceipt }] = await Promise.all([import('../../jobs/receipts.js'), import('../../jobs/map-records.js')])
    const repo = ctx.repo()
    const out: ReceiptLine[] = []
    for await (const { job, receipt } of repo.receipts.ls({ signal })) {
      const bytes = await repo.blockstore.getBytes(receipt, { signal })
      if (looksLikeMapReceipt(bytes)) {
        // a map run's receipt (signed by its requester) is kept under the run's spec like a job's
        const m = decodeMapReceipt(receipt, bytes)
        out.push({ receipt: receipt.toString(), job: job.toString(), status: 'map', exitCode: null, time: m.time, output: m.output.toString() })
        continue
      }
      const r = await loadReceipt(receipt, repo.blockstore, { signal })
      out.push({ receipt: receipt.toString(), job: job.toString(), status: r.status, exitCode: r.exitCode, time: r.time, output: r.output.toString() })
    }
    return out
  }
})

/** `receipt/show`: a receipt's fields */
export const receiptShowOp = defineOp({
  name: 'receipt/show',
  access: 'read',
  input: z.strictObject({ receipt: z.string().check(z.minLength(1)) }),
  run: async (ctx, { receipt }, { signal }): Promise<Record<string, unknown>> => {
    const [{ parseCid }, { loadReceipt }] = await Promise.all([import('../../data/cid-path.js'), import('../../jobs/receipts.js')])
    const cid = parseCid(receipt)
    return receiptJson(cid.toString(), await loadReceipt(cid, ctx.blocks, { signal }))
  }
})

/**
 * `receipt/export`: one CAR with the receipt and every block needed to
 * verify it (spec, module, inputs, outputs: the receipt's DAG), written whole
 * or not at all.
 */
export const receiptExportOp = defineOp({
  name: 'receipt/export',
  access: 'read',
  input: z.strictObject({ receipt: z.string().check(z.minLength(1)), output: z.string().check(z.minLength(1)) }),
  run: async (ctx, { receipt, output }, { signal }): Promise<{ receipt: string, output: string }> => {
    const [{ parseCid }, { loadReceipt }, { exportCar }, { writeFileWhole }] = await Promise.all([
      import('../../data/cid-path.js'), import('../../jobs/receipts.js'), import('../../data/car/export.js'), import('../../data/write-file.js')
    ])
    const cid = parseCid(receipt)
    await loadReceipt(cid, ctx.blocks, { signal })
    await ctx.prefetch({ cid, segments: [], text: receipt }, { scope: 'all', signal })
    await writeFileWhole(output, exportCar(cid, ctx.blocks, { signal }), signal)
    return { receipt: cid.toString(), output }
  }
})
