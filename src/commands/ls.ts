import { Args } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { parseCidPath } from '../data/cid-path.js'
import { ls } from '../data/ls.js'
import { openBlockRepo } from '../repo/block-repo.js'

interface LsJson { cid: string, name: string, type: string, size?: string }

export default class Ls extends DcxCommand {
  static override summary = 'List the links of a directory: <cid> <size> <name>'
  static override description = 'Directories are shown with a trailing / and a size of -.'
  static override examples = ['<%= config.bin %> ls <dir-cid>', '<%= config.bin %> ls <dir-cid>/books --json']
  static override args = { target: Args.string({ required: true, description: '<cid>[/path] of a directory' }) }

  async run (): Promise<LsJson[]> {
    const { args, flags } = await this.parse(Ls)
    const target = parseCidPath(args.target)
    const { blockstore } = await openBlockRepo(this.repoRoot(flags.repo))
    const out: LsJson[] = []
    for await (const e of ls(target, blockstore, { signal: this.signal })) {
      out.push({ cid: e.cid.toString(), name: e.name, type: e.type, size: e.size?.toString() })
      this.log(`${e.cid} ${e.size?.toString() ?? '-'} ${e.name}${e.type === 'directory' ? '/' : ''}`)
    }
    return out
  }
}
