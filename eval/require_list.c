/* `require` over a list (docs/language.md §9): `require [mark_ok(m, q) for q
 * in qs]` holds when every item holds.  The list is folded into one verdict
 * that keeps every failed item's reasons, in order, and every item's
 * warnings, so eval_rule treats it as it treats `require other_rule(x)`. */
#include "eval/require_list.h"

#include <string.h>

#include "core/gc.h"

static void push(value **items, size_t *n, size_t *cap, value x) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 8;
    value *p = gc_alloc(c * sizeof *p);
    if (*n) memcpy(p, *items, *n * sizeof *p);
    *items = p;
    *cap = c;
  }
  (*items)[(*n)++] = x;
}

static const list *as_list(value *items, size_t n) {
  list *l = list_new(n);
  if (n) memcpy(l->items, items, n * sizeof *items);
  return l;
}

static bool is_all(const node *n) {
  return n->kind == N_NAME && n->refkind == REF_BUILTIN && !strcmp(((const builtin *)n->ref)->name, "all");
}

bool require_all_form(vm *v, const node *cond, frame *f, require_eval_fn ev, value *out) {
  if (cond->kind == N_CALL && is_all(cond->a) && cond->nkids == 2 && cond->kids[0]->kind != N_NAMED &&
      cond->kids[1]->kind != N_NAMED) {
    const list *xs = vm_want_list(v, cond->kids[0]->at, ev(v, cond->kids[0], f), "all");
    value fn = ev(v, cond->kids[1], f);
    list *r = list_new(xs->n);
    for (size_t i = 0; i < xs->n; i++) {
      value x = xs->items[i];
      r->items[i] = vm_call(v, fn, 1, &x, cond->kids[1]->at);
    }
    *out = require_list(v, cond, r);
    return true;
  }
  return false;
}

value require_list(vm *v, const node *cond, const list *l) {
  value *reasons = NULL, *warns = NULL;
  size_t nr = 0, cr = 0, nw = 0, cw = 0;
  bool passed = true;
  const source *s = cond->at.src;
  for (size_t i = 0; i < l->n; i++) {
    value x = l->items[i];
    if (x.tag == V_VERDICT) {
      const verdict *vd = x.as.verdict;
      for (size_t k = 0; k < vd->warnings->n; k++) push(&warns, &nw, &cw, vd->warnings->items[k]);
      if (!vd->passed) {
        passed = false;
        for (size_t k = 0; k < vd->reasons->n; k++) push(&reasons, &nr, &cr, vd->reasons->items[k]);
      }
      continue;
    }
    if (x.tag != V_BOOL)
      vm_error_hint(v, cond->at, "each item of a list after require is a condition (true or false) or a rule's verdict",
                    "E0402 item %zu of the requirement list must be a bool or a verdict, got %s", i + 1,
                    value_type_name(x));
    if (!x.b) {
      /* a bare condition has no reason of its own: the source text and
       * which item failed */
      sbuf b;
      sb_init(&b);
      if (s) sb_printf(&b, "%.*s", (int)(cond->at.end - cond->at.start), s->text + cond->at.start);
      else sb_puts(&b, "requirement failed");
      sb_printf(&b, " (item %zu)", i + 1);
      passed = false;
      push(&reasons, &nr, &cr, v_cstr(b.s));
    }
  }
  verdict *vd = gc_alloc(sizeof *vd);
  vd->passed = passed;
  vd->reasons = as_list(reasons, nr);
  vd->warnings = as_list(warns, nw);
  value r = {.tag = V_VERDICT};
  r.as.verdict = vd;
  return r;
}
