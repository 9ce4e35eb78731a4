import { join } from 'node:path'
import { PROJECT } from '../helpers/cli.js'

/** Test programs of our own (C sources beside them, built by build.sh) */
export const PROGRAMS = join(PROJECT, 'test', 'wasm', 'programs')
export const CORPUS = join(PROJECT, 'test', 'wasm', 'corpus')
