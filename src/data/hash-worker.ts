import { hash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'

/*
 * One thread of a HashPool: SHA-256 of each buffer it is sent, the buffer
 * sent back with the digest (moved both ways, never copied).
 */
const port = parentPort!
port.on('message', ({ id, bytes }: { id: number, bytes: Uint8Array }) => {
  // the digest is 32 bytes, copied; only the leaf's buffer moves
  const digest = new Uint8Array(hash('sha256', bytes, 'buffer'))
  port.postMessage({ id, bytes, digest }, [bytes.buffer as ArrayBuffer])
})
