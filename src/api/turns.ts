let writing: Promise<unknown> = Promise.resolve()

/**
 * Run `fn` when the writers before it are done. Writers inside the daemon
 * take turns, as separate processes do on the repo lock: an add and its pins
 * never interleave with a gc.
 */
export async function inTurn<T> (fn: () => Promise<T>): Promise<T> {
  const turn = writing.then(fn)
  writing = turn.catch(() => {})
  return await turn
}

/** Wait for the writer running now and those queued behind it */
export async function writersDone (): Promise<void> {
  let seen
  do {
    seen = writing
    await seen
  } while (seen !== writing)
}
