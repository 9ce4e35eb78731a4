import { CID } from 'multiformats/cid'
import { InvalidCidError } from './errors.js'
import { InvalidArgumentError } from '../errors.js'

/** A CID with an optional path inside it, as users type `<cid>[/path]` */
export interface CidPath {
  cid: CID
  /** Path segments below the CID, without empty segments */
  segments: string[]
  /** The text as given, for messages */
  text: string
}

/** Parse a CID string or throw `InvalidCidError` */
export function parseCid (text: string): CID {
  try {
    return CID.parse(text)
  } catch {
    throw new InvalidCidError(text)
  }
}

/**
 * Parse `<cid>[/path]`, also accepting Kubo's `/ipfs/<cid>[/path]`.
 */
export function parseCidPath (text: string): CidPath {
  if (text.startsWith('/ipns/')) throw new InvalidArgumentError(`${text} is an IPNS path: resolve it with \`dcx name resolve\` (needs \`dcx daemon\`), or run the command while the daemon runs`)
  const stripped = text.replace(/^\/ipfs\//, '')
  const [head, ...rest] = stripped.split('/')
  const cid = parseCid(head ?? '')
  return { cid, segments: rest.filter(s => s !== ''), text }
}

/** The exporter's path form: `<cid>/a/b` */
export function exporterPath (p: CidPath): string {
  return [p.cid.toString(), ...p.segments].join('/')
}
