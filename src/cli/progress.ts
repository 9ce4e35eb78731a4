import { SingleBar, Presets } from 'cli-progress'

/** A progress display; a no-op when stderr is not a terminal */
export interface Progress {
  update: (done: number, total?: number) => void
  stop: () => void
}

const silent: Progress = { update: () => {}, stop: () => {} }

/**
 * A progress bar on stderr, only when stderr is a TTY, so pipes and scripts
 * see clean output. `unit` is 'bytes' or a noun for counted things.
 */
export function progressBar (label: string, total: number | undefined, unit: 'bytes' | string = 'bytes', stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY !== true) return silent
  const bytes = unit === 'bytes'
  const bar = new SingleBar({
    stream,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    fps: 10,
    format: total != null
      ? `${label} [{bar}] {percentage}% | {doneText}/{totalText} | {speed} | eta {eta_formatted}`
      : `${label} {doneText} | {speed}`,
  }, Presets.shades_classic)
  const started = Date.now()
  const text = (n: number): string => bytes ? humanBytes(n) : `${n} ${unit}`
  bar.start(total ?? 0, 0, { doneText: text(0), totalText: text(total ?? 0), speed: '' })
  return {
    update: (done, newTotal) => {
      // a count that is not one (an event of another shape) would print "undefined B | NaN B/s"
      if (!Number.isFinite(done)) return
      if (newTotal != null && Number.isFinite(newTotal) && newTotal !== bar.getTotal()) bar.setTotal(newTotal)
      const secs = (Date.now() - started) / 1000
      const rate = secs > 0 ? done / secs : 0
      bar.update(done, { doneText: text(done), totalText: text(newTotal ?? total ?? 0), speed: bytes ? `${humanBytes(rate)}/s` : `${Math.round(rate)}/s` })
    },
    stop: () => bar.stop()
  }
}

/** 1536 -> '1.5 KiB' */
export function humanBytes (n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`
}

/** One line of status on stderr that replaces itself (a TTY only), e.g. what a read waits for */
export interface StatusLine {
  show: (text: string) => void
  clear: () => void
}

/** A status line on `stream`; a no-op when it is not a terminal */
export function statusLine (stream: NodeJS.WriteStream = process.stderr): StatusLine {
  if (stream.isTTY !== true) return { show: () => {}, clear: () => {} }
  let shown = false
  return {
    show: text => {
      const width = Math.max(20, (stream.columns ?? 80) - 1)
      stream.write(`\r\u001b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`)
      shown = true
    },
    clear: () => {
      if (shown) stream.write('\r\u001b[K')
      shown = false
    }
  }
}
