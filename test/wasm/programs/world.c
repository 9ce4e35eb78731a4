/* Prints everything a job can learn about its world that a real machine
 * would make vary: clocks, random bytes, sleeps, and the tree's metadata
 * (types, sizes, inode numbers, link counts, times) in readdir order. Its
 * output must be byte-identical on every run and machine. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { printf("opendir %s failed\n", dir); return; }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) != 0) { printf("%s: lstat failed\n", path); continue; }
    printf("%s type=%d size=%lld ino=%llu nlink=%llu mtime=%lld.%09ld\n", path, e->d_type, (long long)st.st_size,
           (unsigned long long)st.st_ino, (unsigned long long)st.st_nlink, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    if (S_ISDIR(st.st_mode)) walk(path);
  }
  closedir(d);
}

int main(void) {
  struct timespec a, b, res;
  clock_getres(CLOCK_MONOTONIC, &res);
  clock_gettime(CLOCK_REALTIME, &a);
  printf("res %ld ns, realtime %lld.%09ld, time() %lld\n", res.tv_nsec, (long long)a.tv_sec, a.tv_nsec, (long long)time(NULL));
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec nap = { 0, 5000000 };
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long slept = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("monotonic %lld.%09ld, slept %lld ns (>= 5 ms: %s)\n", (long long)b.tv_sec, b.tv_nsec, slept, slept >= 5000000 ? "yes" : "no");
  unsigned char r[16];
  getentropy(r, sizeof r);
  printf("random ");
  for (int i = 0; i < 16; i++) printf("%02x", r[i]);
  printf("\n");
  FILE *f = fopen("/tmp/made.txt", "w");
  fputs("made by the job\n", f);
  fclose(f);
  mkdir("/outputs/sub", 0777);
  walk("/");
  return 0;
}
