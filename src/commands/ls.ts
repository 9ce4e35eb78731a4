import { Args } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { lsOp } from '../ops/data/ls.js'
import type { LsJson } from '../ops/data/ls.js'

export default class Ls extends DcxCommand {
  static override summary = 'List the links of a directory: <cid> <size> <name>'
  static override description = 'Directories are shown with a trailing / and a size of -. With `dcx daemon` running, blocks the repo lacks come from peers and /ipns/ names resolve.'
  static override examples = ['<%= config.bin %> ls <dir-cid>', '<%= config.bin %> ls <dir-cid>/books --json']
  static override args = { target: Args.string({ required: true, description: '<cid>[/path] of a directory' }) }

  async run (): Promise<LsJson[]> {
    const { args, flags } = await this.parse(Ls)
    const out = await this.session(flags.repo).run(lsOp, { target: args.target }, { signal: this.signal })
    for (const e of out) this.log(`${e.cid} ${e.size ?? '-'} ${e.name}${e.type === 'directory' ? '/' : ''}`)
    return out
  }

}
