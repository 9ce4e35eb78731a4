import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { runningDaemon } from '../../cli/daemon.js'
import { withRepo } from '../../cli/open.js'
import { parseCid } from '../../data/cid-path.js'

export default class PinAdd extends DcxCommand {
  static override summary = 'Pin CIDs so gc keeps them (recursive by default)'
  static override description = 'A recursive pin is written only after every block of the DAG is found in the repo.'
  static override examples = ['<%= config.bin %> pin add <cid>', '<%= config.bin %> pin add --no-recursive <cid>']
  static override strict = false
  static override args = { cid: Args.string({ required: true, description: 'CIDs to pin' }) }
  static override flags = {
    recursive: Flags.boolean({ char: 'r', default: true, allowNo: true, description: 'pin the whole DAG (--no-recursive pins one block)' })
  }

  async run (): Promise<Array<{ cid: string, type: string }>> {
    const { flags, argv } = await this.parse(PinAdd)
    const cids = (argv as string[]).map(parseCid)
    const daemon = await runningDaemon(this.repoRoot(flags.repo))
    if (daemon !== undefined) {
      // through the daemon, a DAG the repo lacks is fetched from peers before it is pinned
      const out = await daemon.call<Array<{ cid: string, type: string }>>('/v0/pin/add', { cids: cids.map(String), recursive: flags.recursive })
      for (const pin of out) this.log(`pinned ${pin.cid} ${pin.type === 'recursive' ? 'recursively' : 'directly'}`)
      return out
    }
    return withRepo(this.repoRoot(flags.repo), 'pin add', async repo => {
      const out = []
      for (const cid of cids) {
        const pin = await repo.pins.add(cid, { type: flags.recursive ? 'recursive' : 'direct', signal: this.signal })
        this.log(`pinned ${pin.cid} ${pin.type === 'recursive' ? 'recursively' : 'directly'}`)
        out.push({ cid: pin.cid.toString(), type: pin.type })
      }
      return out
    })
  }
}
