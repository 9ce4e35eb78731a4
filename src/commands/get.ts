import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { progressBar } from '../cli/progress.js'
import { defaultOutputName, get } from '../data/get.js'
import { openReadSource } from '../cli/read-source.js'

export default class Get extends DcxCommand {
  static override summary = 'Save a file or directory from the repo to disk'
  static override description = 'Writes to a temporary name and renames at the end, so an interrupted get leaves nothing at the output path. With `dcx daemon` running, blocks the repo lacks come from peers (and stay in the repo, unpinned) and /ipns/ names resolve.'
  static override examples = [
    '<%= config.bin %> get <dir-cid> -o ./books',
    '<%= config.bin %> get <dir-cid>/books/moby.txt -o moby.txt'
  ]

  static override args = { target: Args.string({ required: true, description: '<cid>[/path] to save' }) }
  static override flags = {
    output: Flags.string({ char: 'o', description: 'where to save (default: the last path segment, else the CID)' })
  }

  async run (): Promise<{ path: string, files: number, bytes: number }> {
    const { args, flags } = await this.parse(Get)
    const { target, blockstore } = await openReadSource(this.repoRoot(flags.repo), args.target)
    const out = flags.output ?? defaultOutputName(target)
    const bar = progressBar('saving', undefined)
    let result
    try {
      result = await get(target, out, blockstore, { signal: this.signal, onProgress: e => bar.update(e.detail.done) })
    } finally {
      bar.stop()
    }
    this.log(`saved ${target.text} to ${out} (${result.files} files, ${result.bytes} bytes)`)
    return result
  }
}
