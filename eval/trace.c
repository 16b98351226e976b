/* Tracing beyond the calls (which eval/eval.c traces itself): a
 * top-level let that a traced call reads is explained once, under the
 * first call that reads it, by evaluating its expression again with
 * tracing on.  SVL is pure, so this gives the same value the program
 * computed; the trace of `main` thus shows how the values main was built
 * from were made.  The lets are found by scanning the declaration's AST
 * when the traced call begins (trace_scan), not by a hook where names are
 * read, so the evaluator does no work for it when not explaining. */
#include <string.h>

#include "eval/eval.h"
#include "core/gc.h"

static bool in_library(const trace *t) {
  for (; t; t = t->parent)
    if (t->mod && t->mod->library) return true;
  return false;
}

/* Remember that slot k of m is explained; false if it was already. */
bool trace_global_seen(vm *v, const module *m, int k) {
  explain_session *xs = v->xs;
  for (int i = 0; i < xs->nseen; i++)
    if (xs->seen_g[i] == m->g && xs->seen_k[i] == k) return false;
  if (xs->nseen == xs->capseen) {
    int cap = xs->capseen ? xs->capseen * 2 : 16;
    const void **g = gc_alloc((size_t)cap * sizeof *g);
    int *ks = gc_alloc((size_t)cap * sizeof *ks);
    if (xs->nseen) {
      memcpy(g, xs->seen_g, (size_t)xs->nseen * sizeof *g);
      memcpy(ks, xs->seen_k, (size_t)xs->nseen * sizeof *ks);
    }
    xs->seen_g = g;
    xs->seen_k = ks;
    xs->capseen = cap;
  }
  xs->seen_g[xs->nseen] = m->g;
  xs->seen_k[xs->nseen++] = k;
  return true;
}

void trace_global(vm *v, const module *m, int k) {
  if (!v->xs || !m || m->library || in_library(v->tr)) return;
  node *d = m->g->decls[k];
  if (!d || d->kind != N_LET || !d->a || !trace_global_seen(v, m, k)) return;
  trace *p = v->tr, *t = gc_alloc(sizeof *t);
  t->name = d->name;
  t->kind = "let";
  t->at = d->at;
  t->args = "";
  t->decl = d;
  t->mod = m;
  t->parent = p;
  GC_GROW(p->kids, p->nkids, p->cap, 4);
  p->kids[p->nkids++] = t;
  v->tr = t;
  trace_scan(v, d->a);
  value r = eval_expr_top(v, m, d->a);
  v->tr = p;
  t->res = r;
  t->result = value_short(r);
}

/* Walk n's AST (a chain's left operands in a loop: they are not nesting)
 * for top-level names and module.name reads. */
void trace_scan(vm *v, const node *n) {
  if (!v->xs) return;
  for (; n; n = n->a) {
    if (n->kind == N_NAME && n->refkind == REF_GLOBAL && n->mod) {
      trace_global(v, n->mod, n->slot);
      return;
    }
    if (n->kind == N_FIELD && n->a && n->a->kind == N_NAME && n->a->refkind == REF_GLOBAL && n->a->mod) {
      const module *m = n->a->mod;
      if (m->g->ready[n->a->slot] && m->g->vals[n->a->slot].tag == V_MODULE) {
        const module *im = m->g->vals[n->a->slot].as.module;
        int k = globals_find(im->g, n->name);
        if (k >= 0) trace_global(v, im, k);
        return;
      }
    }
    trace_scan(v, n->b);
    trace_scan(v, n->c);
    for (int i = 0; i < n->nkids; i++) trace_scan(v, n->kids[i]);
  }
}
