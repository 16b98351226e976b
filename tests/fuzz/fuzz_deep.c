/* libFuzzer harness: deeply nested values built at run time (issue 17).
 * The parser and the checker never see these: a `reduce` builds a value one
 * level per step, so the fuzzed program walks values far deeper than any
 * literal could write.  The input is
 *   byte 0   how each level wraps the one below (wraps[], below)
 *   byte 1   the depth (depths[]: around the 1,000-level limit, and far past it)
 *   the rest a program using d and d2 (two equal values) and e (one deeper)
 * The program runs in a thread with a 256 KiB stack and a VM whose only
 * non-default settings are the fuzzing limits: every input must end in
 * SVL_OK or an error with a code, never a crash, a stack overflow or a
 * hang (the walks count toward the step and time limits). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"
#include "fuzz_common.h"

static const char *const wraps[] = {
    "[acc]",      "{a: acc}",       "[1, acc]",          "{k: [acc], n: x}", "[acc, acc]",
    "{a: acc, b: acc}", "[[acc]]", "[x, \"t\", acc, null]",
};
static const long depths[] = {2, 10, 500, 999, 1000, 1001, 1002, 2000, 5000, 20000};

typedef struct job {
  const char *src;
  size_t len;
} job;

static void *run(void *p) {
  job *j = p;
  svl_thread_attach();
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.write = fuzz_sink;
  cfg.max_steps = 200000;
  cfg.max_heap = (size_t)256 << 20;
  cfg.timeout_ms = 1000; /* six entry points an input: 6 s, below libFuzzer's 10 */
  svl_vm *vm = svl_new(&cfg);
  if (!vm) abort();
  svl_status st = svl_load_string(vm, "deep.svl", j->src, j->len);
  if (st != SVL_OK) fuzz_check_error(vm, st);
  else {
    svl_value *m = NULL;
    if (svl_has(vm, "main") && svl_get(vm, "main", &m) == SVL_OK) {
      for (int f = SVL_FORMAT_TEXT; f <= SVL_FORMAT_MD; f++) {
        char *s = svl_format_value(vm, m, (svl_format)f);
        if (s) free(s);
        else fuzz_check_error(vm, svl_last_error(vm)->status);
      }
      svl_release(vm, m);
    }
    int count = 0, failed = 0;
    (void)svl_run_tests(vm, 1, &count, &failed);
    if (failed > count) abort();
  }
  svl_free(vm);
  svl_thread_detach();
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  const char *wrap = wraps[data[0] % (sizeof wraps / sizeof *wraps)];
  long n = depths[data[1] % (sizeof depths / sizeof *depths)];
  size_t body = fuzz_split(data + 2, size - 2);
  size_t cap = body + 512;
  char *src = malloc(cap);
  if (!src) return 0;
  int k = snprintf(src, cap,
                   "let d = reduce(range(1, %ld), [], fn(acc, x) = %s)\n"
                   "let d2 = reduce(range(1, %ld), [], fn(acc, x) = %s)\n"
                   "let e = [d]\n",
                   n, wrap, n, wrap);
  memcpy(src + k, data + 2, body);
  job j = {src, (size_t)k + body};
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, (size_t)256 << 10);
  pthread_t t;
  if (pthread_create(&t, &a, run, &j) != 0) abort();
  pthread_join(t, NULL);
  pthread_attr_destroy(&a);
  free(src);
  fuzz_done();
  return 0;
}
