/* Copies argv[1] to argv[2] through a 64 KiB buffer and prints the byte
 * count and a checksum: streams an input through the host and an output out. */
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: copy <from> <to>\n"); return 2; }
  FILE *in = fopen(argv[1], "rb");
  if (!in) { perror(argv[1]); return 2; }
  FILE *out = fopen(argv[2], "wb");
  if (!out) { perror(argv[2]); return 3; }
  static char buf[65536];
  size_t n, total = 0;
  unsigned long long sum = 0;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    for (size_t i = 0; i < n; i++) sum = sum * 31 + (unsigned char)buf[i];
    if (fwrite(buf, 1, n, out) != n) { perror("write"); return 4; }
    total += n;
  }
  if (fclose(out) != 0) { perror("close"); return 4; }
  printf("%zu %llu\n", total, sum);
  return 0;
}
