import * as z from 'zod/mini'
import { InvalidArgumentError } from '../../errors.js'
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

/** What stands for a secret `redact` hides */
export const REDACTED = '<redacted>'

/**
 * The config as the RPC may show it: each `API.Authorizations.<name>.AuthSecret`
 * replaced by `REDACTED` (whoever reads the config over HTTP must not learn
 * the secrets that open it).
 */
export function redactConfig (config: RepoConfig): RepoConfig {
  const listed = config.API?.Authorizations
  if (listed === null || typeof listed !== 'object') return config
  const hidden = Object.fromEntries(Object.entries(listed).map(([name, entry]) =>
    [name, entry !== null && typeof entry === 'object' && 'AuthSecret' in entry ? { ...entry, AuthSecret: REDACTED } : entry]))
  return { ...config, API: { ...config.API, Authorizations: hidden } }
}

/** Kubo's refusal: the private key is never shown or set through `config` (ours is in identity.key, not config.json) */
function refusePrivateKey (key: string): void {
  if (/^identity\.privkey(\.|$)/i.test(key)) throw new InvalidArgumentError('cannot show or change private key through API: the identity is identity.key in the repo folder, never a config key')
}

/**
 * `config`: read one key of config.json, or set it (the value checked with
 * the whole config before the file is replaced). Through a daemon the file
 * changes at once and the daemon uses it from its next start, as Kubo's.
 * `Identity.PrivKey` is refused, as Kubo does; `redact` hides the API's
 * secrets (the RPC sets it).
 */
export const configOp = defineOp({
  name: 'config',
  access: 'files',
  input: z.strictObject({ key: z.string(), value: z.optional(z.unknown()), redact: z.optional(z.boolean()) }),
  run: async (ctx, { key, value, redact }): Promise<ConfigField> => {
    refusePrivateKey(key)
    const { file, config } = await configFile(ctx.root)
    const { getConfigKey, setConfigKey } = await import('../../repo/config-keys.js')
    if (value === undefined) return { Key: key, Value: getConfigKey(redact === true ? redactConfig(config) : config, key) }
    const { writeConfig } = await import('../../repo/config.js')
    await writeConfig(file, setConfigKey(config, key, value))
    return { Key: key, Value: value }
  }
})

/** `config/show`: the whole config.json; with `redact`, the API's secrets hidden */
export const configShowOp = defineOp({
  name: 'config/show',
  access: 'files',
  input: z.strictObject({ redact: z.optional(z.boolean()) }),
  run: async (ctx, { redact }): Promise<RepoConfig> => {
    const { config } = await configFile(ctx.root)
    return redact === true ? redactConfig(config) : config
  }
})
