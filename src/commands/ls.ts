import * as Args from '@oclif/core/args'
import { DcxCommand } from '../cli/base.js'
import { fetchFlags, fetchOptions } from '../cli/fetch-flags.js'
import { lsOp } from '../ops/data/ls.js'
import { kuboLs } from '../ops/kubo.js'

export default class Ls extends DcxCommand {
  static override summary = 'List the links of a directory: <cid> <size> <name>'
  static override description = 'Directories are shown with a trailing / and a size of -. With `dcx daemon` running, blocks the repo lacks come from peers and /ipns/ names resolve. --json prints Kubo\'s `ipfs ls --enc=json` (LsOutput).'
  static override examples = ['<%= config.bin %> ls <dir-cid>', '<%= config.bin %> ls <dir-cid>/books --json']
  static override args = { target: Args.string({ required: true, description: '<cid>[/path] of a directory' }) }
  static override flags = { ...fetchFlags }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(Ls)
    const fetch = fetchOptions(this.signal, flags)
    const out = await this.session(flags.repo).run(lsOp, { target: args.target }, fetch.options).finally(fetch.done)
    if (this.kuboJson(() => kuboLs(args.target, out))) return
    for (const e of out) this.log(`${e.cid} ${e.size ?? '-'} ${e.name}${e.type === 'directory' ? '/' : ''}`)
  }

}
