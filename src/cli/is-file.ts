import { stat } from 'node:fs/promises'

/** Whether `path` names a regular file (arguments that may be a file or a CID) */
export async function isFile (path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
