import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { isFile } from '../cli/is-file.js'
import { runningDaemon } from '../cli/daemon.js'
import { withJobs } from '../cli/jobs.js'
import { progressBar } from '../cli/progress.js'
import type { JobProgress } from '../jobs/execute.js'
import { importCar } from '../data/car/import.js'
import { parseCid } from '../data/cid-path.js'
import { walkDag } from '../data/walk.js'
import { CannotVerifyError } from '../jobs/errors.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { parseDuration } from '../jobs/parse.js'
import { verdictJson, verifyOutput, verifyReceipt } from '../jobs/verify.js'

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
    const root = this.repoRoot(flags.repo)
    const daemon = bundle ? undefined : await runningDaemon(root)
    let json: Record<string, any>
    if (daemon !== undefined) {
      // through the daemon: whatever this repo lacks is fetched from peers
      json = await daemon.call('/v0/verify', { target: args.target, job: flags.job, timeoutMs })
    } else {
      const bar = this.jsonEnabled() ? undefined : progressBar('re-running', undefined)
      const verdict = await withJobs(root, 'verify', async ctx => {
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
      json = verdictJson(verdict)
    }
    process.exitCode = json.verified === true ? 0 : 1
    if (this.jsonEnabled()) return json
    if (json.verified === true) this.log(`verified: ${json.reason}`)
    else process.stdout.write(`NOT verified: ${json.reason}\n`)
    this.log(`job      ${json.job}`)
    if (json.receipt !== null) this.log(`receipt  ${json.receipt}`)
    const rerun = json.recomputed?.output
    this.log(`output   ${json.claimed.output}${rerun != null && rerun !== json.claimed.output ? ` (re-run: ${rerun})` : ''}`)
    if (json.recomputed != null) this.log(`fuel     ${json.recomputed.fuel}`)
    for (const path of json.differences) this.log(`differs  ${path}`)
    if (json.differencesTruncated === true) this.log('differs  ... (more: the list stops here)')
    return json
  }
}
