/* Allocates 1 MiB blocks (touching each) until malloc fails, then prints how
 * many it got: the failure point must depend only on the job's memory limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  int n = 0;
  for (;;) {
    char *p = malloc(1 << 20);
    if (p == NULL) break;
    memset(p, n, 1 << 20);
    n++;
  }
  printf("allocated %d MiB before malloc failed\n", n);
  return 0;
}
