/* A table of words and their counts (open addressing, FNV-1a), shared by the
 * word-count jobs. Exact below 512k distinct words. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TABLE (1u << 20)
typedef struct { char *word; uint64_t count; } entry;
static entry table[TABLE];
static size_t distinct = 0;

static void add_word(const char *w, size_t n, uint64_t count) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
  size_t i = h & (TABLE - 1);
  while (table[i].word && (strlen(table[i].word) != n || memcmp(table[i].word, w, n) != 0)) i = (i + 1) & (TABLE - 1);
  if (!table[i].word) {
    if (distinct >= TABLE / 2) return; /* keep the table sparse */
    table[i].word = strndup(w, n);
    distinct++;
  }
  table[i].count += count;
}

/* Every distinct word, in an array the caller frees */
static entry *all_words(size_t *k) {
  entry *all = malloc(sizeof(entry) * (distinct + 1));
  *k = 0;
  for (size_t i = 0; i < TABLE; i++) if (table[i].word) all[(*k)++] = table[i];
  return all;
}

__attribute__((unused)) static int by_word(const void *a, const void *b) {
  return strcmp(((const entry *)a)->word, ((const entry *)b)->word);
}

__attribute__((unused)) static int by_count(const void *a, const void *b) {
  const entry *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->word, y->word);
}
