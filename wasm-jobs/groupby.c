/* groupby: a CSV group-by aggregate. Reads a CSV with a header line (no
 * quoted fields), groups rows by one column and aggregates another, a
 * decimal with at most 2 fractional digits, in exact integer cents:
 *   /outputs/groupby.csv   "<group>,count,sum,min,max,mean" sorted by group,
 *                          mean rounded half up to cents
 * stdout: the same table. Usage: groupby <group column> <value column> [file]
 * (default file /inputs). Exits 2 on a missing column or a bad number. */
#include "groups.h"

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: groupby <group column> <value column> [file]\n"); return 2; }
  FILE *in = fopen(argc > 3 ? argv[3] : "/inputs", "rb");
  if (!in) { perror("input"); return 2; }
  int status = aggregate(in, "groupby", argv[1], argv[2]);
  if (status != 0) return status;
  FILE *out = fopen("/outputs/groupby.csv", "w");
  if (!out) { perror("/outputs/groupby.csv"); return 2; }
  table(out, argv[1]);
  fclose(out);
  table(stdout, argv[1]);
  return 0;
}
