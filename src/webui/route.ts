// The page's place is its URL's hash: #/jobs, #/job/<cid>, #/map/<cid>,
// #/data, #/data/<cid>/<path...>, #/peers, #/node.

export type Route =
  | { view: 'jobs' }
  | { view: 'job', cid: string }
  | { view: 'map', cid: string }
  | { view: 'data', cid?: string, path: string[] }
  | { view: 'peers' }
  | { view: 'node' }

/** The route a hash names (the job list for anything else) */
export function parseRoute (hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(p => p !== '').map(p => { try { return decodeURIComponent(p) } catch { return p } })
  const [view, cid, ...rest] = parts
  if (view === 'job' && cid !== undefined) return { view: 'job', cid }
  if (view === 'map' && cid !== undefined) return { view: 'map', cid }
  if (view === 'data') return { view: 'data', cid, path: rest }
  if (view === 'peers' || view === 'node') return { view }
  return { view: 'jobs' }
}

/** The hash of a place in a CID's tree */
export function dataHref (cid: string, path: string[] = []): string {
  return `#/data/${[cid, ...path].map(encodeURIComponent).join('/')}`
}
