// A plain Helia node holding one file, the reference sender for test/bench/net.js:
//   node test/bench/helia-peer.js <file>
// prints "addr <multiaddr>" and "cid <cid>", then serves until stdin closes.
import { readFile } from 'node:fs/promises'
import { unixfs } from '@helia/unixfs'
import { startPlainHelia } from '../helpers/plain-helia.js'

const node = await startPlainHelia()
// @helia/unixfs's defaults are the unixfs-v1-2025 settings, so the CID is the one `dcx add` gives
const cid = await unixfs(node.helia).addBytes(await readFile(process.argv[2]), { profile: 'unixfs-v1-2025' })
console.log(`addr ${node.addr}\ncid ${cid}`)
process.stdin.resume()
process.stdin.once('end', () => { void node.stop().then(() => process.exit(0)) })
