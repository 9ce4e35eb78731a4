import { basename, resolve } from 'node:path'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { dagImportOp } from '../../ops/data/dag.js'
import { kuboDagImport } from '../../ops/kubo.js'
import type { ImportJson } from '../../ops/data/dag.js'
import type { Progress } from '../../cli/progress.js'
import { progressBar } from '../../cli/progress.js'

export default class DagImport extends DcxCommand {
  static override summary = 'Import CARv1/CARv2 files, re-hashing every block, and pin their roots'
  static override description = `A file with a block that does not match its hash, or a corrupt or truncated file, imports nothing.
A root whose DAG is incomplete is imported but not pinned, and the missing block is named.
--json prints Kubo's lines: {"Root": {"Cid": {"/": <cid>}, "PinErrorMsg"}} per root, then with --stats {"Stats": {"BlockCount", "BlockBytesCount"}}.`

  static override examples = ['<%= config.bin %> dag import data.car', '<%= config.bin %> dag import a.car b.car --no-pin-roots --json']
  static override strict = false
  static override args = { file: Args.string({ required: true, description: 'CAR files' }) }
  static override flags = {
    'pin-roots': Flags.boolean({ default: true, allowNo: true, description: 'pin each root recursively' }),
    stats: Flags.boolean({ description: 'with --json, end with the counts of blocks and bytes imported (Kubo\'s `Stats`)' })
  }

  async run (): Promise<void> {
    const { flags, argv } = await this.parse(DagImport)
    const session = this.session(flags.repo)
    const out: ImportJson[] = []
    // one file at a time, each reported as it is done (a bad file fails after the good ones before it)
    for (const file of argv as string[]) {
      let bar: Progress | undefined
      let done: ImportJson[]
      try {
        done = await session.run(dagImportOp, { files: [resolve(file)], pinRoots: flags['pin-roots'] }, {
          signal: this.signal,
          onProgress: e => {
            bar ??= progressBar(`importing ${basename(file)}`, undefined, 'blocks')
            bar.update((e.detail as { blocks: number }).blocks)
          }
        })
      } finally {
        bar?.stop()
      }
      out.push({ ...done[0], file })
      if (!this.jsonEnabled()) this.report(file, done[0])
    }
    this.kuboJson(() => kuboDagImport(out, flags.stats))
  }

  private report (file: string, r: ImportJson): void {
    this.log(`imported ${r.blocks} blocks from ${file}`)
    for (const root of r.roots) {
      if (root.pinned) this.log(`pinned root ${root.cid}`)
      else if (root.missing != null) this.warnLine(`root ${root.cid} not pinned: its DAG is incomplete (block ${root.missing} is missing)`)
    }
  }

}
