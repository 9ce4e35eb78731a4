/* Groups of exact-cent aggregates (count, sum, min, max), kept sorted by
 * key, shared by the group-by jobs; and the CSV and money helpers they use. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *key; int64_t count, sum, min, max; } group;
static group *groups = NULL;
static size_t ngroups = 0, capgroups = 0;

/* Split a line at commas in place (no quoted fields); returns the field count */
static int split(char *line, char **fields, int max) {
  int n = 0;
  fields[n++] = line;
  for (char *p = line; *p && n < max; p++) if (*p == ',') { *p = 0; fields[n++] = p + 1; }
  return n;
}

/* A decimal with at most 2 fractional digits, as integer cents; 0 if it is not one */
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

/* The group for a key, made (empty) if new */
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

/* Fold a partial aggregate into a group */
static void merge_into(group *g, int64_t count, int64_t sum, int64_t min, int64_t max) {
  g->count += count; g->sum += sum;
  if (min < g->min) g->min = min;
  if (max > g->max) g->max = max;
}

static void money(FILE *f, int64_t c) {
  if (c < 0) { fputc('-', f); c = -c; }
  fprintf(f, "%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
}

/* The final table: "<group>,count,sum,min,max,mean", mean rounded half away from zero */
__attribute__((unused)) static void table(FILE *f, const char *gname) {
  fprintf(f, "%s,count,sum,min,max,mean\n", gname);
  for (size_t i = 0; i < ngroups; i++) {
    group *g = &groups[i];
    int64_t mean = (2 * (g->sum < 0 ? -g->sum : g->sum) + g->count) / (2 * g->count);
    if (g->sum < 0) mean = -mean;
    fprintf(f, "%s,%lld,", g->key, (long long)g->count);
    money(f, g->sum); fputc(',', f); money(f, g->min); fputc(',', f); money(f, g->max); fputc(',', f); money(f, mean);
    fputc('\n', f);
  }
}

/* Read a CSV with a header, adding each row's value to its group; 0 on success, 2 with a message otherwise */
__attribute__((unused)) static int aggregate(FILE *in, const char *name, const char *gcolname, const char *vcolname) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  char *fields[64];
  int gcol = -1, vcol = -1;
  if ((n = getline(&line, &cap, in)) < 0) { fprintf(stderr, "%s: empty input\n", name); return 2; }
  if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
  int nf = split(line, fields, 64);
  for (int i = 0; i < nf; i++) {
    if (strcmp(fields[i], gcolname) == 0) gcol = i;
    if (strcmp(fields[i], vcolname) == 0) vcol = i;
  }
  if (gcol < 0 || vcol < 0) { fprintf(stderr, "%s: no column named '%s'\n", name, gcol < 0 ? gcolname : vcolname); return 2; }
  long row = 1;
  while ((n = getline(&line, &cap, in)) >= 0) {
    row++;
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    if (n > 0 && line[n - 1] == '\r') line[--n] = 0;
    if (n == 0) continue;
    nf = split(line, fields, 64);
    int64_t v;
    if (gcol >= nf || vcol >= nf || !cents(fields[vcol], &v)) { fprintf(stderr, "%s: row %ld: '%s' is not a number with at most 2 decimals\n", name, row, vcol < nf ? fields[vcol] : ""); return 2; }
    merge_into(find(fields[gcol]), 1, v, v, v);
  }
  free(line);
  return 0;
}
