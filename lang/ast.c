#include "ast.h"

#include "../runtime/gc.h"

node *node_new(int kind, loc at) {
  node *n = svl_alloc(sizeof *n);
  n->kind = (uint8_t)kind;
  n->at = at;
  n->depth = 1;
  return n;
}

void node_add(node *p, node *kid) {
  /* grow by doubling: kids arrays are built once, by the parser */
  int cap = 4;
  while (cap < p->nkids + 1) cap *= 2;
  if ((p->nkids & (p->nkids - 1)) == 0 || p->nkids < 4)
    p->kids = svl_realloc(p->kids, (size_t)cap * sizeof(node *));
  p->kids[p->nkids++] = kid;
}
