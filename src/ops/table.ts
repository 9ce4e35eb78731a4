import { addOp } from './data/add.js'
import { blockGetOp, blockPutOp, blockStatOp } from './data/block.js'
import { blockFetchOp } from './data/block-fetch.js'
import { catOp } from './data/cat.js'
import { dagExportOp, dagImportOp } from './data/dag.js'
import { dagGetOp } from './data/dag-get.js'
import { dagPutOp } from './data/dag-put.js'
import { getOp, getTarOp } from './data/get.js'
import { lsOp } from './data/ls.js'
import { pinAddOp, pinLsOp, pinRmOp, pinVerifyOp } from './data/pin.js'
import { repoGcOp, repoStatOp, repoVerifyOp } from './data/repo.js'
import { receiptExportOp, receiptLsOp, receiptShowOp } from './jobs/receipts.js'
import { jobLsOp, jobRmOp, jobShowOp } from './jobs/job.js'
import { eventsOp } from './jobs/events.js'
import { mapOp, mapShowOp } from './jobs/map.js'
import { runOp } from './jobs/run.js'
import { verifyOp } from './jobs/verify.js'
import { idOp } from './net/id.js'
import { keyGenOp, keyListOp, keyRmOp } from './net/keys.js'
import { namePublishOp, nameResolveOp } from './net/names.js'
import { configOp, configShowOp } from './repo/config.js'
import { findProvsOp, peersRootsOp, swarmConnectOp, swarmDisconnectOp, swarmPeersOp } from './net/swarm.js'
import type { Operation } from './operation.js'

/**
 * Every operation, by name: what the daemon serves (and, later, the HTTP
 * RPC and the web view). Commands import only the operations they run, so
 * that start-up loads no more than a command needs.
 */
export const OPERATIONS: ReadonlyMap<string, Operation<any, any>> = new Map([
  addOp, catOp, lsOp, getOp, getTarOp, dagExportOp, dagImportOp, dagGetOp, dagPutOp, blockFetchOp, blockGetOp, blockPutOp, blockStatOp,
  pinAddOp, pinLsOp, pinRmOp, pinVerifyOp, repoGcOp, repoStatOp, repoVerifyOp,
  runOp, mapOp, mapShowOp, eventsOp, verifyOp, jobShowOp, jobLsOp, jobRmOp, receiptLsOp, receiptShowOp, receiptExportOp,
  idOp, swarmPeersOp, peersRootsOp, swarmConnectOp, swarmDisconnectOp, findProvsOp, namePublishOp, nameResolveOp, keyGenOp, keyListOp, keyRmOp,
  configOp, configShowOp
].map(op => [op.name, op as Operation<any, any>]))
