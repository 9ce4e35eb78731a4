import type { Hook } from '@oclif/core'

/** An unknown command: one line and exit 2, instead of oclif's decorated message */
const hook: Hook<'command_not_found'> = async function (opts) {
  process.stderr.write(`Error: unknown command '${opts.id.replaceAll(':', ' ')}': run \`dcx --help\` to see the commands\n`)
  process.exit(2)
}

export default hook
