/* The TAP points the unit tests print (prove reads them): ok() for each
 * point, tap_done() for the plan and main's exit status.  One copy: the
 * API tests' api_tap.h builds its helpers on it. */
#ifndef SVL_TESTS_TAP_H
#define SVL_TESTS_TAP_H

#include <stdbool.h>
#include <stdio.h>

static int n_tests, n_failed;

static inline void ok(bool cond, const char *what) {
  n_tests++;
  if (!cond) n_failed++;
  printf("%sok %d - %s\n", cond ? "" : "not ", n_tests, what);
}

/* the plan, last, and 1 when a point failed */
static inline int tap_done(void) {
  printf("1..%d\n", n_tests);
  return n_failed != 0;
}

#endif
