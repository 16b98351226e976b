/* The `priority` and `output order` hit policies of decision tables (SPEC
 * 6; docs/language.md): DMN's P and O.  Each output column whose header
 * names an enumerated type (`| rating: Rating |`) orders its values as the
 * type lists them, first = highest priority.  A matched row's output
 * ranks by the first such column, ties by the next, then by row order.
 * `priority` gives the highest-ranked output, `output order` all of them,
 * highest first. */
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "core/gc.h"
#include "eval/vm.h"

typedef struct ranked {
  int *rank; /* one per ordered column */
  int n;     /* ordered columns */
  size_t at; /* position among the matches (row order) */
} ranked;

static int cmp_ranked(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  for (int i = 0; i < x->n; i++)
    if (x->rank[i] != y->rank[i]) return x->rank[i] < y->rank[i] ? -1 : 1;
  return (x->at > y->at) - (x->at < y->at);
}

value table_output_order(vm *v, const node *d, loc at, const value *outs, const int *rows, size_t n, bool all) {
  const node *hdr = d->a->kids[0]->b;
  int ncols = hdr->nkids, nord = 0;
  int *cols = gc_alloc_atomic((size_t)(ncols + 1) * sizeof *cols);
  for (int i = 0; i < ncols; i++)
    if (hdr->kids[i]->ref) cols[nord++] = i;
  ranked *r = gc_alloc((n + 1) * sizeof *r);
  for (size_t k = 0; k < n; k++) {
    r[k].at = k;
    r[k].n = nord;
    r[k].rank = gc_alloc_atomic((size_t)(nord + 1) * sizeof *r[k].rank);
    for (int j = 0; j < nord; j++) {
      const node *h = hdr->kids[cols[j]];
      const vtype *t = h->ref;
      value o = ncols == 1 ? outs[k] : rec_get(outs[k].as.rec, (size_t)cols[j]);
      int p = -1;
      for (int m = 0; m < t->nvals && p < 0; m++)
        if (value_equal(t->vals[m], o)) p = m;
      if (p < 0) {
        sbuf b;
        sb_init(&b);
        type_enum_desc(&b, t);
        vm_error_hint(v, at, "under hit priority and output order every output of an ordered column is one of its type's values",
                      "E0609 table %s: row %d gives %s = %s, which is not %s", d->name, rows[k], h->name,
                      value_short(o), b.s);
      }
      r[k].rank[j] = p;
    }
  }
  /* qsort is not stable, but `at` breaks every tie: rows keep their order */
  qsort(r, n, sizeof *r, cmp_ranked);
  if (!all) return outs[r[0].at];
  list *l = list_new(n);
  for (size_t k = 0; k < n; k++) l->items[k] = outs[r[k].at];
  return v_list(l);
}
