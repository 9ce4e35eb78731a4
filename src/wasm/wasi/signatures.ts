/**
 * Every wasi_snapshot_preview1 function with its core-wasm signature. A job
 * may import these and nothing else; the validator checks each import's type
 * against this table so a mismatch is refused before anything runs.
 */
const I = 'i'
const L = 'l'

/** Parameter letters (i = i32, l = i64); every function but proc_exit returns an i32 errno */
export const WASI_PREVIEW1: Record<string, string> = {
  args_get: 'ii',
  args_sizes_get: 'ii',
  environ_get: 'ii',
  environ_sizes_get: 'ii',
  clock_res_get: 'ii',
  clock_time_get: I + L + I,
  fd_advise: I + L + L + I,
  fd_allocate: I + L + L,
  fd_close: I,
  fd_datasync: I,
  fd_fdstat_get: 'ii',
  fd_fdstat_set_flags: 'ii',
  fd_fdstat_set_rights: I + L + L,
  fd_filestat_get: 'ii',
  fd_filestat_set_size: I + L,
  fd_filestat_set_times: I + L + L + I,
  fd_pread: 'iii' + L + I,
  fd_prestat_get: 'ii',
  fd_prestat_dir_name: 'iii',
  fd_pwrite: 'iii' + L + I,
  fd_read: 'iiii',
  fd_readdir: 'iii' + L + I,
  fd_renumber: 'ii',
  fd_seek: I + L + 'ii',
  fd_sync: I,
  fd_tell: 'ii',
  fd_write: 'iiii',
  path_create_directory: 'iii',
  path_filestat_get: 'iiiii',
  path_filestat_set_times: 'iiii' + L + L + I,
  path_link: 'iiiiiii',
  path_open: 'iiiii' + L + L + 'ii',
  path_readlink: 'iiiiii',
  path_remove_directory: 'iii',
  path_rename: 'iiiiii',
  path_symlink: 'iiiii',
  path_unlink_file: 'iii',
  poll_oneoff: 'iiii',
  proc_exit: I,
  proc_raise: I,
  random_get: 'ii',
  sched_yield: '',
  sock_accept: 'iii',
  sock_recv: 'iiiiii',
  sock_send: 'iiiii',
  sock_shutdown: 'ii'
}

/** The module name jobs import WASI from */
export const WASI_MODULE = 'wasi_snapshot_preview1'

/** "(i32, i64) -> i32" for messages */
export function wasiSignature (name: string): string {
  const params = WASI_PREVIEW1[name].split('').map(c => c === 'i' ? 'i32' : 'i64').join(', ')
  return `(${params}) -> ${name === 'proc_exit' ? '()' : 'i32'}`
}
