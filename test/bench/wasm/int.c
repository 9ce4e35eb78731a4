/* Integer workload for the rewrite-overhead benchmark: a sieve, a hash
 * table with open addressing, and an insertion-heavy sort, all on 32/64-bit
 * integers. Prints a checksum so both runs can be compared. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static uint32_t sieve(uint32_t n, uint8_t *composite) {
  memset(composite, 0, n);
  uint32_t count = 0;
  for (uint32_t i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (uint64_t j = (uint64_t)i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

#define TABLE (1u << 20)
static uint64_t keys[TABLE];
static uint32_t vals[TABLE];

static uint64_t hashing(int rounds) {
  uint64_t sum = 0;
  for (int r = 0; r < rounds; r++) {
    memset(keys, 0, sizeof keys);
    for (uint32_t i = 0; i < TABLE / 2; i++) {
      uint64_t k = next() | 1;
      uint32_t h = (uint32_t)((k * 0xff51afd7ed558ccdull) >> 44) & (TABLE - 1);
      while (keys[h] != 0 && keys[h] != k) h = (h + 1) & (TABLE - 1);
      keys[h] = k;
      vals[h] += i;
    }
    for (uint32_t i = 0; i < TABLE; i += 7) sum += keys[i] ^ vals[i];
  }
  return sum;
}

static int cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  uint8_t *buf = malloc(8000000);
  uint32_t primes = 0;
  for (int i = 0; i < 4; i++) primes += sieve(8000000, buf);
  uint64_t h = hashing(3);
  uint32_t *arr = malloc(sizeof(uint32_t) * 1000000);
  for (int i = 0; i < 1000000; i++) arr[i] = (uint32_t)next();
  qsort(arr, 1000000, sizeof(uint32_t), cmp);
  uint64_t s = 0;
  for (int i = 0; i < 1000000; i += 1000) s += arr[i];
  printf("%u %llu %llu\n", primes, (unsigned long long)h, (unsigned long long)s);
  return 0;
}
