/* groupby: a CSV group-by aggregate. Reads a CSV with a header line (no
 * quoted fields), groups rows by one column and aggregates another, a
 * decimal with at most 2 fractional digits, in exact integer cents:
 *   /outputs/groupby.csv   "<group>,count,sum,min,max,mean" sorted by group,
 *                          mean rounded half up to cents
 * stdout: the same table. Usage: groupby <group column> <value column> [file]
 * (default file /inputs). Exits 2 on a missing column or a bad number. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

typedef struct { char *key; int64_t count, sum, min, max; } group;
static group *groups = NULL;
static size_t ngroups = 0, capgroups = 0;

static int split(char *line, char **fields, int max) {
  int n = 0;
  fields[n++] = line;
  for (char *p = line; *p && n < max; p++) if (*p == ',') { *p = 0; fields[n++] = p + 1; }
  return n;
}

static int cents(const char *s, int64_t *out) {
  int neg = 0, frac = -1;
  int64_t v = 0;
  if (*s == '-') { neg = 1; s++; }
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s == '.' && frac < 0) { frac = 0; continue; }
    if (*s < '0' || *s > '9' || frac >= 2) return 0;
    v = v * 10 + (*s - '0');
    if (frac >= 0) frac++;
  }
  if (frac < 0) frac = 0;
  while (frac++ < 2) v *= 10;
  *out = neg ? -v : v;
  return 1;
}

static group *find(const char *key) {
  size_t lo = 0, hi = ngroups;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(groups[mid].key, key);
    if (c == 0) return &groups[mid];
    if (c < 0) lo = mid + 1; else hi = mid;
  }
  if (ngroups == capgroups) { capgroups = capgroups ? capgroups * 2 : 64; groups = realloc(groups, capgroups * sizeof(group)); }
  memmove(&groups[lo + 1], &groups[lo], (ngroups - lo) * sizeof(group));
  groups[lo] = (group){ strdup(key), 0, 0, INT64_MAX, INT64_MIN };
  ngroups++;
  return &groups[lo];
}

static void money(FILE *f, int64_t c) {
  if (c < 0) { fputc('-', f); c = -c; }
  fprintf(f, "%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
}

static void table(FILE *f, const char *gname) {
  fprintf(f, "%s,count,sum,min,max,mean\n", gname);
  for (size_t i = 0; i < ngroups; i++) {
    group *g = &groups[i];
    /* mean in cents, rounded half away from zero */
    int64_t mean = (2 * (g->sum < 0 ? -g->sum : g->sum) + g->count) / (2 * g->count);
    if (g->sum < 0) mean = -mean;
    fprintf(f, "%s,%lld,", g->key, (long long)g->count);
    money(f, g->sum); fputc(',', f); money(f, g->min); fputc(',', f); money(f, g->max); fputc(',', f); money(f, mean);
    fputc('\n', f);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: groupby <group column> <value column> [file]\n"); return 2; }
  FILE *in = fopen(argc > 3 ? argv[3] : "/inputs", "rb");
  if (!in) { perror("input"); return 2; }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  char *fields[64];
  int gcol = -1, vcol = -1;
  if ((n = getline(&line, &cap, in)) < 0) { fprintf(stderr, "groupby: empty input\n"); return 2; }
  if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
  int nf = split(line, fields, 64);
  for (int i = 0; i < nf; i++) {
    if (strcmp(fields[i], argv[1]) == 0) gcol = i;
    if (strcmp(fields[i], argv[2]) == 0) vcol = i;
  }
  if (gcol < 0 || vcol < 0) { fprintf(stderr, "groupby: no column named '%s'\n", gcol < 0 ? argv[1] : argv[2]); return 2; }
  long row = 1;
  while ((n = getline(&line, &cap, in)) >= 0) {
    row++;
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    if (n > 0 && line[n - 1] == '\r') line[--n] = 0;
    if (n == 0) continue;
    nf = split(line, fields, 64);
    int64_t v;
    if (gcol >= nf || vcol >= nf || !cents(fields[vcol], &v)) { fprintf(stderr, "groupby: row %ld: '%s' is not a number with at most 2 decimals\n", row, vcol < nf ? fields[vcol] : ""); return 2; }
    group *g = find(fields[gcol]);
    g->count++; g->sum += v;
    if (v < g->min) g->min = v;
    if (v > g->max) g->max = v;
  }
  FILE *out = fopen("/outputs/groupby.csv", "w");
  if (!out) { perror("/outputs/groupby.csv"); return 2; }
  table(out, argv[1]);
  fclose(out);
  table(stdout, argv[1]);
  return 0;
}
