/* Faults through the embedding API (include/svl.h only, plus the
 * collector's own header to starve it): a heap limit and an exhausted
 * allocator give an error, never a crash, and leave a VM that still
 * loads, calls and fails cleanly again.  TAP version 13. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"

#define GC_THREADS
#include <gc/gc.h>
#include "tap.h"

static svl_vm *new_vm(size_t max_heap) {
  svl_config c;
  svl_config_init(&c);
  c.max_heap = max_heap;
  return svl_new(&c);
}

/* Each load defines new names (a VM's globals accumulate across loads,
 * and redefining one is an error): NAME in src becomes NAME<k>. */
static int serial;
static svl_status load(svl_vm *vm, const char *src) {
  char buf[512], num[16];
  snprintf(num, sizeof num, "%d", ++serial);
  size_t k = 0;
  for (const char *p = src; *p && k + 16 < sizeof buf; p++) {
    if (!strncmp(p, "NAME", 4)) {
      k += (size_t)snprintf(buf + k, sizeof buf - k, "%s", num);
      p += 3;
    } else {
      buf[k++] = *p;
    }
  }
  buf[k] = 0;
  return svl_load_string(vm, "faults.svl", buf, k);
}

/* An error with the expected status and code, whose message mentions `what`. */
static void is_error(svl_vm *vm, svl_status st, svl_status want, const char *code, const char *what,
                     const char *desc) {
  const svl_error *e = svl_last_error(vm);
  int good = st == want && e->code && !strcmp(e->code, code) && strstr(e->message, what);
  if (!good) printf("# status %d code %s: %s\n", (int)st, e->code ? e->code : "-", e->message);
  ok(good, desc);
}

/* The VM still works: load a small program, call a function in it. */
static void usable(svl_vm *vm, const char *desc) {
  svl_status st = load(vm, "fn twiceNAME(x) = x * 2\nlet nNAME = twiceNAME(21)\n");
  char name[32];
  snprintf(name, sizeof name, "twice%d", serial);
  svl_value *f = NULL, *arg = svl_number(vm, "4.5"), *r = NULL;
  int good = st == SVL_OK && svl_get(vm, name, &f) == SVL_OK &&
             svl_call(vm, f, 1, &arg, &r) == SVL_OK;
  char *s = good ? svl_format_value(vm, r, SVL_FORMAT_TEXT) : NULL;
  good = good && s && !strcmp(s, "9");
  if (!good) printf("# %s\n", svl_last_error(vm)->message);
  free(s);
  svl_release(vm, f);
  svl_release(vm, arg);
  svl_release(vm, r);
  ok(good, desc);
}

/* Many small allocations: the evaluator's periodic check catches it. */
static const char grow[] = "let xsNAME = [[x, x, x, x, x] for x in 1..20000000]\n";
/* One huge allocation inside a builtin, between two step checks. */
static const char one_big[] = "let xsNAME = range(1, 9000000)\n";

int main(void) {
  printf("TAP version 13\n");
  svl_vm *vm = new_vm((size_t)64 << 20);
  for (int round = 1; round <= 3; round++) {
    char d[80];
    snprintf(d, sizeof d, "heap limit, many small allocations: E0802 (round %d)", round);
    is_error(vm, load(vm, grow), SVL_ERR_LIMIT, "E0802", "heap limit", d);
    snprintf(d, sizeof d, "the VM is usable after the heap limit (round %d)", round);
    usable(vm, d);
  }
  is_error(vm, load(vm, one_big), SVL_ERR_LIMIT, "E0802", "heap limit", "heap limit, one huge allocation: E0802");
  usable(vm, "the VM is usable after a refused huge allocation");
  svl_value *r = NULL, *f = NULL;
  load(vm, "fn big(n) = [[x, x, x] for x in 1..n]\n");
  svl_get(vm, "big", &f);
  /* (no NAME: loaded once) */
  svl_value *n = svl_number(vm, "20000000");
  is_error(vm, svl_call(vm, f, 1, &n, &r), SVL_ERR_LIMIT, "E0802", "heap limit", "heap limit inside svl_call: E0802");
  ok(r == NULL, "no result after the error");
  usable(vm, "the VM is usable after a failed svl_call");
  svl_free(vm);

  /* A VM without a limit of its own in a process whose allocator gives
   * out: the collector returns NULL and SVL reports "out of memory". */
  vm = new_vm(0);
  usable(vm, "a fresh VM works");
  GC_set_max_heap_size((size_t)256 << 20);
  for (int round = 1; round <= 2; round++) {
    char d[80];
    snprintf(d, sizeof d, "exhausted allocator: E0802 out of memory (round %d)", round);
    is_error(vm, load(vm, grow), SVL_ERR_LIMIT, "E0802", "out of memory", d);
    GC_gcollect();
    snprintf(d, sizeof d, "the VM is usable after running out of memory (round %d)", round);
    usable(vm, d);
  }
  svl_free(vm);
  return tap_done();
}
