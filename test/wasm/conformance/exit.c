/* proc_exit proc_raise, and what traps look like: argv[1] picks the ending */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include "check.h"

/* wasi-libc declares proc_raise only with signal emulation: import it directly */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t raw_proc_raise(int32_t sig);

int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "0";
  if (strcmp(how, "trap") == 0) __builtin_trap();
  if (strcmp(how, "abort") == 0) abort();
  if (strcmp(how, "proc_exit") == 0) __wasi_proc_exit(7);
  if (strcmp(how, "raise") == 0) {
    WCHECK("proc_raise is not supported", raw_proc_raise(15), __WASI_ERRNO_NOSYS);
    return failures != 0;
  }
  printf("exiting with %d\n", atoi(how));
  exit(atoi(how));
}
