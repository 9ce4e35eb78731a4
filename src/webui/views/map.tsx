// A map run: its shards in columns by the peer that ran them, each a link to
// its job, colored and labelled by status, then the reduce.
import { FETCH_TIMEOUT, json } from '../api.js'
import { Cid, ErrorLine, Fields, isOk, Loading, Peer, Status, useLoad } from '../components.js'
import { dataHref } from '../route.js'
import type { MapSummary, Shard } from '../types.js'

/** Shards grouped by executor, peers in the order they first appear */
function byExecutor (shards: Shard[]): Array<[string, Shard[]]> {
  const groups = new Map<string, Shard[]>()
  for (const s of shards) groups.set(s.executor, [...(groups.get(s.executor) ?? []), s])
  return [...groups]
}

function ShardCell ({ s }: { s: Shard }) {
  const ok = isOk(s.status, s.exitCode)
  return (
    <li>
      <a class={`shard ${ok ? 'ok' : 'failed'}`} href={`#/job/${s.receipt}`} data-testid='shard' data-shard={s.name} data-executor={s.executor}>
        <span class='name'>{s.name}</span>
        <span class='label'>{ok ? '✓ ' : '✗ '}{s.status === 'exit' ? `exit ${String(s.exitCode)}` : s.status}</span>
      </a>
    </li>
  )
}

export function MapView ({ cid }: { cid: string }) {
  const { value: run, error, loading } = useLoad(async signal => await json<MapSummary>('dcx/map/show', { arg: cid, timeout: FETCH_TIMEOUT }, { signal }), [cid])
  return (
    <section aria-labelledby='map-title'>
      <h1 id='map-title'>Map run</h1>
      <p><a href='#/jobs'>← All jobs</a></p>
      {loading && <Loading what='the map run' />}
      <ErrorLine error={error} />
      {run !== undefined && <>
        <Fields rows={[
          ['Status', <Status status={run.status} exitCode={run.status === 'exit' ? 0 : null} />],
          ['Shards', `${run.shards.length} (${run.failed.length} failed)`],
          ['Output', <Cid cid={run.output} href={dataHref(run.output)} />],
          ['Run', <Cid cid={run.job} />],
          ['Receipt', <Cid cid={run.receipt} />]
        ]} />
        <h2>Shards by executor</h2>
        <div class='grid' data-testid='map-grid'>
          {byExecutor(run.shards).map(([peer, shards]) => (
            <section class='column' key={peer} aria-label={`Shards run by ${peer}`} data-testid='executor' data-executor={peer}>
              <h3><Peer id={peer} /> <span class='muted'>{shards.length} shard{shards.length === 1 ? '' : 's'}</span></h3>
              <ul class='shards'>{shards.map(s => <ShardCell key={s.name} s={s} />)}</ul>
            </section>
          ))}
        </div>
        <h2>Reduce</h2>
        {run.reduce === null
          ? <p class='muted'>No reduce: the output is the directory of the shards' results.</p>
          : <p data-testid='reduce'>
            <a class={`shard ${isOk(run.reduce.status, run.reduce.exitCode) ? 'ok' : 'failed'}`} href={`#/job/${run.reduce.receipt}`}>
              <span class='name'>reduce</span>
              <span class='label'>{isOk(run.reduce.status, run.reduce.exitCode) ? '✓ ' : '✗ '}{run.reduce.status === 'exit' ? `exit ${String(run.reduce.exitCode)}` : run.reduce.status}</span>
            </a>
          </p>}
        {run.attempts.length > 0 && <>
          <h2>Attempts that failed</h2>
          <ul>{run.attempts.map((a, i) => <li key={i}><code>{a.shard}</code> on <Peer id={a.peer} />{a.why !== undefined ? `: ${a.why}` : ''}</li>)}</ul>
        </>}
        {run.disagreements.length > 0 && <>
          <h2>Disagreements</h2>
          <ul>{run.disagreements.map(d => <li key={d.shard}><code>{d.shard}</code>: {d.dissenters.map(p => <Peer key={p} id={p} />)}</li>)}</ul>
        </>}
      </>}
    </section>
  )
}
