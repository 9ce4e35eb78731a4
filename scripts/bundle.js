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
