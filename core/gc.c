/* The only file that includes <gc.h>. */
#include "core/gc.h"

#define GC_THREADS
#include <pthread.h>
#include <gc/gc.h>
#include <stdlib.h>
#include <string.h>

_Thread_local void (*gc_oom_handler)(size_t);
_Thread_local void (*gc_big_alloc_hook)(size_t);
/* bytes asked for on this thread: a VM's heap_budget is the growth of
 * this during one call (a thread runs one VM call at a time) */
_Thread_local size_t gc_thread_bytes;

/* The collector collects once the bytes allocated since the last
 * collection reach about twice the pointer-holding bytes in use divided
 * by its free-space divisor (3 by default), and grows the heap rather
 * than collect before that.  Tuned for programs whose allocations mostly
 * die young, it leaves the heap some 1.4 times the data it holds; SVL's
 * large heaps are mostly data that stays (loaded rows, the views over
 * them, a JSON file's tree), so once the heap holds a lot of it the
 * divisor is 10: past 32 MiB of heap, or from the start of a large JSON
 * load (gc_large_data).  On the benchmark tender the peak went from 73
 * to 64 MiB and CPU time stayed within the noise (more marking, fewer
 * fresh pages from the kernel; docs/performance.md, "Issue 19: memory");
 * the x40 OCDS package peaked at 12.7 MiB instead of 15.2 (docs/ocds.md,
 * "Benchmark").  Small heaps keep the default, under which a
 * garbage-heavy run (a decision table called a million times) collects
 * less often. */
enum { BIG_HEAP = 32 << 20, BIG_HEAP_DIVISOR = 10 };

/* With the collector's lock held (as the divisor's setter needs), so it
 * calls nothing that takes the lock.  Only ever raised: the library keeps
 * no writable static to remember a default by. */
static void *raise_divisor(void *unused) {
  (void)unused;
  if (GC_get_free_space_divisor() < BIG_HEAP_DIVISOR) GC_set_free_space_divisor(BIG_HEAP_DIVISOR);
  return NULL;
}

/* called by the collector, its lock held */
static void on_heap_resize(GC_word size) {
  if (size >= BIG_HEAP) (void)raise_divisor(NULL);
}

static void init_once(void) {
  /* the default, made explicit: lang/ast.c hands out nodes from inside
   * larger blocks, and a pointer to a node must keep its block alive (a
   * host that started the collector without it gets a block per node) */
  if (!GC_is_init_called()) GC_set_all_interior_pointers(1);
  /* One marker thread unless GC_MARKERS says otherwise: parallel marking
   * gained nothing measurable on the tender benchmark (100,000 bids, a
   * 250 MB heap: 0.68 s either way on two cores), while starting the
   * marker threads made a one-line `svl run` take 8.7 ms instead of 1.4 ms
   * whenever the machine was busy, and they compete with a host's own
   * threads. */
  if (!GC_is_init_called() && !getenv("GC_MARKERS")) GC_set_markers_count(1);
  /* No collection while the heap is still tiny: each one scans every
   * root for an almost empty heap (0.3 ms of a one-line run's 3 ms of its
   * own), and the default 64 KiB heap collects before the first file is
   * parsed.  The collector's blacklist of false pointers is then built by
   * the first real collection instead.  GC_INITIAL_HEAP_SIZE still wins. */
  bool first = !GC_is_init_called();
  if (first) GC_set_dont_precollect(1);
  GC_INIT();
  if (first && !getenv("GC_INITIAL_HEAP_SIZE")) (void)GC_expand_hp((size_t)256 << 10);
  GC_allow_register_threads();
  /* the library never prints: an exhausted heap is reported as an SVL
   * error, not as "GC Warning: Out of Memory!" on the host's stderr */
  GC_set_warn_proc(GC_ignore_warn_proc);
  /* collect before giving up on an allocation: after an evaluation failed
   * for want of memory, its garbage must not make the next call fail too */
  GC_set_max_retries(2);
  /* unless the user set the divisor (GC_FREE_SPACE_DIVISOR) or a host
   * watches the heap's size itself */
  if (!getenv("GC_FREE_SPACE_DIVISOR") && !GC_get_on_heap_resize()) GC_set_on_heap_resize(on_heap_resize);
}

static void large_data_once(void) {
  if (getenv("GC_FREE_SPACE_DIVISOR")) return;
  /* under the collector's lock: another thread may be collecting */
  GC_call_with_alloc_lock(raise_divisor, NULL);
}

/* Once per process, under pthread_once like the collector's start-up:
 * the library keeps no other writable static (tests/cli/library.t). */
void gc_large_data(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, large_data_once);
}

void gc_init(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, init_once);
}

static void *oom(size_t n) {
  if (gc_oom_handler) gc_oom_handler(n);
  return NULL;
}

static void big(size_t n) {
  gc_thread_bytes += n;
  if (n >= SVL_GC_BIG && gc_big_alloc_hook) gc_big_alloc_hook(n);
}

void *gc_alloc(size_t n) {
  big(n);
  void *p = GC_MALLOC(n ? n : 1);
  return p ? p : oom(n);
}

void *gc_alloc_atomic(size_t n) {
  big(n);
  void *p = GC_MALLOC_ATOMIC(n ? n : 1);
  if (!p) return oom(n);
  memset(p, 0, n ? n : 1);
  return p;
}

void *gc_alloc_atomic_uncleared(size_t n) {
  big(n);
  void *p = GC_MALLOC_ATOMIC(n ? n : 1);
  return p ? p : oom(n);
}

void gc_free(const void *p) { GC_FREE((void *)p); }

void *gc_realloc(void *old, size_t n) {
  big(n);
  void *p = GC_REALLOC(old, n ? n : 1);
  return p ? p : oom(n);
}

char *gc_strndup(const char *s, size_t n) {
  char *p = gc_alloc_atomic(n + 1);
  if (p && n) memcpy(p, s, n);
  return p;
}

char *gc_strdup(const char *s) { return gc_strndup(s, strlen(s)); }

void gc_pause(bool pause) {
  if (pause) GC_disable();
  else GC_enable();
}

void gc_reserve(size_t n) {
  size_t avail = GC_get_free_bytes();
  if (n > avail) (void)GC_expand_hp(n - avail); /* a hint: failing to grow is no error */
}

void gc_finalizer(void *obj, void (*fn)(void *obj, void *data), void *data) {
  GC_register_finalizer_no_order(obj, fn, data, NULL, NULL);
}

bool gc_interior_pointers(void) { return GC_get_all_interior_pointers() != 0; }

size_t gc_heap_bytes(void) { return GC_get_heap_size() - GC_get_free_bytes(); }

bool gc_over(size_t limit, size_t extra) {
  if (gc_heap_bytes() + extra <= limit) return false;
  GC_gcollect();
  return gc_heap_bytes() + extra > limit;
}

void *gc_alloc_root(size_t n) { return GC_MALLOC_UNCOLLECTABLE(n ? n : 1); }
void gc_free_root(void *p) { GC_FREE(p); }

/* Known registered: cached, so the check at every API call costs a
 * thread-local read once the answer is yes (asking the collector takes
 * its lock). */
static _Thread_local bool registered;

void gc_thread_attach(void) {
  struct GC_stack_base sb;
  if (GC_get_stack_base(&sb) == GC_SUCCESS) GC_register_my_thread(&sb);
}

void gc_thread_detach(void) {
  registered = false;
  GC_unregister_my_thread();
}

bool gc_thread_ok(void) {
  if (!registered) registered = GC_thread_is_registered() != 0;
  return registered;
}
