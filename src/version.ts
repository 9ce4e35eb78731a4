import { readFileSync } from 'node:fs'

/** dcx's version, from its package.json (recorded in receipts) */
export const DCX_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version
