import { Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { runningDaemon } from '../../cli/daemon.js'
import { withRepo } from '../../cli/open.js'
import { gc } from '../../data/gc.js'

export default class RepoGc extends DcxCommand {
  static override summary = 'Remove every block that no pin needs'
  static override examples = ['<%= config.bin %> repo gc', '<%= config.bin %> repo gc -q']
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'print nothing but errors' })
  }

  async run (): Promise<{ removed: string[], bytes: number }> {
    const { flags } = await this.parse(RepoGc)
    const daemon = await runningDaemon(this.repoRoot(flags.repo))
    if (daemon !== undefined) {
      const r = await daemon.call<{ removed: string[], bytes: number }>('/v0/repo/gc')
      if (!flags.quiet) for (const cid of r.removed) this.log(`removed ${cid}`)
      return r
    }
    return withRepo(this.repoRoot(flags.repo), 'repo gc', async repo => {
      const removed: string[] = []
      let bytes = 0
      for await (const r of gc(repo.blockstore, repo.pins, { signal: this.signal })) {
        removed.push(r.cid.toString())
        bytes += r.bytes
        if (!flags.quiet) this.log(`removed ${r.cid}`)
      }
      return { removed, bytes }
    }, { useReserve: true })
  }
}
