/* Reads a resource from a path compiled into it, as real programs do (YoWASP
 * Yosys reads its techmap library from /share): prints /share/greeting.txt,
 * or says why it cannot and exits 2. */
#include <stdio.h>

int main(void) {
  FILE *f = fopen("/share/greeting.txt", "rb");
  if (!f) { perror("/share/greeting.txt"); return 2; }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}
