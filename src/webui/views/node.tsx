// This node: its peer ID and addresses, its repo's size and blocks, and the
// config (`config/show`) that decides what it runs for peers and what it pins for them.
import { json } from '../api.js'
import { bytes, Cid, ErrorLine, Fields, Loading, useLoad } from '../components.js'
import type { IdAnswer, RepoStat } from '../types.js'

/** What an unset section means: dcx's defaults (README, "Config") */
const UNSET: Record<string, string> = {
  executor: 'Not set in config.json: the defaults apply (any peer may send jobs, within the default caps; jobs whose inputs this node lacks are refused).',
  pinning: 'Not set in config.json: the default applies (it pins for no peer).'
}

/** A section of the config as the daemon reports it (`config/show`, secrets redacted) */
function ConfigSection ({ name, title, config }: { name: string, title: string, config: Record<string, unknown> }) {
  const value = config[name]
  return (
    <section aria-labelledby={`config-${name}`} data-testid={`config-${name}`}>
      <h2 id={`config-${name}`}>{title} <span class='muted'>(<code>{name}</code>)</span></h2>
      {value === undefined
        ? <p class='muted'>{UNSET[name]}</p>
        : value !== null && typeof value === 'object' && !Array.isArray(value)
          ? <Fields rows={Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, <code>{JSON.stringify(v)}</code>])} />
          : <code>{JSON.stringify(value)}</code>}
    </section>
  )
}

export function NodeView () {
  const id = useLoad(async signal => await json<IdAnswer>('id', {}, { signal }), [])
  const stat = useLoad(async signal => await json<RepoStat>('repo/stat', {}, { signal }), [])
  const config = useLoad(async signal => await json<Record<string, unknown>>('config/show', {}, { signal }), [])
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
      <ErrorLine error={config.error} />
      {config.value !== undefined && <>
        <ConfigSection name='executor' title='What it runs for peers' config={config.value} />
        <ConfigSection name='pinning' title='What it pins for peers' config={config.value} />
      </>}
    </section>
  )
}
