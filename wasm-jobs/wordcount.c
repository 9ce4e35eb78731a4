/* wordcount: counts lines, words and bytes of every file under /inputs, as
 * `wc` does (words are runs of non-whitespace), and the most frequent words
 * (runs of ASCII letters, lowercased).
 *   /outputs/wc.txt         "<lines> <words> <bytes> <path>" per file, then "total"
 *   /outputs/top-words.txt  "<count> <word>", the 20 most frequent, ties by word
 * stdout: the total line. Usage: wordcount [path] (default /inputs); the
 * OUTPUTS environment variable moves /outputs (to run it natively). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include "walk.h"

#define TABLE (1u << 20)
typedef struct { char *word; uint64_t count; } entry;
static entry table[TABLE];
static size_t distinct = 0;

static void count_word(const char *w, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
  size_t i = h & (TABLE - 1);
  while (table[i].word && (strlen(table[i].word) != n || memcmp(table[i].word, w, n) != 0)) i = (i + 1) & (TABLE - 1);
  if (!table[i].word) {
    if (distinct >= TABLE / 2) return; /* keep the table sparse; counts stay exact below 512k distinct words */
    table[i].word = strndup(w, n);
    distinct++;
  }
  table[i].count++;
}

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
        count_word(word, wl < sizeof word ? wl : sizeof word);
        wl = 0;
      }
    }
  }
  if (wl > 0) count_word(word, wl < sizeof word ? wl : sizeof word);
  fclose(f);
  fprintf(t->out, "%llu %llu %llu %s\n", (unsigned long long)lines, (unsigned long long)words, (unsigned long long)bytes, path);
  t->lines += lines; t->words += words; t->bytes += bytes;
}

static int by_count(const void *a, const void *b) {
  const entry *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->word, y->word);
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
  entry *all = malloc(sizeof(entry) * (distinct + 1));
  size_t k = 0;
  for (size_t i = 0; i < TABLE; i++) if (table[i].word) all[k++] = table[i];
  qsort(all, k, sizeof(entry), by_count);
  FILE *top = fopen(top_path, "w");
  if (!top) { perror(top_path); return 1; }
  for (size_t i = 0; i < k && i < 20; i++) fprintf(top, "%llu %s\n", (unsigned long long)all[i].count, all[i].word);
  fclose(top);
  printf("%llu %llu %llu total\n", (unsigned long long)t.lines, (unsigned long long)t.words, (unsigned long long)t.bytes);
  return 0;
}
