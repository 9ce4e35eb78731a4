import { DcxCommand } from '../../cli/base.js'
import { withRepo } from '../../cli/open.js'
import { runningDaemon } from '../../cli/daemon.js'
import { repoStat } from '../../data/verify.js'
import { readConfig } from '../../repo/config.js'
import { repoPaths } from '../../repo/paths.js'

interface Counts { numObjects: number, repoSize: number, pins: number }

export default class RepoStat extends DcxCommand {
  static override summary = 'Show the number of blocks, their size and the pin count'
  static override examples = ['<%= config.bin %> repo stat', '<%= config.bin %> repo stat --json']

  async run (): Promise<{ NumObjects: number, RepoSize: number, Pins: number, RepoPath: string, Version: string }> {
    const { flags } = await this.parse(RepoStat)
    const root = this.repoRoot(flags.repo)
    const daemon = await runningDaemon(root)
    const { s, version } = daemon !== undefined
      ? { s: await daemon.call<Counts>('/v0/repo/stat'), version: (await readConfig(repoPaths(root).config, root)).version }
      : await withRepo(root, 'repo stat', async repo => {
        let pins = 0
        for await (const _ of repo.pins.ls()) pins++
        return { s: { ...await repoStat(repo.blockstore, { signal: this.signal }), pins }, version: repo.config.version }
      }, { useReserve: true })
    const out = { NumObjects: s.numObjects, RepoSize: s.repoSize, Pins: s.pins, RepoPath: root, Version: `dcx-repo@${version}` }
    this.log(`NumObjects: ${out.NumObjects}`)
    this.log(`RepoSize:   ${out.RepoSize}`)
    this.log(`Pins:       ${out.Pins}`)
    this.log(`RepoPath:   ${out.RepoPath}`)
    this.log(`Version:    ${out.Version}`)
    return out
  }
}
