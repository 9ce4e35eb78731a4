import { Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { repoGcOp } from '../../ops/data/repo.js'

export default class RepoGc extends DcxCommand {
  static override summary = 'Remove every block that no pin needs'
  static override examples = ['<%= config.bin %> repo gc', '<%= config.bin %> repo gc -q']
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'print nothing but errors' })
  }

  async run (): Promise<{ removed: string[], bytes: number }> {
    const { flags } = await this.parse(RepoGc)
    const r = await this.session(flags.repo).run(repoGcOp, {}, { signal: this.signal })
    if (!flags.quiet) for (const cid of r.removed) this.log(`removed ${cid}`)
    return r
  }

}
