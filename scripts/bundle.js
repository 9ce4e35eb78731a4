// npm run build, second step: bundle the CLI with esbuild so that a cold
// start reads a few files instead of resolving ~500 modules (docs/rationale.md,
// "Why the CLI is bundled"). One entry per command plus the oclif entry, with
// shared chunks, so a command loads only its own code and one copy of oclif.
// tsc's dist/ stays: workers start from it, and tests import it.
import { build } from 'esbuild'
import { readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const out = join(root, 'dist/bundle')

function * commandFiles (dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield * commandFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

const entryPoints = { main: join(root, 'src/cli/main.ts'), 'hooks/not-found': join(root, 'src/cli/not-found.ts') }
for (const file of commandFiles(join(root, 'src/commands'))) {
  entryPoints[relative(join(root, 'src'), file).replace(/\.ts$/, '')] = file
}
// help, version and completion are oclif's plugins' commands, bundled as our
// own: declared as plugins, oclif would find and load three packages on every
// start, about a tenth of it (docs/rationale.md, "Why the CLI is bundled")
const pluginCommands = {
  'commands/help': '@oclif/plugin-help/lib/commands/help.js',
  'commands/version': '@oclif/plugin-version/lib/commands/version.js',
  'commands/autocomplete/index': '@oclif/plugin-autocomplete/lib/commands/autocomplete/index.js',
  'commands/autocomplete/create': '@oclif/plugin-autocomplete/lib/commands/autocomplete/create.js',
  'commands/autocomplete/script': '@oclif/plugin-autocomplete/lib/commands/autocomplete/script.js'
}
for (const [name, file] of Object.entries(pluginCommands)) entryPoints[name] = join(root, 'node_modules', file)

rmSync(out, { recursive: true, force: true })
await build({
  entryPoints,
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
  // a native addon, loaded from its own folder by node-gyp-build; oclif's
  // optional TypeScript support, never used by a built CLI
  external: ['classic-level', 'typescript', 'ts-node'],
  // bundled CommonJS (oclif) calls require() for Node's built-ins
  banner: { js: "import { createRequire as __dcxRequire } from 'node:module'; const require = __dcxRequire(import.meta.url);" }
})
