/* Tries every way out of the tree a job might try and prints one line per
 * attempt: "ok <name> (<errno>)" if it was refused, "ESCAPED <name>" if the
 * path opened. Exits 1 if anything escaped. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int escaped = 0;

static void attempt(const char *name, const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd >= 0) { printf("ESCAPED %s\n", name); escaped = 1; close(fd); return; }
  printf("ok %s (%s)\n", name, strerror(errno));
}

int main(void) {
  attempt("dotdot", "../etc/passwd");
  attempt("root-dotdot", "/../../etc/passwd");
  attempt("deep-dotdot", "/tmp/../../../../etc/passwd");
  attempt("absolute", "/etc/passwd");
  if (symlink("../../../../etc", "/tmp/up") != 0) printf("symlink up refused (%s)\n", strerror(errno));
  attempt("symlink-dotdot", "/tmp/up/passwd");
  if (symlink("/etc/passwd", "/tmp/abs") == 0) attempt("symlink-absolute", "/tmp/abs");
  else printf("ok symlink-absolute refused at creation (%s)\n", strerror(errno));
  if (mkdir("/tmp/a", 0777) == 0 && symlink("../..", "/tmp/a/b") == 0) attempt("symlink-chain", "/tmp/a/b/etc/passwd");
  if (symlink("loop2", "/tmp/loop1") == 0 && symlink("loop1", "/tmp/loop2") == 0) attempt("symlink-loop", "/tmp/loop1");
  /* writes outside /outputs and /tmp */
  int fd = open("/inputs/new.txt", O_WRONLY | O_CREAT, 0644);
  printf("%s write-inputs (%s)\n", fd < 0 ? "ok" : "WROTE", fd < 0 ? strerror(errno) : "");
  fd = open("/inputs/data.txt", O_WRONLY);
  printf("%s write-input-file (%s)\n", fd < 0 ? "ok" : "WROTE", fd < 0 ? strerror(errno) : "");
  fd = open("/new.txt", O_WRONLY | O_CREAT, 0644);
  printf("%s write-root (%s)\n", fd < 0 ? "ok" : "WROTE", fd < 0 ? strerror(errno) : "");
  printf("%s unlink-input (%s)\n", unlink("/inputs/data.txt") != 0 ? "ok" : "REMOVED", strerror(errno));
  printf("%s mkdir-root (%s)\n", mkdir("/evil", 0777) != 0 ? "ok" : "MADE", strerror(errno));
  return escaped;
}
