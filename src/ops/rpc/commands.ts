import { rpcAdd, rpcDagImport } from './add.js'
import { DCX_COMMANDS } from './dcx-commands.js'
import { KUBO_COMMANDS } from './kubo-commands.js'
import { rpcBlockPut, rpcDagPut } from './put.js'
import type { OpContext } from '../context.js'
import type { RpcCommand } from '../../api/rpc/call.js'

/** Every command the RPC answers: Kubo's, and dcx's own under `dcx/` */
export const RPC_COMMANDS: ReadonlyMap<string, RpcCommand<OpContext>> = new Map([
  ...KUBO_COMMANDS,
  ['add', rpcAdd],
  ['dag/import', rpcDagImport],
  ['block/put', rpcBlockPut],
  ['dag/put', rpcDagPut],
  ...DCX_COMMANDS
])
