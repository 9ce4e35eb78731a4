// Jobs that push at the runtime's limits, for the adversarial tests.
//   hostile nest N      mkdir /outputs/d/d/... N deep; prints how deep it got and the error
//   hostile files N     create N empty files in /outputs; prints how many and the error
//   hostile walk [MAX]  list /inputs recursively (depth first); prints entries seen, deepest
//                       level and the first error; stops after MAX entries (default: no cap)
//   hostile cat PATH    copy PATH to stdout
//   hostile spill MIB   write MIB MiB to /outputs/big, then spin until stopped
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int nest (long n) {
  char path[8192] = "/outputs";
  long depth = 0;
  for (; depth < n; depth++) {
    if (strlen(path) + 3 >= sizeof path) { printf("depth %ld path buffer full\n", depth); return 0; }
    strcat(path, "/d");
    if (mkdir(path, 0755) != 0) { printf("depth %ld error %s\n", depth, strerror(errno)); return 0; }
  }
  printf("depth %ld ok\n", depth);
  return 0;
}

static int files (long n) {
  char path[64];
  long i = 0;
  for (; i < n; i++) {
    snprintf(path, sizeof path, "/outputs/f%ld", i);
    int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
    if (fd < 0) { printf("files %ld error %s\n", i, strerror(errno)); return 0; }
    close(fd);
  }
  printf("files %ld ok\n", i);
  return 0;
}

static long seen = 0, deepest = 0, cap = -1;
static int first_error = 0;

static void walk (const char *path, long level) {
  if (level > deepest) deepest = level;
  DIR *d = opendir(path);
  if (d == NULL) { if (first_error == 0) first_error = errno; return; }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (cap >= 0 && seen >= cap) break;
    seen++;
    if (e->d_type == DT_DIR) {
      size_t len = strlen(path) + strlen(e->d_name) + 2;
      char *child = malloc(len);
      snprintf(child, len, "%s/%s", path, e->d_name);
      walk(child, level + 1);
      free(child);
    }
  }
  closedir(d);
}

static int cat (const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) { printf("cat error %s\n", strerror(errno)); return 1; }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}

static int spill (long mib) {
  FILE *f = fopen("/outputs/big", "wb");
  if (f == NULL) { printf("spill error %s\n", strerror(errno)); return 1; }
  static char buf[1 << 20];
  memset(buf, 'x', sizeof buf);
  for (long i = 0; i < mib; i++) fwrite(buf, 1, sizeof buf, f);
  fflush(f);
  printf("spilled %ld MiB\n", mib);
  fflush(stdout);
  volatile unsigned long spin = 0;
  for (;;) spin++;
}

int main (int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: hostile nest|files|walk|cat|spill ...\n"); return 2; }
  const char *mode = argv[1];
  if (strcmp(mode, "nest") == 0 && argc == 3) return nest(atol(argv[2]));
  if (strcmp(mode, "files") == 0 && argc == 3) return files(atol(argv[2]));
  if (strcmp(mode, "walk") == 0) {
    if (argc == 3) cap = atol(argv[2]);
    walk("/inputs", 0);
    printf("entries %ld deepest %ld error %s\n", seen, deepest, first_error == 0 ? "none" : strerror(first_error));
    return 0;
  }
  if (strcmp(mode, "cat") == 0 && argc == 3) return cat(argv[2]);
  if (strcmp(mode, "spill") == 0 && argc == 3) return spill(atol(argv[2]));
  fprintf(stderr, "hostile: unknown mode %s\n", mode);
  return 2;
}
