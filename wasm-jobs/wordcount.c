/* wordcount: counts lines, words and bytes of every file under /inputs, as
 * `wc` does (words are runs of non-whitespace), and the most frequent words
 * (runs of ASCII letters, lowercased).
 *   /outputs/wc.txt         "<lines> <words> <bytes> <path>" per file, then "total"
 *   /outputs/top-words.txt  "<count> <word>", the 20 most frequent, ties by word
 * stdout: the total line. Usage: wordcount [path] (default /inputs); the
 * OUTPUTS environment variable moves /outputs (to run it natively). */
#include <ctype.h>
#include "walk.h"
#include "words.h"

typedef struct { uint64_t lines, words, bytes; FILE *out; } totals;

static void count_file(const char *path, void *ctx) {
  totals *t = ctx;
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return; }
  static char buf[1 << 16];
  uint64_t lines = 0, words = 0, bytes = 0;
  int inword = 0;
  char word[64];
  size_t wl = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    bytes += n;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = buf[i];
      if (c == '\n') lines++;
      int space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
      if (!space && !inword) words++;
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
  fprintf(t->out, "%llu %llu %llu %s\n", (unsigned long long)lines, (unsigned long long)words, (unsigned long long)bytes, path);
  t->lines += lines; t->words += words; t->bytes += bytes;
}

int main(int argc, char **argv) {
  const char *root = argc > 1 ? argv[1] : "/inputs";
  const char *outdir = getenv("OUTPUTS") ? getenv("OUTPUTS") : "/outputs";
  char wc_path[4096], top_path[4096];
  snprintf(wc_path, sizeof wc_path, "%s/wc.txt", outdir);
  snprintf(top_path, sizeof top_path, "%s/top-words.txt", outdir);
  totals t = { 0, 0, 0, fopen(wc_path, "w") };
  if (!t.out) { perror(wc_path); return 1; }
  walk(root, count_file, &t);
  fprintf(t.out, "%llu %llu %llu total\n", (unsigned long long)t.lines, (unsigned long long)t.words, (unsigned long long)t.bytes);
  fclose(t.out);
  size_t k;
  entry *all = all_words(&k);
  qsort(all, k, sizeof(entry), by_count);
  FILE *top = fopen(top_path, "w");
  if (!top) { perror(top_path); return 1; }
  for (size_t i = 0; i < k && i < 20; i++) fprintf(top, "%llu %s\n", (unsigned long long)all[i].count, all[i].word);
  fclose(top);
  printf("%llu %llu %llu total\n", (unsigned long long)t.lines, (unsigned long long)t.words, (unsigned long long)t.bytes);
  return 0;
}
