import { Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
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
    return withRepo(this.repoRoot(flags.repo), 'repo gc', async repo => {
      const removed: string[] = []
      let bytes = 0
      for await (const r of gc(repo.blockstore, repo.pins, { signal: this.signal })) {
        removed.push(r.cid.toString())
        bytes += r.bytes
        if (!flags.quiet) this.log(`removed ${r.cid}`)
      }
      return { removed, bytes }
    })
  }
}
