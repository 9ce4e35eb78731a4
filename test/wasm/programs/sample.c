/* sample: reads argv[1] at pseudo-random offsets and lengths with pread
 * (1 byte to 3 MiB, some past the end) and prints the file's size and a
 * 32-bit FNV-1a hash of every byte read and every count returned: random
 * access through the host. Usage: sample <file> [reads] (default 100) */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char buf[3 << 20];
static uint32_t x = 12345;
static uint32_t next(void) { x = x * 1103515245u + 12345u; return x; }

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: sample <file> [reads]\n"); return 2; }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) { perror(argv[1]); return 2; }
  struct stat st;
  if (fstat(fd, &st) != 0) { perror("fstat"); return 2; }
  uint32_t size = (uint32_t)st.st_size;
  int reads = argc > 2 ? atoi(argv[2]) : 100;
  static const uint32_t longest[4] = { 100, 65536, 3 << 19, 3 << 20 };
  uint32_t h = 2166136261u;
  for (int i = 0; i < reads; i++) {
    uint32_t off = next() % (size + 1000);
    uint32_t len = 1 + next() % longest[i % 4];
    ssize_t n = pread(fd, buf, len, off);
    if (n < 0) { perror("pread"); return 3; }
    for (ssize_t j = 0; j < n; j++) h = (h ^ buf[j]) * 16777619u;
    h = (h ^ (uint32_t)n) * 16777619u;
  }
  printf("%u %u\n", size, h);
  return 0;
}
