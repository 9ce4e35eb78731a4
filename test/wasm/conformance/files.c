/* fd_write fd_read fd_pread fd_pwrite fd_seek fd_tell fd_close fd_sync
 * fd_datasync fd_advise fd_allocate fd_filestat_get fd_filestat_set_size
 * fd_filestat_set_times fd_fdstat_get fd_fdstat_set_flags fd_renumber
 * path_open (create, excl, trunc, append, directory) */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "check.h"

int main(void) {
  char buf[64];
  int fd = open("/tmp/f.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK("open create excl", fd >= 0);
  CHECK("create excl again is EEXIST", open("/tmp/f.txt", O_RDWR | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);
  CHECK("write", write(fd, "hello world", 11) == 11);
  CHECK("tell after write", lseek(fd, 0, SEEK_CUR) == 11);
  CHECK("seek set", lseek(fd, 0, SEEK_SET) == 0);
  CHECK("read", read(fd, buf, sizeof buf) == 11 && memcmp(buf, "hello world", 11) == 0);
  CHECK("read at eof is 0", read(fd, buf, sizeof buf) == 0);
  CHECK("seek end", lseek(fd, -5, SEEK_END) == 6);
  CHECK("read after seek end", read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0);
  CHECK("seek before start is EINVAL", lseek(fd, -100, SEEK_CUR) < 0 && errno == EINVAL);
  CHECK("pwrite", pwrite(fd, "HELLO", 5, 0) == 5);
  CHECK("pwrite leaves offset", lseek(fd, 0, SEEK_CUR) == 11);
  CHECK("pread", pread(fd, buf, 5, 0) == 5 && memcmp(buf, "HELLO", 5) == 0);
  CHECK("pread leaves offset", lseek(fd, 0, SEEK_CUR) == 11);
  CHECK("pread past end", pread(fd, buf, 5, 100) == 0);
  CHECK("write past end zero-fills", pwrite(fd, "!", 1, 20) == 1 && pread(fd, buf, 10, 11) == 10 && buf[0] == 0 && buf[8] == 0 && buf[9] == '!');
  struct stat st;
  CHECK("fstat size and type", fstat(fd, &st) == 0 && st.st_size == 21 && S_ISREG(st.st_mode));
  CHECK("ftruncate shrink", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
  CHECK("ftruncate grow", ftruncate(fd, 4096) == 0 && fstat(fd, &st) == 0 && st.st_size == 4096);
  CHECK("fsync", fsync(fd) == 0);
  CHECK("fdatasync", fdatasync(fd) == 0);
  CHECK("posix_fadvise", posix_fadvise(fd, 0, 10, POSIX_FADV_SEQUENTIAL) == 0);
  CHECK("posix_fadvise bad advice", posix_fadvise(fd, 0, 10, 99) == EINVAL);
  CHECK("posix_fallocate grows", posix_fallocate(fd, 0, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192);
  struct timespec times[2] = { { 1000, 5 }, { 2000, 7 } };
  CHECK("futimens", futimens(fd, times) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 7 && st.st_atim.tv_sec == 1000);
  __wasi_fdstat_t fdst;
  WCHECK("fdstat_get regular file", __wasi_fd_fdstat_get(fd, &fdst), 0);
  CHECK("fdstat filetype", fdst.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
  CHECK("fcntl set append", fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
  CHECK("append writes at end", write(fd, "tail", 4) == 4 && fstat(fd, &st) == 0 && st.st_size == 8196);
  int fd2 = open("/tmp/g.txt", O_WRONLY | O_CREAT, 0644);
  CHECK("renumber", fd2 >= 0 && __wasi_fd_renumber(fd2, fd) == 0 && write(fd, "g", 1) == 1);
  CHECK("renumbered fd is gone", close(fd2) < 0 && errno == EBADF);
  CHECK("close", close(fd) == 0);
  CHECK("close twice is EBADF", close(fd) < 0 && errno == EBADF);
  fd = open("/tmp/g.txt", O_RDONLY);
  CHECK("renumbered write landed", fd >= 0 && read(fd, buf, 4) == 1 && buf[0] == 'g');
  CHECK("write to read-only fd is EBADF", write(fd, "x", 1) < 0 && errno == EBADF);
  close(fd);
  fd = open("/tmp/g.txt", O_WRONLY | O_TRUNC);
  CHECK("open trunc", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
  CHECK("read from write-only fd is EBADF", read(fd, buf, 1) < 0 && errno == EBADF);
  close(fd);
  CHECK("open missing is ENOENT", open("/tmp/missing", O_RDONLY) < 0 && errno == ENOENT);
  CHECK("open dir for writing is EISDIR", open("/tmp", O_WRONLY) < 0 && errno == EISDIR);
  CHECK("O_DIRECTORY on a file is ENOTDIR", open("/tmp/g.txt", O_RDONLY | O_DIRECTORY) < 0 && errno == ENOTDIR);
  CHECK("trailing slash on a file is ENOTDIR", open("/tmp/g.txt/", O_RDONLY) < 0 && errno == ENOTDIR);
  CHECK("read-only input opens for reading", (fd = open("/inputs/hello.txt", O_RDONLY)) >= 0 && read(fd, buf, 12) == 12 && memcmp(buf, "hello world\n", 12) == 0);
  CHECK("read-only input: ftruncate fails", ftruncate(fd, 0) < 0);
  close(fd);
  return failures != 0;
}
