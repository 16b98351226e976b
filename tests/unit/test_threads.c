/* Several VMs at once, one per thread (docs/embedding.md, "Threads"): 8
 * threads × 1,000 evaluations, each thread with its own VM, registered with
 * svl_thread_attach, all released together by a barrier so that they
 * really overlap, with garbage made on purpose so that collections
 * happen while the others run.  Every result is checked against what that
 * thread, and only that thread, should get: a tag and a number of its
 * own in the rule file, a text and a quantity made by the host, so that a
 * value leaking from another VM (cross-talk) or freed by a collection
 * under another thread's feet shows as a wrong answer.
 *
 *   test_threads [EVALUATIONS [THREADS]]   (default 1000 8; tests/threads_helgrind.t
 *                                           runs it under valgrind with fewer)
 */
#include <gc/gc.h> /* only to count the collections that happened */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>

#include "api_tap.h"

#ifdef SVL_HELGRIND
/* Built so by tests/threads_helgrind.t, linked with --wrap for the
 * collector's allocation functions.  The collector recycles memory that
 * one thread's values held into another thread's new values, and the
 * happens-before between the two is its stop-the-world signals, which
 * Helgrind cannot see: every such recycled word would be reported as a
 * race.  Marking each new object as fresh memory removes exactly those
 * reports and nothing else. */
#include <valgrind/helgrind.h>
void *__real_GC_malloc(size_t);
void *__real_GC_malloc_atomic(size_t);
void *__real_GC_malloc_uncollectable(size_t);
void *__real_GC_realloc(void *, size_t);
void *__wrap_GC_malloc(size_t);
void *__wrap_GC_malloc_atomic(size_t);
void *__wrap_GC_malloc_uncollectable(size_t);
void *__wrap_GC_realloc(void *, size_t);
static void *fresh(void *p) {
  if (p) VALGRIND_HG_CLEAN_MEMORY(p, GC_size(p));
  return p;
}
void *__wrap_GC_malloc(size_t n) { return fresh(__real_GC_malloc(n)); }
void *__wrap_GC_malloc_atomic(size_t n) { return fresh(__real_GC_malloc_atomic(n)); }
void *__wrap_GC_malloc_uncollectable(size_t n) { return fresh(__real_GC_malloc_uncollectable(n)); }
void *__wrap_GC_realloc(void *old, size_t n) {
  void *p = __real_GC_realloc(old, n);
  if (p != old) fresh(p); /* in place, the old contents stay, and their history */
  return p;
}
#endif

enum { MAX_THREADS = 64 };

typedef struct job {
  int k;           /* the thread's number */
  long evaluations;
  long right;      /* results checked and right */
  char first_wrong[256];
} job;

static pthread_barrier_t start;

static const char *rules_fmt =
    "let k = %d\n"
    "let tag = \"thread-%d\"\n"
    "fn f(i, label, price: GBP) = {\n"
    "  who: tag,\n"
    "  n: i * 1000 + k,\n"
    "  label: label + \"/\" + tag,\n"
    "  cost: price * (k + 1),\n"
    "  squares: [x * x * k for x in 1..4]\n"
    "}\n"
    "fn garbage(n) = len([[i, k, tag] for i in 1..n])\n";

static void wrong(job *j, long i, const char *what, const char *got) {
  if (!j->first_wrong[0])
    snprintf(j->first_wrong, sizeof j->first_wrong, "thread %d, evaluation %ld: %s: got %s", j->k, i, what,
             got ? got : "(error)");
}

static int text_is(svl_vm *vm, svl_value *rec, const char *field, const char *want, job *j, long i) {
  svl_value *v = NULL;
  const char *s = NULL;
  int good = svl_field(vm, rec, field, &v) == SVL_OK && svl_to_text(vm, v, &s, NULL) == SVL_OK && !strcmp(s, want);
  if (!good) wrong(j, i, field, s);
  svl_release(vm, v);
  return good;
}

static int number_is(svl_vm *vm, svl_value *v, const char *want, job *j, long i, const char *what) {
  const char *s = NULL;
  int good = svl_to_number(vm, v, &s) == SVL_OK && !strcmp(s, want);
  if (!good) wrong(j, i, what, s);
  return good;
}

#ifdef SVL_RACE_SELFTEST
/* tests/threads_helgrind.t checks that its classification finds a real
 * race: this one, an unlocked counter every thread bumps. */
static volatile long racy; /* volatile: kept, though never read */
#endif

static void *worker(void *p) {
  job *j = p;
  svl_thread_attach();
  char src[1024], want[160], label[64], price[32];
  snprintf(src, sizeof src, rules_fmt, j->k, j->k);
  svl_vm *vm = svl_new(NULL);
  svl_value *f = NULL, *garbage = NULL;
  int loaded = vm && svl_load_string(vm, "threads.svl", src, SVL_NTS) == SVL_OK && svl_get(vm, "f", &f) == SVL_OK &&
               svl_get(vm, "garbage", &garbage) == SVL_OK;
  pthread_barrier_wait(&start); /* every thread evaluates at once */
#ifdef SVL_RACE_SELFTEST
  for (int r = 0; r < 1000; r++) racy++;
#endif
  if (!loaded) {
    wrong(j, 0, "load", vm ? svl_last_error(vm)->message : "no VM");
    goto out;
  }
  for (long i = 0; i < j->evaluations; i++) {
    snprintf(label, sizeof label, "call %ld of %d", i, j->k);
    snprintf(price, sizeof price, "%ld.25", i);
    svl_value *args[3] = {svl_int(vm, i), svl_text(vm, label, SVL_NTS), svl_quantity(vm, price, "GBP")};
    svl_value *r = NULL, *n = NULL, *cost = NULL, *squares = NULL, *sq = NULL;
    if (svl_call(vm, f, 3, args, &r) != SVL_OK) {
      wrong(j, i, "call", svl_last_error(vm)->message);
    } else {
      int good = 1;
      snprintf(want, sizeof want, "thread-%d", j->k);
      good &= text_is(vm, r, "who", want, j, i);
      snprintf(want, sizeof want, "%s/thread-%d", label, j->k);
      good &= text_is(vm, r, "label", want, j, i);
      snprintf(want, sizeof want, "%" PRId64, (int64_t)i * 1000 + j->k);
      good &= svl_field(vm, r, "n", &n) == SVL_OK && number_is(vm, n, want, j, i, "n");
      /* (i + 0.25) × (k + 1), exactly */
      long long q = (long long)(i * 100 + 25) * (j->k + 1);
      if (q % 100) snprintf(want, sizeof want, "%lld.%02lld", q / 100, q % 100);
      else snprintf(want, sizeof want, "%lld", q / 100);
      if (want[strlen(want) - 1] == '0' && strchr(want, '.')) want[strlen(want) - 1] = 0;
      good &= svl_field(vm, r, "cost", &cost) == SVL_OK && number_is(vm, cost, want, j, i, "cost");
      snprintf(want, sizeof want, "%d", 16 * j->k);
      good &= svl_field(vm, r, "squares", &squares) == SVL_OK && svl_item(vm, squares, 3, &sq) == SVL_OK &&
              number_is(vm, sq, want, j, i, "squares[4]");
      if (good) j->right++;
    }
    svl_release(vm, sq);
    svl_release(vm, squares);
    svl_release(vm, cost);
    svl_release(vm, n);
    svl_release(vm, r);
    for (int a = 0; a < 3; a++) svl_release(vm, args[a]);
    if (i % 100 == 50) { /* garbage, so that collections happen mid-run */
      svl_value *size = svl_int(vm, 5000), *len = NULL;
      if (svl_call(vm, garbage, 1, &size, &len) != SVL_OK) wrong(j, i, "garbage", svl_last_error(vm)->message);
      svl_release(vm, len);
      svl_release(vm, size);
    }
  }
out:
  svl_free(vm);
  svl_thread_detach();
  return NULL;
}

int main(int argc, char **argv) {
  long evaluations = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
  int nthreads = argc > 2 ? atoi(argv[2]) : 8;
  if (evaluations < 1) evaluations = 1;
  if (nthreads < 1 || nthreads > MAX_THREADS) nthreads = 8;
  printf("TAP version 13\n");
  /* attaching before any VM starts the collector (it used to abort the
   * process); attaching the thread that then makes the first VM is harmless */
  svl_thread_attach();
  svl_vm *first = svl_new(NULL);
  tap_ok(first != NULL, "svl_thread_attach before any VM, then the main thread's VM");

  GC_word collections = GC_get_gc_no();
  job jobs[MAX_THREADS];
  pthread_t th[MAX_THREADS];
  pthread_barrier_init(&start, NULL, (unsigned)nthreads);
  for (int k = 0; k < nthreads; k++) {
    jobs[k] = (job){.k = k, .evaluations = evaluations};
    if (pthread_create(&th[k], NULL, worker, &jobs[k]) != 0) {
      tap_ok(0, "pthread_create");
      return 1;
    }
  }
  /* the main thread's VM works while the others run */
  svl_value *r = NULL;
  int main_ok = svl_load_string(first, "main.svl", "let x = 0.1 + 0.2\n", SVL_NTS) == SVL_OK &&
                svl_get(first, "x", &r) == SVL_OK;
  const char *s = NULL;
  main_ok = main_ok && svl_to_number(first, r, &s) == SVL_OK && !strcmp(s, "0.3");
  for (int k = 0; k < nthreads; k++) pthread_join(th[k], NULL);
  pthread_barrier_destroy(&start);
  collections = GC_get_gc_no() - collections;

  long total = 0;
  for (int k = 0; k < nthreads; k++) {
    char desc[120];
    snprintf(desc, sizeof desc, "thread %d: %ld evaluations in its own VM, every result its own", k, evaluations);
    if (jobs[k].first_wrong[0]) printf("# %s\n", jobs[k].first_wrong);
    tap_is_int(jobs[k].right, evaluations, desc);
    total += jobs[k].right;
  }
  char desc[120];
  snprintf(desc, sizeof desc, "%ld evaluations right in all", (long)nthreads * evaluations);
  tap_is_int(total, (long)nthreads * evaluations, desc);
  tap_ok(main_ok, "the main thread's VM meanwhile");
  snprintf(desc, sizeof desc, "the collector ran meanwhile (%lu collections)", (unsigned long)collections);
  tap_ok(collections >= (evaluations >= 200 ? 2u : 0u), desc);
  svl_release(first, r);
  svl_free(first);
  return tap_done();
}
