import { DcxCommand } from '../../cli/base.js'
import { repoStatOp } from '../../ops/data/repo.js'


export default class RepoStat extends DcxCommand {
  static override summary = 'Show the number of blocks, their size and the pin count'
  static override examples = ['<%= config.bin %> repo stat', '<%= config.bin %> repo stat --json']

  async run (): Promise<{ NumObjects: number, RepoSize: number, Pins: number, RepoPath: string, Version: string }> {
    const { flags } = await this.parse(RepoStat)
    const session = this.session(flags.repo)
    const s = await session.run(repoStatOp, {}, { signal: this.signal })
    const out = { NumObjects: s.numObjects, RepoSize: s.repoSize, Pins: s.pins, RepoPath: session.root, Version: `dcx-repo@${s.version}` }
    this.log(`NumObjects: ${out.NumObjects}`)
    this.log(`RepoSize:   ${out.RepoSize}`)
    this.log(`Pins:       ${out.Pins}`)
    this.log(`RepoPath:   ${out.RepoPath}`)
    this.log(`Version:    ${out.Version}`)
    return out
  }

}
