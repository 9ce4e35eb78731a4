import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../cli/base.js'
import { resolve } from 'node:path'
import { parseCid } from '../data/cid-path.js'
import { verifyOp } from '../ops/jobs/verify.js'
import { DEFAULT_TIMEOUT_MS } from '../wasm/job-limits.js'
import { isFile } from '../cli/is-file.js'
import { progressBar } from '../cli/progress.js'
import { parseDuration, parseFlagCid } from '../jobs/parse.js'

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
    sample: Flags.integer({ min: 0, description: 'for a map run\'s receipt: re-run this many shards, chosen at random (default all); every shard\'s receipt is checked whatever the sample' }),
    timeout: Flags.string({ description: 'wall-clock safety net for the re-run (default 10m)' })
  }

  async run (): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(Verify)
    const timeoutMs = parseDuration(flags.timeout ?? `${DEFAULT_TIMEOUT_MS}ms`)
    const bundle = await isFile(args.target)
    if (!bundle) parseCid(args.target)
    if (flags.job !== undefined) parseFlagCid(flags.job, '--job')
    const bar = this.jsonEnabled() ? undefined : progressBar('re-running', undefined)
    let json: Record<string, any>
    try {
      json = await this.session(flags.repo).run(verifyOp, {
        ...(bundle ? { bundle: resolve(args.target) } : { target: args.target }),
        job: flags.job,
        sample: flags.sample,
        timeoutMs
      }, {
        signal: this.signal,
        onProgress: e => {
          if (e.type !== 'job:input') return
          const { read, total } = e.detail as { read: number, total: number }
          bar?.update(read, total)
        }
      })
    } finally {
      bar?.stop()
    }
    process.exitCode = json.verified === true ? 0 : 1
    if (this.jsonEnabled()) return json
    if (json.verified === true) this.log(`verified: ${json.reason}`)
    else process.stdout.write(`NOT verified: ${json.reason}\n`)
    if (json.shards !== undefined) return this.reportMap(json)
    this.log(`job      ${json.job}`)
    if (json.receipt !== null) this.log(`receipt  ${json.receipt}`)
    const rerun = json.recomputed?.output
    this.log(`output   ${json.claimed.output}${rerun != null && rerun !== json.claimed.output ? ` (re-run: ${rerun})` : ''}`)
    if (json.recomputed != null) this.log(`fuel     ${json.recomputed.fuel}`)
    for (const path of json.differences) this.log(`differs  ${path}`)
    if (json.differencesTruncated === true) this.log('differs  ... (more: the list stops here)')
    return json
  }

  /** A map run's verdict: the run, then a line per shard (and the reduce) */
  private reportMap (json: Record<string, any>): Record<string, unknown> {
    this.log(`run      ${json.run}`)
    this.log(`receipt  ${json.receipt}`)
    for (const part of [...json.shards, ...(json.reduce !== null ? [json.reduce] : [])]) {
      const what = part.name === 'reduce' ? 'reduce' : `shard ${part.name}`
      this.log(`${what}: ${part.ok === true ? (part.reran === true ? 're-ran: same result' : 'receipt sound (not re-run)') : `NOT verified: ${part.reason}`}`)
    }
    return json
  }
}
