// One `add` through a dcx daemon's Kubo RPC by kubo-rpc-client, as a process of its own
// (so that the bench times it as it times `dcx add`): node rpc-add-client.js <api-url> <file>
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { create } from 'kubo-rpc-client'

const [url, file] = process.argv.slice(2)
const added = await create({ url }).add({ path: basename(file), content: createReadStream(file) })
console.log(added.cid.toString())
