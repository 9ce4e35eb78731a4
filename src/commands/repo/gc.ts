import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { repoGcOp } from '../../ops/data/repo.js'
import { kuboRepoGc } from '../../ops/kubo.js'

export default class RepoGc extends DcxCommand {
  static override summary = 'Remove every block that no pin needs'
  static override description = '--json prints Kubo\'s lines, one `{"Key": {"/": <cid>}}` per removed block.'
  static override examples = ['<%= config.bin %> repo gc', '<%= config.bin %> repo gc -q']
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'print nothing but errors' })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(RepoGc)
    const r = await this.session(flags.repo).run(repoGcOp, {}, { signal: this.signal })
    if (this.kuboJson(() => kuboRepoGc(r.removed))) return
    if (!flags.quiet) for (const cid of r.removed) this.log(`removed ${cid}`)
  }

}
