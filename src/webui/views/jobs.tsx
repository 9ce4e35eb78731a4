// The runs of this repo's history, newest first (`dcx job ls`), kept live by
// the daemon's event stream: a run that finishes appears without a reload.
import { useEffect, useState } from 'preact/hooks'
import { json, watchEvents } from '../api.js'
import { ErrorLine, Loading, Peer, Status } from '../components.js'
import type { JobRecord } from '../types.js'

/** How many runs the list shows: the newest; `dcx job ls -n 0` lists all */
const SHOWN = 200

function took (r: JobRecord): string {
  if (r.via === 'cached') return 'cached'
  return r.durationMs === null ? '–' : `${(r.durationMs / 1000).toFixed(2)} s`
}

/** The same run, once from the list and once from the stream */
function same (a: JobRecord, b: JobRecord): boolean {
  return a.time === b.time && a.job === b.job && a.receipt === b.receipt
}

function JobRow ({ r, self }: { r: JobRecord, self?: string }) {
  const target = r.receipt ?? r.job
  const href = r.via === 'map' ? `#/map/${target}` : `#/job/${target}`
  return (
    <tr data-testid='job-row' data-job={r.job} data-receipt={r.receipt ?? ''}>
      <td data-label='Time'><time dateTime={r.time}>{r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time></td>
      <td data-label='Job'><a href={href}>{r.name}</a>{r.via === 'map' && <span class='tag'>map</span>}</td>
      <td data-label='Status'><Status status={r.status} exitCode={r.exitCode} /></td>
      <td data-label='Ran on'><Peer id={r.executor} self={self} /></td>
      <td data-label='Took'>{took(r)}</td>
      <td data-label='Job CID'><a href={href} class='cid'><code>{r.job}</code></a></td>
    </tr>
  )
}

export function JobsView () {
  const [records, setRecords] = useState<JobRecord[]>()
  const [error, setError] = useState<Error>()
  const [live, setLive] = useState<boolean>()
  const [self, setSelf] = useState<string>()
  const [news, setNews] = useState('')

  useEffect(() => {
    const aborter = new AbortController()
    const { signal } = aborter
    const load = (): void => {
      json<JobRecord[]>('dcx/job/ls', { limit: SHOWN }, { signal }).then(
        list => { setRecords(list); setError(undefined) },
        (err: Error) => { if (!signal.aborted) setError(err) }
      )
    }
    load()
    watchEvents(e => {
      if (e.type === 'hello') {
        setSelf(e.peerId)
        // runs recorded while the stream was down come with the list
        load()
      } else if (e.type === 'job') {
        setRecords(list => list === undefined || list.some(r => same(r, e.record)) ? list : [e.record, ...list].slice(0, SHOWN))
        setNews(`New run: ${e.record.name}, ${e.record.status === 'exit' ? `exit ${String(e.record.exitCode)}` : e.record.status}`)
      }
    }, setLive, signal)
    return () => { aborter.abort() }
  }, [])

  return (
    <section aria-labelledby='jobs-title'>
      <h1 id='jobs-title'>Jobs</h1>
      <p class='muted' data-testid='live'>
        {live === undefined ? 'Connecting to the daemon\'s events…' : live ? '● Live: new runs appear as they finish.' : '○ Reconnecting to the daemon\'s events…'}
      </p>
      <p class='sr-only' aria-live='polite' data-testid='news'>{news}</p>
      <ErrorLine error={error} />
      {records === undefined && error === undefined && <Loading what='the jobs' />}
      {records !== undefined && records.length === 0 && <p>No runs yet: <code>dcx run</code> one and it appears here.</p>}
      {records !== undefined && records.length > 0 && (
        <table class='cards'>
          <caption class='sr-only'>Runs, newest first</caption>
          <thead><tr><th scope='col'>Time</th><th scope='col'>Job</th><th scope='col'>Status</th><th scope='col'>Ran on</th><th scope='col'>Took</th><th scope='col'>Job CID</th></tr></thead>
          <tbody>{records.map(r => <JobRow key={`${r.time}-${r.job}-${r.receipt ?? ''}`} r={r} self={self} />)}</tbody>
        </table>
      )}
      {records !== undefined && records.length === SHOWN && <p class='muted'>The newest {SHOWN} runs; <code>dcx job ls -n 0</code> lists all.</p>}
    </section>
  )
}
