import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { isFile } from '../cli/is-file.js'
import { withJobs } from '../cli/jobs.js'
import { progressBar } from '../cli/progress.js'
import type { JobProgress } from '../jobs/execute.js'
import { importCar } from '../data/car/import.js'
import { parseCid } from '../data/cid-path.js'
import { walkDag } from '../data/walk.js'
import { BlockNotFoundError, CannotVerifyError } from '../errors.js'
import { parseDuration } from '../jobs/parse.js'
import { verifyOutput, verifyReceipt } from '../jobs/verify.js'
import type { Verdict } from '../jobs/verify.js'

export default class Verify extends DcxCommand {
  static override summary = 'Check a result: the receipt\'s signature, then re-run the job and compare'
  static override description = `Re-runs the job from its spec and compares status, exit code, fuel and output CID with the claim; on a mismatch, names the files that differ. A bundle.car (from \`dcx receipt export\`) is imported first, so a result can be checked offline.

Exit codes: 0 verified; 1 the claim is false (bad signature or a different result); 2 it cannot be checked (blocks missing, not a receipt, unknown runtime ABI).`

  static override examples = [
    '<%= config.bin %> verify <receipt-cid>',
    '<%= config.bin %> verify bundle.car',
    '<%= config.bin %> verify <output-cid> --job <job-cid>',
    '<%= config.bin %> verify <receipt-cid> --json'
  ]

  static override args = { target: Args.string({ required: true, description: 'receipt CID, bundle.car, or an output CID with --job' }) }
  static override flags = {
    job: Flags.string({ description: 'check an output CID against this job (no receipt needed)' }),
    timeout: Flags.string({ description: 'wall-clock safety net for the re-run (default 10m)' })
  }

  async run (): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(Verify)
    const timeoutMs = parseDuration(flags.timeout ?? '10m')
    const bundle = await isFile(args.target)
    const target = bundle ? undefined : parseCid(args.target)
    const job = flags.job !== undefined ? parseCid(flags.job) : undefined
    const bar = this.jsonEnabled() ? undefined : progressBar('re-running', undefined)
    const verdict = await withJobs(this.repoRoot(flags.repo), 'verify', async ctx => {
      const options = { timeoutMs, signal: this.signal, onProgress: (e: JobProgress) => bar?.update(e.detail.read, e.detail.total) }
      if (bundle) {
        const imported = await importCar(args.target, ctx.blockstore, ctx.pins, { pinRoots: false, signal: this.signal })
        const root = imported.roots[0]
        if (root === undefined) throw new CannotVerifyError(`${args.target} has no root: export bundles with \`dcx receipt export\``)
        try {
          await walkDag(root.cid, ctx.blockstore, { signal: this.signal })
        } catch (err) {
          if (err instanceof BlockNotFoundError) throw new CannotVerifyError(`the bundle lacks block ${err.cid}: export it again with \`dcx receipt export\``)
          throw err
        }
        return await verifyReceipt(root.cid, ctx, options)
      }
      if (job !== undefined) return await verifyOutput(target!, job, ctx, options)
      return await verifyReceipt(target!, ctx, options)
    }).finally(() => bar?.stop())
    process.exitCode = verdict.verified ? 0 : 1
    const json = toJson(verdict)
    if (this.jsonEnabled()) return json
    if (verdict.verified) this.log(`verified: ${verdict.reason}`)
    else process.stdout.write(`NOT verified: ${verdict.reason}\n`)
    this.log(`job      ${verdict.job}`)
    if (verdict.receipt !== undefined) this.log(`receipt  ${verdict.receipt}`)
    this.log(`output   ${verdict.claimed.output}${verdict.recomputed !== undefined && !verdict.recomputed.output.equals(verdict.claimed.output) ? ` (re-run: ${verdict.recomputed.output})` : ''}`)
    if (verdict.recomputed !== undefined) this.log(`fuel     ${verdict.recomputed.fuel}`)
    for (const path of verdict.differences) this.log(`differs  ${path}`)
    return json
  }
}

function toJson (v: Verdict): Record<string, unknown> {
  const claim = (c: any): unknown => c === undefined ? null : { ...c, output: c.output.toString() }
  return {
    verified: v.verified,
    reason: v.reason,
    job: v.job.toString(),
    receipt: v.receipt?.toString() ?? null,
    executor: v.executor ?? null,
    claimed: claim(v.claimed),
    recomputed: claim(v.recomputed),
    differences: v.differences,
    durationMs: v.durationMs ?? null
  }
}
