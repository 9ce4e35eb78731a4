import { DcxCommand } from '../../cli/base.js'
import { repoStatOp } from '../../ops/data/repo.js'
import { kuboRepoStat } from '../../ops/kubo.js'

export default class RepoStat extends DcxCommand {
  static override summary = 'Show the number of blocks, their size and the pin count'
  static override description = '--json prints Kubo\'s `{"RepoSize", "StorageMax", "NumObjects", "RepoPath", "Version"}` (dcx sets no storage limit: StorageMax is Kubo\'s "no limit", 2^64-1).'
  static override examples = ['<%= config.bin %> repo stat', '<%= config.bin %> repo stat --json']

  async run (): Promise<void> {
    const { flags } = await this.parse(RepoStat)
    const session = this.session(flags.repo)
    const s = await session.run(repoStatOp, {}, { signal: this.signal })
    if (this.kuboJson(() => kuboRepoStat(s, session.root))) return
    this.log(`NumObjects: ${s.numObjects}`)
    this.log(`RepoSize:   ${s.repoSize}`)
    this.log(`Pins:       ${s.pins}`)
    this.log(`RepoPath:   ${session.root}`)
    this.log(`Version:    dcx-repo@${s.version}`)
  }

}
