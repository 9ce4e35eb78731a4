import { DcxCommand } from '../../cli/base.js'
import { withRepo } from '../../cli/open.js'
import { runningDaemon } from '../../cli/daemon.js'
import { verifyPins } from '../../data/verify.js'

export default class PinVerify extends DcxCommand {
  static override summary = 'Check that every pinned DAG is complete and uncorrupted'
  static override description = 'Prints "<cid> ok" or "<cid> broken: <why>" per pin; exits 1 if any pin is broken.'
  static override examples = ['<%= config.bin %> pin verify', '<%= config.bin %> pin verify --json']

  async run (): Promise<Array<{ cid: string, ok: boolean, problem?: string }>> {
    const { flags } = await this.parse(PinVerify)
    const root = this.repoRoot(flags.repo)
    const daemon = await runningDaemon(root)
    const out: Array<{ cid: string, ok: boolean, problem?: string }> = daemon !== undefined
      ? await daemon.call('/v0/pin/verify')
      : await withRepo(root, 'pin verify', async repo => {
        const rows = []
        for await (const { pin, problem } of verifyPins(repo.pins, repo.blockstore, { signal: this.signal })) {
          rows.push({ cid: pin.cid.toString(), ok: problem == null, problem: problem?.problem })
        }
        return rows
      }, { useReserve: true })
    for (const r of out) this.log(r.ok ? `${r.cid} ok` : `${r.cid} broken: ${r.problem}`)
    if (out.some(r => !r.ok)) process.exitCode = 1
    return out
  }
}
