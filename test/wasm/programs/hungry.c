/* Allocates 1 MiB blocks (touching each) until malloc fails, then prints how
 * many it got: the failure point must depend only on the job's memory limit.
 * The blocks are kept and read back so the compiler cannot drop them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *blocks[4096];

int main(void) {
  int n = 0;
  while (n < 4096) {
    char *p = malloc(1 << 20);
    if (p == NULL) break;
    memset(p, n, 1 << 20);
    blocks[n++] = p;
  }
  long sum = 0;
  for (int i = 0; i < n; i++) sum += blocks[i][i];
  printf("allocated %d MiB before malloc failed (check %ld)\n", n, sum);
  return 0;
}
