import { Args } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { ls } from '../data/ls.js'
import { openReadSource } from '../cli/read-source.js'

interface LsJson { cid: string, name: string, type: string, size?: string }

export default class Ls extends DcxCommand {
  static override summary = 'List the links of a directory: <cid> <size> <name>'
  static override description = 'Directories are shown with a trailing / and a size of -. With `dcx daemon` running, blocks the repo lacks come from peers and /ipns/ names resolve.'
  static override examples = ['<%= config.bin %> ls <dir-cid>', '<%= config.bin %> ls <dir-cid>/books --json']
  static override args = { target: Args.string({ required: true, description: '<cid>[/path] of a directory' }) }

  async run (): Promise<LsJson[]> {
    const { args, flags } = await this.parse(Ls)
    const { target, blockstore } = await openReadSource(this.repoRoot(flags.repo), args.target)
    const out: LsJson[] = []
    for await (const e of ls(target, blockstore, { signal: this.signal })) {
      out.push({ cid: e.cid.toString(), name: e.name, type: e.type, size: e.size?.toString() })
      this.log(`${e.cid} ${e.size?.toString() ?? '-'} ${e.name}${e.type === 'directory' ? '/' : ''}`)
    }
    return out
  }
}
