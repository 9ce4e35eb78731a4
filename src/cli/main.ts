import { execute } from '@oclif/core'

/** The CLI's entry: oclif, bundled with the commands (scripts/bundle.js) */
export async function main (): Promise<void> {
  await execute({ dir: import.meta.url })
}
