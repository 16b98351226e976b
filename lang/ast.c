#include "lang/ast.h"

#include <string.h>

#include "core/gc.h"

node *node_new(node_arena *a, int kind, loc at) {
  if (!a->left) {
    /* small first blocks for REPL lines, larger ones for files */
    a->size = !gc_interior_pointers() ? 1 : a->size ? (a->size < 256 ? a->size * 2 : 256) : 16;
    a->block = gc_alloc((size_t)a->size * sizeof(node));
    a->left = a->size;
  }
  node *n = &a->block[a->size - a->left--]; /* zeroed by the allocator */
  n->kind = (uint8_t)kind;
  n->at = at;
  n->depth = 1;
  n->mod = a->mod;
  return n;
}

void node_add(node_arena *a, node *p, node *kid) {
  /* grow by doubling: kids arrays are built once, by the parser; the small
   * ones (nearly all) come from the arena, an array outgrown stays there
   * unused as it would have stayed garbage */
  int n = p->nkids;
  if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
    int cap = n ? 2 * n : 4;
    node **k;
    if (cap <= 64 && gc_interior_pointers()) {
      if (a->kleft < cap) {
        a->ksize = a->ksize ? (a->ksize < 2048 ? a->ksize * 2 : 2048) : 64;
        a->kids = gc_alloc((size_t)a->ksize * sizeof(node *));
        a->kleft = a->ksize;
      }
      k = a->kids;
      a->kids += cap;
      a->kleft -= cap;
    } else {
      k = gc_alloc((size_t)cap * sizeof *k);
    }
    if (n) memcpy(k, p->kids, (size_t)n * sizeof *k);
    p->kids = k;
  }
  p->kids[p->nkids++] = kid;
}
