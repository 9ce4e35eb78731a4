/* gbmap: the map half of a map/reduce CSV group-by, run once per shard (a
 * CSV file, or a directory of them, with header lines, mounted at /inputs).
 * Partial aggregates in exact cents, for gbreduce to merge:
 *   /outputs/partial.csv   "<group>,<count>,<sum>,<min>,<max>" (cents), sorted by group
 * Usage: gbmap <group column> <value column>. Exits 2 on a missing column or
 * a bad number (the message names the shard, from DCX_SHARD). */
#include "groups.h"
#include "walk.h"

typedef struct { const char *gcol, *vcol; int status; } job;

static void shard_file(const char *path, void *ctx) {
  job *j = ctx;
  if (j->status != 0) return;
  FILE *in = fopen(path, "rb");
  if (!in) { perror(path); j->status = 2; return; }
  j->status = aggregate(in, path, j->gcol, j->vcol);
  fclose(in);
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: gbmap <group column> <value column>\n"); return 2; }
  job j = { argv[1], argv[2], 0 };
  walk("/inputs", shard_file, &j);
  if (j.status != 0) return j.status;
  FILE *out = fopen("/outputs/partial.csv", "w");
  if (!out) { perror("/outputs/partial.csv"); return 2; }
  for (size_t i = 0; i < ngroups; i++) {
    group *g = &groups[i];
    fprintf(out, "%s,%lld,%lld,%lld,%lld\n", g->key, (long long)g->count, (long long)g->sum, (long long)g->min, (long long)g->max);
  }
  fclose(out);
  const char *shard = getenv("DCX_SHARD");
  printf("%s: %zu groups\n", shard ? shard : "/inputs", ngroups);
  return 0;
}
