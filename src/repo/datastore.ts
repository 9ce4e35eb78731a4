import { stat } from 'node:fs/promises'
import { LevelDatastore } from 'datastore-level'
import { REPO_SPACE_HINT, storageFailure } from '../errors.js'
import { DatastoreOpenError } from './errors.js'
import type { AbortOptions } from 'abort-error'
import type { Batch, Key } from 'interface-datastore'

/**
 * The repo's LevelDB datastore (datastore-level), with failures that say what
 * happened. datastore-level replaces an open failure by "Database failed to
 * open" and keeps only the text of write failures; here the open error's
 * cause decides between a held LOCK, a missing folder, a full disk and
 * damage, and a write that fails for want of space, a read-only file system
 * or permissions says so, naming the datastore.
 *
 * A failed write leaves LevelDB as it was before that write: its log is
 * append-only, a torn last record is dropped when the log is recovered at the
 * next open, and records written before it stay.
 */
export class RepoDatastore extends LevelDatastore {
  readonly dir: string
  private readonly createIfMissing: boolean

  constructor (dir: string, options: { createIfMissing?: boolean } = {}) {
    super(dir, options)
    this.dir = dir
    this.createIfMissing = options.createIfMissing ?? true
  }

  override async open (): Promise<void> {
    if (!this.createIfMissing) {
      try {
        await stat(this.dir)
      } catch (err: any) {
        if (err.code === 'ENOENT') throw new DatastoreOpenError(this.dir, 'missing', 'no such folder')
        throw this.failure(err)
      }
    }
    try {
      await this.db.open({ createIfMissing: this.createIfMissing, compression: false })
    } catch (err: any) {
      const storage = storageFailure(err, this.dir, { hint: REPO_SPACE_HINT })
      if (storage !== undefined) throw storage
      const cause = err.cause ?? err
      const detail = String(cause.message ?? cause)
      throw new DatastoreOpenError(this.dir, cause.code === 'LEVEL_LOCKED' ? 'locked' : 'damaged', detail)
    }
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    try {
      return await super.put(key, value, options)
    } catch (err) {
      throw this.failure(err)
    }
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    try {
      await super.delete(key, options)
    } catch (err) {
      throw this.failure(err)
    }
  }

  override batch (): Batch {
    const batch = super.batch()
    return {
      put: (key, value) => { batch.put(key, value) },
      delete: key => { batch.delete(key) },
      commit: async options => {
        try {
          await batch.commit(options)
        } catch (err) {
          throw this.failure(err)
        }
      }
    }
  }

  private failure (err: unknown): unknown {
    return storageFailure(err, this.dir, { hint: REPO_SPACE_HINT }) ?? err
  }
}
