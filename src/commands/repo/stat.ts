import { DcxCommand } from '../../cli/base.js'
import { withRepo } from '../../cli/open.js'
import { repoStat } from '../../data/verify.js'

export default class RepoStat extends DcxCommand {
  static override summary = 'Show the number of blocks, their size and the pin count'
  static override examples = ['<%= config.bin %> repo stat', '<%= config.bin %> repo stat --json']

  async run (): Promise<{ NumObjects: number, RepoSize: number, Pins: number, RepoPath: string, Version: string }> {
    const { flags } = await this.parse(RepoStat)
    const root = this.repoRoot(flags.repo)
    return withRepo(root, 'repo stat', async repo => {
      const s = await repoStat(repo.blockstore, { signal: this.signal })
      let pins = 0
      for await (const _ of repo.pins.ls()) pins++
      const out = { NumObjects: s.numObjects, RepoSize: s.repoSize, Pins: pins, RepoPath: root, Version: `dcx-repo@${repo.config.version}` }
      this.log(`NumObjects: ${out.NumObjects}`)
      this.log(`RepoSize:   ${out.RepoSize}`)
      this.log(`Pins:       ${out.Pins}`)
      this.log(`RepoPath:   ${out.RepoPath}`)
      this.log(`Version:    ${out.Version}`)
      return out
    })
  }
}
