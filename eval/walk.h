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

/* Records made the same way share one array of field names (every row of
 * a CSV file, every result of one record literal or `with`), so a field
 * access remembers where it last found its name, keyed by that array: the
 * next record of the same layout is read without searching.  The cache
 * (a field read's site.cache) holds the array, so the array cannot be
 * freed and its address reused for another layout while cached. */
typedef struct field_cache {
  const char **keys;
  size_t at;
} field_cache;

/* eval/compile.c: the compiled form of the bodies run most (a function's
 * or lambda's body, a comprehension's item and filter), made on their
 * first run and kept in a slot of the site of the node that owns them. */
typedef struct code code;
typedef value (*run_fn)(vm *v, const code *c, frame *f);
struct code {
  run_fn run;
  const node *n;         /* what was compiled: its place, op, name */
  const code *a, *b, *c;
  const code **kids;     /* N_LIST, N_RECORD values, N_CALL arguments,
                            N_BLOCK statements, a chain's right operands */
  const node **links;    /* a chain's links, innermost first: op and place */
  int nkids;
  int slot, up;          /* N_NAME local; N_LET in a block */
  bool lent;             /* N_LET in a block: its list lives on run_block's
                            stack (compile.c, lets read only by index) */
  size_t bytes;          /* N_BLOCK: the stack its lent lets take */
  site *st;              /* N_FIELD: its layout cache */
  const char **keys;     /* N_RECORD: the names every record it makes shares */
  value k;               /* a constant */
};
value code_run_first(vm *v, const node *n, const void **slot, frame *f);
/* code_run, the list of a body that is a list literal made in lent when
 * its items fit (cap) */
value code_run_lent(vm *v, const node *n, const void **slot, frame *f, list *lent, size_t cap);
static inline value code_run(vm *v, const node *n, const void **slot, frame *f) {
  const code *c = *slot;
  if (__builtin_expect(!c, 0)) return code_run_first(v, n, slot, f);
  return c->run(v, c, f);
}

/* eval/eval.c, for the compiled form: the walker's own steps */
value eval_global(vm *v, const node *n);
bool field_of(vm *v, const node *n, value obj, bool soft, value *out);
bool get_index(vm *v, loc at, value obj, value idx, bool soft, value *out);
const char **literal_keys(const node *n);
void eval_stmt(vm *v, const node *st, frame *f);
/* `x with` a record literal (n->b), given the literal's values */
value with_values(vm *v, const node *n, value a, const value *vals);
/* The comprehension n; its list is made in lent (room for cap items)
 * when the result surely fits, else on the heap.  lent may be NULL. */
value comprehension_lent(vm *v, const node *n, frame *f, list *lent, size_t cap);

/* eval/operators.c */
value op_apply(vm *v, loc at, int op, value a, value b);
dec op_convert(vm *v, loc at, value x, const unit_t *u); /* quantity x in unit u (same dimension) */
bool op_in_range(vm *v, loc at, value x, const range *r);
bool op_contains(vm *v, loc at, value coll, value x);

/* eval/decisions.c: a rule's verdict, a table's result */
value eval_rule(vm *v, const node *d, frame *f);
value eval_table(vm *v, const node *d, frame *f, loc at);
/* What eval_table answers, without a frame, for the inputs given by
 * position in args, when its index knows the one row that matches and
 * that row's output is a constant: *out, and in *to the row its steps
 * run to (table_steps).  Changes nothing; false leaves the call to take
 * its usual way.  For call_table (eval/eval.c). */
bool table_direct(const node *d, int nargs, const value *args, value *out, int *to);
/* The steps eval_table counts for its rows 1..to. */
void table_steps(vm *v, const node *d, int to);

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
    value *it = gc_alloc(c * sizeof(value));
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
