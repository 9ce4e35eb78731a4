/**
 * Flags every dcx command takes, which a user may write before the command
 * as Kubo's global options are written (`dcx --repo X pin ls`); oclif reads
 * flags only after the command id. `true`: the flag takes a value.
 */
const GLOBAL_FLAGS: Record<string, boolean> = {
  '--repo': true,
  '--json': false,
  '--timeout': true
}

/**
 * Move the global flags written before the command to after it: before a
 * `--` (after which words are a job's arguments), else at the end. Nothing
 * else is touched: `dcx pin ls --repo X` is already what oclif reads.
 */
export function hoistGlobalFlags (argv: readonly string[]): string[] {
  const hoisted: string[] = []
  let i = 0
  while (i < argv.length) {
    const word = argv[i]
    const eq = word.indexOf('=')
    const name = eq < 0 ? word : word.slice(0, eq)
    const takesValue = GLOBAL_FLAGS[name]
    if (takesValue === undefined) break
    if (takesValue && eq < 0) {
      // a missing value is left for oclif to report, after the command
      hoisted.push(...argv.slice(i, i + 2))
      i += 2
    } else {
      hoisted.push(word)
      i += 1
    }
  }
  if (hoisted.length === 0) return [...argv]
  const rest = argv.slice(i)
  const end = rest.indexOf('--')
  return end < 0 ? [...rest, ...hoisted] : [...rest.slice(0, end), ...hoisted, ...rest.slice(end)]
}
