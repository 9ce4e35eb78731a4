// The repo's data: its pins with names and sizes, adding files or a folder
// from this computer (through `add`, so the CIDs are `dcx add`'s), and
// browsing any CID's tree.
import { useRef, useState } from 'preact/hooks'
import { jsonLines, json } from '../api.js'
import { bytes, Cid, ErrorLine, Loading, Tree, useLoad } from '../components.js'
import { dataHref } from '../route.js'
import type { Added, PinList } from '../types.js'

function Pins ({ round }: { round: number }) {
  const { value, error, loading } = useLoad(async signal => await json<PinList>('dcx/pin/ls', { size: true }, { signal }), [round])
  return (
    <section aria-labelledby='pins-title'>
      <h2 id='pins-title'>Pins</h2>
      {loading && value === undefined && <Loading what='the pins' />}
      <ErrorLine error={error} />
      {value !== undefined && (value.pins.length === 0
        ? <p>Nothing is pinned.</p>
        : <table class='cards'>
          <caption class='sr-only'>Pinned CIDs</caption>
          <thead><tr><th scope='col'>Name</th><th scope='col'>CID</th><th scope='col'>Type</th><th scope='col'>Size</th></tr></thead>
          <tbody>
            {value.pins.map(p => (
              <tr key={p.cid} data-testid='pin-row' data-cid={p.cid}>
                <td data-label='Name' class='cid'>{p.name ?? <span class='muted'>–</span>}</td>
                <td data-label='CID'><Cid cid={p.cid} href={dataHref(p.cid)} /></td>
                <td data-label='Type'>{p.type}</td>
                <td data-label='Size'>{bytes(p.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>)}
    </section>
  )
}

/**
 * Files as `add`'s multipart request: a part per file, its path (a folder's
 * files keep theirs under it) URL-encoded in the filename, as Kubo's clients
 * send them. No options: the daemon adds as `dcx add` does by default.
 */
function upload (files: File[]): FormData {
  const form = new FormData()
  for (const f of files) form.append('file', f, encodeURIComponent(f.webkitRelativePath !== '' ? f.webkitRelativePath : f.name))
  return form
}

function AddForm ({ onAdded }: { onAdded: () => void }) {
  const filesInput = useRef<HTMLInputElement>(null)
  const folderInput = useRef<HTMLInputElement>(null)
  const [busy, setBusy] = useState(false)
  const [added, setAdded] = useState<Added[]>()
  const [error, setError] = useState<Error>()
  const submit = (e: Event): void => {
    e.preventDefault()
    const files = [...(filesInput.current?.files ?? []), ...(folderInput.current?.files ?? [])]
    if (files.length === 0) { setError(new Error('choose files or a folder first')); return }
    setBusy(true)
    setAdded(undefined)
    setError(undefined)
    jsonLines<Added>('add', {}, { body: upload(files) }).then(lines => {
      setAdded(lines.filter(l => !l.Name.includes('/')))
      if (filesInput.current !== null) filesInput.current.value = ''
      if (folderInput.current !== null) folderInput.current.value = ''
      onAdded()
    }, setError).finally(() => { setBusy(false) })
  }
  return (
    <section aria-labelledby='add-title'>
      <h2 id='add-title'>Add</h2>
      <form class='stack' onSubmit={submit}>
        <div>
          <label for='add-files'>Files</label>
          <input id='add-files' data-testid='add-files' ref={filesInput} type='file' multiple />
        </div>
        <div>
          <label for='add-folder'>Or a folder</label>
          <input id='add-folder' data-testid='add-folder' ref={el => { el?.setAttribute('webkitdirectory', ''); folderInput.current = el }} type='file' />
        </div>
        <p class='muted'>Added and pinned as <code>dcx add -r --hidden</code> adds them (the same CIDs: a folder's dot-files count). A folder's empty subfolders are not sent by the browser.</p>
        <button type='submit' data-testid='add' disabled={busy}>{busy ? 'Adding…' : 'Add'}</button>
      </form>
      <div role='status' aria-live='polite'>
        {added !== undefined && <ul class='plain'>{added.map(a => <li key={a.Hash + a.Name} data-testid='added' data-cid={a.Hash} data-name={a.Name}>added <Cid cid={a.Hash} href={dataHref(a.Hash)} /> {a.Name}</li>)}</ul>}
        <ErrorLine error={error} />
      </div>
    </section>
  )
}

function BrowseForm () {
  const [target, setTarget] = useState('')
  return (
    <form class='inline' onSubmit={e => {
      e.preventDefault()
      const [cid, ...path] = target.trim().replace(/^\/?ipfs\//, '').split('/').filter(s => s !== '')
      if (cid !== undefined) location.hash = dataHref(cid, path)
    }}>
      <label for='browse'>CID or path</label>
      <input id='browse' type='text' spellcheck={false} autocomplete='off' placeholder='bafy…/dir/file' value={target} onInput={e => { setTarget(e.currentTarget.value) }} required />
      <button type='submit'>Browse</button>
    </form>
  )
}

export function DataView ({ cid, path }: { cid?: string, path: string[] }) {
  const [round, setRound] = useState(0)
  return (
    <section aria-labelledby='data-title'>
      <h1 id='data-title'>Data</h1>
      <section aria-labelledby='browse-title'>
        <h2 id='browse-title'>Browse</h2>
        <BrowseForm />
        {cid !== undefined && <>
          <p><Cid cid={cid} /></p>
          <Tree root={cid} path={path} open={p => { location.hash = dataHref(cid, p) }} label={`${cid.slice(0, 8)}…`} />
        </>}
      </section>
      <AddForm onAdded={() => { setRound(r => r + 1) }} />
      <Pins round={round} />
    </section>
  )
}
