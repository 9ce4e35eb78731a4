// Small pieces every view uses: loading a value, showing a CID, a status, a
// size, an error, and browsing a UnixFS tree.
import { useEffect, useState } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import { blob, FETCH_TIMEOUT, json, NeedTokenError } from './api.js'
import type { LsAnswer } from './types.js'

/** A value loaded once per change of `deps`, with its error; the load is abandoned when they change */
export function useLoad<T> (load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): { value?: T, error?: Error, loading: boolean, reload: () => void } {
  const [state, setState] = useState<{ value?: T, error?: Error, loading: boolean }>({ loading: true })
  const [round, setRound] = useState(0)
  useEffect(() => {
    const aborter = new AbortController()
    setState(s => ({ ...s, loading: true }))
    load(aborter.signal).then(
      value => { if (!aborter.signal.aborted) setState({ value, loading: false }) },
      (error: Error) => { if (!aborter.signal.aborted) setState({ error, loading: false }) }
    )
    return () => { aborter.abort() }
  }, [...deps, round])
  return { ...state, reload: () => { setRound(r => r + 1) } }
}

/** A failure in one line; a missing token is asked for by the page itself */
export function ErrorLine ({ error }: { error?: Error }) {
  if (error === undefined) return null
  if (error instanceof NeedTokenError) return <p class='muted'>Waiting for the API token.</p>
  return <p class='error' role='alert'>Error: {error.message}</p>
}

export function Loading ({ what }: { what: string }) {
  return <p class='muted' aria-busy='true'>Loading {what}…</p>
}

/** A CID in full (it wraps on a narrow screen), as code */
export function Cid ({ cid, href }: { cid: string, href?: string }) {
  return href === undefined ? <code class='cid'>{cid}</code> : <a class='cid' href={href}><code>{cid}</code></a>
}

/** A peer ID shortened to its end, which is what differs; the whole one in the title */
export function Peer ({ id, self }: { id: string | null, self?: string }) {
  if (id === null) return <span class='muted'>–</span>
  if (id === self) return <span title={id}>this node</span>
  return <code class='peer' title={id}>…{id.slice(-8)}</code>
}

/** Whether a run succeeded */
export function isOk (status: string, exitCode: number | null): boolean {
  return status === 'exit' && exitCode === 0
}

/** A status as words and a color: never the color alone */
export function Status ({ status, exitCode }: { status: string, exitCode: number | null }) {
  const text = status === 'exit' ? `exit ${String(exitCode)}` : status
  return <span class={`status ${isOk(status, exitCode) ? 'ok' : 'failed'}`}>{isOk(status, exitCode) ? '✓ ' : '✗ '}{text}</span>
}

/** Bytes as a person reads them */
export function bytes (n: number | string | undefined): string {
  const v = Number(n)
  if (n === undefined || !Number.isFinite(v)) return '–'
  if (v < 1024) return `${v} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let x = v / 1024
  let i = 0
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++ }
  return `${x.toFixed(x < 10 ? 1 : 0)} ${units[i]}`
}

/** A `<dl>` of label and value pairs */
export function Fields ({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class='fields'>
      {rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
    </dl>
  )
}

/** Save a file's bytes (read through `cat`) under its name */
export async function download (path: string, name: string): Promise<void> {
  const url = URL.createObjectURL(await blob(path))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
}

function DownloadButton ({ path, name }: { path: string, name: string }) {
  const [state, setState] = useState<string>()
  const save = (): void => {
    setState('downloading…')
    download(path, name).then(() => { setState(undefined) }, (err: Error) => { setState(`failed: ${err.message}`) })
  }
  return <>
    <button type='button' onClick={save} aria-label={`Download ${name}`}>Download</button>
    {state !== undefined && <span class='muted' role='status'> {state}</span>}
  </>
}

interface Entry { name: string, cid: string, size: number, dir: boolean }

const DIRECTORY = 1

/** What a path names: a directory's entries, or one file */
async function describe (root: string, path: string[], signal: AbortSignal): Promise<{ dir: true, entries: Entry[] } | { dir: false, size: number }> {
  const target = [root, ...path].join('/')
  if (path.length > 0) {
    // the parent's listing says what the entry is: a directory holding one file of its own name would look like a file
    const parent = await json<LsAnswer>('ls', { arg: [root, ...path.slice(0, -1)].join('/'), timeout: FETCH_TIMEOUT }, { signal })
    const self = parent.Objects[0]?.Links.find(l => l.Name === path.at(-1))
    if (self !== undefined && self.Type !== DIRECTORY) return { dir: false, size: self.Size }
  }
  const links = (await json<LsAnswer>('ls', { arg: target, timeout: FETCH_TIMEOUT }, { signal })).Objects[0]?.Links ?? []
  // `ls` of a file lists the file itself
  if (path.length === 0 && links.length === 1 && links[0].Hash === root && links[0].Type !== DIRECTORY) return { dir: false, size: links[0].Size }
  return { dir: true, entries: links.map(l => ({ name: l.Name, cid: l.Hash, size: l.Size, dir: l.Type === DIRECTORY })) }
}

/**
 * A UnixFS tree from `root`, at `path`: a breadcrumb, then a directory's
 * entries (a folder opens with `open`, a file downloads) or one file.
 */
export function Tree ({ root, path, open, label }: { root: string, path: string[], open: (path: string[]) => void, label: string }) {
  const { value, error, loading } = useLoad(async signal => await describe(root, path, signal), [root, path.join('/')])
  const crumbs = [{ name: label, path: [] as string[] }, ...path.map((name, i) => ({ name, path: path.slice(0, i + 1) }))]
  return (
    <div class='tree' data-testid='tree'>
      <nav aria-label='Path' class='crumbs'>
        {crumbs.map((c, i) => i === crumbs.length - 1
          ? <span key={i} aria-current='location'>{c.name}</span>
          : <span key={i}><button type='button' class='link' onClick={() => { open(c.path) }}>{c.name}</button> / </span>)}
      </nav>
      {loading && <Loading what='the listing' />}
      <ErrorLine error={error} />
      {value !== undefined && !loading && (value.dir
        ? value.entries.length === 0
          ? <p class='muted'>An empty directory.</p>
          : <ul class='entries'>
            {value.entries.map(e => (
              <li key={e.name} data-testid='entry' data-name={e.name}>
                {e.dir
                  ? <button type='button' class='link' onClick={() => { open([...path, e.name]) }}>{e.name}/</button>
                  : <><span>{e.name}</span> <span class='muted'>{bytes(e.size)}</span> <DownloadButton path={[root, ...path, e.name].join('/')} name={e.name} /></>}
              </li>
            ))}
          </ul>
        : <p>A file of {bytes(value.size)}. <DownloadButton path={[root, ...path].join('/')} name={path.at(-1) ?? root} /></p>)}
    </div>
  )
}
