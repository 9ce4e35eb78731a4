import { describe, expect, it } from 'vitest'
import { describeError } from '../../src/cli/errors.js'
import { NoSpaceError, PermissionDeniedError, ReadOnlyFileSystemError, storageFailure } from '../../src/errors.js'

/** An OS error as Node makes it */
function osError (code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall}${path != null ? ` '${path}'` : ''}`), { code, syscall, path })
}

describe('storage failures', () => {
  it('finds a full disk at the bottom of a cause chain, as stores wrap it', () => {
    const err = new Error('outer', { cause: new Error('middle', { cause: osError('ENOSPC', 'write') }) })
    const report = describeError(err)
    expect(report).toEqual({ code: 'ERR_NO_SPACE', message: 'no space left on the device: free space and retry', exitCode: 1 })
  })

  it('reads LevelDB\'s text-only IO errors, through datastore-level\'s String(err) wrapper', () => {
    const level = Object.assign(new Error('IO error: /r/datastore/000012.log: No space left on device'), { code: 'LEVEL_IO_ERROR' })
    expect(storageFailure(level)).toMatchObject({ code: 'ERR_NO_SPACE', path: '/r/datastore/000012.log' })
    const wrapped = Object.assign(new Error(`Error: ${level.message}`), { name: 'PutFailedError' })
    expect(storageFailure(wrapped, '/r/datastore')?.message).toBe('no space left on the device holding /r/datastore: free space and retry')
  })

  it('tells a quota, a read-only file system and a refused permission apart', () => {
    expect(storageFailure(osError('EDQUOT', 'write'), '/r')?.message).toMatch(/^disk quota exceeded on the device holding \/r/)
    expect(storageFailure(osError('EROFS', 'open', '/r/repo.lock'))).toBeInstanceOf(ReadOnlyFileSystemError)
    expect(storageFailure(osError('EACCES', 'open', '/r/config.json'))).toBeInstanceOf(PermissionDeniedError)
    expect(storageFailure(osError('EPERM', 'unlink', '/r/x'))).toBeInstanceOf(PermissionDeniedError)
  })

  it('leaves errors that are not about storage alone', () => {
    expect(storageFailure(osError('EPERM', 'kill'))).toBeUndefined()
    expect(storageFailure(osError('EACCES', 'bind'))).toBeUndefined()
    expect(storageFailure(new Error('permission denied by the peer'))).toBeUndefined()
    expect(storageFailure(new NoSpaceError('/x'))).toBeUndefined() // already ours
    expect(describeError(new Error('boom')).exitCode).toBe(70)
  })
})
