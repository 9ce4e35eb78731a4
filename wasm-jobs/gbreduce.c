/* gbreduce: the reduce half of a map/reduce CSV group-by. /inputs holds one
 * directory per shard, each a gbmap result (outputs/partial.csv); merges the
 * partial aggregates into groupby's table:
 *   /outputs/groupby.csv   "<group>,count,sum,min,max,mean" sorted by group
 * stdout: the same table. Usage: gbreduce <group column> (the header's name).
 * Exits 2 on a partial file it cannot read. */
#include "groups.h"
#include "walk.h"

static int bad = 0;

static void merge(const char *path, void *ctx) {
  (void)ctx;
  size_t len = strlen(path);
  if (len < 19 || strcmp(path + len - 19, "outputs/partial.csv") != 0) return;
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); bad = 1; return; }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) >= 0) {
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    if (n == 0) continue;
    char *fields[6];
    long long count, sum, min, max;
    if (split(line, fields, 6) != 5 || sscanf(fields[1], "%lld", &count) != 1 || sscanf(fields[2], "%lld", &sum) != 1 ||
        sscanf(fields[3], "%lld", &min) != 1 || sscanf(fields[4], "%lld", &max) != 1) {
      fprintf(stderr, "gbreduce: %s: a line that is not group,count,sum,min,max\n", path);
      bad = 1;
      break;
    }
    merge_into(find(fields[0]), count, sum, min, max);
  }
  free(line);
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: gbreduce <group column>\n"); return 2; }
  walk("/inputs", merge, NULL);
  if (bad) return 2;
  FILE *out = fopen("/outputs/groupby.csv", "w");
  if (!out) { perror("/outputs/groupby.csv"); return 2; }
  table(out, argv[1]);
  fclose(out);
  table(stdout, argv[1]);
  return 0;
}
