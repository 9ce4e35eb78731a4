import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { writeFileWhole } from '../../data/write-file.js'
import { UsageError } from '../../errors.js'
import { dagExportOp } from '../../ops/data/dag.js'

export default class DagExport extends DcxCommand {
  static override summary = 'Write the DAG under a CID as a CARv1 (stdout or -o)'
  static override examples = ['<%= config.bin %> dag export <cid> > out.car', '<%= config.bin %> dag export <cid> -o out.car']
  static override args = { cid: Args.string({ required: true, description: 'root CID' }) }
  static override flags = {
    output: Flags.string({ char: 'o', description: 'write to this file (written whole or not at all)' })
  }

  async run (): Promise<{ root: string, output: string } | undefined> {
    const { args, flags } = await this.parse(DagExport)
    if (flags.output == null && this.jsonEnabled()) throw new UsageError('dag export --json needs -o <file>: without it the CAR itself goes to stdout')
    const car = await this.session(flags.repo).run(dagExportOp, { root: args.cid }, { signal: this.signal })
    if (flags.output == null) {
      for await (const chunk of car) await this.writeStdout(chunk)
      return undefined
    }
    await writeFileWhole(flags.output, car, this.signal)
    this.log(`exported ${args.cid} to ${flags.output}`)
    return { root: args.cid, output: flags.output }
  }

}
