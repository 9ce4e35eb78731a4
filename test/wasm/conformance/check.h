/* Each check prints "ok <name>" or "FAIL <name>: <detail>"; main returns
 * failures != 0. Programs are written against WASI preview1 as wasmtime
 * implements it, not against dcx, so they also run on other hosts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(name, cond) do { \
    if (cond) printf("ok %s\n", name); \
    else { printf("FAIL %s: %s (errno %d %s) at line %d\n", name, #cond, errno, strerror(errno), __LINE__); failures++; } \
  } while (0)
#define WCHECK(name, call, want) do { \
    __wasi_errno_t e_ = (call); \
    if (e_ == (want)) printf("ok %s\n", name); \
    else { printf("FAIL %s: %s returned %d, wanted %d at line %d\n", name, #call, e_, (want), __LINE__); failures++; } \
  } while (0)
