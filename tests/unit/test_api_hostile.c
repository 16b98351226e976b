/* A hostile host: NULL handles, released handles, handles of another VM,
 * values of the wrong kind, NULL out-pointers, calls after errors, then a
 * long seeded random sequence of all of these.  Nothing may crash (ASan
 * watches in make check-asan); every failure must come back as a status
 * with a message.  Uses nothing but svl.h.  TAP on stdout. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>

#include "api_tap.h"

static const char *program =
    "unit FTE\n"
    "fn f(x) = x * 2\n"
    "fn g(a, b = 1) = [a, b]\n"
    "fn boom(x) = x / 0\n"
    "fn spin(n) = [i for i in 1..n if i < 0]\n"
    "rule r(x) { require x > 1, \"small\" }\n"
    "table t(q) hit first {\n  | q || p |\n  | 1 || 10 |\n  | - || 0 |\n}\n"
    "let rec = {a: 1, b: \"two\", c: [1, 2]}\n"
    "test \"x\" { assert f(1) == 2 }\n";

/* Every error must be reported with a status, a code and a message. */
static int sane(svl_vm *vm) {
  const svl_error *e = svl_last_error(vm);
  return e && e->message && e->rendered && (e->status == SVL_OK || e->code) && e->status <= SVL_ERR_USAGE;
}

static void deterministic(void) {
  svl_vm *vm = svl_new(NULL), *other = svl_new(NULL);
  if (svl_load_string(vm, "p.svl", program, SVL_NTS) != SVL_OK) {
    printf("Bail out! %s", svl_last_error(vm)->rendered);
    exit(1);
  }
  svl_value *r = (svl_value *)1, *x = svl_int(vm, 1), *rel = svl_int(vm, 2), *foreign = svl_int(other, 3);
  svl_value *txt = svl_text(vm, "t", SVL_NTS), *fn = NULL;
  svl_get(vm, "f", &fn);
  svl_release(vm, rel);
  const char *s = "unchanged";
  size_t n = 99;
  int b = 7;
  svl_value *bad[3] = {NULL, rel, foreign};
  const char *what[3] = {"NULL", "released", "another VM's"};
  for (int k = 0; k < 3; k++) {
    svl_value *h = bad[k];
    char d[160];
    int all = 1;
    all &= svl_call(vm, h, 0, NULL, &r) == SVL_ERR_USAGE && r == NULL;
    all &= svl_call(vm, fn, 1, &h, &r) == SVL_ERR_USAGE && r == NULL;
    all &= svl_to_number(vm, h, &s) == SVL_ERR_USAGE && !strcmp(s, "unchanged");
    all &= svl_to_text(vm, h, &s, &n) == SVL_ERR_USAGE && n == 99;
    all &= svl_to_bool(vm, h, &b) == SVL_ERR_USAGE && b == 7;
    all &= svl_length(vm, h, &n) == SVL_ERR_USAGE;
    all &= svl_item(vm, h, 0, &r) == SVL_ERR_USAGE && r == NULL;
    all &= svl_field(vm, h, "a", &r) == SVL_ERR_USAGE && r == NULL;
    all &= svl_field_name(vm, h, 0, &s) == SVL_ERR_USAGE;
    all &= svl_set_global(vm, "g1", h) == SVL_ERR_USAGE;
    all &= svl_format_value(vm, h, SVL_FORMAT_JSON) == NULL;
    all &= svl_to_json(vm, h) == NULL;
    all &= svl_kind_of(vm, h) == SVL_KIND_NONE && !strcmp(svl_type_name(vm, h), "none");
    all &= svl_list(vm, 1, &h) == NULL && svl_with(vm, h, "k", x) == NULL && svl_dup(vm, h) == NULL;
    all &= svl_last_error(vm)->status == SVL_ERR_USAGE;
    snprintf(d, sizeof d, "every function refuses a %s handle with SVL_ERR_USAGE", what[k]);
    tap_ok(all, d);
  }
  int all = 1;
  all &= svl_to_number(vm, txt, &s) == SVL_ERR_USAGE && svl_to_int(vm, txt, NULL) == SVL_ERR_USAGE;
  all &= svl_to_date(vm, x, NULL, NULL, NULL) == SVL_ERR_USAGE && svl_length(vm, x, &n) == SVL_ERR_USAGE;
  all &= svl_item(vm, txt, 0, &r) == SVL_ERR_USAGE && svl_field_at(vm, x, 0, &r) == SVL_ERR_USAGE;
  all &= svl_field(vm, x, "a", &r) == SVL_ERR_USAGE && svl_with(vm, x, "a", x) == NULL;
  all &= svl_call(vm, txt, 0, NULL, &r) == SVL_ERR_USAGE;
  tap_ok(all, "readers refuse values of the wrong kind");
  all = 1;
  all &= svl_get(vm, "f", NULL) == SVL_ERR_USAGE && svl_get(vm, NULL, &r) == SVL_ERR_USAGE;
  all &= svl_call(vm, fn, 1, &x, NULL) == SVL_ERR_USAGE && svl_call(vm, fn, -1, NULL, &r) == SVL_ERR_USAGE;
  all &= svl_call(vm, fn, 2, NULL, &r) == SVL_ERR_USAGE;
  all &= svl_call_named(vm, fn, 0, NULL, 1, NULL, &x, &r) == SVL_ERR_USAGE;
  const char *noname[1] = {NULL};
  all &= svl_call_named(vm, fn, 0, NULL, 1, noname, &x, &r) == SVL_ERR_USAGE;
  all &= svl_item(vm, x, 0, NULL) == SVL_ERR_USAGE && svl_field(vm, x, NULL, &r) == SVL_ERR_USAGE;
  all &= svl_load_file(vm, NULL) == SVL_ERR_USAGE && svl_load_string(vm, NULL, NULL, 3) == SVL_ERR_USAGE;
  all &= svl_load_data(vm, NULL, &r) == SVL_ERR_USAGE && svl_load_data(vm, "x.csv", NULL) == SVL_ERR_USAGE;
  all &= svl_from_json(vm, NULL, 1, &r) == SVL_ERR_USAGE && svl_from_json(vm, "1", 1, NULL) == SVL_ERR_USAGE;
  all &= svl_set_global(vm, NULL, x) == SVL_ERR_USAGE && svl_set_global(vm, "", x) == SVL_ERR_USAGE;
  all &= svl_text(vm, NULL, 5) == NULL && svl_quantity(vm, NULL, "GBP") == NULL && svl_quantity(vm, "1", NULL) == NULL;
  all &= svl_record(vm, 1, NULL, &x) == NULL && svl_list(vm, 2, NULL) == NULL;
  all &= svl_explain_call(vm, fn, 1, &x, 0, NULL, NULL, SVL_FORMAT_TEXT, 0, NULL, NULL) == SVL_ERR_USAGE;
  all &= svl_has(vm, NULL) == 0 && svl_format_value(vm, x, (svl_format)99) == NULL;
  all &= svl_register(vm, NULL, NULL, 0, 0, NULL) == SVL_ERR_USAGE;
  tap_ok(all, "NULL names, arrays and out-pointers are usage errors");
  tap_ok(sane(vm), "... each with a message");

  /* calls after errors of every kind */
  svl_value *boom = NULL, *spin = NULL, *big = svl_int(vm, 1000000000);
  svl_get(vm, "boom", &boom);
  svl_get(vm, "spin", &spin);
  all = 1;
  for (int i = 0; i < 50; i++) {
    all &= svl_call(vm, boom, 1, &x, &r) == SVL_ERR_RUNTIME;
    all &= svl_load_string(vm, "bad.svl", "let = 1", SVL_NTS) == SVL_ERR_SYNTAX;
    all &= svl_load_string(vm, "bad.svl", "let zz = nope", SVL_NTS) == SVL_ERR_RESOLVE;
    all &= svl_call(vm, fn, 1, &x, &r) == SVL_OK;
    svl_release(vm, r);
  }
  tap_ok(all, "50 rounds of errors, each followed by a good call");
  svl_interrupt(vm);
  svl_interrupt(vm);
  all = svl_call(vm, fn, 1, &x, &r) == SVL_OK;
  svl_release(vm, r);
  tap_ok(all, "interrupts while idle do not poison the next call");

  /* a native that misbehaves in every way it can without UB */
  svl_release(vm, spin);
  svl_release(vm, big);
  svl_release(vm, boom);
  svl_release(vm, fn);
  svl_release(vm, txt);
  svl_release(vm, x);
  svl_release(vm, x);
  svl_release(other, foreign);
  svl_release(vm, foreign); /* the wrong VM: ignored */
  svl_free(vm);
  svl_free(other);
}

/* ---- natives that misbehave ---- */

static svl_value *stash;
static svl_value *n_bad(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  int64_t mode = 0;
  (void)ud;
  if (nargs < 1 || svl_to_int(vm, args[0], &mode) != SVL_OK) return NULL;
  switch (mode) {
  case 0: return args[0];                 /* an argument: fine, read before release */
  case 1: svl_release(vm, args[0]); return args[0]; /* a released handle */
  case 2: return NULL;                    /* no reason given */
  case 3: { svl_value *r; svl_get(vm, "nope", &r); return r; } /* a failed call passed on */
  case 4: svl_error_set(vm, NULL); return NULL;
  case 5: { svl_value *f; svl_get(vm, "boom", &f); svl_value *r; svl_call(vm, f, 1, args, &r); return r; }
  case 6: stash = args[0]; return svl_int(vm, 6); /* kept past the call: invalid later */
  default: svl_error_set(vm, "mode out of range"); return NULL;
  }
}

static void natives(void) {
  svl_vm *vm = svl_new(NULL);
  svl_register(vm, "bad", n_bad, 0, -1, NULL);
  if (svl_load_string(vm, "n.svl", "fn boom(x) = x / 0\nfn use(m) = bad(m)\n", SVL_NTS) != SVL_OK) {
    printf("Bail out! %s", svl_last_error(vm)->rendered);
    exit(1);
  }
  svl_value *use = NULL;
  svl_get(vm, "use", &use);
  svl_status want[8] = {SVL_OK, SVL_ERR_RUNTIME, SVL_ERR_RUNTIME, SVL_ERR_RUNTIME,
                        SVL_ERR_RUNTIME, SVL_ERR_RUNTIME, SVL_OK, SVL_ERR_RUNTIME};
  int all = 1;
  for (int round = 0; round < 3; round++)
    for (int m = 0; m < 8; m++) {
      svl_value *a = svl_int(vm, m), *r = NULL;
      svl_status st = svl_call(vm, use, 1, &a, &r);
      if (st != want[m]) {
        printf("# mode %d: status %d, want %d: %s\n", m, (int)st, (int)want[m], svl_last_error(vm)->message);
        all = 0;
      }
      all &= sane(vm);
      svl_release(vm, r);
      svl_release(vm, a);
    }
  tap_ok(all, "misbehaving natives give runtime errors, never a crash");
  tap_ok(svl_kind_of(vm, stash) == SVL_KIND_NONE, "a handle kept past a native's return reads as released");
  svl_release(vm, use);
  svl_free(vm);
}

/* ---- random sequences ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return n ? (unsigned)(rng % n) : 0;
}

#define POOL 48
static svl_value *pool[POOL];

/* Slots 0..7 hold the program's functions and values, refreshed now and
 * then, so that calls often reach SVL; the rest take whatever comes. */
#define FIXED 8
static const char *fixed_names[FIXED] = {"f", "g", "boom", "spin", "r", "t", "rec", "rec"};
static int calls_ok, calls_failed;

static svl_value *any(void) { return pool[rnd(POOL)]; }
static void put(svl_value *h) { pool[FIXED + rnd(POOL - FIXED)] = h; }
static void refresh(svl_vm *vm) {
  for (int k = 0; k < FIXED; k++) svl_get(vm, fixed_names[k], &pool[k]); /* old ones leak: fine */
  pool[FIXED] = svl_int(vm, 2);
}

static const char *texts[] = {"", "0", "1.5", "-2", "1e3", "abc", "1.2.3", "£5", "99999999999999999999999999999999999999",
                              "{\"a\": [1, 2.5, null]}", "[1,", "\xff\xfe", "2026-04-01", "GBP", "hours", "FTE",
                              "GBP/hour", "x^2", "f", "g", "rec", "t", "r", "boom", "spin", "nope", "let q = 1",
                              "fn f2(x) = x", "print f(2)", "let = ", "let w = boom(1)", "a", "b", "c"};
#define NTEXTS (sizeof texts / sizeof texts[0])
static const char *txt(void) { return rnd(10) ? texts[rnd(NTEXTS)] : NULL; }

static void random_ops(svl_vm *vm, svl_vm *other, int nops) {
  for (int i = 0; i < nops; i++) {
    if (i % 500 == 0) refresh(vm);
    svl_value *r = NULL, *args[3] = {any(), any(), any()};
    const char *s = NULL, *names[2] = {txt(), txt()};
    size_t n;
    int b;
    switch (rnd(24)) {
    case 0: put(svl_number(vm, txt())); break;
    case 1: { const char *t = txt(); put(svl_text(vm, t, t ? SVL_NTS : rnd(3))); break; }
    case 2: put(svl_list(vm, rnd(4), args)); break;
    case 3: put(svl_record(vm, rnd(3), names, args)); break;
    case 4: svl_release(vm, any()); break;
    case 5: {
      if (rnd(2)) args[0] = pool[FIXED];
      svl_status st = svl_call(vm, pool[rnd(FIXED)], (int)rnd(5) - 1, args, &r);
      st == SVL_OK ? calls_ok++ : st != SVL_ERR_USAGE ? calls_failed++ : 0;
      put(r);
      break;
    }
    case 6: svl_call_named(vm, any(), (int)rnd(3), args, (int)rnd(3), names, args + 1, &r); put(r); break;
    case 7: svl_to_number(vm, any(), &s); svl_to_text(vm, any(), &s, &n); svl_to_bool(vm, any(), &b); break;
    case 8: svl_to_unit(vm, any(), &s); svl_to_int(vm, any(), NULL); svl_to_date(vm, any(), &b, &b, &b); break;
    case 9: svl_item(vm, any(), rnd(4), &r); put(r); break;
    case 10: svl_field(vm, any(), txt(), &r); put(r); break;
    case 11: svl_field_name(vm, any(), rnd(4), &s); svl_field_at(vm, any(), rnd(4), &r); put(r); break;
    case 12: free(svl_format_value(vm, any(), (svl_format)rnd(8))); break;
    case 13: svl_get(vm, txt(), &r); put(r); break;
    case 14: { const char *t = txt(); svl_load_string(vm, "rand.svl", t, t ? SVL_NTS : 1); break; }
    case 15: svl_set_global(vm, txt(), any()); break;
    case 16: put(svl_quantity(vm, txt(), txt())); break;
    case 17: { const char *t = txt(); svl_from_json(vm, t, t ? SVL_NTS : 0, &r); put(r); break; }
    case 18: put(svl_dup(vm, any())); break;
    case 19: { char *o = NULL; svl_explain_call(vm, any(), (int)rnd(2), args, 0, NULL, NULL, SVL_FORMAT_JSON, 2, &o, &r); free(o); put(r); break; }
    case 20: put(svl_with(vm, any(), txt(), any())); break;
    case 21: put(svl_int(other, (int64_t)rnd(100))); break; /* a foreign handle in the pool */
    case 22: svl_length(vm, any(), &n); (void)svl_kind_of(vm, any()); (void)svl_type_name(vm, any()); break;
    default: put(svl_date(vm, (int)rnd(10000), (int)rnd(14), (int)rnd(33))); break;
    }
    if (!sane(vm)) {
      printf("# step %d: an insane error record\n", i);
      tap_ok(0, "random sequence");
      return;
    }
  }
}

int main(void) {
  printf("TAP version 13\n");
  deterministic();
  natives();
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.max_steps = 200000; /* spin and friends end quickly */
  svl_vm *vm = svl_new(&cfg), *other = svl_new(NULL);
  if (svl_load_string(vm, "p.svl", program, SVL_NTS) != SVL_OK) return 1;
  random_ops(vm, other, 60000);
  printf("# %d calls returned a value, %d an SVL error\n", calls_ok, calls_failed);
  tap_ok(calls_ok >= 20 && calls_failed >= 100, "the random calls reached SVL, with and without errors");
  svl_value *f = NULL, *one = svl_int(vm, 21), *r = NULL;
  int fine = svl_get(vm, "f", &f) == SVL_OK && svl_call(vm, f, 1, &one, &r) == SVL_OK;
  char *s = fine ? svl_format_value(vm, r, SVL_FORMAT_TEXT) : NULL;
  tap_is(s, "42", "after 60000 random calls the VM still computes f(21)");
  free(s);
  svl_free(vm);
  svl_free(other);
  return tap_done();
}
