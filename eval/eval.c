/* The evaluator: walks the resolved AST.
 *
 * Errors unwind with longjmp to the innermost protected region (api.c, or
 * a test block); everything allocated is GC memory, so unwinding leaks
 * nothing.  Limits are checked at calls and loop heads. */
#include "eval/eval.h"

#include <alloca.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang/parse.h"
#include "core/gc.h"
#include "eval/assert_error.h"
#include "eval/report_decl.h"
#include "eval/require_list.h"
#include "eval/table_index.h"
#include "eval/dated.h"

static value eval(vm *v, const node *n, frame *f);

uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- errors ---- */

static _Noreturn void raise_diag(vm *v) {
  /* copy the call stack, innermost first */
  int n = v->depth;
  if (n > 20) n = 20;
  v->err.nframes = n;
  v->err.frames = n ? svl_alloc((size_t)n * sizeof(diag_frame)) : NULL;
  for (int i = 0; i < n; i++) {
    v->err.frames[i] = v->stack[v->depth - 1 - i];
    v->err.frames[i].decl = NULL, v->err.frames[i].args = NULL; /* gone once unwound */
  }
  longjmp(*v->jmp, 1);
}

/* The message of an error, its catalogue code split off (diag.code). */
static void format_msg(char *buf, size_t n, const char **code, const char *fmt, va_list ap) {
  fmt = diag_code(fmt, code, "E0000");
  vsnprintf(buf, n, fmt, ap);
}

static _Noreturn void raise_error(vm *v, diag_kind kind, loc at, const char *hint, const char *code, const char *msg) {
  memset(&v->err, 0, sizeof v->err);
  v->err.kind = kind;
  v->err.code = code;
  v->err.msg = svl_strdup(msg);
  v->err.hint = hint;
  v->err.at = at;
  /* a limit (out of memory among them) is raised as it is: no work, and
   * no allocation, on its way out */
  if (kind != DIAG_LIMIT) prov_explain(v, false);
  v->nblame = 0;
  raise_diag(v);
}

/* Format the message and end the va_list before raising: the raise does
 * not return (it unwinds with longjmp). */
#define RAISE_FORMATTED(kind, hint)                        \
  do {                                                      \
    char buf_[1024];                                        \
    const char *code_;                                      \
    va_list ap_;                                            \
    va_start(ap_, fmt);                                     \
    format_msg(buf_, sizeof buf_, &code_, fmt, ap_);        \
    va_end(ap_);                                            \
    raise_error(v, (kind), at, (hint), code_, buf_);        \
  } while (0)

void vm_error(vm *v, loc at, const char *fmt, ...) { RAISE_FORMATTED(DIAG_RUNTIME, NULL); }
void vm_error_hint(vm *v, loc at, const char *hint, const char *fmt, ...) { RAISE_FORMATTED(DIAG_RUNTIME, hint); }
void vm_error_kind(vm *v, diag_kind kind, loc at, const char *fmt, ...) { RAISE_FORMATTED(kind, NULL); }

void vm_check(vm *v, loc at, dec_status st) {
  switch (st) {
  case DEC_OK: return;
  case DEC_DIV_ZERO: vm_error(v, at, "E0501 division by zero");
  case DEC_OVERFLOW: vm_error(v, at, "E0502 number too large (beyond decimal128's range)");
  case DEC_INVALID: vm_error(v, at, "E0503 invalid operation (e.g. the square root or logarithm of a negative number)");
  default: vm_error(v, at, "E0503 invalid number");
  }
}

bool vm_allowed(vm *v, vm_perm p) { return (v->cfg.permissions & (unsigned)p) != 0; }
unit_reg *vm_units(vm *v) { return v->units; }

void vm_output(vm *v, const char *s, size_t n) {
  if (v->cfg.write) v->cfg.write(v->cfg.user_data, s, n);
}

const char *vm_path(vm *v, loc at, const char *path) {
  const char *full = path;
  if (path[0] != '/' && at.src && at.src->dir && at.src->dir[0]) {
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "%s/%s", at.src->dir, path);
    full = b.s;
  }
  vm_confine(v, at, path, full); /* eval/confine.c: may this script read it? */
  return full;
}

/* ---- limits ---- */

/* svl_config.heap_budget: what this VM allocated since the call began. */
void vm_check_budget(vm *v, loc at, size_t extra) {
  if (v->cfg.heap_budget && svl_gc_thread_bytes - v->heap_start + extra > v->cfg.heap_budget)
    vm_error_kind(v, DIAG_LIMIT, at, "E0802 heap budget of this VM reached (%zu bytes)", v->cfg.heap_budget);
}

void vm_reset_limits(vm *v) {
  v->steps = 0;
  v->walks = 0;
  v->here = (loc){0};
  v->interrupted = 0;
  /* The clock is read at the first check, a thousand steps in, not here:
   * most calls a database makes per row end before that (the tender
   * scoring takes about 60 steps), and reading the clock at every call was
   * 3.6% of a row's time inside PostgreSQL.  A call that runs on has its
   * time counted from that first check, microseconds late. */
  v->deadline_ms = v->cfg.timeout_ms ? DEADLINE_UNSTARTED : 0;
  v->heap_start = svl_gc_thread_bytes;
}

/* The limits looked at every thousand steps: interrupts, the clock, the heap. */
static void check_limits(vm *v, loc at) {
  if (v->interrupted) vm_error_kind(v, DIAG_LIMIT, at, "E0803 interrupted");
  if (v->deadline_ms == DEADLINE_UNSTARTED) v->deadline_ms = now_ms() + v->cfg.timeout_ms;
  else if (v->deadline_ms && now_ms() > v->deadline_ms)
    vm_error_kind(v, DIAG_LIMIT, at, "E0803 time limit reached (%llu ms)", (unsigned long long)v->cfg.timeout_ms);
  if (v->cfg.max_heap && svl_gc_over(v->cfg.max_heap, 0))
    vm_error_kind(v, DIAG_LIMIT, at, "E0802 heap limit reached (%zu bytes)", v->cfg.max_heap);
  vm_check_budget(v, at, 0);
}

static void step_limit(vm *v, loc at) {
  if (v->cfg.max_steps && v->steps > v->cfg.max_steps)
    vm_error_kind(v, DIAG_LIMIT, at, "E0801 step limit reached (%llu steps)", (unsigned long long)v->cfg.max_steps);
}

static void step(vm *v, loc at) {
  v->steps++;
  v->here = at;
  step_limit(v, at);
  if ((v->steps & 1023) == 0) check_limits(v, at);
}

void vm_walk_steps(vm *v, uint64_t n) {
  /* counted apart from v->steps, which must not depend on how much a
   * comparison walked (a table's index skips rows and counts them as the
   * scan would: tests/unit_table_index.t) */
  v->walks += n;
  if (v->cfg.max_steps && v->walks > v->cfg.max_steps)
    vm_error_kind(v, DIAG_LIMIT, v->here, "E0801 step limit reached (%llu steps): a value too large to walk",
                  (unsigned long long)v->cfg.max_steps);
  check_limits(v, v->here);
}

static void push_call(vm *v, const char *name, loc at) {
  char here;
  unsigned max = v->cfg.max_depth ? v->cfg.max_depth : 200;
  if ((unsigned)v->depth >= max)
    vm_error_kind(v, DIAG_LIMIT, at, "E0804 call depth limit reached (%u nested calls): runaway recursion?", max);
  /* svl_stack_floor: stack_bytes below the API call, or the end of a
   * smaller thread stack (api/api.c stack_floor) */
  if (svl_stack_floor && (uintptr_t)&here < (uintptr_t)svl_stack_floor)
    vm_error_kind(v, DIAG_LIMIT, at, "E0804 call stack exhausted after %d nested calls: runaway recursion?", v->depth);
  GC_GROW(v->stack, v->depth, v->stack_cap, 64);
  v->stack[v->depth] = (diag_frame){.name = name, .at = at};
  v->depth++;
  step(v, at);
}

/* ---- helpers ---- */

static frame *frame_new(frame *up, int n) {
  frame *f = svl_alloc(sizeof(frame) + (size_t)(n > 0 ? n : 1) * sizeof(value));
  f->up = up;
  return f;
}

/* Most calls make no closure, so nothing can hold their frame once they
 * return: such a frame lives on the C stack (which
 * the collector scans) instead of the heap, where it was a third of the
 * garbage of a call.  A lambda anywhere inside (it keeps its defining
 * frame and every frame outside it), tracing for explain (a trace keeps
 * the arguments' slots) or a big frame keeps the heap.  The resolver
 * marks a declaration with a lambda inside (d->frames, lang/resolve.c). */
#define STACK_FRAME_SLOTS 32

/* Coverage: one more run of n (a call's declaration, a table row, a
 * require or warn line), counted in its site. */
static void count_hit(const node *n) {
  site *st = site_of(n);
  if (st) st->hits++;
}
static bool frame_may_be_on_stack(vm *v, const node *d) {
  return !v->tr && d->nslots <= STACK_FRAME_SLOTS && d->frames != 2;
}
#define STACK_FRAME(up, n) stack_frame_init(alloca(sizeof(frame) + (size_t)((n) > 0 ? (n) : 1) * sizeof(value)), (up), (n))
static frame *stack_frame_init(void *p, frame *up, int n) {
  frame *f = p;
  memset(f, 0, sizeof(frame) + (size_t)(n > 0 ? n : 1) * sizeof(value));
  f->up = up;
  return f;
}

static const char *unit_label(value x) {
  if (x.tag != V_NUM) return vtag_name(x.tag);
  if (x.unit) return unit_name(x.unit);
  return x.pct ? "a percentage" : "a plain number";
}

dec vm_want_num(vm *v, loc at, value x, const char *what) {
  if (x.tag != V_NUM) vm_blame(v, x, x), vm_error(v, at, "E0402 %s expects a number, got %s", what, value_type_name(x));
  return x.as.num;
}

const text *vm_want_text(vm *v, loc at, value x, const char *what) {
  if (x.tag != V_TEXT) vm_blame(v, x, x), vm_error(v, at, "E0402 %s expects a text, got %s", what, value_type_name(x));
  return x.as.text;
}

const list *vm_want_list(vm *v, loc at, value x, const char *what) {
  if (x.tag != V_LIST) vm_blame(v, x, x), vm_error(v, at, "E0402 %s expects a list, got %s", what, value_type_name(x));
  return x.as.list;
}

int64_t vm_want_int(vm *v, loc at, value x, const char *what) {
  dec d = vm_want_num(v, at, x, what);
  int64_t i;
  if (x.unit || !dec_to_int(d, &i)) vm_blame(v, x, x), vm_error(v, at, "E0407 %s expects a whole number, got %s", what, value_display(x, false));
  return i;
}

static bool want_bool(vm *v, loc at, value x, const char *what) {
  bool b;
  if (!value_truthy_ok(x, &b))
    vm_blame(v, x, x), vm_error_hint(v, at, "conditions must be true or false; compare explicitly (x != null, len(xs) > 0)",
                  "E0402 %s must be a bool, got %s", what, value_type_name(x));
  return b;
}

/* Convert quantity x to unit u (same dimension). */
static dec convert(vm *v, loc at, value x, const unit_t *u) {
  if (unit_equal(x.unit, u) || (!x.unit && !u)) return x.as.num;
  dec r;
  vm_check(v, at, unit_convert(x.as.num, x.unit, u, &r));
  return r;
}

static const char *op_verb(int op) {
  switch (op) {
  case OP_ADD: return "add";
  case OP_SUB: return "subtract";
  case OP_MOD: return "take mod of";
  default: return "compare";
  }
}

static value arith_num(vm *v, loc at, int op, value a, value b) {
  dec r;
  switch (op) {
  case OP_ADD: case OP_SUB: case OP_MOD: {
    if (__builtin_expect(a.pct != b.pct, 0) && vm_pct_mixed(a, b)) vm_pct_mix(v, at, op, a, b);
    /* one unit, or none: nothing to check or convert */
    const unit_t *u = a.unit;
    dec x = a.as.num, y = b.as.num;
    if (a.unit != b.unit) {
      if (!unit_same_dim(a.unit, b.unit))
        vm_blame(v, a, b), vm_error_hint(v, at, a.unit && b.unit && unit_is_money(a.unit) && unit_is_money(b.unit) ? "different currencies never convert implicitly" : NULL,
                      "E0401 cannot %s %s and %s", op_verb(op), unit_label(a), unit_label(b));
      u = unit_finer(a.unit, b.unit);
      x = convert(v, at, a, u);
      y = convert(v, at, b, u);
    }
    vm_check(v, at, op == OP_ADD ? dec_add(x, y, &r) : op == OP_SUB ? dec_sub(x, y, &r) : dec_mod(x, y, &r));
    value out = {.tag = V_NUM, .unit = u};
    out.as.num = r;
    out.pct = (a.pct || b.pct) && op != OP_MOD; /* 0 + 5% is 5% */
    return out;
  }
  case OP_MUL: case OP_DIV: {
    if (op == OP_DIV && dec_is_zero(b.as.num)) vm_blame(v, b, b), vm_error(v, at, "E0501 division by zero");
    if (!a.unit && !b.unit) {
      vm_check(v, at, op == OP_MUL ? dec_mul(a.as.num, b.as.num, &r) : dec_div(a.as.num, b.as.num, &r));
      return v_num(r);
    }
    /* the unit scale is a fraction num/den: one rounding at most, at the end */
    dec num, den;
    const unit_t *u;
    int sign = op == OP_MUL ? 1 : -1;
    struct unit_memo *m = &v->unit_memo[(((uintptr_t)a.unit >> 4) ^ ((uintptr_t)b.unit >> 6) ^ (uintptr_t)(sign + 1)) & 7];
    if (m->sign == sign && m->a == a.unit && m->b == b.unit) {
      u = m->u;
      num = m->num;
      den = m->den;
    } else {
      u = unit_mul_ratio(a.unit, b.unit, sign, &num, &den);
      if (u == UNIT_TOO_COMPLEX) vm_blame(v, a, b), vm_error(v, at, "E0401 unit too complex: %s and %s", unit_label(a), unit_label(b));
      *m = (struct unit_memo){a.unit, b.unit, u, sign, num, den};
    }
    dec top = a.as.num, bottom = den;
    if (!dec_is_one(num)) vm_check(v, at, dec_mul(a.as.num, num, &top));
    if (op == OP_MUL) vm_check(v, at, dec_mul(top, b.as.num, &top));
    else if (dec_is_one(bottom)) bottom = b.as.num;
    else vm_check(v, at, dec_mul(bottom, b.as.num, &bottom));
    if (op == OP_MUL && dec_is_one(bottom)) r = top;
    else vm_check(v, at, dec_div(top, bottom, &r));
    return v_qty(r, u);
  }
  case OP_POW: {
    if (b.unit) vm_error(v, at, "E0401 an exponent must be a plain number, got %s", unit_label(b));
    if (a.unit) {
      int64_t n;
      if (!dec_to_int(b.as.num, &n) || n > 100 || n < -100)
        vm_error(v, at, "E0401 a quantity (%s) can only be raised to a whole power", unit_label(a));
      const unit_t *u = unit_pow(a.unit, (int)n);
      if (u == UNIT_TOO_COMPLEX) vm_error(v, at, "E0401 unit too complex");
      vm_check(v, at, dec_pow(a.as.num, b.as.num, &r));
      return v_qty(r, u);
    }
    vm_check(v, at, dec_pow(a.as.num, b.as.num, &r));
    return v_num(r);
  }
  }
  vm_error(v, at, "E0000 bad operator");
}

/* Months in one of `u` when u is exactly month or year (the units a date
 * moves by on the calendar), else 0. */
static int calendar_months(vm *v, const unit_t *u) {
  if (!u || u->n != 1 || u->f[0].exp != 1) return 0;
  if (u->f[0].def == unit_lookup(v->units, "month")) return 1;
  if (u->f[0].def == unit_lookup(v->units, "year")) return 12;
  return 0;
}

/* Everything but two numbers: null, texts, lists, dates, and the errors.
 * Out of line, so the numeric path above keeps a small frame. */
static __attribute__((noinline)) value arith_other(vm *v, loc at, int op, value a, value b) {
  if (a.tag == V_NULL || b.tag == V_NULL)
    vm_blame(v, a, b), vm_error_hint(v, at, "use ?? to give a default: x ?? 0", "E0403 arithmetic on null");
  if (op == OP_ADD && a.tag == V_TEXT && b.tag == V_TEXT) {
    sbuf s;
    sb_init(&s);
    sb_putn(&s, a.as.text->s, a.as.text->len);
    sb_putn(&s, b.as.text->s, b.as.text->len);
    return v_text(s.s ? s.s : "", s.len);
  }
  if (op == OP_ADD && a.tag == V_LIST && b.tag == V_LIST) {
    size_t n = a.as.list->n + b.as.list->n;
    list *l = list_new(n);
    memcpy(l->items, a.as.list->items, a.as.list->n * sizeof(value));
    memcpy(l->items + a.as.list->n, b.as.list->items, b.as.list->n * sizeof(value));
    return v_list(l);
  }
  if (op == OP_ADD && a.tag == V_NUM && b.tag == V_DATE) {
    value t = a; a = b; b = t;
  }
  if ((op == OP_ADD || op == OP_SUB) && b.tag == V_NUM && a.tag == V_DATE && calendar_months(v, b.unit)) {
    /* date ± n months or years moves the calendar, as a contract term does:
     * 31 Jan + 1 month is 28 Feb, 29 Feb 2024 + 1 year is 28 Feb 2025 */
    int64_t k, out_months;
    if (!dec_to_int(b.as.num, &k) || k > 200000 || k < -200000)
      vm_error_hint(v, at, "add the part of a month as days: d + 1 month + 15 days",
                    "E0407 a date moves by a whole number of %s, got %s", b.unit->f[0].def->plural, value_display(b, false));
    out_months = k * calendar_months(v, b.unit);
    int32_t r;
    if (!date_add_months(a.days, op == OP_ADD ? out_months : -out_months, &r))
      vm_error(v, at, "E0407 the date would fall outside the years 1 to 9999");
    return v_date(r);
  }
  if ((op == OP_ADD || op == OP_SUB) && b.tag == V_NUM && a.tag == V_DATE) {
    /* date ± n days */
    dec d = b.as.num;
    if (b.unit) d = convert(v, at, b, unit_from_def(unit_lookup(v->units, "day")));
    int64_t k;
    if (!dec_to_int(d, &k)) vm_error(v, at, "E0407 a date moves by a whole number of days");
    /* the same range as date() and add_days, so every date prints as
     * YYYY-MM-DD (year 10000 would not) */
    int32_t lo, hi;
    date_from_ymd(1, 1, 1, &lo);
    date_from_ymd(9999, 12, 31, &hi);
    if (k > hi - lo || k < lo - hi) vm_error(v, at, "E0407 the date would fall outside the years 1 to 9999");
    int64_t r = (int64_t)a.days + (op == OP_ADD ? k : -k);
    if (r < lo || r > hi) vm_error(v, at, "E0407 the date would fall outside the years 1 to 9999");
    return v_date((int32_t)r);
  }
  if (op == OP_SUB && a.tag == V_DATE && b.tag == V_DATE) return v_qty(dec_from_int((int64_t)a.days - b.days), unit_from_def(unit_lookup(v->units, "day")));
  static const char *sym[] = {"+", "-", "*", "/", "mod", "^"};
  vm_blame(v, a, b);
  vm_error(v, at, "E0402 cannot apply %s to %s and %s", op <= OP_POW ? sym[op] : "?", value_type_name(a), value_type_name(b));
}

value vm_arith(vm *v, loc at, int op, value a, value b) {
  if (a.tag == V_NUM && b.tag == V_NUM) return arith_num(v, at, op, a, b);
  return arith_other(v, at, op, a, b);
}

static int cmp_text(const text *a, const text *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->s, b->s, n); /* UTF-8 byte order is code point order */
  if (c) return c < 0 ? -1 : 1;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int compare(vm *v, loc at, value a, value b, int depth) {
  if (a.tag == V_NUM && b.tag == V_NUM) {
    if (__builtin_expect(a.pct != b.pct, 0) && vm_pct_mixed(a, b)) vm_pct_mix(v, at, -1, a, b);
    if (a.unit == b.unit) return dec_cmp(a.as.num, b.as.num); /* nothing to convert */
    if (!unit_same_dim(a.unit, b.unit))
      vm_blame(v, a, b), vm_error(v, at, "E0401 cannot compare %s and %s", unit_label(a), unit_label(b));
    const unit_t *u = unit_finer(a.unit, b.unit);
    return dec_cmp(convert(v, at, a, u), convert(v, at, b, u));
  }
  if (a.tag == V_TEXT && b.tag == V_TEXT) return cmp_text(a.as.text, b.as.text);
  if (a.tag == V_DATE && b.tag == V_DATE) return (a.days > b.days) - (a.days < b.days);
  if (a.tag == V_DATETIME && b.tag == V_DATETIME) return dt_cmp(&a.as.dt, &b.as.dt); /* in UTC */
  if (a.tag == V_BOOL && b.tag == V_BOOL) return (int)a.b - (int)b.b;
  if (a.tag == V_LIST && b.tag == V_LIST) {
    size_t n = a.as.list->n < b.as.list->n ? a.as.list->n : b.as.list->n;
    if (value_too_deep(depth)) {
      v->here = at;
      value_nesting_error(depth);
    }
    for (size_t i = 0; i < n; i++) {
      int c = compare(v, at, a.as.list->items[i], b.as.list->items[i], depth + 1);
      if (c) return c;
    }
    return (a.as.list->n > b.as.list->n) - (a.as.list->n < b.as.list->n);
  }
  if (a.tag == V_NULL || b.tag == V_NULL)
    vm_blame(v, a, b), vm_error_hint(v, at, "use ?? to give a default", "E0403 cannot order null");
  vm_blame(v, a, b);
  vm_error(v, at, "E0402 cannot order %s and %s", value_type_name(a), value_type_name(b));
}

int vm_compare(vm *v, loc at, value a, value b) { return compare(v, at, a, b, 0); }

static bool in_range(vm *v, loc at, value x, const range *r) {
  int lo = vm_compare(v, at, r->lo, x), hi = vm_compare(v, at, x, r->hi);
  return (r->lo_open ? lo < 0 : lo <= 0) && (r->hi_open ? hi < 0 : hi <= 0);
}

static bool contains(vm *v, loc at, value coll, value x) {
  switch (coll.tag) {
  case V_LIST:
    for (size_t i = 0; i < coll.as.list->n; i++)
      if (value_equal(coll.as.list->items[i], x)) return true;
    return false;
  case V_RANGE: return in_range(v, at, x, coll.as.range);
  case V_TEXT: {
    const text *h = coll.as.text, *nd = vm_want_text(v, at, x, "'in' on a text");
    if (nd->len == 0) return true;
    for (size_t i = 0; i + nd->len <= h->len; i++)
      if (memcmp(h->s + i, nd->s, nd->len) == 0) return true;
    return false;
  }
  case V_RECORD:
    if (x.tag == V_TEXT) return record_find(coll.as.rec, x.as.text->s) >= 0;
    /* fall through */
  default:
    vm_error(v, at, "E0402 'in' needs a list, range or text on the right, got %s", value_type_name(coll));
  }
}

static value apply_op(vm *v, loc at, int op, value a, value b) {
  v->here = at; /* the place of an E0806 from value_equal */
  /* == and != stay structural and never fail (docs/language.md §2) */
  if (__builtin_expect(a.pct != b.pct, 0) && op >= OP_LT && op <= OP_GE && vm_pct_mixed(a, b)) vm_pct_mix(v, at, op, a, b);
  switch (op) {
  case OP_EQ: return v_bool(value_equal(a, b));
  case OP_NE: return v_bool(!value_equal(a, b));
  case OP_LT: return v_bool(vm_compare(v, at, a, b) < 0);
  case OP_LE: return v_bool(vm_compare(v, at, a, b) <= 0);
  case OP_GT: return v_bool(vm_compare(v, at, a, b) > 0);
  case OP_GE: return v_bool(vm_compare(v, at, a, b) >= 0);
  case OP_IN: return v_bool(contains(v, at, b, a));
  default: return vm_arith(v, at, op, a, b);
  }
}

/* ---- fields ---- */

static const char *field_hint(const record *r, const char *name) {
  const char *best = diag_nearest(name, r->keys, (int)r->n);
  if (!best) return NULL;
  sbuf b;
  sb_init(&b);
  sb_printf(&b, "did you mean '%s'?", best);
  return b.s;
}

static value module_get(vm *v, loc at, const module *m, const char *name) {
  int k = globals_find(m->g, name);
  if (k < 0) {
    const char *best = diag_nearest(name, m->g->names, m->g->n);
    sbuf b;
    sb_init(&b);
    if (best) sb_printf(&b, "did you mean '%s'?", best);
    vm_error_hint(v, at, b.s, "E0306 module '%s' has no name '%s'", m->path, name);
  }
  return m->g->vals[k];
}

/* soft: under ??, a missing field gives null instead of an error */
static bool get_field(vm *v, loc at, value obj, const char *name, bool soft, value *out) {
  switch (obj.tag) {
  case V_RECORD: {
    long k = record_find(obj.as.rec, name);
    if (k >= 0) {
      prov_read(v, obj.as.rec, (size_t)k);
      *out = rec_get(obj.as.rec, k);
      return true;
    }
    if (soft) return false;
    vm_error_hint(v, at, field_hint(obj.as.rec, name), "E0404 no field '%s' in this %s", name,
                  obj.as.rec->indicator ? "indicator" : "record");
  }
  case V_VERDICT:
    if (!strcmp(name, "passed")) { *out = v_bool(obj.as.verdict->passed); return true; }
    if (!strcmp(name, "reasons")) { *out = v_list(obj.as.verdict->reasons); return true; }
    if (!strcmp(name, "warnings")) { *out = v_list(obj.as.verdict->warnings); return true; }
    if (soft) return false;
    vm_error_hint(v, at, "a verdict has .passed, .reasons and .warnings", "E0404 no field '%s' in a verdict", name);
  case V_MODULE: *out = module_get(v, at, obj.as.module, name); return true;
  case V_NULL:
    if (soft) return false;
    vm_error_hint(v, at, "use ?? to give a default", "E0403 cannot read field '%s' of null", name);
  default:
    if (soft) return false;
    vm_error(v, at, "E0402 cannot read field '%s' of %s", name, value_type_name(obj));
  }
}

/* Records made the same way share one array of field names (every row of
 * a CSV file, every result of one record literal or `with`), so a field
 * access remembers where it last found its name, keyed by that array: the
 * next record of the same layout is read without searching.  The cache
 * holds the array, so the array cannot be freed and its address reused for
 * another layout while cached. */
typedef struct field_cache {
  const char **keys;
  size_t at;
} field_cache;

/* Where an error about field access n points: at the field's name, not
 * at the start of the whole expression (`releases[3].tender.lots`). */
static loc field_loc(const node *n) {
  loc at = n->at;
  size_t k = strlen(n->name);
  if (at.src && at.end <= at.src->len && at.end >= at.start + k &&
      memcmp(at.src->text + at.end - k, n->name, k) == 0)
    at.start = at.end - (uint32_t)k;
  return at;
}

static bool field_of(vm *v, const node *n, value obj, bool soft, value *out) {
  site *st = site_of(n);
  field_cache *c = st ? st->cache : NULL;
  if (obj.tag == V_RECORD) {
    const record *r = obj.as.rec;
    if (c && c->keys == r->keys) {
      prov_read(v, r, c->at);
      *out = rec_get(r, c->at);
      return true;
    }
    long k = record_find(r, n->name);
    if (k >= 0) {
      if (!c && st) st->cache = c = svl_alloc(sizeof *c);
      if (c) c->keys = r->keys, c->at = (size_t)k;
      prov_read(v, r, (size_t)k);
      *out = rec_get(r, k);
      return true;
    }
  }
  loc at = field_loc(n);
  if (!soft) prov_field_error(v, at, obj, n->name, n->a && n->a->kind == N_FIELD ? n->a->name : NULL);
  return get_field(v, at, obj, n->name, soft, out);
}

static bool get_index(vm *v, loc at, value obj, value idx, bool soft, value *out) {
  if (obj.tag == V_NULL && soft) return false;
  if (obj.tag == V_RECORD && idx.tag == V_TEXT) return get_field(v, at, obj, idx.as.text->s, soft, out);
  if (obj.tag == V_LIST || obj.tag == V_TEXT) {
    int64_t i = vm_want_int(v, at, idx, "an index");
    size_t n = obj.tag == V_LIST ? obj.as.list->n : utf8_count(obj.as.text->s, obj.as.text->len);
    int64_t k = i > 0 ? i - 1 : (int64_t)n + i;
    if (i == 0 || k < 0 || (uint64_t)k >= n) {
      if (soft) return false;
      vm_error_hint(v, at, i == 0 ? "lists are indexed from 1; xs[-1] is the last item" : NULL,
                    "E0404 index %lld out of range for a %s of %zu %s%s", (long long)i, obj.tag == V_LIST ? "list" : "text", n,
                    obj.tag == V_LIST ? "item" : "character", n == 1 ? "" : "s");
    }
    if (obj.tag == V_LIST) { *out = obj.as.list->items[k]; return true; }
    const char *s = obj.as.text->s;
    size_t p = 0;
    for (int64_t c = 0; c < k; c++) {
      p++;
      while (p < obj.as.text->len && ((unsigned char)s[p] & 0xC0) == 0x80) p++;
    }
    size_t e = p + 1;
    while (e < obj.as.text->len && ((unsigned char)s[e] & 0xC0) == 0x80) e++;
    *out = v_text(s + p, e - p);
    return true;
  }
  if (soft) return false;
  vm_error(v, at, "E0402 cannot index %s", value_type_name(obj));
}

/* ---- calls ---- */

typedef struct trace_ctx { trace *saved; trace *t; } trace_ctx;

static trace *trace_begin(vm *v, const char *kind, const node *d, int nargs, const value *args) {
  trace *t = svl_alloc(sizeof *t);
  t->mod = d->mod;
  t->name = d->name;
  t->kind = kind;
  t->at = d->at;
  sbuf b;
  sb_init(&b);
  for (int i = 0; i < nargs; i++) {
    if (i) sb_puts(&b, ", ");
    sb_puts(&b, value_short(args[i]));
  }
  t->args = b.s ? b.s : "";
  t->decl = d;
  t->argv = args;
  trace *p = v->tr;
  t->parent = p;
  GC_GROW(p->kids, p->nkids, p->cap, 4);
  p->kids[p->nkids++] = t;
  v->tr = t;
  trace_scan(v, d); /* the top-level lets it reads: how they were made */
  return t;
}

/* Split from check_type so that a typed call formats no message unless the
 * check fails (the snprintf cost more than the whole check). */
static bool type_ok(value x, const svl_type *t) {
  if (!t || t->kind == T_ANY) return true;
  if (x.tag == V_NULL) return t->opt;
  switch (t->kind) {
  case T_NUMBER: return x.tag == V_NUM && !x.unit;
  case T_TEXT: return x.tag == V_TEXT;
  case T_BOOL: return x.tag == V_BOOL || x.tag == V_VERDICT;
  case T_DATE: return x.tag == V_DATE;
  case T_UNIT: return x.tag == V_NUM && unit_same_dim(x.unit, t->unit);
  case T_LIST: return x.tag == V_LIST;
  case T_RECORD: return x.tag == V_RECORD;
  case T_INT: return x.tag == V_NUM && !x.unit && !x.pct && dec_is_int(x.as.num);
  case T_PERCENT: return x.tag == V_NUM && !x.unit && (x.pct || dec_is_zero(x.as.num)); /* 0 is 0% */
  case T_ENUM: return type_enum_has(t, x);
  case T_QUANTITY: return x.tag == V_NUM && x.unit;
  default: return true;
  }
}

static void check_type(vm *v, loc at, const char *what, value x, const svl_type *t) {
  if (type_ok(x, t)) return;
  vm_blame(v, x, x);
  if (x.tag == V_NULL) vm_error(v, at, "E0405 %s must not be null", what);
  if (t->kind == T_ENUM) {
    sbuf b;
    sb_init(&b);
    type_enum_desc(&b, t);
    vm_error(v, at, "E0405 %s: expected %s, got %s", what, b.s, value_short(x));
  }
  if (t->kind == T_INT && x.tag == V_NUM && !x.unit && !x.pct)
    vm_error(v, at, "E0405 %s: expected a whole number, got %s", what, value_short(x));
  vm_error(v, at, "E0405 %s: expected %s, got %s", what,
             t->kind == T_UNIT ? unit_name(t->unit) : t->name ? t->name
             : (const char *[]){"any", "number", "text", "bool", "date", "quantity", "list", "record",
                                "int", "percent", "enumeration", "a quantity"}[t->kind],
             x.tag == V_NUM ? unit_label(x) : value_type_name(x));
}

static value eval_rule(vm *v, const node *d, frame *f);
static value eval_table(vm *v, const node *d, frame *f, loc at);

/* Bind arguments to a frame for a user function-like declaration.  Always
 * inlined into call_full: a second caller (eval_call_frame, for explain)
 * made the compiler call it out of line, +0.5% instructions on the tender
 * benchmark. */
static inline __attribute__((always_inline)) frame *bind(vm *v, const node *d, frame *f, int nargs, value *args, int nnamed,
                   const char **names, value *named, loc at) {
  int np = d->nkids;
  if (nargs > np) vm_error(v, at, "E0304 %s takes %d argument%s, got %d", d->name ? d->name : "fn", np, np == 1 ? "" : "s", nargs);
  bool given[64];
  memset(given, 0, sizeof given);
  for (int i = 0; i < nargs; i++) {
    f->slots[d->kids[i]->slot] = args[i];
    if (i < 64) given[i] = true;
  }
  for (int k = 0; k < nnamed; k++) {
    int j = -1;
    for (int i = 0; i < np; i++)
      if (!strcmp(d->kids[i]->name, names[k])) j = i;
    if (j < 0) vm_error(v, at, "E0304 %s has no parameter '%s'", d->name ? d->name : "fn", names[k]);
    f->slots[d->kids[j]->slot] = named[k];
    if (j < 64) given[j] = true;
  }
  for (int i = 0; i < np; i++) {
    const node *p = d->kids[i];
    if (i < 64 && !given[i]) {
      if (!p->b) vm_error(v, at, "E0304 %s: missing argument '%s'", d->name ? d->name : "fn", p->name);
      f->slots[p->slot] = eval(v, p->b, f);
    }
    if (p->ref && !type_ok(f->slots[p->slot], p->ref)) {
      char what[160];
      snprintf(what, sizeof what, "argument '%s' of %s", p->name, d->name ? d->name : "fn");
      check_type(v, at, what, f->slots[p->slot], p->ref);
    }
  }
  return f;
}

static value call_full(vm *v, value fv, int nargs, value *args, int nnamed, const char **names, value *named, loc at) {
  if (fv.tag == V_BUILTIN) {
    const builtin *b = fv.as.builtin;
    if (nnamed) {
      /* named arguments map onto the parameter names in b->params */
      value *all = svl_alloc(sizeof(value) * 16);
      bool set[16] = {false};
      if (nargs > 16) vm_error(v, at, "E0304 %s: too many arguments", b->name);
      for (int i = 0; i < nargs; i++) { all[i] = args[i]; set[i] = true; }
      int total = nargs;
      for (int k = 0; k < nnamed; k++) {
        int idx = builtin_param(b, names[k], NULL, 0, NULL);
        if (idx < 0 || idx >= 16) vm_error(v, at, "E0304 %s has no parameter '%s'", b->name, names[k]);
        if (set[idx]) vm_error(v, at, "E0304 %s: argument '%s' given twice", b->name, names[k]);
        all[idx] = named[k];
        set[idx] = true;
        if (idx + 1 > total) total = idx + 1;
      }
      /* an optional parameter left out before a named one is null, which
       * such builtins read as absent: load(path, encoding: "latin-1") */
      for (int i = 0; i < total; i++)
        if (!set[i] && i < b->min_args) vm_error(v, at, "E0304 %s: give the arguments before '%s' too", b->name, names[0]);
        else if (!set[i]) all[i] = v_null;
      args = all;
      nargs = total;
    }
    if (nargs < b->min_args || (b->max_args >= 0 && nargs > b->max_args))
      vm_error(v, at, "E0304 %s takes %d%s argument%s, got %d", b->name, b->min_args,
               b->max_args != b->min_args ? " or more" : "", b->min_args == 1 ? "" : "s", nargs);
    step(v, at);
    if (b->fn == v->native_fn) return v->native_call(v, b, nargs, args, at);
    return b->fn(v, nargs, args, at);
  }
  if (fv.tag != V_FUNC && fv.tag != V_TABLE) vm_error(v, at, "E0402 cannot call %s", value_type_name(fv));
  const closure *c = fv.as.fn;
  const node *d = c->fn;
  const char *name = d->name ? d->name : "fn";
  if (v->coverage) count_hit(d);
  push_call(v, name, at);
  frame *f = frame_may_be_on_stack(v, d) ? STACK_FRAME(c->env, d->nslots) : frame_new(c->env, d->nslots);
  bind(v, d, f, nargs, args, nnamed, names, named, at);
  v->stack[v->depth - 1].decl = d;
  v->stack[v->depth - 1].args = f->slots;
  trace *saved = v->tr, *t = NULL;
  if (saved && d->kind != N_LAMBDA)
    t = trace_begin(v, d->kind == N_RULE ? "rule" : d->kind == N_TABLE ? "table" : "fn", d, d->nkids, f->slots);
  if (t) {
    t->env = f;
    if (c->mod) t->mod = c->mod;
  }
  value r;
  if (d->kind == N_RULE) r = eval_rule(v, d, f);
  else if (d->kind == N_TABLE) r = eval_table(v, d, f, at);
  else r = eval(v, d->a, f);
  if (t) {
    t->result = value_short(r);
    t->res = r;
    v->tr = saved;
  }
  v->depth--;
  return r;
}

value vm_call(vm *v, value f, int nargs, value *args, loc at) {
  return call_full(v, f, nargs, args, 0, NULL, NULL, at);
}

value vm_call_named(vm *v, value f, int nargs, value *args, int nnamed, const char **names, value *named, loc at) {
  return call_full(v, f, nargs, args, nnamed, names, named, at);
}

bool vm_callable(value f) { return f.tag == V_FUNC || f.tag == V_BUILTIN || f.tag == V_TABLE; }

static __attribute__((noinline)) value eval_call(vm *v, const node *n, frame *f) {
  value fv = eval(v, n->a, f);
  int np = 0, nn = 0;
  for (int i = 0; i < n->nkids; i++) {
    if (n->kids[i]->kind == N_NAMED) nn++;
    else np++;
  }
  /* A few arguments live on the C stack (scanned by the collector): every
   * callee copies them (into a frame, or a builtin's own values), so a heap
   * array per call was only garbage.  noinline keeps this out of eval()'s
   * frame, which sets how deep recursion can go. */
  value small[4];
  value *args = np + nn <= 4 ? small : svl_alloc((size_t)(np + nn + 1) * sizeof(value));
  value *named = args + np;
  const char **names = nn ? svl_alloc((size_t)nn * sizeof(char *)) : NULL;
  int ip = 0, in = 0;
  for (int i = 0; i < n->nkids; i++) {
    const node *a = n->kids[i];
    if (a->kind == N_NAMED) { names[in] = a->name; named[in++] = eval(v, a->a, f); }
    else args[ip++] = eval(v, a, f);
  }
  return call_full(v, fv, np, args, nn, names, named, n->at);
}

/* ---- rules (SPEC 7) ---- */

static void list_push(value **items, size_t *n, size_t *cap, value x) {
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
/* ... and every rule that passes without a warning, this verdict */
static const verdict passed_clean = {true, &empty_list, &empty_list};

static const list *to_list(value *items, size_t n) {
  if (!n) return &empty_list;
  list *l = list_new(n);
  memcpy(l->items, items, n * sizeof(value));
  return l;
}

static value source_text(const node *n) {
  const source *s = n->at.src;
  if (!s) return v_cstr("requirement failed");
  return v_text(s->text + n->at.start, n->at.end - n->at.start);
}

static value eval_rule(vm *v, const node *d, frame *f) {
  value *reasons = NULL, *warns = NULL;
  size_t nr = 0, cr = 0, nw = 0, cw = 0;
  const node *body = d->a;
  for (int i = 0; i < body->nkids; i++) {
    const node *it = body->kids[i];
    if (it->kind == N_LET) { f->slots[it->slot] = eval(v, it->a, f); continue; }
    if (v->coverage) count_hit(it);
    value c;
    if (it->kind != N_REQUIRE || !require_all_form(v, it->a, f, eval, &c)) c = eval(v, it->a, f);
    if (it->kind == N_REQUIRE) {
      if (c.tag == V_LIST) c = require_list(v, it->a, c.as.list);
      if (c.tag == V_VERDICT) {
        for (size_t k = 0; k < c.as.verdict->warnings->n; k++) list_push(&warns, &nw, &cw, c.as.verdict->warnings->items[k]);
        if (!c.as.verdict->passed) {
          if (it->b) list_push(&reasons, &nr, &cr, eval(v, it->b, f));
          else for (size_t k = 0; k < c.as.verdict->reasons->n; k++) list_push(&reasons, &nr, &cr, c.as.verdict->reasons->items[k]);
        }
        continue;
      }
      if (!want_bool(v, it->a->at, c, "a requirement")) {
        value msg = it->b ? eval(v, it->b, f) : source_text(it->a);
        if (msg.tag != V_TEXT) msg = v_cstr(value_display(msg, true));
        list_push(&reasons, &nr, &cr, msg);
      }
    } else { /* warn */
      if (want_bool(v, it->a->at, c, "a warning condition")) {
        value msg = eval(v, it->b, f);
        if (msg.tag != V_TEXT) msg = v_cstr(value_display(msg, true));
        list_push(&warns, &nw, &cw, msg);
      }
    }
  }
  value r = {.tag = V_VERDICT};
  if (!nr && !nw) {
    r.as.verdict = &passed_clean;
    return r;
  }
  verdict *vd = svl_alloc(sizeof *vd);
  vd->passed = nr == 0;
  vd->reasons = to_list(reasons, nr);
  vd->warnings = to_list(warns, nw);
  r.as.verdict = vd;
  if (v->tr && nr) {
    sbuf b;
    sb_init(&b);
    sb_puts(&b, "failed: ");
    sb_puts(&b, value_display(v_list(vd->reasons), false));
    v->tr->detail = b.s;
  }
  return r;
}

/* ---- decision tables (SPEC 6) ---- */

/* A unary test's verdict: 1 it matches, 0 it does not, -1 unknown.  The
 * null rule (DMN's; docs/language.md): an ordering test or a range with a
 * null input is unknown, never an error; = and != compare null as a value
 * (null = null); not(...) of unknown stays unknown; a cell matches only
 * when a test gives 1.  So a null input decides nothing by the order of
 * the columns. */
static int unary_test(vm *v, const node *t, value in, frame *f) {
  if (t->kind == N_NOT) {
    const node *inner = t->a;
    int any = 0;
    for (int i = 0; i < inner->nkids && any != 1; i++) {
      int r = unary_test(v, inner->kids[i], in, f);
      if (r) any = r;
    }
    return any < 0 ? -1 : !any;
  }
  value x = eval(v, t->b, f);
  if (t->op == OP_EQ) {
    if (x.tag == V_RANGE) return in.tag == V_NULL ? -1 : in_range(v, t->at, in, x.as.range);
    if (x.tag == V_LIST) return contains(v, t->at, x, in);
    return value_equal(in, x);
  }
  if (t->op == OP_NE) return !value_equal(in, x);
  if (in.tag == V_NULL || x.tag == V_NULL) return -1;
  return apply_op(v, t->at, t->op, in, x).b;
}

static bool cell_matches(vm *v, const node *cell, value in, frame *f) {
  if (cell->op == OP_ANY) return true;
  for (int i = 0; i < cell->nkids; i++)
    if (unary_test(v, cell->kids[i], in, f) == 1) return true;
  return false;
}

static const char *inputs_text(const node *d, int n, value *ins) {
  sbuf b;
  sb_init(&b);
  const node *hdr = d->a->kids[0]->a;
  for (int i = 0; i < n; i++) {
    if (i) sb_puts(&b, ", ");
    const node *h = hdr->kids[i]->kids[0]->b;
    if (h->kind == N_NAME) sb_printf(&b, "%s = ", h->name);
    sb_puts(&b, value_short(ins[i]));
  }
  return b.s ? b.s : "";
}

static value row_output(vm *v, const node *d, const node *row, frame *f) {
  const node *outs = row->b, *hdr = d->a->kids[0]->b;
  if (outs->nkids == 1) return eval(v, outs->kids[0], f);
  record *r = record_new((size_t)outs->nkids);
  for (int i = 0; i < outs->nkids; i++) {
    r->keys[i] = hdr->kids[i]->name;
    r->vals[i] = eval(v, outs->kids[i], f);
  }
  return v_rec(r);
}

/* The steps of testing rows from+1..to, one a row as the scan counts them,
 * added in bulk: step() itself runs only for the row at which the step
 * limit or a periodic check (every 1,024 steps) falls due, so that it
 * strikes there as it would in the scan. */
static void step_rows(vm *v, const node *rows, int from, int to) {
  while (from < to) {
    uint64_t room = 1023 - (v->steps & 1023);
    if (v->cfg.max_steps) {
      uint64_t left = v->steps < v->cfg.max_steps ? v->cfg.max_steps - v->steps : 0;
      if (left < room) room = left;
    }
    if ((uint64_t)(to - from) <= room) {
      v->steps += (uint64_t)(to - from);
      v->here = rows->kids[to]->at;
      return;
    }
    v->steps += room;
    from += (int)room + 1;
    step(v, rows->kids[from]->at);
  }
}

static value eval_table(vm *v, const node *d, frame *f, loc at) {
  const node *rows = d->a;
  int ni = d->ninputs, last = rows->nkids - 1;
  value small[8];
  value *ins = ni < 8 ? small : svl_alloc((size_t)(ni + 1) * sizeof(value));
  for (int i = 0; i < ni; i++) ins[i] = eval(v, rows->kids[0]->a->kids[i]->kids[0]->b, f);
  /* The index (eval/table_index.c) skips the rows that cannot match;
   * the rows it cannot judge ("dirty") are tested here, in their turn. */
  const table_index *ix = table_index_of(d);
  const uint64_t *sets[TABLE_INDEX_MAX_COLS];
  if (ix && !table_index_locate(ix, ins, sets)) ix = NULL;
  int policy = d->op;
  value *outs = NULL;
  size_t no = 0, co = 0;
  int first_row = 0;
  sbuf matched;
  sb_init(&matched);
  value result = v_null;
  bool have = false;
  int *mrows = NULL; /* priority, output order: the rows of outs */
  size_t nrows_cap = 0;
  int k = 0; /* the last row tested (or skipped) */
  for (;;) {
    int next = ix ? table_index_next(ix, sets, k + 1) : k + 1;
    if (next > last) {
      if (ix) step_rows(v, rows, k, last);
      break;
    }
    if (ix) step_rows(v, rows, k, next);
    else step(v, rows->kids[next]->at);
    k = next;
    const node *row = rows->kids[k];
    if (!ix || table_index_dirty(ix, k)) {
      bool ok = true;
      for (int i = 0; i < ni && ok; i++) ok = cell_matches(v, row->a->kids[i], ins[i], f);
      if (!ok) continue;
    }
    if (v->coverage) count_hit(row);
    if (v->tr) { /* only explain shows the matched rows */
      if (matched.len) sb_puts(&matched, ", ");
      sb_printf(&matched, "%d", k);
    }
    if (policy == HIT_FIRST) { result = row_output(v, d, row, f); have = true; first_row = k; break; }
    if (policy == HIT_UNIQUE) {
      if (have && d->opt) dated_table_error(v, d, at, ni, ins, first_row, k);
      if (have)
        vm_error_hint(v, at, "a unique table must not overlap: narrow a row, or use hit first",
                      "E0602 table %s: rows %d and %d both match (%s)", d->name, first_row, k, inputs_text(d, ni, ins));
      result = row_output(v, d, row, f);
      have = true;
      first_row = k;
      continue;
    }
    value o = row_output(v, d, row, f);
    if (policy == HIT_PRIORITY || policy == HIT_OUTPUT_ORDER) {
      if (no == nrows_cap) {
        nrows_cap = nrows_cap ? 2 * nrows_cap : 8;
        int *m = svl_alloc_atomic(nrows_cap * sizeof *m);
        if (no) memcpy(m, mrows, no * sizeof *m);
        mrows = m;
      }
      mrows[no] = k;
    }
    if (policy == HIT_ANY) {
      if (have && !value_equal(o, result))
        vm_error(v, at, "E0603 table %s: rows %d and %d match with different outputs (%s)", d->name, first_row, k, inputs_text(d, ni, ins));
      if (!have) first_row = k;
      result = o;
      have = true;
      continue;
    }
    list_push(&outs, &no, &co, o);
  }
  if (v->tr) {
    sbuf b;
    sb_init(&b);
    bool several = strchr(matched.s ? matched.s : "", ',') != NULL;
    sb_printf(&b, "matched row%s %s", several ? "s" : "", matched.len ? matched.s : d->b ? "none: else" : "none");
    /* one matched row: show its cells, the line a challenger will ask about */
    if (matched.len && !several) {
      const node *row = rows->kids[first_row ? first_row : atoi(matched.s)];
      if (row->at.src) {
        /* the row as written, with the alignment padding squeezed out */
        sb_puts(&b, ": ");
        bool in_str = false, space = false;
        for (uint32_t i = row->at.start; i < row->at.end; i++) {
          char c = row->at.src->text[i];
          if (c == '"' && (i == row->at.start || row->at.src->text[i - 1] != '\\')) in_str = !in_str;
          if (!in_str && (c == ' ' || c == '\t')) { space = true; continue; }
          if (space) sb_putc(&b, ' ');
          space = false;
          sb_putc(&b, c);
        }
      }
    }
    v->tr->detail = b.s;
  }
  /* | else || ... |: the table's output when no row matches */
  if (d->b && !have && !no) {
    if (v->coverage) count_hit(d->b);
    value o = row_output(v, d, d->b, f);
    if (policy != HIT_COLLECT && policy != HIT_RULE_ORDER && policy != HIT_OUTPUT_ORDER) return o;
    list_push(&outs, &no, &co, o);
    return v_list(to_list(outs, no));
  }
  switch (policy) {
  case HIT_UNIQUE: case HIT_FIRST: case HIT_ANY: case HIT_PRIORITY:
    if (policy == HIT_PRIORITY && no) return table_output_order(v, d, at, outs, mrows, no, false);
    if (!have) {
      if (d->opt) dated_table_error(v, d, at, ni, ins, 0, 0);
      for (int i = 0; i < ni; i++)
        if (ins[i].tag == V_NULL)
          vm_error_hint(v, at, "a null input matches only - cells, null and != tests: give it a value with ??, or add | else || ... |",
                        "E0601 table %s: no row matches (%s)", d->name, inputs_text(d, ni, ins));
      vm_error_hint(v, at, "add a last row | - | ... || for a default, or | else || ... |", "E0601 table %s: no row matches (%s)", d->name, inputs_text(d, ni, ins));
    }
    return result;
  case HIT_OUTPUT_ORDER: return no ? table_output_order(v, d, at, outs, mrows, no, true) : v_list(to_list(outs, no));
  case HIT_COLLECT: case HIT_RULE_ORDER: return v_list(to_list(outs, no));
  case HIT_COLLECT_COUNT: return v_int((int64_t)no);
  case HIT_COLLECT_SUM: {
    value s = v_int(0);
    for (size_t i = 0; i < no; i++) s = i == 0 ? outs[0] : vm_arith(v, at, OP_ADD, s, outs[i]);
    return s;
  }
  default: { /* min, max */
    if (!no) return v_null;
    value m = outs[0];
    for (size_t i = 1; i < no; i++) {
      int c = vm_compare(v, at, outs[i], m);
      if ((policy == HIT_COLLECT_MIN && c < 0) || (policy == HIT_COLLECT_MAX && c > 0)) m = outs[i];
    }
    return m;
  }
  }
}

/* ---- indicators (SPEC 8) ---- */

static value make_indicator(vm *v, const node *d, record *r) {
  r->indicator = true;
  if (d->name && d->name[0]) r->name = d->name;
  const char *need[] = {"title", "unit", "proxy"};
  for (int i = 0; i < 3; i++)
    if (record_find(r, need[i]) < 0)
      vm_error_hint(v, d->at, "an indicator needs title, unit and proxy", "E0406 indicator %s has no '%s'", d->name ? d->name : "", need[i]);
  value u = rec_get(r, record_find(r, "unit")), p = rec_get(r, record_find(r, "proxy"));
  if (u.tag != V_NUM || !u.unit)
    vm_error(v, d->at, "E0406 indicator %s: 'unit' must be a unit name", d->name ? d->name : "");
  dec k;
  const unit_t *per = p.tag == V_NUM ? unit_mul(p.unit, u.unit, &k) : NULL;
  if (p.tag != V_NUM || per == UNIT_TOO_COMPLEX || !unit_is_money(per))
    vm_error_hint(v, d->at, "write the proxy as money per the indicator's unit, e.g. £30_000 per FTE",
                  "E0406 indicator %s: proxy must be money per %s, got %s", d->name ? d->name : "", unit_name(u.unit),
                  p.tag == V_NUM ? unit_label(p) : value_type_name(p));
  return v_rec(r);
}

value indicator_value(vm *v, loc at, value ind, value qty) {
  if (ind.tag != V_RECORD || !ind.as.rec->indicator) vm_error(v, at, "E0406 value expects an indicator, got %s", value_type_name(ind));
  const record *r = ind.as.rec;
  struct ind_memo *m = &v->ind_memo[((uintptr_t)r->keys >> 4) & 7];
  if (m->keys != r->keys) {
    /* make_indicator made sure both are there */
    m->unit = (size_t)record_find(r, "unit");
    m->proxy = (size_t)record_find(r, "proxy");
    m->keys = r->keys;
  }
  value u = rec_get(r, m->unit), p = rec_get(r, m->proxy);
  if (qty.tag != V_NUM || !unit_same_dim(qty.unit, u.unit)) {
    /* name the indicator by its declared name when we know it */
    vm_blame(v, qty, qty);
    vm_error(v, at, "E0406 value of indicator %s: expected a quantity in %s, got %s", r->name ? r->name : "",
             unit_name(u.unit), qty.tag == V_NUM ? unit_label(qty) : value_type_name(qty));
  }
  return vm_arith(v, at, OP_MUL, qty, p);
}

/* ---- expressions ---- */

/* The nodes of a left-associative chain ending at n, innermost first
 * (ast_chain_link), in `small` when they fit. */
static const node **chain_spine(const node *n, const node **small, size_t nsmall, size_t *len) {
  size_t m = 0;
  for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) m++;
  const node **spine = m <= nsmall ? small : svl_alloc(m * sizeof *spine);
  size_t i = m;
  for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) spine[--i] = k;
  *len = m;
  return spine;
}

/* a + b - c * ... with three or more operands: left to right without
 * recursion, so a flat sum of 200,000 terms needs no C stack. */
static __attribute__((noinline)) value eval_chain(vm *v, const node *n, frame *f) {
  const node *small[32];
  size_t len;
  const node **spine = chain_spine(n, small, 32, &len);
  value acc = eval(v, spine[0]->a, f);
  for (size_t i = 0; i < len; i++) acc = apply_op(v, spine[i]->at, spine[i]->op, acc, eval(v, spine[i]->b, f));
  return acc;
}

/* a and b or c ...: the same for a chain of `and` and `or`, each right
 * operand evaluated only when it can change the result. */
static __attribute__((noinline)) value eval_logic(vm *v, const node *n, frame *f) {
  const node *small[32];
  size_t len;
  const node **spine = chain_spine(n, small, 32, &len);
  bool and0 = spine[0]->kind == N_AND;
  bool acc = want_bool(v, spine[0]->a->at, eval(v, spine[0]->a, f), and0 ? "the left side of 'and'" : "the left side of 'or'");
  for (size_t i = 0; i < len; i++) {
    const node *k = spine[i];
    if (k->kind == N_AND ? acc : !acc)
      acc = want_bool(v, k->b->at, eval(v, k->b, f), k->kind == N_AND ? "the right side of 'and'" : "the right side of 'or'");
  }
  return v_bool(acc);
}

/* A left operand of ?? : a missing field or index on the way makes it
 * absent (*missing) rather than an error.  In a chain a ?? b ?? c, parsed
 * (a ?? b) ?? c, every operand but the last is such a left operand, so
 * the first present one is the result (docs/language.md). */
static value eval_soft(vm *v, const node *n, frame *f, bool *missing) {
  if (n->kind == N_DEFAULT) {
    bool m = false;
    value a = eval_soft(v, n->a, f, &m);
    if (!m && a.tag != V_NULL) return a;
    return eval_soft(v, n->b, f, missing);
  }
  if (n->kind == N_FIELD) {
    value o = eval_soft(v, n->a, f, missing);
    if (*missing) return v_null;
    value out;
    if (!field_of(v, n, o, true, &out)) { *missing = true; return v_null; }
    return out;
  }
  if (n->kind == N_INDEX) {
    value o = eval_soft(v, n->a, f, missing);
    if (*missing) return v_null;
    value out;
    if (!get_index(v, n->at, o, eval(v, n->b, f), true, &out)) { *missing = true; return v_null; }
    return out;
  }
  return eval(v, n, f);
}

static value interp(vm *v, const node *n, frame *f) {
  sbuf b;
  sb_init(&b);
  for (int i = 0; i < n->nkids; i++) {
    value x = eval(v, n->kids[i], f);
    if (x.tag == V_TEXT) sb_putn(&b, x.as.text->s, x.as.text->len);
    else {
      v->here = n->kids[i]->at; /* where a too deep value is shown (E0806) */
      sb_puts(&b, value_display(x, true));
    }
  }
  return v_text(b.s ? b.s : "", b.len);
}

/* One item of a comprehension, or with several `for` clauses (n->opt) the
 * items of the next clause's list.  The same bound as listing a range
 * (stdlib/prelude.c): without it [x for x in 1..10^12] runs until memory
 * is gone instead of failing.  A long loop that keeps few items is left
 * to the limits. */
static void comp_push(vm *v, const node *n, value **out, size_t *no, size_t *co, value x) {
  size_t k = n->opt ? x.as.list->n : 1;
  if (*no + k > MAX_RANGE_ITEMS)
    vm_error(v, n->at, "E0805 a comprehension making more than %d items", MAX_RANGE_ITEMS);
  if (!n->opt) list_push(out, no, co, x);
  else for (size_t i = 0; i < k; i++) list_push(out, no, co, x.as.list->items[i]);
}

/* The item frame of the innermost comprehension under way. */
static inline void comp_item(vm *v, const frame *it) {
  if (v->ncomps <= VM_COMPS) v->comps[v->ncomps - 1].it = it;
}

static value comprehension_items(vm *v, const node *n, frame *f);

static value comprehension(vm *v, const node *n, frame *f) {
  int k = v->ncomps++;
  if (k < VM_COMPS) v->comps[k] = (struct comp_ctx){n, NULL};
  value r = comprehension_items(v, n, f);
  v->ncomps = k;
  return r;
}

/* Over a stream: each item is read, used and let go before the next
 * (docs/data.md, "Streams"), so only what the body keeps stays in memory. */
static value comprehension_stream(vm *v, const node *n, frame *f, const svl_stream *s) {
  value *out = NULL, x;
  size_t no = 0, co = 0;
  void *pass = s->open(v, n->b->at, s);
  while (s->next(v, n->b->at, pass, &x)) {
    step(v, n->at);
    frame *it = frame_new(f, n->nslots);
    comp_item(v, it);
    it->slots[n->slot] = x;
    if (n->c && !want_bool(v, n->c->at, eval(v, n->c, it), "a comprehension filter")) continue;
    comp_push(v, n, &out, &no, &co, eval(v, n->a, it));
  }
  return v_list(to_list(out, no));
}

static value comprehension_items(vm *v, const node *n, frame *f) {
  value src = eval(v, n->b, f);
  value *out = NULL;
  size_t no = 0, co = 0;
  if (src.tag == V_RANGE) {
    const range *r = src.as.range;
    if (r->lo.tag != V_NUM || r->lo.unit || r->hi.unit) vm_error(v, n->b->at, "E0407 only ranges of whole numbers can be iterated");
    int64_t lo = vm_want_int(v, n->b->at, r->lo, "a range"), hi = vm_want_int(v, n->b->at, r->hi, "a range");
    /* Items keep heap frames: one reused stack frame measured no faster
     * (tender: 514 M vs 516 M instructions), and after an evaluation
     * failed for want of memory it left the collector seeing the failed
     * list as live, so the next call failed too (tests/unit_api_oom.t). */
    for (int64_t i = lo; i <= hi; i++) {
      step(v, n->at);
      frame *it = frame_new(f, n->nslots);
      comp_item(v, it);
      it->slots[n->slot] = v_int(i);
      if (n->c && !want_bool(v, n->c->at, eval(v, n->c, it), "a comprehension filter")) continue;
      comp_push(v, n, &out, &no, &co, eval(v, n->a, it));
    }
    return v_list(to_list(out, no));
  }
  if (src.tag == V_STREAM) return comprehension_stream(v, n, f, src.as.stream);
  const list *l = vm_want_list(v, n->b->at, src, "a comprehension");
  if (n->opt) {
    /* another `for` follows: each item's clause makes a list, spliced in */
    for (size_t i = 0; i < l->n; i++) {
      step(v, n->at);
      frame *it = frame_new(f, n->nslots);
      comp_item(v, it);
      it->slots[n->slot] = l->items[i];
      if (n->c && !want_bool(v, n->c->at, eval(v, n->c, it), "a comprehension filter")) continue;
      comp_push(v, n, &out, &no, &co, eval(v, n->a, it));
    }
    return v_list(to_list(out, no));
  }
  /* At most one item per source item: fill the result in place rather
   * than growing and copying (for 100,000 bids the doubling and the final
   * copy cost more than the items).  A filter leaves the tail unused. */
  list *res = list_new(l->n);
  for (size_t i = 0; i < l->n; i++) {
    step(v, n->at);
    frame *it = frame_new(f, n->nslots);
    comp_item(v, it);
    it->slots[n->slot] = l->items[i];
    if (n->c && !want_bool(v, n->c->at, eval(v, n->c, it), "a comprehension filter")) continue;
    res->items[no++] = eval(v, n->a, it);
  }
  res->n = no;
  return v_list(res);
}

/* The layout `with` made last: for the same two input layouts the result
 * has the same names (shared) and each new value goes to the same place. */
typedef struct with_cache {
  const char **xkeys, **ykeys, **keys;
  size_t n;
  bool adds;   /* every field of y is new: the result can be a view */
  size_t to[]; /* where y's i-th value goes in the result */
} with_cache;

enum { MAX_VIEW_DEPTH = 3 };

/* The result's layout for x with a record of names ykeys, from the node's
 * cache when the two layouts are the ones it saw last. */
static const with_cache *with_layout(const node *n, const record *x, const char **ykeys, size_t yn) {
  site *st = site_of(n);
  with_cache *c = st ? st->cache : NULL;
  if (c && c->xkeys == x->keys && c->ykeys == ykeys) return c;
  /* a new pair of layouts: work out the result's names once */
  size_t extra = 0;
  for (size_t i = 0; i < yn; i++)
    if (record_find(x, ykeys[i]) < 0) extra++;
  c = svl_alloc(sizeof *c + (yn ? yn : 1) * sizeof c->to[0]);
  c->n = x->n + extra;
  c->keys = svl_alloc((c->n ? c->n : 1) * sizeof *c->keys);
  memcpy(c->keys, x->keys, x->n * sizeof *c->keys);
  size_t k = x->n;
  for (size_t i = 0; i < yn; i++) {
    long j = record_find(x, ykeys[i]);
    if (j < 0) { c->keys[k] = ykeys[i]; j = (long)k++; }
    c->to[i] = (size_t)j;
  }
  c->adds = extra == yn;
  c->xkeys = x->keys;
  c->ykeys = ykeys;
  if (st) st->cache = c;
  return c;
}

/* A record that owns its names array (a JSON object, one built by the
 * host) rather than sharing its layout's: not worth a cache entry, which
 * it would replace on every call. */
static bool own_keys(const record *r) { return (const void *)r->keys == (const void *)(r + 1); }

/* The view of x that layout c makes, its added values left to fill; NULL
 * when c replaces a field of x, or x ends a chain of views already as
 * long as reads should walk (a loop adding one field at a time would
 * otherwise make every read walk back through all the earlier records). */
static record *view_for(const with_cache *c, const record *x) {
  if (!c->adds) return NULL;
  int depth = 0;
  for (const record *p = x->base; p && depth < MAX_VIEW_DEPTH; p = p->base) depth++;
  return depth < MAX_VIEW_DEPTH ? record_view(x, c->n, c->keys) : NULL;
}

/* Every record a literal makes has the same layout: one names array. */
static const char **literal_keys(const node *n) {
  site *st = site_of(n);
  const char **keys = st ? st->cache : NULL;
  if (!keys) {
    keys = svl_alloc((size_t)(n->nkids ? n->nkids : 1) * sizeof *keys);
    for (int i = 0; i < n->nkids; i++) keys[i] = n->kids[i]->name;
    if (st) st->cache = keys;
  }
  return keys;
}

static value with(vm *v, const node *n, value a, value b);

/* `x with {k: e, ...}` that only adds fields: the view takes the
 * literal's values directly, without making the literal's record first
 * (the benchmark tender does this for every bid, twice). */
static value with_literal(vm *v, const node *n, frame *f) {
  value a = eval(v, n->a, f);
  const node *lit = n->b;
  if (a.tag == V_RECORD && !a.as.rec->indicator && !own_keys(a.as.rec)) {
    const record *x = a.as.rec;
    const with_cache *c = with_layout(n, x, literal_keys(lit), (size_t)lit->nkids);
    record *r = view_for(c, x);
    if (r) {
      for (int i = 0; i < lit->nkids; i++) r->vals[c->to[i] - x->n] = eval(v, lit->kids[i]->a, f);
      return v_rec(r);
    }
  }
  return with(v, n, a, eval(v, lit, f));
}

static value with(vm *v, const node *n, value a, value b) {
  if (a.tag != V_RECORD || b.tag != V_RECORD)
    vm_error(v, n->at, "E0402 'with' updates a record with a record, got %s with %s", value_type_name(a), value_type_name(b));
  const record *x = a.as.rec, *y = b.as.rec;
  if (!x->indicator && !own_keys(x) && !own_keys(y)) {
    const with_cache *c = with_layout(n, x, y->keys, y->n);
    record *r = view_for(c, x);
    if (r) {
      for (size_t i = 0; i < y->n; i++) r->vals[c->to[i] - x->n] = rec_get(y, i);
      return v_rec(r);
    }
    r = record_new_shared(c->n, c->keys);
    r->src = rec_src(x), r->line = x->line;
    for (size_t i = 0; i < x->n; i++) r->vals[i] = rec_get(x, i);
    for (size_t i = 0; i < y->n; i++) r->vals[c->to[i]] = rec_get(y, i);
    return v_rec(r);
  }
  size_t extra = 0;
  for (size_t i = 0; i < y->n; i++)
    if (record_find(x, y->keys[i]) < 0) extra++;
  record *r = record_new(x->n + extra);
  r->src = rec_src(x), r->line = x->line;
  for (size_t i = 0; i < x->n; i++) { r->keys[i] = x->keys[i]; r->vals[i] = rec_get(x, i); }
  size_t k = x->n;
  for (size_t i = 0; i < y->n; i++) {
    long j = record_find(x, y->keys[i]);
    if (j >= 0) r->vals[j] = rec_get(y, i);
    else { r->keys[k] = y->keys[i]; r->vals[k++] = rec_get(y, i); }
  }
  if (x->indicator) {
    node tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.at = n->at;
    tmp.name = x->name ? x->name : "";
    return make_indicator(v, &tmp, r);
  }
  return v_rec(r);
}

static value eval_block(vm *v, const node *n, frame *f);

#define NOINLINE __attribute__((noinline))

/* Everything but the hottest node kinds lives here, out of line, so the
 * frame of eval() stays small: it is on the C stack once per nesting level
 * of every SVL call, and its size sets how deep recursion can go. */
static NOINLINE value eval_cold(vm *v, const node *n, frame *f);

static NOINLINE value eval_global(vm *v, const node *n) {
  const globals *g = n->mod->g;
  if (!g->ready[n->slot])
    vm_error_hint(v, n->at, "move the definition above the code that uses it", "E0302 '%s' is used before it is defined", n->name);
  return g->vals[n->slot];
}

static value eval(vm *v, const node *n, frame *f) {
  switch (n->kind) {
  case N_LIT: return n->lit;
  case N_NAME:
    if (n->refkind == REF_LOCAL) {
      frame *e = f;
      for (int i = 0; i < n->up; i++) e = e->up;
      return e->slots[n->slot];
    }
    if (n->refkind == REF_GLOBAL) return eval_global(v, n);
    return eval_cold(v, n, f);
  case N_CALL: return eval_call(v, n, f);
  case N_BIN: {
    if (n->a->kind == N_BIN && n->a->a->kind == N_BIN) return eval_chain(v, n, f);
    value a = eval(v, n->a, f);
    value b = eval(v, n->b, f);
    return apply_op(v, n->at, n->op, a, b);
  }
  case N_AND:
    if (n->a->kind == N_AND || n->a->kind == N_OR) return eval_logic(v, n, f);
    if (!want_bool(v, n->a->at, eval(v, n->a, f), "the left side of 'and'")) return v_bool(false);
    return v_bool(want_bool(v, n->b->at, eval(v, n->b, f), "the right side of 'and'"));
  case N_OR:
    if (n->a->kind == N_AND || n->a->kind == N_OR) return eval_logic(v, n, f);
    if (want_bool(v, n->a->at, eval(v, n->a, f), "the left side of 'or'")) return v_bool(true);
    return v_bool(want_bool(v, n->b->at, eval(v, n->b, f), "the right side of 'or'"));
  case N_IF:
    if (want_bool(v, n->a->at, eval(v, n->a, f), "an if condition")) return eval(v, n->b, f);
    return eval(v, n->c, f);
  default: return eval_cold(v, n, f);
  }
}

static NOINLINE value eval_cold(vm *v, const node *n, frame *f) {
  /* Calls check the stack left (push_call); nesting inside one call is
   * bounded by the source, but a chain of unary operators, fields or
   * indexes can still reach the end of a small thread stack (256 KiB,
   * frames grown by ASan: a fuzz_deep finding), so the cold kinds check
   * it too, off the hot path. */
  char here;
  if (svl_stack_floor && (uintptr_t)&here < (uintptr_t)svl_stack_floor)
    vm_error_kind(v, DIAG_LIMIT, n->at, "E0804 expression nested too deep for the stack left");
  /* N_LIT, N_CALL, N_BIN, N_AND, N_OR, N_IF and local or global names never
   * come here: eval() handles them first. */
  switch (n->kind) {
  case N_QTY: {
    value x = n->a->lit;
    if (n->name2) vm_check(v, n->at, dec_mul(x.as.num, n->lit.as.num, &x.as.num));
    return v_qty(x.as.num, n->ref);
  }
  case N_STR: return interp(v, n, f);
  case N_NAME:
    switch (n->refkind) {
    case REF_BUILTIN: {
      value b = {.tag = V_BUILTIN};
      b.as.builtin = n->ref;
      return b;
    }
    case REF_UNIT: vm_error_hint(v, n->at, "write a quantity such as 1 FTE", "E0402 '%s' is a unit, not a value", n->name);
    default: vm_error(v, n->at, "E0000 unresolved name '%s'", n->name);
    }
  case N_FIELD: {
    value o = eval(v, n->a, f), out;
    field_of(v, n, o, false, &out);
    return out;
  }
  case N_INDEX: {
    value o = eval(v, n->a, f), out;
    get_index(v, n->at, o, eval(v, n->b, f), false, &out);
    return out;
  }
  case N_DEFAULT: {
    bool missing = false;
    value a = eval_soft(v, n->a, f, &missing);
    if (missing || a.tag == V_NULL) return eval(v, n->b, f);
    return a;
  }
  case N_NEG: {
    value a = eval(v, n->a, f);
    if (a.tag != V_NUM) vm_error(v, n->at, "E0402 cannot negate %s", value_type_name(a));
    a.as.num = dec_neg(a.as.num);
    return a;
  }
  case N_NOT: return v_bool(!want_bool(v, n->a->at, eval(v, n->a, f), "the operand of 'not'"));
  case N_LIST: {
    list *l = list_new((size_t)n->nkids);
    for (int i = 0; i < n->nkids; i++) l->items[i] = eval(v, n->kids[i], f);
    return v_list(l);
  }
  case N_RECORD: {
    record *r = record_new_shared((size_t)n->nkids, literal_keys(n));
    for (int i = 0; i < n->nkids; i++) r->vals[i] = eval(v, n->kids[i]->a, f);
    return v_rec(r);
  }
  case N_COMP: return comprehension(v, n, f);
  case N_RANGE: {
    if (n->lit.tag == V_RANGE) return n->lit; /* two literals: folded by the resolver */
    value a = eval(v, n->a, f), b = eval(v, n->b, f);
    bool ok = (a.tag == V_NUM && b.tag == V_NUM && unit_same_dim(a.unit, b.unit)) || (a.tag == V_DATE && b.tag == V_DATE) ||
              (a.tag == V_DATETIME && b.tag == V_DATETIME);
    if (!ok) vm_error(v, n->at, "E0402 a range needs two numbers of one unit, or two dates; got %s and %s",
                      a.tag == V_NUM ? unit_label(a) : value_type_name(a), b.tag == V_NUM ? unit_label(b) : value_type_name(b));
    range *r = svl_alloc(sizeof *r);
    r->lo = a;
    r->hi = b;
    r->lo_open = n->op & RANGE_LO_OPEN;
    r->hi_open = n->op & RANGE_HI_OPEN;
    value x = {.tag = V_RANGE};
    x.as.range = r;
    return x;
  }
  case N_LAMBDA: {
    closure *c = svl_alloc(sizeof *c);
    c->fn = n;
    c->env = f;
    c->name = n->name;
    value x = {.tag = V_FUNC};
    x.as.fn = c;
    return x;
  }
  case N_BLOCK: return eval_block(v, n, f);
  case N_AS: {
    value a = eval(v, n->a, f);
    if (!strcmp(n->name, "percent")) {
      if (a.tag != V_NUM || a.unit) vm_error(v, n->at, "E0402 only plain numbers can be shown as percent");
      a.pct = true;
      return a;
    }
    if (!strcmp(n->name, "number")) { /* 60% as number is 0.6 */
      if (a.tag != V_NUM || a.unit) vm_error(v, n->at, "E0402 only percentages and plain numbers convert to number");
      a.pct = false;
      return a;
    }
    const unit_t *u = n->ref;
    if (a.tag != V_NUM || !unit_same_dim(a.unit, u))
      vm_error(v, n->at, "E0401 cannot convert %s to %s", a.tag == V_NUM ? unit_label(a) : value_type_name(a), unit_name(u));
    return v_qty(convert(v, n->at, a, u), u);
  }
  case N_WITH:
    if (n->b->kind == N_RECORD) return with_literal(v, n, f);
    return with(v, n, eval(v, n->a, f), eval(v, n->b, f));
  default: vm_error(v, n->at, "E0000 cannot evaluate this here");
  }
}

/* Assertions: for a comparison, keep both sides for the TAP diagnostic. */
static void eval_assert(vm *v, const node *st, frame *f) {
  if (st->op == 1) { assert_error(v, st, f, eval); return; }
  const node *e = st->a;
  bool ok;
  const char *got = NULL, *expected = NULL;
  if (e->kind == N_BIN && e->op >= OP_EQ && e->op <= OP_GE) {
    value a = eval(v, e->a, f), b = eval(v, e->b, f);
    ok = apply_op(v, e->at, e->op, a, b).b;
    got = value_display(a, false);
    expected = value_display(b, false);
  } else {
    ok = want_bool(v, e->at, eval(v, e, f), "an assertion");
  }
  if (ok) return;
  const char *msg = "assertion failed";
  if (st->b) {
    value m = eval(v, st->b, f);
    msg = m.tag == V_TEXT ? m.as.text->s : value_display(m, true);
  }
  v->last_test.message = msg;
  v->last_test.expr = svl_strndup(e->at.src->text + e->at.start, e->at.end - e->at.start);
  v->last_test.got = got;
  v->last_test.expected = expected;
  memset(&v->err, 0, sizeof v->err);
  v->err.kind = DIAG_ASSERT;
  v->err.code = "E0605";
  if (got && !st->b) {
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "assertion failed: %s (got %s, expected %s)", v->last_test.expr, got, expected);
    msg = b.s;
  }
  v->err.msg = msg;
  v->err.at = e->at;
  /* an assert of an imported module (the stdlib's checks of their
   * arguments) is reported at the user's call, naming the row */
  if (v->main && e->at.src != v->main->src) {
    prov_explain(v, true);
    /* the module's own expression means nothing in the user's test */
    v->last_test.message = v->err.msg;
    v->last_test.expr = v->last_test.got = v->last_test.expected = NULL;
  }
  raise_diag(v);
}

static void exec_stmt(vm *v, const node *st, frame *f, globals *g) {
  switch (st->kind) {
  case N_LET: {
    value x = eval(v, st->a, f);
    if (g) { g->vals[st->slot] = x; g->ready[st->slot] = true; }
    else f->slots[st->slot] = x;
    return;
  }
  case N_ASSERT: eval_assert(v, st, f); return;
  case N_PRINT: {
    value x = eval(v, st->a, f);
    v->here = st->a->at;
    const char *s = x.tag == V_TEXT ? x.as.text->s : value_display(x, true);
    size_t len = x.tag == V_TEXT ? x.as.text->len : strlen(s);
    vm_output(v, s, len);
    vm_output(v, "\n", 1);
    return;
  }
  case N_EXPRSTMT: eval(v, st->a, f); return;
  default: return;
  }
}

static value eval_block(vm *v, const node *n, frame *f) {
  for (int i = 0; i < n->nkids; i++) exec_stmt(v, n->kids[i], f, NULL);
  return eval(v, n->a, f);
}

/* ---- modules ---- */

static value closure_value(const node *d, const module *m, int tag) {
  closure *c = svl_alloc(sizeof *c);
  c->fn = d;
  c->mod = m;
  c->name = d->name;
  value x = {.tag = (uint8_t)tag};
  x.as.fn = c;
  return x;
}

static void add_test(vm *v, node *t) {
  GC_GROW(v->tests, v->ntests, v->captests, 16);
  v->tests[v->ntests++] = t;
}

void eval_module(vm *v, module *m) {
  globals *g = m->g;
  node *p = m->prog;
  /* functions, rules and tables first: they may be called by earlier lets */
  for (int i = 0; i < p->nkids; i++) {
    node *d = p->kids[i];
    if (d->kind == N_FN || d->kind == N_RULE || d->kind == N_TABLE) {
      g->vals[d->slot] = closure_value(d, m, d->kind == N_TABLE ? V_TABLE : V_FUNC);
      g->ready[d->slot] = true;
    } else if (d->kind == N_TYPE) {
      value x = {.tag = V_TYPE};
      x.as.type = d->ref;
      g->vals[d->slot] = x;
      g->ready[d->slot] = true;
    }
  }
  frame *top = frame_new(NULL, 1);
  for (int i = 0; i < p->nkids; i++) {
    node *d = p->kids[i];
    switch (d->kind) {
    case N_LET: case N_ASSERT: case N_PRINT: case N_EXPRSTMT: exec_stmt(v, d, top, g); break;
    case N_INDICATOR: {
      record *r = record_new((size_t)d->a->nkids);
      for (int k = 0; k < d->a->nkids; k++) {
        node *fd = d->a->kids[k];
        r->keys[k] = fd->name;
        if (fd->a->refkind == REF_UNIT && fd->a->kind == N_NAME) r->vals[k] = v_qty(dec_from_int(1), fd->a->ref);
        else r->vals[k] = eval(v, fd->a, top);
      }
      g->vals[d->slot] = make_indicator(v, d, r);
      g->ready[d->slot] = true;
      break;
    }
    case N_IMPORT:
      g->vals[d->slot] = vm_import(v, m, d);
      g->ready[d->slot] = true;
      break;
    case N_REPORT:
      g->vals[d->slot] = report_check(v, d, eval(v, d->a, top));
      g->ready[d->slot] = true;
      break;
    case N_TEST: add_test(v, d); break;
    default: break;
    }
  }
}

value eval_expr_top(vm *v, const module *m, const node *n) {
  (void)m;
  frame *top = frame_new(NULL, 1);
  return eval(v, n, top);
}

/* eval_quiet and eval_call_frame run with tracing off and leave the VM as
 * they found it when the evaluation fails: explain re-evaluates pieces of
 * a body that may raise (an operand of a failed require, say). */
typedef struct quiet_job {
  const node *n;
  frame *f;
  value out;
  /* eval_call_frame */
  const closure *c;
  int nargs;
  value *args;
} quiet_job;

static void quiet_eval(vm *v, void *p) {
  quiet_job *j = p;
  j->out = eval(v, j->n, j->f ? j->f : frame_new(NULL, 1));
}

static void quiet_call(vm *v, void *p) {
  quiet_job *j = p;
  const node *d = j->c->fn;
  j->f = frame_new(j->c->env, d->nslots);
  loc none = {0};
  bind(v, d, j->f, j->nargs, j->args, 0, NULL, NULL, none);
  (void)eval(v, d->a, j->f);
}

static bool quietly(vm *v, void (*body)(vm *, void *), quiet_job *j) {
  trace *tr = v->tr;
  diag err = v->err;
  v->tr = NULL;
  bool ok = vm_protect(v, body, j);
  v->tr = tr;
  if (!ok) v->err = err;
  return ok;
}

bool eval_quiet(vm *v, const node *n, frame *f, value *out) {
  quiet_job j = {.n = n, .f = f};
  if (!quietly(v, quiet_eval, &j)) return false;
  *out = j.out;
  return true;
}

frame *eval_frame_new(frame *up, int n) { return frame_new(up, n); }

frame *eval_call_frame(vm *v, value fv, int nargs, value *args) {
  if (fv.tag != V_FUNC) return NULL;
  const closure *c = fv.as.fn;
  if (c->fn->kind != N_FN && c->fn->kind != N_LAMBDA) return NULL;
  quiet_job j = {.c = c, .nargs = nargs, .args = args};
  return quietly(v, quiet_call, &j) ? j.f : NULL;
}

void eval_test(vm *v, module *m, node *t) {
  (void)m;
  frame *f = frame_new(NULL, t->nslots);
  for (int i = 0; i < t->nkids; i++) exec_stmt(v, t->kids[i], f, NULL);
}
