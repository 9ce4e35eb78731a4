/* wcmap: the map half of a map/reduce word count, run once per shard (a file
 * or a directory mounted at /inputs). Counts lines, words and bytes as `wc`
 * does and every word (runs of ASCII letters, lowercased).
 *   /outputs/counts.txt   "<lines> <words> <bytes>", then "<word> <count>"
 *                         for every distinct word, sorted by word
 * stdout: "<lines> <words> <bytes> <shard>" (the shard's name from DCX_SHARD). */
#include <ctype.h>
#include "walk.h"
#include "words.h"

typedef struct { uint64_t lines, words, bytes; } totals;

static void count_file(const char *path, void *ctx) {
  totals *t = ctx;
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return; }
  static char buf[1 << 16];
  int inword = 0;
  char word[64];
  size_t wl = 0, n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    t->bytes += n;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = buf[i];
      if (c == '\n') t->lines++;
      int space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
      if (!space && !inword) t->words++;
      inword = !space;
      if (c < 128 && isalpha(c)) {
        if (wl < sizeof word) word[wl] = (char)tolower(c);
        wl++;
      } else if (wl > 0) {
        add_word(word, wl < sizeof word ? wl : sizeof word, 1);
        wl = 0;
      }
    }
  }
  if (wl > 0) add_word(word, wl < sizeof word ? wl : sizeof word, 1);
  fclose(f);
}

int main(int argc, char **argv) {
  totals t = { 0, 0, 0 };
  walk(argc > 1 ? argv[1] : "/inputs", count_file, &t);
  FILE *out = fopen("/outputs/counts.txt", "w");
  if (!out) { perror("/outputs/counts.txt"); return 1; }
  fprintf(out, "%llu %llu %llu\n", (unsigned long long)t.lines, (unsigned long long)t.words, (unsigned long long)t.bytes);
  size_t k;
  entry *all = all_words(&k);
  qsort(all, k, sizeof(entry), by_word);
  for (size_t i = 0; i < k; i++) fprintf(out, "%s %llu\n", all[i].word, (unsigned long long)all[i].count);
  fclose(out);
  const char *shard = getenv("DCX_SHARD");
  printf("%llu %llu %llu %s\n", (unsigned long long)t.lines, (unsigned long long)t.words, (unsigned long long)t.bytes, shard ? shard : "/inputs");
  return 0;
}
