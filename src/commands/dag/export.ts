import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { writeFileWhole } from '../../cli/write-file.js'
import { exportCar } from '../../data/car/export.js'
import { InvalidArgumentError } from '../../errors.js'
import { openReadSource } from '../../cli/read-source.js'

export default class DagExport extends DcxCommand {
  static override summary = 'Write the DAG under a CID as a CARv1 (stdout or -o)'
  static override examples = ['<%= config.bin %> dag export <cid> > out.car', '<%= config.bin %> dag export <cid> -o out.car']
  static override args = { cid: Args.string({ required: true, description: 'root CID' }) }
  static override flags = {
    output: Flags.string({ char: 'o', description: 'write to this file (written whole or not at all)' })
  }

  async run (): Promise<{ root: string, output: string } | undefined> {
    const { args, flags } = await this.parse(DagExport)
    const { target, blockstore } = await openReadSource(this.repoRoot(flags.repo), args.cid)
    if (target.segments.length > 0) throw new InvalidArgumentError(`dag export takes a root CID, not a path: ${args.cid}`)
    const cid = target.cid
    const car = exportCar(cid, blockstore, { signal: this.signal })
    if (flags.output == null) {
      if (this.jsonEnabled()) throw new Error('--json needs -o: the CAR itself goes to stdout')
      for await (const chunk of car) await this.writeStdout(chunk)
      return undefined
    }
    await writeFileWhole(flags.output, car, this.signal)
    this.log(`exported ${cid} to ${flags.output}`)
    return { root: cid.toString(), output: flags.output }
  }
}
