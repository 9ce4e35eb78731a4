// The dcx web view: a header with the views, the current view (from the
// URL's hash), and the token form when the API asks for one.
import { render } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { onTokenWanted, setToken, token } from './api.js'
import { parseRoute } from './route.js'
import type { Route } from './route.js'
import { DataView } from './views/data.js'
import { JobView } from './views/job.js'
import { JobsView } from './views/jobs.js'
import { MapView } from './views/map.js'
import { NodeView } from './views/node.js'
import { PeersView } from './views/peers.js'
import './style.css'

const NAV: Array<{ view: Route['view'], href: string, label: string }> = [
  { view: 'jobs', href: '#/jobs', label: 'Jobs' },
  { view: 'data', href: '#/data', label: 'Data' },
  { view: 'peers', href: '#/peers', label: 'Peers' },
  { view: 'node', href: '#/node', label: 'Node' }
]

/** The views a route's view is under in the menu (a job is one of the jobs) */
function section (route: Route): Route['view'] {
  return route.view === 'job' || route.view === 'map' ? 'jobs' : route.view
}

function TokenForm ({ onDone }: { onDone: () => void }) {
  const [value, setValue] = useState('')
  const refused = token() !== undefined
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => { input.current?.focus() }, [])
  return (
    <form class='token' data-testid='token-form' onSubmit={e => { e.preventDefault(); if (value !== '') { setToken(value); onDone() } }}>
      <h2>API token</h2>
      <p>{refused ? 'The daemon refused that token.' : 'This daemon\'s API asks for a token (its API.Authorizations).'} Give the token of a
        {' '}<code>"AuthSecret": "bearer:&lt;token&gt;"</code> entry. It is kept in this tab only.</p>
      <label for='token'>Token</label>
      <input id='token' ref={input} type='password' autocomplete='off' value={value} onInput={e => { setValue(e.currentTarget.value) }} required />
      <button type='submit'>Use this token</button>
    </form>
  )
}

function View ({ route }: { route: Route }) {
  switch (route.view) {
    case 'jobs': return <JobsView />
    case 'job': return <JobView cid={route.cid} />
    case 'map': return <MapView cid={route.cid} />
    case 'data': return <DataView cid={route.cid} path={route.path} />
    case 'peers': return <PeersView />
    case 'node': return <NodeView />
  }
}

function App () {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  const [asking, setAsking] = useState(false)
  // a new token re-mounts the view, which loads again with it
  const [round, setRound] = useState(0)
  const main = useRef<HTMLElement>(null)
  useEffect(() => {
    const changed = (): void => {
      setRoute(parseRoute(location.hash))
      // keyboard and screen-reader users land on the new view, not on the old link
      main.current?.focus()
    }
    addEventListener('hashchange', changed)
    onTokenWanted(() => { setAsking(true) })
    return () => { removeEventListener('hashchange', changed) }
  }, [])
  return (
    <>
      <a class='skip' href='#main' onClick={e => { e.preventDefault(); main.current?.focus() }}>Skip to the view</a>
      <header>
        <span class='brand'>dcx</span>
        <nav aria-label='Views'>
          <ul>
            {NAV.map(n => <li key={n.view}><a href={n.href} aria-current={section(route) === n.view ? 'page' : undefined}>{n.label}</a></li>)}
          </ul>
        </nav>
      </header>
      <main id='main' ref={main} tabIndex={-1}>
        {asking
          ? <TokenForm onDone={() => { setAsking(false); setRound(r => r + 1) }} />
          : <View key={`${round}`} route={route} />}
      </main>
    </>
  )
}

render(<App />, document.getElementById('app')!)
