import { DCX_VERSION } from '../version.js'
import type { AddedJson } from './data/add.js'
import type { ImportJson } from './data/dag.js'
import type { LsJson } from './data/ls.js'
import type { PinCheckJson, PinJson } from './data/pin.js'
import type { RepoStatJson } from './data/repo.js'
import type { IdJson } from './net/id.js'
import type { PeerJson } from './net/swarm.js'

/*
 * Kubo's JSON, in one place: for the verbs dcx shares with Kubo, `--json`
 * prints exactly what `ipfs <verb> --enc=json` prints (and Kubo's RPC,
 * `/api/v0/<verb>`, answers), made here from the operations' own outputs.
 * Each function gives the values Kubo emits, in order; each is printed on a
 * line of its own, as Go's `json.Encoder` writes them. The shapes are those
 * of Kubo's `core/commands/*.go` (`AddEvent`, `LsOutput`, `PinOutput`,
 * `GcResult`, `corerepo.Stat`, `CarImportOutput`, `IdOutput`, `connInfos`,
 * `stringList`, `routing.QueryEvent`). dcx's own verbs (run, verify,
 * receipt, job, daemon, config) use camelCase with numbers as numbers.
 */

/** One value Kubo emits */
export type KuboValue = Record<string, unknown>

/** How Go writes a CID inside a struct (`cid.Cid`'s MarshalJSON) */
function cidLink (cid: string): { '/': string } {
  return { '/': cid }
}

/** Kubo's UnixFS type numbers (`unixfs_pb.Data_DataType`) as `ls` reports them */
const UNIXFS_TYPE: Record<string, number> = { raw: 2, file: 2, directory: 1, symlink: 4, other: 0 }

/** Go's zero `time.Time`, which `ls` prints for entries without a modification time */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z'

/** Go's `math.MaxUint64`: `repo stat`'s StorageMax when there is no limit (`corerepo.NoLimit`) */
const NO_LIMIT = 18446744073709551615n

/**
 * A value as Go's `json.Encoder` writes it: compact, `<`, `>`, `&`, U+2028
 * and U+2029 escaped, a bigint as a plain number, and a newline.
 */
export function kuboLine (value: unknown): string {
  const text = JSON.stringify(value, (_key, v) => typeof v === 'bigint' ? `\u0000bigint:${v}` : v)
  return text
    .replace(/"\\u0000bigint:(\d+)"/g, '$1')
    .replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n'
}

/** `add`: one `AddEvent` per file and directory */
export function kuboAdd (added: AddedJson[]): KuboValue[] {
  return added.map(a => ({ Name: a.name, Hash: a.cid, Size: a.size }))
}

/** `ls`: one `LsOutput` for the path asked, its links sorted by name */
export function kuboLs (target: string, entries: LsJson[]): KuboValue[] {
  const links = entries.map(e => ({
    Name: e.name,
    Hash: e.cid,
    Size: e.size === undefined ? 0 : Number(e.size),
    Type: UNIXFS_TYPE[e.type] ?? 0,
    Target: e.target ?? '',
    Mode: 0,
    ModTime: GO_ZERO_TIME
  })).sort((a, b) => a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)
  return [{ Objects: [{ Hash: target, Links: links }] }]
}

/** `pin add`: the pinned CIDs */
export function kuboPinAdd (pins: PinJson[]): KuboValue[] {
  return [{ Pins: pins.map(p => p.cid) }]
}

/** `pin ls`: `{Keys: {<cid>: {Type, Name}}}` (Go writes map keys sorted) */
export function kuboPinLs (pins: PinJson[]): KuboValue[] {
  const keys = [...pins].sort((a, b) => a.cid < b.cid ? -1 : a.cid > b.cid ? 1 : 0)
  return [{ Keys: Object.fromEntries(keys.map(p => [p.cid, { Type: p.type, Name: p.name ?? '', ...(p.size !== undefined ? { Size: p.size } : {}) }])) }]
}

/** `pin rm`: the unpinned CIDs */
export function kuboPinRm (removed: Array<{ cid: string }>): KuboValue[] {
  return [{ Pins: removed.map(p => p.cid) }]
}

/** `pin verify --verbose`: one `PinVerifyRes` per pin */
export function kuboPinVerify (checks: PinCheckJson[]): KuboValue[] {
  return checks.map(c => c.ok
    ? { Cid: c.cid, Ok: true }
    : { Cid: c.cid, BadNodes: [{ Cid: c.block ?? c.cid, Err: c.problem ?? 'broken' }] })
}

/** `repo gc`: one `GcResult` per removed block */
export function kuboRepoGc (removed: string[]): KuboValue[] {
  return removed.map(cid => ({ Key: cidLink(cid) }))
}

/** `repo stat`: `corerepo.Stat` (dcx sets no storage limit) */
export function kuboRepoStat (stat: RepoStatJson, repoPath: string): KuboValue[] {
  return [{ RepoSize: stat.repoSize, StorageMax: NO_LIMIT, NumObjects: stat.numObjects, RepoPath: repoPath, Version: `dcx-repo@${stat.version}` }]
}

/** `repo verify`: a `VerifyProgress` per block checked, one per problem, then the closing message */
export const kuboRepoVerify = {
  progress: (done: number): KuboValue => ({ Msg: '', Progress: done }),
  problem: (cid: string, problem: string): KuboValue => ({ Msg: `${cid}: ${problem}`, Progress: 0 }),
  done: (): KuboValue => ({ Msg: 'verify complete, all blocks validated.', Progress: 0 })
}

/** `dag import`: a `CarImportOutput` per pinned root, then the counts with `--stats` */
export function kuboDagImport (imports: ImportJson[], stats: boolean): KuboValue[] {
  const out: KuboValue[] = []
  for (const i of imports) {
    for (const r of i.roots) {
      if (r.pinned || r.missing !== undefined) out.push({ Root: { Cid: cidLink(r.cid), PinErrorMsg: r.pinned ? '' : `block ${r.missing} is not in the repo: its DAG is incomplete` } })
    }
  }
  if (stats) out.push({ Stats: { BlockCount: imports.reduce((n, i) => n + i.blocks, 0), BlockBytesCount: imports.reduce((n, i) => n + i.bytes, 0) } })
  return out
}

/** `id`: `IdOutput`; offline, Kubo gives no addresses or protocols (`null`) */
export function kuboId (id: IdJson): KuboValue[] {
  return [{ ID: id.ID, PublicKey: id.PublicKey, Addresses: id.Addresses ?? null, AgentVersion: `dcx/${DCX_VERSION}`, Protocols: id.Protocols ?? null }]
}

/** Go's `network.Direction`, as `swarm peers --direction` prints it */
const DIRECTION = { inbound: 1, outbound: 2 } as const

/** `swarm peers`: `connInfos`, sorted by address, with Kubo's empty `Identify`; with `--direction`, each connection's `Direction` */
export function kuboSwarmPeers (peers: PeerJson[], options: { direction?: boolean } = {}): KuboValue[] {
  const rows = peers.map(p => ({
    Addr: p.addr,
    Peer: p.peer,
    ...(options.direction === true ? { Direction: DIRECTION[p.direction] } : {}),
    Identify: { ID: '', PublicKey: '', Addresses: null, AgentVersion: '', Protocols: null }
  })).sort((a, b) => a.Addr < b.Addr ? -1 : a.Addr > b.Addr ? 1 : 0)
  return [{ Peers: rows }]
}

/** `swarm connect` and `swarm disconnect`: `stringList` */
export function kuboSwarmResult (verb: 'connect' | 'disconnect', peer: string): KuboValue[] {
  return [{ Strings: [`${verb} ${peer} success`] }]
}

/** `routing findprovs`: a `QueryEvent` of type `Provider` (4) per provider (Go writes its map's keys sorted) */
export function kuboFindProvs (found: Array<{ peer: string, addrs: string[] }>): KuboValue[] {
  return found.map(p => ({ Extra: '', ID: '', Responses: [{ Addrs: p.addrs, ID: p.peer }], Type: 4 }))
}

/** `config <key> [<value>]` with `--enc=json`: `ConfigField` */
export function kuboConfigField (field: { Key: string, Value: unknown }): KuboValue[] {
  return [{ Key: field.Key, Value: field.Value }]
}

/** A config value as Kubo's text output writes it (`config.HumanOutput`): a string as it is, anything else as indented JSON */
export function kuboConfigValue (value: unknown): string {
  return typeof value === 'string' ? value.replace(/^\n+|\n+$/g, '') : JSON.stringify(value, null, 2)
}
