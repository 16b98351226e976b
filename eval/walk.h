/* What the evaluator's three files share, and nothing outside eval/
 * includes: eval/eval.c walks the tree (expressions, calls, fields,
 * comprehensions, `with`, modules), eval/operators.c does arithmetic,
 * comparisons and membership, eval/decisions.c runs rules and decision
 * tables.  Split by job so that no file passes ~1,500 lines. */
#ifndef SVL_EVAL_WALK_H
#define SVL_EVAL_WALK_H

#include <string.h>

#include "core/gc.h"
#include "eval/eval.h"

/* eval/eval.c */
value eval(vm *v, const node *n, frame *f);
/* The limits looked at every thousand steps: interrupts, the clock, the heap. */
void vm_check_limits(vm *v, loc at);
/* Raises E0801: out of line, so that step stays small where it is inlined. */
_Noreturn void vm_step_limit(vm *v, loc at);

/* eval/operators.c */
value op_apply(vm *v, loc at, int op, value a, value b);
dec op_convert(vm *v, loc at, value x, const unit_t *u); /* quantity x in unit u (same dimension) */
bool op_in_range(vm *v, loc at, value x, const range *r);
bool op_contains(vm *v, loc at, value coll, value x);

/* eval/decisions.c: a rule's verdict, a table's result */
value eval_rule(vm *v, const node *d, frame *f);
value eval_table(vm *v, const node *d, frame *f, loc at);

/* One step of the walk: counted, and the limits checked. */
static inline void step(vm *v, loc at) {
  v->steps++;
  v->here = at;
  if (__builtin_expect(v->cfg.max_steps && v->steps > v->cfg.max_steps, 0)) vm_step_limit(v, at);
  if ((v->steps & 1023) == 0) vm_check_limits(v, at);
}

/* Coverage: one more run of n (a call's declaration, a table row, a
 * require or warn line), counted in its site. */
static inline void count_hit(const node *n) {
  site *st = site_of(n);
  if (st) st->hits++;
}

static inline const char *unit_label(value x) {
  if (x.tag != V_NUM) return vtag_name(x.tag);
  if (x.unit) return unit_name(x.unit);
  return x.pct ? "a percentage" : "a plain number";
}

static inline bool want_bool(vm *v, loc at, value x, const char *what) {
  bool b;
  if (!value_truthy_ok(x, &b))
    vm_blame(v, x, x), vm_error_hint(v, at, "conditions must be true or false; compare explicitly (x != null, len(xs) > 0)",
                  "E0402 %s must be a bool, got %s", what, value_type_name(x));
  return b;
}

static inline void list_push(value **items, size_t *n, size_t *cap, value x) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 4;
    value *it = svl_alloc(c * sizeof(value));
    if (*n) memcpy(it, *items, *n * sizeof(value));
    *items = it;
    *cap = c;
  }
  (*items)[(*n)++] = x;
}

/* Lists are immutable, so every empty one can be this one: a rule that
 * passes makes two (its reasons and its warnings) for every bid. */
static const list empty_list = {0};
static inline const list *to_list(value *items, size_t n) {
  if (!n) return &empty_list;
  list *l = list_new(n);
  memcpy(l->items, items, n * sizeof(value));
  return l;
}


#endif
