/* path_symlink path_readlink path_link path_filestat_get with and without
 * following, dangling links, loops */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  char buf[64];
  struct stat st;
  int fd = open("/tmp/target.txt", O_WRONLY | O_CREAT, 0644);
  write(fd, "target", 6); close(fd);
  CHECK("symlink", symlink("target.txt", "/tmp/link") == 0);
  ssize_t n = readlink("/tmp/link", buf, sizeof buf);
  CHECK("readlink", n == 10 && memcmp(buf, "target.txt", 10) == 0);
  CHECK("readlink truncates", readlink("/tmp/link", buf, 3) == 3 && memcmp(buf, "tar", 3) == 0);
  CHECK("readlink of a file is EINVAL", readlink("/tmp/target.txt", buf, sizeof buf) < 0 && errno == EINVAL);
  CHECK("stat follows", stat("/tmp/link", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6);
  CHECK("lstat does not", lstat("/tmp/link", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK("open through a symlink", (fd = open("/tmp/link", O_RDONLY)) >= 0 && read(fd, buf, 6) == 6 && memcmp(buf, "target", 6) == 0);
  close(fd);
  CHECK("O_NOFOLLOW on a symlink is ELOOP", open("/tmp/link", O_RDONLY | O_NOFOLLOW) < 0 && errno == ELOOP);
  CHECK("symlink over existing is EEXIST", symlink("x", "/tmp/link") < 0 && errno == EEXIST);
  CHECK("dangling symlink", symlink("missing", "/tmp/dangling") == 0 && stat("/tmp/dangling", &st) < 0 && errno == ENOENT && lstat("/tmp/dangling", &st) == 0);
  CHECK("symlink to a dir", mkdir("/tmp/dir", 0755) == 0 && symlink("dir", "/tmp/dirlink") == 0 && open("/tmp/dirlink/new", O_WRONLY | O_CREAT, 0644) >= 0 && stat("/tmp/dir/new", &st) == 0);
  CHECK("symlink loop is ELOOP", symlink("loop", "/tmp/loop") == 0 && open("/tmp/loop", O_RDONLY) < 0 && errno == ELOOP);
  CHECK("unlink removes the link not the target", unlink("/tmp/link") == 0 && stat("/tmp/target.txt", &st) == 0);
  int r = link("/tmp/target.txt", "/tmp/hard");
  if (r == 0) {
    CHECK("hard link shares content", stat("/tmp/hard", &st) == 0 && st.st_nlink == 2 && st.st_size == 6);
    CHECK("hard link survives unlink of the original", unlink("/tmp/target.txt") == 0 && stat("/tmp/hard", &st) == 0 && st.st_nlink == 1);
  } else {
    printf("skip link: %s\n", strerror(errno));
  }
  CHECK("symlink in a read-only dir is EROFS", symlink("x", "/inputs/l") < 0 && errno == EROFS);
  return failures != 0;
}
