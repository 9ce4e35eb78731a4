/* wcreduce: the reduce half of a map/reduce word count. /inputs holds one
 * directory per shard, each a wcmap result (outputs/counts.txt); merges them.
 *   /outputs/wc.txt         "<lines> <words> <bytes> total", as wordcount's last line
 *   /outputs/top-words.txt  "<count> <word>", the 20 most frequent, ties by word
 * stdout: the total line. Exits 2 on a counts file it cannot read. */
#include "walk.h"
#include "words.h"

typedef struct { uint64_t lines, words, bytes; long files; int bad; } totals;

static void merge(const char *path, void *ctx) {
  totals *t = ctx;
  size_t len = strlen(path);
  if (len < 18 || strcmp(path + len - 18, "outputs/counts.txt") != 0) return;
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); t->bad = 1; return; }
  unsigned long long l, w, b, c;
  if (fscanf(f, "%llu %llu %llu\n", &l, &w, &b) != 3) { fprintf(stderr, "wcreduce: %s: no totals line\n", path); t->bad = 1; fclose(f); return; }
  t->lines += l; t->words += w; t->bytes += b; t->files++;
  char word[128];
  while (fscanf(f, "%127s %llu\n", word, &c) == 2) add_word(word, strlen(word), c);
  fclose(f);
}

int main(int argc, char **argv) {
  totals t = { 0, 0, 0, 0, 0 };
  walk(argc > 1 ? argv[1] : "/inputs", merge, &t);
  if (t.bad) return 2;
  FILE *wc = fopen("/outputs/wc.txt", "w");
  if (!wc) { perror("/outputs/wc.txt"); return 1; }
  fprintf(wc, "%llu %llu %llu total\n", (unsigned long long)t.lines, (unsigned long long)t.words, (unsigned long long)t.bytes);
  fclose(wc);
  size_t k;
  entry *all = all_words(&k);
  qsort(all, k, sizeof(entry), by_count);
  FILE *top = fopen("/outputs/top-words.txt", "w");
  if (!top) { perror("/outputs/top-words.txt"); return 1; }
  for (size_t i = 0; i < k && i < 20; i++) fprintf(top, "%llu %s\n", (unsigned long long)all[i].count, all[i].word);
  fclose(top);
  printf("%llu %llu %llu total\n", (unsigned long long)t.lines, (unsigned long long)t.words, (unsigned long long)t.bytes);
  return 0;
}
