/* libFuzzer harness: the embedding API fed random call sequences.
 *
 * Input: program text, then (after a NUL byte) a sequence of operations,
 * one byte each plus operand bytes.  Handles live in a small pool, so
 * values made by one call flow into later calls: set as globals, passed to
 * functions, formatted, released (twice, too).  Whatever the order, every
 * call must return a status with a usable error, and the VM must stay
 * usable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"
#include "fuzz_common.h"

#define POOL 16

typedef struct {
  const uint8_t *p, *end;
} rd;

static unsigned byte(rd *r) { return r->p < r->end ? *r->p++ : 0; }

/* A short operand: a length byte, then that many bytes (clipped). */
static const char *chunk(rd *r, size_t *n, char *buf, size_t cap) {
  size_t want = byte(r) % cap;
  size_t have = (size_t)(r->end - r->p);
  if (want > have) want = have;
  memcpy(buf, r->p, want);
  buf[want] = 0;
  r->p += want;
  *n = want;
  return buf;
}

static const char *const names[] = {"main", "f", "x", "t", "r", "input", "bids", "total", "missing"};

static void sink(void *ud, const char *s, size_t n) { (void)ud; (void)s; (void)n; }

static void check(svl_vm *vm, unsigned op, svl_status st) {
  if (st == SVL_OK) return;
  const svl_error *e = svl_last_error(vm);
  if (getenv("FUZZ_VERBOSE"))
    fprintf(stderr, "op %u: status %d code %s: %s\n", op, (int)st, e->code ? e->code : "(none)",
            e->message ? e->message : "(none)");
  if (!e->message || !e->rendered || !e->code) abort();
}

static const char default_ops[] = {2, 0, 3, 0, 0, 9, 0, 12, 16, 0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t plen = fuzz_split(data, size);
  rd r = {data + plen + (plen < size), data + size};
  if (plen == size) r = (rd){(const uint8_t *)default_ops, (const uint8_t *)default_ops + sizeof default_ops};

  svl_config cfg;
  svl_config_init(&cfg);
  cfg.write = sink;
  cfg.max_steps = 20000;
  cfg.max_heap = (size_t)256 << 20;
  cfg.max_depth = 64;
  cfg.timeout_ms = 2000;
  svl_vm *vm = svl_new(&cfg);
  svl_value *pool[POOL] = {0};
  check(vm, 99, svl_load_string(vm, "fuzz.svl", (const char *)data, plen));

  char buf[256];
  size_t n;
  for (int ops = 0; r.p < r.end && ops < 64; ops++) {
    unsigned op = byte(&r) % 20, k = byte(&r) % POOL;
    svl_value *res = NULL;
    svl_status st = SVL_OK;
    switch (op) {
    case 0: /* call pool[k] with up to 3 arguments from the pool */ {
      unsigned na = byte(&r) % 4;
      svl_value *args[3];
      for (unsigned i = 0; i < na; i++) args[i] = pool[byte(&r) % POOL];
      if (pool[k]) st = svl_call(vm, pool[k], (int)na, args, &res);
      break;
    }
    case 1: chunk(&r, &n, buf, sizeof buf); st = svl_eval_line(vm, buf, n, &res); break;
    case 2: st = svl_get(vm, names[byte(&r) % (sizeof names / sizeof *names)], &res); break;
    case 3: (void)svl_has(vm, names[byte(&r) % (sizeof names / sizeof *names)]); break;
    case 4: chunk(&r, &n, buf, sizeof buf); res = svl_number(vm, buf); break;
    case 5: chunk(&r, &n, buf, sizeof buf); res = svl_text(vm, buf, n); break;
    case 6: res = byte(&r) & 1 ? svl_bool(vm, (int)byte(&r)) : svl_null(vm); break;
    case 7: chunk(&r, &n, buf, sizeof buf); st = svl_from_json(vm, buf, n, &res); break;
    case 8: {
      char *s = svl_format_value(vm, pool[k], (svl_format)(byte(&r) % 5));
      free(s);
      break;
    }
    case 9: svl_release(vm, pool[k]); pool[k] = NULL; break;
    case 10: /* releasing twice must be harmless */
      svl_release(vm, pool[k]);
      svl_release(vm, pool[k]);
      pool[k] = NULL;
      break;
    case 11:
      if (pool[k]) st = svl_set_global(vm, names[byte(&r) % (sizeof names / sizeof *names)], pool[k]);
      break;
    case 12: {
      int count = 0, failed = 0;
      (void)svl_run_tests(vm, 1, &count, &failed);
      if (failed > count || count != svl_test_count(vm)) abort();
      break;
    }
    case 13: {
      char *s = NULL;
      st = svl_explain(vm, names[byte(&r) % (sizeof names / sizeof *names)],
                       byte(&r) & 1 ? SVL_FORMAT_JSON : SVL_FORMAT_TEXT, (int)(byte(&r) % 4), &s);
      free(s);
      break;
    }
    case 14: (void)svl_last_error(vm); break;
    case 15: (void)svl_type_name(vm, pool[k]); break;
    case 16: chunk(&r, &n, buf, sizeof buf); st = svl_load_string(vm, "again.svl", buf, n); break;
    case 17: /* an interrupt before a call must stop it, then be forgotten */
      svl_interrupt(vm);
      if (pool[k]) st = svl_call(vm, pool[k], 0, NULL, &res);
      break;
    case 18: st = svl_check_file(vm, "/nonexistent/fuzz.svl"); break;
    case 19: chunk(&r, &n, buf, sizeof buf); st = svl_load_data(vm, buf, &res); break;
    }
    check(vm, op, st);
    if (res) {
      if (pool[k]) svl_release(vm, pool[k]);
      pool[k] = res;
    }
  }
  svl_free(vm);
  fuzz_done();
  return 0;
}
