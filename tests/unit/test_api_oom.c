/* Out of memory inside the collector becomes an error, never an abort.
 * tests/unit_api_oom.t runs this with GC_MAXIMUM_HEAP_SIZE set, so libgc
 * itself refuses to grow the heap past 64 MiB: no limit in svl_config is
 * involved.  Uses nothing but svl.h.  TAP on stdout. */
#include <stdlib.h>

#include "api_tap.h"

static svl_status call_int(svl_vm *vm, const char *fn, long long n, char **shown) {
  svl_value *f = NULL, *arg = svl_int(vm, n), *r = NULL;
  svl_status st = svl_get(vm, fn, &f);
  if (st == SVL_OK) st = svl_call(vm, f, 1, &arg, &r);
  if (shown) *shown = st == SVL_OK ? svl_format_value(vm, r, SVL_FORMAT_TEXT) : NULL;
  svl_release(vm, f);
  svl_release(vm, arg);
  svl_release(vm, r);
  return st;
}

int main(void) {
  printf("TAP version 13\n");
  if (!getenv("GC_MAXIMUM_HEAP_SIZE")) printf("# GC_MAXIMUM_HEAP_SIZE is not set: run through tests/unit_api_oom.t\n");
  svl_vm *vm = svl_new(NULL);
  if (!vm || svl_load_string(vm, "oom.svl",
                             "fn grow(n) = [[i, i, i, i] for i in 1..n]\n"
                             "fn big(n) = range(1, n)\n"
                             "fn size(n) = len(grow(n))\n",
                             SVL_NTS) != SVL_OK) {
    printf("Bail out! could not start\n");
    return 1;
  }
  char *s = NULL;
  for (int round = 1; round <= 3; round++) {
    char d[100];
    snprintf(d, sizeof d, "round %d: a heap that cannot grow is SVL_ERR_LIMIT", round);
    tap_ok(call_int(vm, "size", 20000000, NULL) == SVL_ERR_LIMIT, d);
    tap_error(vm, SVL_ERR_LIMIT, "out of memory", "... \"out of memory\"");
    tap_ok(call_int(vm, "size", 1000, &s) == SVL_OK, "... and the VM is usable after it");
    tap_is(s, "1000", "... and right");
    free(s);
  }
  tap_ok(call_int(vm, "big", 9000000, NULL) == SVL_ERR_LIMIT, "one allocation too big for the heap");
  tap_error(vm, SVL_ERR_LIMIT, "out of memory", "... \"out of memory\"");
  tap_ok(call_int(vm, "size", 10, &s) == SVL_OK, "the VM is usable after it");
  free(s);
  svl_free(vm);
  return tap_done();
}
