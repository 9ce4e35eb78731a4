import { basename, resolve } from 'node:path'
import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { withRepo } from '../../cli/open.js'
import { runningDaemon } from '../../cli/daemon.js'
import { progressBar } from '../../cli/progress.js'
import { importCar } from '../../data/car/import.js'
import type { CarImportResult } from '../../data/car/import.js'

interface ImportJson { file: string, blocks: number, roots: Array<{ cid: string, pinned: boolean, missing?: string }> }

export default class DagImport extends DcxCommand {
  static override summary = 'Import CARv1/CARv2 files, re-hashing every block, and pin their roots'
  static override description = `A file with a block that does not match its hash, or a corrupt or truncated file, imports nothing.
A root whose DAG is incomplete is imported but not pinned, and the missing block is named.`

  static override examples = ['<%= config.bin %> dag import data.car', '<%= config.bin %> dag import a.car b.car --no-pin-roots --json']
  static override strict = false
  static override args = { file: Args.string({ required: true, description: 'CAR files' }) }
  static override flags = {
    'pin-roots': Flags.boolean({ default: true, allowNo: true, description: 'pin each root recursively' })
  }

  async run (): Promise<ImportJson[]> {
    const { flags, argv } = await this.parse(DagImport)
    const root = this.repoRoot(flags.repo)
    const out: ImportJson[] = []
    const daemon = await runningDaemon(root)
    if (daemon !== undefined) {
      // the daemon holds the repo: it imports (and announces the roots it pins)
      for (const file of argv as string[]) {
        const r = await daemon.call<Omit<ImportJson, 'file'>>('/v0/dag/import', { file: resolve(file), pinRoots: flags['pin-roots'] })
        out.push(this.report(file, r))
      }
      return out
    }
    return await withRepo(root, 'dag import', async repo => {
      for (const file of argv as string[]) {
        const bar = progressBar(`importing ${basename(file)}`, undefined, 'blocks')
        let r: CarImportResult
        try {
          r = await importCar(file, repo.blockstore, repo.pins, { pinRoots: flags['pin-roots'], signal: this.signal, onProgress: e => bar.update(e.detail.blocks) })
        } finally {
          bar.stop()
        }
        out.push(this.report(file, { blocks: r.blocks, roots: r.roots.map(x => ({ cid: x.cid.toString(), pinned: x.pinned, missing: x.missing })) }))
      }
      return out
    })
  }

  private report (file: string, r: Omit<ImportJson, 'file'>): ImportJson {
    this.log(`imported ${r.blocks} blocks from ${file}`)
    for (const root of r.roots) {
      if (root.pinned) this.log(`pinned root ${root.cid}`)
      else if (root.missing != null) this.warnLine(`root ${root.cid} not pinned: its DAG is incomplete (block ${root.missing} is missing)`)
    }
    return { file, ...r }
  }
}
