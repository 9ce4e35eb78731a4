import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidPlacementError } from '../errors.js'

/**
 * Check where a job is asked to run (`--on`): `local`, `auto` or a peer ID.
 * Checked before anything else, so a bad value never answers from a receipt
 * made elsewhere nor reaches the network.
 */
export function checkPlacement (on: string): 'local' | 'auto' | string {
  if (on === 'local' || on === 'auto') return on
  try {
    return peerIdFromString(on).toString()
  } catch {
    throw new InvalidPlacementError(on)
  }
}
