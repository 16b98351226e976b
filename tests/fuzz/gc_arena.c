/* A stand-in for core/gc.c in the "arena" fuzz builds: every GC
 * allocation is a malloc that AddressSanitizer watches, kept on a list and
 * freed in one go after each input (fuzz_arena_reset).
 *
 * Why: objects in the Boehm heap have no redzones, so ASan cannot see an
 * overflow or a stale read inside it.  Nothing is collected during an
 * input here, so this build finds overflows, not lost pointers (the replay
 * with frequent collection in run.sh looks for those).  It implements
 * exactly the interface of core/gc.h; linked before the library's
 * archive, it keeps gc.o out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/gc.h"

_Thread_local void (*gc_oom_handler)(size_t);
_Thread_local void (*gc_big_alloc_hook)(size_t);
/* gc.c's per-thread allocation count (svl_config.heap_budget) */
_Thread_local size_t gc_thread_bytes;

typedef struct block {
  struct block *next;
  size_t size;
  /* 16-byte aligned payload follows */
  _Alignas(16) unsigned char data[];
} block;

static block *blocks;
static size_t in_use;

void fuzz_arena_reset(void) {
  while (blocks) {
    block *b = blocks;
    blocks = b->next;
    free(b);
  }
  in_use = 0;
}

void gc_init(void) {}

static void *oom(size_t n) {
  if (gc_oom_handler) gc_oom_handler(n);
  return NULL;
}

void *gc_alloc(size_t n) {
  if (n >= SVL_GC_BIG && gc_big_alloc_hook) gc_big_alloc_hook(n);
  /* no rounding up: ASan's redzone starts right after the n bytes asked for */
  block *b = calloc(1, sizeof(block) + (n ? n : 1));
  if (!b) return oom(n);
  b->size = n;
  b->next = blocks;
  blocks = b;
  in_use += n;
  gc_thread_bytes += n;
  return b->data;
}

void *gc_alloc_atomic(size_t n) { return gc_alloc(n); }

void *gc_realloc(void *old, size_t n) {
  void *p = gc_alloc(n);
  if (old && p) {
    block *b = (block *)((unsigned char *)old - offsetof(block, data));
    memcpy(p, old, b->size < n ? b->size : n);
  }
  return p;
}

char *gc_strndup(const char *s, size_t n) {
  char *p = gc_alloc(n + 1);
  if (p && n) memcpy(p, s, n);
  return p;
}

char *gc_strdup(const char *s) { return gc_strndup(s, strlen(s)); }

size_t gc_heap_bytes(void) { return in_use; }
bool gc_over(size_t limit, size_t extra) { return in_use + extra > limit; }

void *gc_alloc_root(size_t n) { return calloc(1, n ? n : 1); }
void gc_free_root(void *p) { free(p); }

void gc_thread_attach(void) {}
void gc_thread_detach(void) {}
bool gc_thread_ok(void) { return true; } /* malloc knows every thread */

/* The hints of core/gc.h (lang/parser.y, lang/lexer.re, lang/ast.c):
 * nothing to reserve or give back early (all is freed at the reset), and
 * no interior pointers, so lang/ast.c makes each node its own allocation,
 * with its own redzones. */
void gc_reserve(size_t n) { (void)n; }
/* The arena never collects: pausing it changes nothing. */
void gc_pause(bool pause) { (void)pause; }
/* ... nor keeps free space beside large data. */
void gc_large_data(void) {}
/* The arena frees nothing, so nothing is ever finalized (a stream pass
 * an error left open keeps its file until the process ends). */
void gc_finalizer(void *obj, void (*fn)(void *obj, void *data), void *data) { (void)obj, (void)fn, (void)data; }
void gc_free(const void *p) { (void)p; }
bool gc_interior_pointers(void) { return false; }
void *gc_alloc_atomic_uncleared(size_t n) { return gc_alloc(n); }
