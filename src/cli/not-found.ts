import levenshtein from 'fast-levenshtein'
import type { Config, Hook } from '@oclif/core'

/** What the user typed as a command, and the dcx command it most resembles */
interface Guess {
  /** The words taken as the command (`pin lss`), the rest being its arguments */
  typed: string[]
  rest: string[]
  /** The closest command or topic, in words (`pin ls`) */
  suggestion?: string[]
}

/**
 * The closest command to an unknown one: the typed words up to the first
 * that is not a topic (`pin lss file` -> `pin lss`), matched against the
 * commands and topics of that depth by edit distance, as
 * `@oclif/plugin-not-found` matches; a topic gets the next word when that
 * makes a command (`pni ls` -> `pin ls`). Nothing is suggested for a word
 * that resembles nothing (more than two letters, or a third of it, would have to change).
 */
export function guessCommand (words: string[], config: Pick<Config, 'commandIDs' | 'commands' | 'findTopic' | 'findCommand'>): Guess {
  const hidden = new Set(config.commands.filter(c => c.hidden).map(c => c.id))
  const visible = config.commandIDs.filter(id => !hidden.has(id))
  let depth = 1
  while (depth < words.length && config.findTopic(words.slice(0, depth).join(':')) != null && config.findCommand(words.slice(0, depth).join(':')) == null) depth++
  const typed = words.slice(0, depth)
  const prefix = typed.slice(0, -1).join(':')
  const last = typed[typed.length - 1]
  const names = new Set(visible
    .map(id => id.split(':'))
    .filter(parts => parts.length >= depth && parts.slice(0, depth - 1).join(':') === prefix)
    .map(parts => parts[depth - 1]))
  let best: { name: string, distance: number } | undefined
  for (const name of names) {
    const distance = levenshtein.get(last, name, { useCollator: true })
    if (best === undefined || distance < best.distance || (distance === best.distance && name < best.name)) best = { name, distance }
  }
  const rest = words.slice(depth)
  if (best === undefined || best.distance > Math.max(2, Math.ceil(last.length / 3))) return { typed, rest }
  const suggestion = [...typed.slice(0, -1), best.name]
  if (config.findCommand(suggestion.join(':')) == null && rest.length > 0 && config.findCommand([...suggestion, rest[0]].join(':')) != null) suggestion.push(rest[0])
  return { typed, rest, suggestion }
}

/** Raised through the plugin's context to end its flow without its own message */
class Declined extends Error {}

/**
 * An unknown command: one line naming the command it resembles, exit 2 (a
 * usage error). On a terminal, `@oclif/plugin-not-found` asks first whether
 * the resembling command was meant, and runs it if so.
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  const words = [...opts.id.split(':'), ...(opts.argv ?? [])]
  const guess = guessCommand(words, opts.config)
  if (guess.suggestion !== undefined && process.stdin.isTTY === true && process.stdout.isTTY === true) {
    const { default: ask } = await import('@oclif/plugin-not-found')
    process.stderr.write(`warning: '${guess.typed.join(' ')}' is not a dcx command\n`)
    try {
      return await ask.call({ ...this, warn: () => {}, error: () => { throw new Declined() } } as any, { ...opts, id: guess.typed.join(':'), argv: guess.rest })
    } catch (err) {
      if (!(err instanceof Declined)) throw err
    }
  }
  const hint = guess.suggestion !== undefined
    ? `did you mean '${guess.suggestion.join(' ')}'? (\`dcx help\` lists the commands)`
    : 'run `dcx help` to see the commands'
  process.stderr.write(`Error: unknown command '${guess.typed.join(' ')}': ${hint}\n`)
  process.exit(2)
}

export default hook
