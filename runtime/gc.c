/* The only file that includes <gc.h>. */
#include "gc.h"

#define GC_THREADS
#include <gc/gc.h>
#include <string.h>

_Thread_local void (*svl_gc_oom_handler)(size_t);

void svl_gc_init(void) {
  static int done;
  if (!done) {
    done = 1;
    GC_INIT();
    GC_allow_register_threads();
  }
}

static void *oom(size_t n) {
  if (svl_gc_oom_handler) svl_gc_oom_handler(n);
  return NULL;
}

void *svl_alloc(size_t n) {
  void *p = GC_MALLOC(n ? n : 1);
  return p ? p : oom(n);
}

void *svl_alloc_atomic(size_t n) {
  void *p = GC_MALLOC_ATOMIC(n ? n : 1);
  if (!p) return oom(n);
  memset(p, 0, n ? n : 1);
  return p;
}

void *svl_realloc(void *old, size_t n) {
  void *p = GC_REALLOC(old, n ? n : 1);
  return p ? p : oom(n);
}

char *svl_strndup(const char *s, size_t n) {
  char *p = svl_alloc_atomic(n + 1);
  if (p && n) memcpy(p, s, n);
  return p;
}

char *svl_strdup(const char *s) { return svl_strndup(s, strlen(s)); }

size_t svl_gc_heap_bytes(void) { return GC_get_heap_size() - GC_get_free_bytes(); }

void *svl_alloc_root(size_t n) { return GC_MALLOC_UNCOLLECTABLE(n ? n : 1); }
void svl_free_root(void *p) { GC_FREE(p); }

void svl_gc_thread_attach(void) {
  struct GC_stack_base sb;
  if (GC_get_stack_base(&sb) == GC_SUCCESS) GC_register_my_thread(&sb);
}

void svl_gc_thread_detach(void) { GC_unregister_my_thread(); }
