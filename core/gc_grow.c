/* GC_GROW (core/gc.h): a growing GC array.  Its own file, over gc_alloc
 * only, so that the fuzz harnesses' arena allocator (tests/fuzz/gc_arena.c,
 * which replaces core/gc.c) keeps it. */
#include <string.h>

#include "core/gc.h"

void *gc_grow(void *items, int n, int *cap, size_t size, int first) {
  int c = *cap ? *cap * 2 : first;
  void *a = gc_alloc((size_t)c * size);
  if (!a) return NULL;
  if (n) memcpy(a, items, (size_t)n * size);
  *cap = c;
  return a;
}
