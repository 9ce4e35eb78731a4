/* fd_write to stdout/stderr, fd_read from stdin, fd_fdstat_get of stdio, isatty */
#include <stdlib.h>
#include <unistd.h>
#include <wasi/api.h>
#include "check.h"

int main(int argc, char **argv) {
  char buf[16];
  CHECK("stdin is empty", read(0, buf, sizeof buf) == 0);
  CHECK("stdout is not a tty", !isatty(1));
  __wasi_fdstat_t st;
  WCHECK("fdstat of stdout", __wasi_fd_fdstat_get(1, &st), 0);
  CHECK("seek on stdout is ESPIPE", lseek(1, 0, SEEK_SET) < 0 && errno == ESPIPE);
  long count = argc > 1 ? atol(argv[1]) : 0;
  static char chunk[65536];
  for (int i = 0; i < (int)sizeof chunk; i++) chunk[i] = 'a' + i % 26;
  fflush(stdout);
  for (long done = 0; done < count; done += sizeof chunk) write(1, chunk, count - done < (long)sizeof chunk ? count - done : sizeof chunk);
  fprintf(stderr, "done\n");
  return failures != 0;
}
