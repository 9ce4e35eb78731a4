import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../cli/base.js'
import { fetchFlags, fetchOptions } from '../cli/fetch-flags.js'
import { DEFAULT_MAX_ENTRIES } from '../data/get-plan.js'
import { getOp } from '../ops/data/get.js'
import type { GetResult } from '../data/get.js'
import { progressBar } from '../cli/progress.js'
import type { Progress } from '../cli/progress.js'

export default class Get extends DcxCommand {
  static override summary = 'Save a file or directory from the repo to disk'
  static override description = 'Counts the tree first and refuses, before writing anything, one with unsafe or repeated names, more than --max-entries entries, paths longer than the OS allows, or more bytes than the target has free. Writes to a temporary name and renames at the end, so a refused or interrupted get leaves nothing at the output path; never writes through a symlink. With `dcx daemon` running, blocks the repo lacks come from peers (and stay in the repo, unpinned) and /ipns/ names resolve.'
  static override examples = [
    '<%= config.bin %> get <dir-cid> -o ./books',
    '<%= config.bin %> get <dir-cid>/books/moby.txt -o moby.txt',
    '<%= config.bin %> get <huge-dir-cid> -o ./huge --max-entries 5000000'
  ]

  static override args = { target: Args.string({ required: true, description: '<cid>[/path] to save' }) }
  static override flags = {
    output: Flags.string({ char: 'o', description: 'where to save (default: the last path segment, else the CID)' }),
    'max-entries': Flags.integer({ min: 1, default: DEFAULT_MAX_ENTRIES, description: 'refuse a tree of more files, directories and symlinks than this' }),
    ...fetchFlags
  }

  async run (): Promise<GetResult> {
    const { args, flags } = await this.parse(Get)
    let bar: Progress | undefined
    let result
    try {
      const fetch = fetchOptions(this.signal, flags, e => {
        const d = e.detail as { bytes: number, done: number, total: number }
        if (e.type === 'get:plan') bar = progressBar('saving', d.bytes)
        else if (e.type === 'get:bytes') bar?.update(d.done, d.total)
      })
      result = await this.session(flags.repo).run(getOp, { target: args.target, output: flags.output, maxEntries: flags['max-entries'] }, fetch.options).finally(fetch.done)
    } finally {
      bar?.stop()
    }
    this.log(`saved ${args.target} to ${result.path} (${result.files} files, ${result.bytes} bytes)`)
    return result
  }

}
