import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let root: string | undefined

/**
 * The folder holding dcx's package.json. Found by walking up rather than by a
 * fixed `../` because this code runs both from `dist/` as tsc wrote it and from
 * `dist/bundle/`, where esbuild may have moved it into a shared chunk.
 */
export function packageRoot (): string {
  if (root !== undefined) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('dcx cannot find its own package.json above ' + fileURLToPath(import.meta.url))
    dir = up
  }
  root = dir
  return root
}

/** A file of the tsc-compiled tree (`dist/`): workers start from there, not from the bundle */
export function distFile (path: string): string {
  return join(packageRoot(), 'dist', path)
}
