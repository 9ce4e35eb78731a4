/* A differential-test program: exercises what compilers emit (loops that
 * vectorize to SIMD, memcpy/memset as bulk memory, float<->int conversions,
 * sign extension, function pointers, switch tables, recursion, 64-bit math,
 * floats) and prints results. Built with several flag sets by build.sh; the
 * rewritten module must print exactly what the original prints. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4096
static float fa[N], fb[N], fc[N];
static double da[N];
static int32_t ia[N], ib[N];
static int8_t ca[N];
static uint8_t bytes[N * 4];

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
static int sub(int a, int b) { return a - b; }
static int (*ops[3])(int, int) = { add, mul, sub };

static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

static const char *name(int k) {
  switch (k) {
    case 0: return "zero"; case 1: return "one"; case 2: return "two"; case 3: return "three";
    case 4: return "four"; case 5: return "five"; case 6: return "six"; default: return "many";
  }
}

int main(int argc, char **argv) {
  for (int i = 0; i < N; i++) {
    fa[i] = (float)i * 0.5f - 100.0f;
    fb[i] = (float)(i % 17) + 0.25f;
    ia[i] = i * 2654435761u;
    ib[i] = (i * 7) ^ (i >> 3);
    ca[i] = (int8_t)(i * 37);
  }
  for (int r = 0; r < 50; r++)
    for (int i = 0; i < N; i++) {
      fc[i] = fa[i] * fb[i] + fc[i] * 0.5f;
      ia[i] = ia[i] + ib[i] * 3;
      ib[i] = (ib[i] << 1) ^ (ia[i] >> 2);
    }
  double s = 0;
  for (int i = 0; i < N; i++) { da[i] = sqrt(fabs((double)fc[i])) + floor(fc[i] / 3.0); s += da[i]; }
  int64_t isum = 0;
  for (int i = 0; i < N; i++) isum += ia[i] + (int64_t)ca[i] * 1000;
  int32_t conv = 0;
  for (int i = 0; i < N; i++) conv += (int32_t)(fc[i] * 1.5f) + (int32_t)lrint(da[i]);
  memset(bytes, 0xab, sizeof bytes);
  memcpy(bytes + 7, fa, 1000);
  memmove(bytes + 3, bytes + 5, 3000);
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < sizeof bytes; i++) h = (h ^ bytes[i]) * 16777619u;
  int acc = 1;
  for (int i = 0; i < 30; i++) acc = ops[i % 3](acc, i + 1);
  char *heap = malloc(100000);
  for (int i = 0; i < 100000; i++) heap[i] = (char)(i * 13);
  long hs = 0;
  for (int i = 0; i < 100000; i += 3) hs += heap[i];
  free(heap);
  printf("s=%.6f isum=%lld conv=%d h=%u acc=%d fib=%llu hs=%ld %s %s argc=%d\n",
         s, (long long)isum, conv, h, acc, (unsigned long long)fib(22), hs, name(argc), name(9), argc);
  return 0;
}
