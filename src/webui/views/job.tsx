// One job: its result (from its receipt), the heads of its stdout and
// stderr, its output tree, its spec, and a Verify button that re-runs it.
import { useState } from 'preact/hooks'
import { ApiError, FETCH_TIMEOUT, head, json } from '../api.js'
import { bytes, Cid, ErrorLine, Fields, Loading, Peer, Status, Tree, useLoad } from '../components.js'
import { dataHref } from '../route.js'
import type { JobShow, ReceiptJson, Verdict } from '../types.js'

/** How much of stdout and stderr the page shows */
const HEAD_BYTES = 8192

function Stream ({ output, name }: { output: string, name: 'stdout' | 'stderr' }) {
  const { value, error, loading } = useLoad(async signal => await head(`${output}/${name}`, HEAD_BYTES + 1, signal), [output, name])
  return (
    <section aria-labelledby={`${name}-title`}>
      <h2 id={`${name}-title`}>{name}</h2>
      {loading && <Loading what={name} />}
      {error instanceof ApiError ? <p class='muted'>No {name} in the output.</p> : <ErrorLine error={error} />}
      {value !== undefined && (value === ''
        ? <p class='muted'>Empty.</p>
        : <pre data-testid={name} tabIndex={0} aria-label={name}>{value.slice(0, HEAD_BYTES)}{value.length > HEAD_BYTES && <span class='muted'>{'\n'}… (the first {bytes(HEAD_BYTES)}; the whole file is in the output below)</span>}</pre>)}
    </section>
  )
}

function VerifyButton ({ receipt }: { receipt: string }) {
  const [running, setRunning] = useState(false)
  const [verdict, setVerdict] = useState<Verdict>()
  const [error, setError] = useState<Error>()
  const verify = (): void => {
    setRunning(true)
    setVerdict(undefined)
    setError(undefined)
    json<Verdict>('dcx/verify', { arg: receipt }).then(setVerdict, setError).finally(() => { setRunning(false) })
  }
  return (
    <div class='verify'>
      <button type='button' data-testid='verify' onClick={verify} disabled={running}>{running ? 'Verifying…' : 'Verify'}</button>
      <span class='muted'> re-runs the job here and compares its output with the receipt's.</span>
      <div role='status' aria-live='polite' data-testid='verify-result'>
        {verdict !== undefined && (verdict.verified
          ? <p class='status ok'>✓ Verified: {verdict.reason}.</p>
          : <>
            <p class='status failed'>✗ NOT verified: {verdict.reason}.</p>
            {verdict.differences.length > 0 && <>
              <p>Files that differ:</p>
              <ul>{verdict.differences.map(d => <li key={d} data-testid='difference'><code>{d}</code></li>)}</ul>
              {verdict.differencesTruncated && <p class='muted'>… and more.</p>}
            </>}
          </>)}
        <ErrorLine error={error} />
      </div>
    </div>
  )
}

function Result ({ r }: { r: ReceiptJson }) {
  return (
    <Fields rows={[
      ['Status', <Status status={r.status} exitCode={r.exitCode} />],
      ...(r.trap !== null ? [['Trap', r.trap] as [string, string]] : []),
      ['Exit code', String(r.exitCode ?? '–')],
      ['Fuel', r.fuel.toLocaleString('en')],
      ...(r.limitsHit !== undefined ? [['Limits hit', r.limitsHit.join(', ')] as [string, string]] : []),
      ['Executor', <Peer id={r.executor} />],
      ['Time', <time dateTime={r.time}>{r.time}</time>],
      ['Output', <Cid cid={r.output} href={dataHref(r.output)} />],
      ['Receipt', <Cid cid={r.receipt} />]
    ]} />
  )
}

function Spec ({ s }: { s: JobShow }) {
  return (
    <Fields rows={[
      ['Job', <Cid cid={s.job} />],
      ['Module', <><code>{s.name}</code> <Cid cid={s.module} /></>],
      ['Inputs', s.inputs.length === 0 ? '–' : <ul class='plain'>{s.inputs.map(i => <li key={i.path}><code>{i.path}</code> ← <Cid cid={i.cid} href={dataHref(i.cid)} /></li>)}</ul>],
      ['Arguments', s.args.length === 0 ? '–' : <code>{s.args.join(' ')}</code>],
      ['Environment', s.env.length === 0 ? '–' : <ul class='plain'>{s.env.map(([k, v]) => <li key={k}><code>{k}={v}</code></li>)}</ul>],
      ['Limits', <ul class='plain'>{Object.entries(s.limits).map(([k, v]) => <li key={k}>{k}: {String(v)}</li>)}</ul>],
      ['Seed', s.seed === '' ? '–' : <code>{s.seed}</code>],
      ['Runtime ABI', String(s.runtime.abi)]
    ]} />
  )
}

export function JobView ({ cid }: { cid: string }) {
  const { value: job, error, loading } = useLoad(async signal => await json<JobShow>('dcx/job/show', { arg: cid, timeout: FETCH_TIMEOUT }, { signal }), [cid])
  const [path, setPath] = useState<string[]>([])
  return (
    <section aria-labelledby='job-title'>
      <h1 id='job-title'>Job {job !== undefined && <code>{job.name}</code>}</h1>
      <p><a href='#/jobs'>← All jobs</a></p>
      {loading && <Loading what='the job' />}
      <ErrorLine error={error} />
      {job !== undefined && <>
        <section aria-labelledby='result-title'>
          <h2 id='result-title'>Result</h2>
          {job.receipt === null
            ? <p>This repo holds no receipt for this job.</p>
            : <><Result r={job.receipt} /><VerifyButton receipt={job.receipt.receipt} /></>}
        </section>
        {job.receipt !== null && <>
          <Stream output={job.receipt.output} name='stdout' />
          <Stream output={job.receipt.output} name='stderr' />
          <section aria-labelledby='output-title'>
            <h2 id='output-title'>Output</h2>
            <Tree root={job.receipt.output} path={path} open={setPath} label='output' />
          </section>
        </>}
        <section aria-labelledby='spec-title'>
          <h2 id='spec-title'>Spec</h2>
          <Spec s={job} />
        </section>
      </>}
    </section>
  )
}
