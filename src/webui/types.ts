// The JSON the page reads, as the RPC answers it (the CLI's --json shapes
// for dcx's verbs, Kubo's for Kubo's). The RPC is the boundary: the page
// declares what it reads rather than importing the daemon's code.

/** One run of the history: an element of `dcx/job/ls` */
export interface JobRecord {
  time: string
  job: string
  module: string
  name: string
  inputs: Array<{ cid: string, path: string }>
  /** `exit`, `out-of-fuel`, `stack-exhausted`, `trap`, `timeout`; for a map run the summary's (`shards-failed`...) */
  status: string
  exitCode: number | null
  trap: string | null
  receipt: string | null
  output: string | null
  executor: string | null
  via: 'local' | 'remote' | 'cached' | 'map'
  durationMs: number | null
}

/** A line of `dcx/events` */
export type DcxEvent =
  | { type: 'hello', peerId: string }
  | { type: 'job', record: JobRecord }
  | { type: 'ping' }

/** A receipt's fields (`receipt show --json`) */
export interface ReceiptJson {
  receipt: string
  job: string
  output: string
  status: string
  exitCode: number | null
  trap: string | null
  fuel: number
  limitsHit?: string[]
  executor: string
  time: string
}

/** `dcx/job/show` */
export interface JobShow {
  job: string
  module: string
  name: string
  inputs: Array<{ cid: string, path: string }>
  args: string[]
  env: Array<[string, string]>
  limits: Record<string, number | string | null>
  seed: string
  runtime: { abi: number }
  receipt: ReceiptJson | null
}

/** `dcx/verify` of a job's receipt */
export interface Verdict {
  verified: boolean
  reason: string
  job: string
  receipt: string | null
  executor: string | null
  differences: string[]
  differencesTruncated: boolean
  durationMs: number | null
}

/** One shard of a map run */
export interface Shard {
  name: string
  job: string
  receipt: string
  output: string
  executor: string
  status: string
  exitCode: number | null
  cached: boolean
}

/** `dcx/map/show`: a map run's summary */
export interface MapSummary {
  job: string
  output: string
  receipt: string
  status: string
  cached: boolean
  shards: Shard[]
  failed: string[]
  reduce: { job: string, receipt: string, output: string, status: string, exitCode: number | null, stdout: string } | null
  attempts: Array<{ shard: string, peer: string, why?: string }>
  disagreements: Array<{ shard: string, dissenters: string[] }>
}

/** `dcx/pin/ls?size=true` */
export interface PinList {
  pins: Array<{ cid: string, type: string, name?: string, size?: number }>
}

/** `dcx/peers/roots` */
export interface PeerRoots {
  peers: Array<{ peer: string, addrs: string[], roots: string[], unknown?: boolean }>
}

/** Kubo's `ls`: one object per argument, its links */
export interface LsAnswer {
  Objects: Array<{ Hash: string, Links: Array<{ Name: string, Hash: string, Size: number, Type: number }> }>
}

/** Kubo's `add`, a line per file or folder */
export interface Added {
  Name: string
  Hash: string
  Size: string
}

/** Kubo's `id` */
export interface IdAnswer {
  ID: string
  Addresses: string[] | null
  AgentVersion: string
}

/** Kubo's `repo/stat` */
export interface RepoStat {
  RepoSize: number
  NumObjects: number
  RepoPath: string
  Version: string
}
