import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { fetchFlags, fetchOptions } from '../../cli/fetch-flags.js'
import { progressBar } from '../../cli/progress.js'
import { writeFileWhole } from '../../data/write-file.js'
import { UsageError } from '../../errors.js'
import { dagExportOp } from '../../ops/data/dag.js'
import type { Progress } from '../../cli/progress.js'

export default class DagExport extends DcxCommand {
  static override summary = 'Write the DAG under a CID as a CARv1 (stdout or -o)'
  static override description = 'With -o on a terminal, a progress bar counts the bytes of blocks written against the DAG\'s size (when its root states it). With `dcx daemon` running, blocks the repo lacks come from peers first (--timeout bounds the wait for each).'
  static override examples = ['<%= config.bin %> dag export <cid> > out.car', '<%= config.bin %> dag export <cid> -o out.car']
  static override args = { cid: Args.string({ required: true, description: 'root CID' }) }
  static override flags = {
    output: Flags.string({ char: 'o', description: 'write to this file (written whole or not at all)' }),
    ...fetchFlags
  }

  async run (): Promise<{ root: string, output: string } | undefined> {
    const { args, flags } = await this.parse(DagExport)
    if (flags.output == null && this.jsonEnabled()) throw new UsageError('dag export --json needs -o <file>: without it the CAR itself goes to stdout')
    let bar: Progress | undefined
    const fetch = fetchOptions(this.signal, flags, e => {
      const d = e.detail as { bytes?: number | null, done?: number }
      // the bar is for a file: on stdout the CAR may be piped on, and stderr is the terminal's
      if (flags.output == null || this.jsonEnabled()) return
      if (e.type === 'car:plan') bar = progressBar('exporting', d.bytes ?? undefined)
      else if (e.type === 'car:bytes') bar?.update(d.done ?? 0)
    })
    try {
      const car = await this.session(flags.repo).run(dagExportOp, { root: args.cid }, fetch.options)
      if (flags.output == null) {
        for await (const chunk of car) await this.writeStdout(chunk)
        return undefined
      }
      await writeFileWhole(flags.output, car, this.signal)
    } finally {
      fetch.done()
      bar?.stop()
    }
    this.log(`exported ${args.cid} to ${flags.output}`)
    return { root: args.cid, output: flags.output }
  }

}
