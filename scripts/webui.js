// npm run build, the web view: src/webui/ (Preact, TSX, plain CSS) bundled
// into dist/webui/ as index.html, app.js and app.css, which the daemon's RPC
// server serves at /webui. Everything the page runs is in these three files:
// nothing is loaded from another origin, so it works offline and under a CSP
// of 'self' (src/api/webui.ts). tsc checks the types (src/webui/tsconfig.json);
// esbuild only strips them.
import { build } from 'esbuild'
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const src = join(root, 'src/webui')
const out = join(root, 'dist/webui')

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
await build({
  entryPoints: { app: join(src, 'main.tsx') },
  outdir: out,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning'
})
copyFileSync(join(src, 'index.html'), join(out, 'index.html'))
