// The peers this node is connected to, their addresses, and which of this
// node's pinned roots each holds.
import { json } from '../api.js'
import { Cid, ErrorLine, Loading, useLoad } from '../components.js'
import { dataHref } from '../route.js'
import type { PeerRoots } from '../types.js'

export function PeersView () {
  const { value, error, loading, reload } = useLoad(async signal => await json<PeerRoots>('dcx/peers/roots', {}, { signal }), [])
  return (
    <section aria-labelledby='peers-title'>
      <h1 id='peers-title'>Peers</h1>
      <p><button type='button' onClick={reload} disabled={loading}>{loading ? 'Asking the peers…' : 'Refresh'}</button></p>
      {loading && value === undefined && <Loading what='the peers' />}
      <ErrorLine error={error} />
      {value !== undefined && (value.peers.length === 0
        ? <p>Not connected to any peer. <code>dcx peers connect &lt;multiaddr&gt;</code> connects one.</p>
        : <ul class='cards-list'>
          {value.peers.map(p => (
            <li key={p.peer} data-testid='peer' data-peer={p.peer}>
              <h2><code class='cid'>{p.peer}</code></h2>
              <h3>Addresses</h3>
              <ul class='plain'>{p.addrs.map(a => <li key={a}><code class='cid'>{a}</code></li>)}</ul>
              <h3>Our pinned roots it holds</h3>
              {p.unknown === true
                ? <p class='muted'>Unknown: it did not answer.</p>
                : p.roots.length === 0
                  ? <p class='muted'>None.</p>
                  : <ul class='plain'>{p.roots.map(r => <li key={r}><Cid cid={r} href={dataHref(r)} /></li>)}</ul>}
            </li>
          ))}
        </ul>)}
    </section>
  )
}
