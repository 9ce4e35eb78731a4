/**
 * V8's trap messages, mapped to stable names (wasmtime's wording) so a
 * receipt does not change when V8 rewords an error. Order matters: the first
 * pattern that matches wins.
 */
const TRAPS: Array<[RegExp, string]> = [
  [/unreachable/i, 'unreachable'],
  [/memory access out of bounds|out of bounds memory access/i, 'out of bounds memory access'],
  [/divide by zero|remainder by zero/i, 'integer divide by zero'],
  [/divide result unrepresentable|integer overflow/i, 'integer overflow'],
  [/float unrepresentable|invalid conversion/i, 'invalid conversion to integer'],
  [/signature mismatch|null function/i, 'indirect call type mismatch'],
  [/table index is out of bounds|element segment|table access out of bounds/i, 'undefined element'],
  [/data segment/i, 'out of bounds memory access'],
  [/null/i, 'null reference']
]

/** A stable trap name for a V8 RuntimeError message, or undefined if it is not a trap we know */
export function trapName (message: string): string | undefined {
  for (const [re, name] of TRAPS) if (re.test(message)) return name
  return undefined
}
