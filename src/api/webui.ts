import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { distFile } from '../package-root.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The web view's URL path, Kubo's */
export const WEBUI_PATH = '/webui'

/**
 * The page may load only its own files and call only its own origin: no
 * inline script, nothing from elsewhere, no form posting anywhere, no framing
 * (a page of another origin cannot wrap it to trick a click).
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
}

interface Asset { bytes: Buffer, type: string }

/** The built files, read once: a few tens of KB, and they do not change while the daemon runs */
let assets: Promise<Map<string, Asset> | undefined> | undefined

async function load (dir: string): Promise<Map<string, Asset> | undefined> {
  let names: string[]
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter(e => e.isFile()).map(e => e.name)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const out = new Map<string, Asset>()
  for (const name of names) {
    const type = TYPES[extname(name)]
    if (type !== undefined) out.set(name, { bytes: await readFile(join(dir, name)), type })
  }
  return out
}

function plain (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...extra }).end(`${text}\n`)
}

/** Whether a URL path is the web view's (`/webui` or under it) */
export function isWebuiPath (path: string): boolean {
  return path === WEBUI_PATH || path.startsWith(`${WEBUI_PATH}/`)
}

/**
 * Answer a request under `/webui`: `GET`/`HEAD /webui` (or `/webui/`) is the
 * page, `/webui/<file>` one of the files `npm run build` put in
 * `dist/webui/`, anything else 404 and any other method 405. The files hold
 * no data (the page reads it through the RPC, under its rules), so they
 * need no secret, as Kubo's webui does not.
 */
export function serveWebui (req: IncomingMessage, res: ServerResponse, path: string, dir = distFile('webui')): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    plain(res, 405, '405 - Method Not Allowed', { Allow: 'GET, HEAD' })
    return
  }
  assets ??= load(dir)
  assets.then(files => {
    if (files === undefined) {
      plain(res, 404, 'this build of dcx has no web view: run npm run build')
      return
    }
    const name = path === WEBUI_PATH || path === `${WEBUI_PATH}/` ? 'index.html' : path.slice(WEBUI_PATH.length + 1)
    const file = files.get(name)
    if (file === undefined) {
      plain(res, 404, '404 - Not Found')
      return
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': String(file.bytes.length),
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      // a new build must show at once; the files are small and local
      'Cache-Control': 'no-cache'
    })
    res.end(req.method === 'HEAD' ? undefined : file.bytes)
  }, (err: unknown) => {
    assets = undefined
    plain(res, 500, `cannot read the web view's files: ${String((err as Error).message)}`)
  })
}
