/* path_create_directory path_remove_directory path_unlink_file path_rename
 * path_filestat_get path_filestat_set_times fd_readdir fd_prestat_get
 * fd_prestat_dir_name, with "." and ".." in paths */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "check.h"

static void touch(const char *p) { int fd = open(p, O_WRONLY | O_CREAT, 0644); if (fd >= 0) { write(fd, p, strlen(p)); close(fd); } }

int main(void) {
  struct stat st;
  CHECK("mkdir", mkdir("/tmp/d", 0755) == 0);
  CHECK("mkdir existing is EEXIST", mkdir("/tmp/d", 0755) < 0 && errno == EEXIST);
  CHECK("mkdir nested", mkdir("/tmp/d/a", 0755) == 0 && mkdir("/tmp/d/a/b", 0755) == 0);
  CHECK("mkdir under missing is ENOENT", mkdir("/tmp/nope/x", 0755) < 0 && errno == ENOENT);
  touch("/tmp/d/c.txt"); touch("/tmp/d/b.txt"); touch("/tmp/d/a/b/deep.txt");
  CHECK("stat dir", stat("/tmp/d", &st) == 0 && S_ISDIR(st.st_mode));
  CHECK("stat through . and ..", stat("/tmp/d/a/./b/../b/deep.txt", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 19);
  DIR *dir = opendir("/tmp/d");
  CHECK("opendir", dir != NULL);
  char names[256] = "";
  struct dirent *e;
  while (dir && (e = readdir(dir)) != NULL) { strcat(names, e->d_name); strcat(names, " "); }
  if (dir) closedir(dir);
  printf("readdir: %s\n", names);
  CHECK("readdir lists entries sorted, with . and ..", strcmp(names, ". .. a b.txt c.txt ") == 0);
  CHECK("opendir on a file is ENOTDIR", opendir("/tmp/d/b.txt") == NULL && errno == ENOTDIR);
  CHECK("rmdir non-empty is ENOTEMPTY", rmdir("/tmp/d/a") < 0 && errno == ENOTEMPTY);
  CHECK("rmdir on a file is ENOTDIR", rmdir("/tmp/d/b.txt") < 0 && errno == ENOTDIR);
  CHECK("unlink a dir fails", unlink("/tmp/d/a") < 0 && (errno == EISDIR || errno == EPERM));
  CHECK("rename file", rename("/tmp/d/b.txt", "/tmp/d/e.txt") == 0 && stat("/tmp/d/b.txt", &st) < 0 && stat("/tmp/d/e.txt", &st) == 0);
  CHECK("rename over existing file", rename("/tmp/d/e.txt", "/tmp/d/c.txt") == 0 && stat("/tmp/d/c.txt", &st) == 0 && st.st_size == 12);
  CHECK("rename dir", rename("/tmp/d/a", "/tmp/d/z") == 0 && stat("/tmp/d/z/b/deep.txt", &st) == 0);
  CHECK("rename dir into itself is EINVAL", rename("/tmp/d/z", "/tmp/d/z/b/inside") < 0 && errno == EINVAL);
  CHECK("rename file over dir is EISDIR", rename("/tmp/d/c.txt", "/tmp/d/z") < 0 && errno == EISDIR);
  CHECK("rename across /tmp and /outputs", rename("/tmp/d/c.txt", "/outputs/c.txt") == 0 && stat("/outputs/c.txt", &st) == 0);
  CHECK("unlink", unlink("/tmp/d/z/b/deep.txt") == 0 && stat("/tmp/d/z/b/deep.txt", &st) < 0 && errno == ENOENT);
  CHECK("rmdir", rmdir("/tmp/d/z/b") == 0 && rmdir("/tmp/d/z") == 0);
  struct timespec times[2] = { { 111, 0 }, { 222, 0 } };
  CHECK("utimensat", utimensat(AT_FDCWD, "/outputs/c.txt", times, 0) == 0 && stat("/outputs/c.txt", &st) == 0 && st.st_mtim.tv_sec == 222);
  CHECK("stat of input is non-zero time", stat("/inputs/hello.txt", &st) == 0 && st.st_mtim.tv_sec > 0 && st.st_ino != 0);
  CHECK("rmdir of input dir is EROFS", rmdir("/inputs/dir/sub") < 0 && errno == EROFS);
  __wasi_prestat_t pre;
  WCHECK("prestat_get 3", __wasi_fd_prestat_get(3, &pre), 0);
  char pname[8] = { 0 };
  WCHECK("prestat_dir_name", __wasi_fd_prestat_dir_name(3, (uint8_t *)pname, pre.u.dir.pr_name_len), 0);
  CHECK("preopen is /", strcmp(pname, "/") == 0);
  WCHECK("prestat_get of a non-preopen is EBADF", __wasi_fd_prestat_get(99, &pre), __WASI_ERRNO_BADF);
  __wasi_filestat_t fst;
  WCHECK("path_filestat_get", __wasi_path_filestat_get(3, 0, "inputs/dir/b.txt", &fst), 0);
  CHECK("path_filestat size", fst.size == 2 && fst.filetype == __WASI_FILETYPE_REGULAR_FILE);
  return failures != 0;
}
