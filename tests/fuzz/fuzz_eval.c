/* libFuzzer harness: the evaluator, through include/svl.h, under tight
 * limits.  Every input must end in SVL_OK or an error with a code and a
 * message — within the step, heap, depth and time limits, never a crash
 * or a hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"
#include "fuzz_common.h"

static void show(svl_vm *vm, svl_value *v) {
  for (int f = SVL_FORMAT_TEXT; f <= SVL_FORMAT_MD; f++) {
    char *s = svl_format_value(vm, v, (svl_format)f);
    if (!s) {
      /* allowed only as a reported error: a value nested past the walk
       * limit (E0806) or a limit reached while formatting */
      const svl_error *e = svl_last_error(vm);
      if (!e->code || e->code[0] != 'E' || !e->message) abort();
      continue;
    }
    free(s);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.write = fuzz_sink;
  cfg.max_steps = 50000;
  cfg.max_heap = (size_t)256 << 20;
  cfg.max_depth = 64;
  cfg.timeout_ms = 2000;
  svl_vm *vm = svl_new(&cfg);
  if (!vm) abort();
  svl_status st = svl_load_string(vm, "fuzz.svl", (const char *)data, size);
  if (st != SVL_OK) {
    fuzz_check_error(vm, st);
  } else {
    if (svl_has(vm, "main")) {
      svl_value *m = NULL;
      if (svl_get(vm, "main", &m) == SVL_OK) {
        show(vm, m);
        svl_value *r = NULL;
        st = svl_call(vm, m, 0, NULL, &r);
        if (st == SVL_OK) show(vm, r);
        else if (st != SVL_ERR_USAGE) fuzz_check_error(vm, st);
      }
    }
    int count = 0, failed = 0;
    (void)svl_run_tests(vm, 1, &count, &failed);
    if (failed > count) abort();
  }
  svl_free(vm);
  fuzz_done();
  return 0;
}
