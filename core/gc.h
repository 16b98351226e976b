/* The one interface to memory.  Only core/gc.c knows the collector is
 * Boehm's; everything else allocates through these functions.
 *
 * gc_alloc       memory that may hold pointers to other GC objects
 * gc_alloc_atomic memory that never holds pointers (texts, digit buffers):
 *                  the collector does not scan it, which is faster and
 *                  avoids false retention from byte patterns.
 * Both return zeroed memory (atomic: zeroed too, by us) and never return
 * NULL: on exhaustion they raise through gc_oom_handler (set by the VM)
 * which must not return. */
#ifndef SVL_GC_H
#define SVL_GC_H

#include <stdbool.h>
#include <stddef.h>

void gc_init(void);
void *gc_alloc(size_t n);
/* A growing GC array: room for item n of arr, whose capacity is cap (an
 * int), doubling it (or starting at `first`) when it is full; the items
 * already in it are kept.  Evaluates to the array, or NULL (and arr
 * unchanged) when out of memory.  The one way SVL grows an array of pointers or values. */
#define GC_GROW(arr, n, cap, first)                                           \
  ((n) < (cap) ? (void *)(arr) : ({                                           \
    void *grown_ = gc_grow((arr), (n), &(cap), sizeof *(arr), (first));       \
    if (grown_) (arr) = grown_; /* out of memory: the old array stays */      \
    grown_;                                                                    \
  }))
void *gc_grow(void *items, int n, int *cap, size_t size, int first);
void *gc_alloc_atomic(size_t n);
/* Atomic and not zeroed, for a large buffer written before it is read
 * (the lexer's tokens): the pages of its unused end are never touched. */
void *gc_alloc_atomic_uncleared(size_t n);
void *gc_realloc(void *p, size_t n);
/* Give back memory nothing points to any more (the lexer's tokens once
 * parsed), to be reused at once rather than after the next collection.
 * const: the caller may only ever have read it (a list lent to a
 * builtin), and freeing writes nothing through the pointer. */
void gc_free(const void *p);
char *gc_strndup(const char *s, size_t n); /* atomic copy, NUL-terminated */
char *gc_strdup(const char *s);
/* FNV-1a of n bytes: the one text hash of the hash tables and caches
 * (names, column headers, repeated cells). */
static inline unsigned gc_hash(const char *s, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}
/* Memory the collector scans but never frees until gc_free_root: for
 * structures only host memory points to (the VM itself). */
void *gc_alloc_root(size_t n);
void gc_free_root(void *p);
/* Threads not created through the collector register themselves. */
void gc_thread_attach(void);
void gc_thread_detach(void);
/* Whether the calling thread is registered with the collector (the one
 * that started it, or one attached with svl_thread_attach): an allocation
 * or collection on any other thread aborts the process. */
bool gc_thread_ok(void);
/* About to allocate some n bytes that will all stay live (the AST of a
 * large file): grow the heap once to hold them.  The collector otherwise
 * collects each time the heap grows by a third or so, and each collection
 * finds nothing to free but marks the whole growing tree again. */
void gc_reserve(size_t n);
/* Stop collecting (true) until resumed (false); calls nest.  For a load
 * that makes only values that all stay live: collecting while it runs
 * marks the growing tree again and again and frees nothing. */
void gc_pause(bool pause);
/* The heap is about to hold a large body of data that stays live (a
 * JSON file being loaded, docs/ocds.md "Benchmark"): from now on the
 * collector keeps less free space beside what it marks -- the divisor a
 * heap past 32 MiB gets (core/gc.c), unless GC_FREE_SPACE_DIVISOR or the
 * host set more.  Called before the parse, the heap also grows in
 * smaller steps while the collector is paused for it. */
void gc_large_data(void);
/* Call fn(obj, data) when the collector frees obj (a stream's pass
 * closes its file so, when an error left the pass unfinished). */
void gc_finalizer(void *obj, void (*fn)(void *obj, void *data), void *data);
/* Whether a pointer into the middle of an object keeps it alive. */
bool gc_interior_pointers(void);
/* Bytes currently in the collected heap (for heap limits). */
size_t gc_heap_bytes(void);
/* Whether the heap in use plus `extra` bytes exceeds `limit`, after a full
 * collection when the first estimate (which counts garbage) says so. */
bool gc_over(size_t limit, size_t extra);

/* Called when an allocation fails; set by the evaluator to raise an SVL
 * error (longjmp).  Must not return.  When NULL, the allocator returns
 * NULL and the caller must cope (only at start-up). */
extern _Thread_local void (*gc_oom_handler)(size_t);
/* Called before an allocation of at least SVL_GC_BIG bytes; set by the
 * API to enforce a VM's heap limit (it raises, or returns to go ahead). */
#define SVL_GC_BIG ((size_t)1 << 20)
extern _Thread_local void (*gc_big_alloc_hook)(size_t);
/* Bytes allocated by this thread so far (for svl_config.heap_budget). */
extern _Thread_local size_t gc_thread_bytes;

#endif
