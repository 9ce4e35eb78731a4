// This node: its peer ID and addresses, its repo's size and blocks, and the
// config that decides what it runs for peers and what it pins for them.
import { json } from '../api.js'
import { bytes, Cid, ErrorLine, Fields, Loading, useLoad } from '../components.js'
import type { IdAnswer, RepoStat } from '../types.js'

/** A config section as the daemon reports it (`config?arg=<key>`) */
function ConfigSection ({ name, title }: { name: string, title: string }) {
  const { value, error, loading } = useLoad(async signal => await json<{ Key: string, Value: unknown }>('config', { arg: name }, { signal }), [name])
  return (
    <section aria-labelledby={`config-${name}`}>
      <h2 id={`config-${name}`}>{title} <span class='muted'>(<code>{name}</code>)</span></h2>
      {loading && <Loading what={name} />}
      <ErrorLine error={error} />
      {value !== undefined && (value.Value !== null && typeof value.Value === 'object'
        ? <Fields rows={Object.entries(value.Value as Record<string, unknown>).map(([k, v]) => [k, <code>{JSON.stringify(v)}</code>])} />
        : <code>{JSON.stringify(value.Value)}</code>)}
    </section>
  )
}

export function NodeView () {
  const id = useLoad(async signal => await json<IdAnswer>('id', {}, { signal }), [])
  const stat = useLoad(async signal => await json<RepoStat>('repo/stat', {}, { signal }), [])
  return (
    <section aria-labelledby='node-title'>
      <h1 id='node-title'>Node</h1>
      {(id.loading || stat.loading) && <Loading what='the node' />}
      <ErrorLine error={id.error ?? stat.error} />
      {id.value !== undefined && <Fields rows={[
        ['Peer ID', <span data-testid='peer-id'><Cid cid={id.value.ID} /></span>],
        ['Addresses', (id.value.Addresses ?? []).length === 0 ? '–' : <ul class='plain'>{id.value.Addresses!.map(a => <li key={a}><code class='cid'>{a}</code></li>)}</ul>],
        ['Version', id.value.AgentVersion]
      ]} />}
      {stat.value !== undefined && <Fields rows={[
        ['Repo size', bytes(stat.value.RepoSize)],
        ['Blocks', stat.value.NumObjects.toLocaleString('en')],
        ['Repo', <code class='cid'>{stat.value.RepoPath}</code>]
      ]} />}
      <ConfigSection name='executor' title='What it runs for peers' />
      <ConfigSection name='pinning' title='What it pins for peers' />
    </section>
  )
}
