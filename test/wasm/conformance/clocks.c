/* clock_res_get clock_time_get poll_oneoff sched_yield random_get: checks
 * the properties any host must have, prints values (compared across runs by
 * the test, since dcx promises they are identical) */
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include "check.h"

int main(void) {
  struct timespec res, a, b;
  CHECK("clock_getres monotonic", clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0));
  CHECK("clock_getres realtime", clock_getres(CLOCK_REALTIME, &res) == 0);
  CHECK("clock_gettime realtime after 2020", clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_sec > 1577836800);
  printf("realtime %lld.%09ld\n", (long long)a.tv_sec, a.tv_nsec);
  int backwards = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < 1000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec)) backwards = 1;
    a = b;
  }
  CHECK("monotonic never goes backwards", !backwards);
  __wasi_timestamp_t t0, t1;
  WCHECK("clock_time_get process cputime", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t0), 0);
  WCHECK("clock_time_get bad clock is EINVAL", __wasi_clock_time_get(99, 1, &t0), __WASI_ERRNO_INVAL);
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0);
  struct timespec nap = { 0, 1000000 };
  CHECK("nanosleep", nanosleep(&nap, NULL) == 0);
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
  CHECK("sleep advances monotonic by at least its length", t1 - t0 >= 1000000);
  __wasi_subscription_t subs[2];
  __wasi_event_t events[2];
  __wasi_size_t nevents = 0;
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 42;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 5000000;
  WCHECK("poll_oneoff clock", __wasi_poll_oneoff(subs, events, 1, &nevents), 0);
  CHECK("poll_oneoff clock event", nevents == 1 && events[0].userdata == 42 && events[0].type == __WASI_EVENTTYPE_CLOCK && events[0].error == 0);
  subs[1].userdata = 7;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  WCHECK("poll_oneoff stdout", __wasi_poll_oneoff(subs, events, 2, &nevents), 0);
  CHECK("stdout is ready before the timeout", nevents >= 1 && events[0].userdata == 7 && events[0].type == __WASI_EVENTTYPE_FD_WRITE);
  WCHECK("poll_oneoff with no subscriptions is EINVAL", __wasi_poll_oneoff(subs, events, 0, &nevents), __WASI_ERRNO_INVAL);
  CHECK("sched_yield", sched_yield() == 0);
  uint8_t r1[16], r2[16];
  WCHECK("random_get", __wasi_random_get(r1, sizeof r1), 0);
  WCHECK("random_get again", __wasi_random_get(r2, sizeof r2), 0);
  CHECK("random bytes differ between calls", memcmp(r1, r2, sizeof r1) != 0);
  printf("random ");
  for (int i = 0; i < 16; i++) printf("%02x", r1[i]);
  printf("\n");
  return failures != 0;
}
