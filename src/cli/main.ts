import { execute } from '@oclif/core/execute'
import { hoistGlobalFlags } from './argv.js'

/**
 * The exit status a shell reports for `cat` killed by SIGPIPE: 128 + 13. A
 * reader that goes away (`dcx cat <cid> | head -c 10`) ends dcx quietly with
 * it: Node ignores SIGPIPE, so otherwise a write fails with EPIPE, the
 * pending write never drains and Node exits 13 with a warning.
 */
const EXIT_SIGPIPE = 141

/** The CLI's entry: oclif, bundled with the commands (scripts/bundle.js); global flags may come before the command */
export async function main (): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(EXIT_SIGPIPE)
      throw err
    })
  }
  await execute({ dir: import.meta.url, args: hoistGlobalFlags(process.argv.slice(2)) })
}
