/* TAP helpers for the C API tests (tests/unit/test_api*.c).  Written for
 * SVL; each test binary prints "TAP version 13", its points and the plan. */
#ifndef SVL_API_TAP_H
#define SVL_API_TAP_H

#include <stdio.h>
#include <string.h>

#include "svl.h"
#include "tap.h"

/* a point, flushed at once: a host test may crash or hang after it */
static inline void tap_ok(int cond, const char *desc) {
  ok(cond != 0, desc);
  fflush(stdout);
}

static inline void tap_is(const char *got, const char *want, const char *desc) {
  int same = got && want && strcmp(got, want) == 0;
  if (!same) printf("# got:  %s\n# want: %s\n", got ? got : "(null)", want ? want : "(null)");
  tap_ok(same, desc);
}

static inline void tap_is_int(long long got, long long want, const char *desc) {
  if (got != want) printf("# got %lld, want %lld\n", got, want);
  tap_ok(got == want, desc);
}

/* Does the last error of vm contain `part` (and have status st)? */
static inline void tap_error(svl_vm *vm, svl_status st, const char *part, const char *desc) {
  const svl_error *e = svl_last_error(vm);
  int good = e->status == st && (!part || strstr(e->message, part));
  if (!good) printf("# status %d (want %d): %s\n", (int)e->status, (int)st, e->message);
  tap_ok(good, desc);
}

#endif
