/* Deeply nested values never crash the host (issue 17, docs/embedding.md
 * "Limits"): every script below builds a list or record nested N deep at
 * run time (one step per level, so no other limit stops it) and then walks
 * it -- shows, compares, sorts, hashes, turns it into JSON.  Each runs in a
 * thread with a 256 KiB stack and a VM with the default configuration
 * (svl_config_init), and each must end in an error status (E0806, or a
 * depth/stack limit), never a crash.  Before the depth guards, to_json
 * crashed such a host at depth 1,000 and ==, display, unique... at 50,000.
 * The host API's own walks (svl_to_json, svl_format_value) are checked on
 * a deep value got with svl_get, and a value exactly at the limit must
 * still work where the stack allows.
 *
 *   test_deep_values [MAX_N]   (default 1000000; tests/unit_deep_values.t)
 */
#include <pthread.h>
#include <stdlib.h>

#include "api_tap.h"

#define STACK ((size_t)256 << 10)
/* ASan's frames are several times larger, so under it the one point that
 * must succeed (a value load() could give) gets four times the stack; the
 * points that must fail keep 256 KiB. */
#if defined(__SANITIZE_ADDRESS__)
#define OK_STACK (STACK * 4)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OK_STACK (STACK * 4)
#endif
#endif
#ifndef OK_STACK
#define OK_STACK STACK
#endif

/* The walks, each applied to d and d2, two equal values nested N deep. */
static const char *const ops[] = {
    "print to_json(d)",
    "print d == d2",
    "print d != d2",
    "print d",
    "print \"x{d}\"",
    "print unique([d, d2])",
    "print group_by([d, d2], fn(x) = x)",
    "print contains([d], d2)",
    "print index_of([d], d2)",
    "print d in [d2]",
    "print format(d)",
    "print d < d2",
    "print sort([d, d2])",
    "print sort_by([d, d2], fn(x) = x)",
    "print rank([d, d2], fn(x) = x)",
    "print max([d, d2])",
    "print error(d)",
    "print [d] == [d2]",
    "print {a: d} == {a: d2}",
    "print len(to_json(d))",
    "test \"deep\" { assert d == [d2] }",
};

/* How each value is built: a list in a list, a record in a record. */
static const char *const builders[] = {
    "reduce(range(1, %ld), [], fn(acc, x) = [acc])",
    "reduce(range(1, %ld), {}, fn(acc, x) = {a: acc})",
    "reduce(range(1, %ld), [], fn(acc, x) = [1, {k: acc}])",
};

typedef struct job {
  const char *src;
  size_t stack;    /* 0: STACK */
  svl_status st;
  char msg[200];
  /* svl_to_json and svl_format_value of the value named `main`, if any */
  int host_ok;
} job;

static void discard(void *u, const char *s, size_t n) { (void)u; (void)s; (void)n; }

static void *run(void *p) {
  job *j = p;
  svl_thread_attach();
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.write = discard;
  cfg.report = discard;
  svl_vm *vm = svl_new(&cfg);
  j->st = svl_load_string(vm, "deep.svl", j->src, strlen(j->src));
  if (j->st == SVL_OK && strstr(j->src, "test \"")) {
    int count = 0, failed = 0;
    j->st = svl_run_tests(vm, 1, &count, &failed);
    if (j->st == SVL_OK && failed) j->st = SVL_ERR_ASSERT;
  }
  snprintf(j->msg, sizeof j->msg, "%s", svl_last_error(vm)->message);
  j->host_ok = -1;
  svl_value *m;
  if (j->st == SVL_OK && svl_get(vm, "main", &m) == SVL_OK) {
    char *a = svl_to_json(vm, m);
    svl_status sa = svl_last_error(vm)->status;
    char *b = svl_format_value(vm, m, SVL_FORMAT_TEXT);
    svl_status sb = svl_last_error(vm)->status;
    j->host_ok = a && b ? 1 : 0;
    if (!a || !b) snprintf(j->msg, sizeof j->msg, "%s", svl_last_error(vm)->message);
    if (!a && sa != SVL_ERR_LIMIT) j->host_ok = -2;
    if (!b && sb != SVL_ERR_LIMIT) j->host_ok = -2;
    free(a);
    free(b);
    svl_release(vm, m);
  }
  svl_free(vm);
  svl_thread_detach();
  return NULL;
}

/* svl_explain of a recursion as deep as a 256 KiB thread evaluates (the
 * renderers recurse once per level of calls: a 2 KB array in each frame
 * crashed this at 120 levels). */
static void *explain_run(void *p) {
  job *j = p;
  svl_thread_attach();
  svl_vm *vm = svl_new(NULL);
  j->st = svl_load_string(vm, "explain.svl", j->src, strlen(j->src));
  j->host_ok = 0;
  const svl_format fs[] = {SVL_FORMAT_TEXT, SVL_FORMAT_JSON, SVL_FORMAT_PLAIN};
  for (int i = 0; i < 3 && j->st == SVL_OK; i++) {
    char *out = NULL;
    svl_status st = svl_explain(vm, "main", fs[i], 0, &out);
    j->host_ok += st == SVL_OK && out && strlen(out) > 5000; /* 91 calls, each on a line */
    free(out);
  }
  svl_free(vm);
  svl_thread_detach();
  return NULL;
}

/* Run src in a fresh thread of j->stack bytes (256 KiB by default). */
static void in_thread_with(job *j, void *(*fn)(void *)) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, j->stack ? j->stack : STACK);
  pthread_t t;
  if (pthread_create(&t, &a, fn, j) != 0) {
    j->st = SVL_ERR_USAGE;
    snprintf(j->msg, sizeof j->msg, "pthread_create failed");
  } else {
    pthread_join(t, NULL);
  }
  pthread_attr_destroy(&a);
}

static void in_thread(job *j) { in_thread_with(j, run); }

/* The expected end: a limit (E0806 or the stack), or a failed test whose
 * message is that limit; records cannot be ordered at all (E0402). */
static int limited(const job *j, int records) {
  if (j->st == SVL_ERR_LIMIT) return 1;
  if (j->st == SVL_ERR_ASSERT) return strstr(j->msg, "nested") != NULL;
  return records && j->st == SVL_ERR_RUNTIME && strstr(j->msg, "cannot order record");
}

int main(int argc, char **argv) {
  long max_n = argc > 1 ? atol(argv[1]) : 1000000;
  printf("TAP version 13\n");
  static char src[1024], desc[1024], built[256];
  const long sizes[] = {1001, 50000, 1000000, 10000000};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes && sizes[s] <= max_n; s++) {
    for (size_t b = 0; b < sizeof builders / sizeof *builders; b++) {
      /* the big sizes once, with the plain list, to keep the test quick */
      if (sizes[s] > 50000 && b > 0) continue;
      snprintf(built, sizeof built, builders[b], sizes[s]);
      for (size_t o = 0; o < sizeof ops / sizeof *ops; o++) {
        if (sizes[s] > 50000 && o > 3) continue;
        snprintf(src, sizeof src, "let d = %s\nlet d2 = %s\n%s\n", built, built, ops[o]);
        job j = {src, 0, SVL_OK, "", 0};
        in_thread(&j);
        snprintf(desc, sizeof desc, "256 KiB stack, depth %ld, builder %zu: '%s' is a limit error (%s)", sizes[s],
                 b, ops[o], j.msg);
        tap_ok(limited(&j, b > 0), desc);
      }
      /* the host's walks over a deep result */
      snprintf(src, sizeof src, "let main = %s\n", built);
      job j = {src, 0, SVL_OK, "", 0};
      in_thread(&j);
      snprintf(desc, sizeof desc, "256 KiB stack, depth %ld, builder %zu: svl_to_json and svl_format_value fail "
               "with SVL_ERR_LIMIT (%s)", sizes[s], b, j.msg);
      tap_ok(j.st == SVL_OK && j.host_ok == 0, desc);
    }
  }

  /* Runaway recursion with the default depth limit fits the small stack. */
  job r = {"fn f(n) = [f(n + 1)]\nprint f(0)\n", 0, SVL_OK, "", 0};
  in_thread(&r);
  tap_ok(r.st == SVL_ERR_LIMIT, "256 KiB stack: runaway recursion is a limit error");

  /* What load() accepts (JSON nested 512 deep) still works on that stack. */
  job ok = {"let main = reduce(range(1, 512), [], fn(acc, x) = [acc])\nprint to_json(main) == to_json(main)\n",
            OK_STACK, SVL_OK, "", 0};
  in_thread(&ok);
  tap_ok(ok.st == SVL_OK && ok.host_ok == 1, OK_STACK == STACK ? "256 KiB stack: a value nested 512 deep is shown, "
         "compared and turned into JSON" : "1 MiB stack (ASan): a value nested 512 deep is shown, compared and turned "
         "into JSON");
  job ex = {"fn f(n) = if n <= 0 then 0 else f(n - 1) + 1\nlet main = f(90)\n", OK_STACK, SVL_OK, "", 0};
  in_thread_with(&ex, explain_run);
  tap_ok(ex.st == SVL_OK && ex.host_ok == 3, "256 KiB stack: svl_explain of 91 nested calls as text, JSON and plain");
  return tap_done();
}
