/* sock_accept sock_recv sock_send sock_shutdown: jobs have no network; every
 * call fails, with ENOTSOCK on a real descriptor and EBADF on a missing one */
#include <wasi/api.h>
#include "check.h"

int main(void) {
  __wasi_fd_t fd;
  uint8_t b[4];
  __wasi_iovec_t iov = { b, sizeof b };
  __wasi_ciovec_t ciov = { b, sizeof b };
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_errno_t e = __wasi_sock_accept(3, 0, &fd);
  CHECK("sock_accept on a dir fails (ENOTSOCK, or ENOTCAPABLE on uvwasi)", e == __WASI_ERRNO_NOTSOCK || e == __WASI_ERRNO_NOTCAPABLE);
  WCHECK("sock_recv on stdin", __wasi_sock_recv(0, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
  WCHECK("sock_send on stdout", __wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
  WCHECK("sock_shutdown on stdout", __wasi_sock_shutdown(1, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
  WCHECK("sock_shutdown on a missing fd", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
  return failures != 0;
}
