/* grep: prints the lines of every file under /inputs that match an
 * extended regular expression, as "<path>:<line number>:<line>", to stdout
 * and /outputs/matches.txt. Exits 0 if something matched, 1 if nothing did,
 * 2 on a bad pattern, as grep does.
 * Usage: grep [-i] <pattern> [path] (default /inputs) */
#include <regex.h>
#include <stdlib.h>
#include "walk.h"

typedef struct { regex_t re; FILE *out; long matches; } grep_ctx;

static void grep_file(const char *path, void *p) {
  grep_ctx *g = p;
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return; }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long lineno = 0;
  while ((n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    if (regexec(&g->re, line, 0, NULL, 0) == 0) {
      printf("%s:%ld:%s\n", path, lineno, line);
      fprintf(g->out, "%s:%ld:%s\n", path, lineno, line);
      g->matches++;
    }
  }
  free(line);
  fclose(f);
}

int main(int argc, char **argv) {
  int i = 1, flags = REG_EXTENDED | REG_NOSUB;
  if (i < argc && strcmp(argv[i], "-i") == 0) { flags |= REG_ICASE; i++; }
  if (i >= argc) { fprintf(stderr, "usage: grep [-i] <pattern> [path]\n"); return 2; }
  grep_ctx g = { .matches = 0 };
  int err = regcomp(&g.re, argv[i], flags);
  if (err) {
    char msg[256];
    regerror(err, &g.re, msg, sizeof msg);
    fprintf(stderr, "grep: bad pattern '%s': %s\n", argv[i], msg);
    return 2;
  }
  g.out = fopen("/outputs/matches.txt", "w");
  if (!g.out) { perror("/outputs/matches.txt"); return 2; }
  walk(i + 1 < argc ? argv[i + 1] : "/inputs", grep_file, &g);
  fclose(g.out);
  fprintf(stderr, "%ld matching lines\n", g.matches);
  return g.matches > 0 ? 0 : 1;
}
