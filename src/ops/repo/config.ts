import * as z from 'zod/mini'
import { defineOp } from '../operation.js'
import type { RepoConfig } from '../../repo/config.js'

/** Kubo's `ConfigField`: what `ipfs config <key> [<value>]` answers */
export interface ConfigField {
  Key: string
  Value: unknown
}

async function configFile (root: string): Promise<{ file: string, config: RepoConfig }> {
  const [{ repoPaths }, { readConfig }] = await Promise.all([import('../../repo/paths.js'), import('../../repo/config.js')])
  const file = repoPaths(root).config
  return { file, config: await readConfig(file, root) }
}

/**
 * `config`: read one key of config.json, or set it (the value checked with
 * the whole config before the file is replaced). Through a daemon the file
 * changes at once and the daemon uses it from its next start, as Kubo's.
 */
export const configOp = defineOp({
  name: 'config',
  access: 'files',
  input: z.strictObject({ key: z.string(), value: z.optional(z.unknown()) }),
  run: async (ctx, { key, value }): Promise<ConfigField> => {
    const { file, config } = await configFile(ctx.root)
    const { getConfigKey, setConfigKey } = await import('../../repo/config-keys.js')
    if (value === undefined) return { Key: key, Value: getConfigKey(config, key) }
    const { writeConfig } = await import('../../repo/config.js')
    await writeConfig(file, setConfigKey(config, key, value))
    return { Key: key, Value: value }
  }
})

/** `config/show`: the whole config.json */
export const configShowOp = defineOp({
  name: 'config/show',
  access: 'files',
  input: z.strictObject({}),
  run: async (ctx): Promise<RepoConfig> => (await configFile(ctx.root)).config
})
