/* Arithmetic, comparison and membership on values: the operators of
 * expressions (apply_op), with units converted and percentages kept
 * apart, and the checks that name what an operand should have been
 * (vm_want_*).  Split from eval/eval.c, which calls apply_op. */
#include <string.h>

#include "eval/walk.h"
#include "eval/dated.h"

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


/* Convert quantity x to unit u (same dimension). */
dec op_convert(vm *v, loc at, value x, const unit_t *u) {
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

/* A status other than DEC_OK raised at `at`; the test is inline, the
 * call only for an error. */
#define CHECK(v, at, st) do { dec_status st_ = (st); if (__builtin_expect(st_ != DEC_OK, 0)) vm_check(v, at, st_); } while (0)

static inline value num_value(dec r, const unit_t *u, bool pct) {
  value out = {.tag = V_NUM, .pct = pct, .unit = u};
  out.as.num = r;
  return out;
}

/* Units and percentages on + - mod: the operands' kinds checked, a unit
 * converted to the finer one.  Out of line: arith_num takes the common
 * case (one unit or none on both sides, and both percentages or neither)
 * itself. */
static __attribute__((noinline)) value add_mixed(vm *v, loc at, int op, const value *a, const value *b) {
  if (a->pct != b->pct && vm_pct_mixed(*a, *b)) vm_pct_mix(v, at, op, *a, *b);
  const unit_t *u = a->unit;
  dec x = a->as.num, y = b->as.num, r;
  if (a->unit != b->unit) {
    if (!unit_same_dim(a->unit, b->unit))
      vm_blame(v, *a, *b), vm_error_hint(v, at, a->unit && b->unit && unit_is_money(a->unit) && unit_is_money(b->unit) ? "different currencies never convert implicitly" : NULL,
                    "E0401 cannot %s %s and %s", op_verb(op), unit_label(*a), unit_label(*b));
    u = unit_finer(a->unit, b->unit);
    x = op_convert(v, at, *a, u);
    y = op_convert(v, at, *b, u);
  }
  CHECK(v, at, op == OP_ADD ? dec_add(x, y, &r) : op == OP_SUB ? dec_sub(x, y, &r) : dec_mod(x, y, &r));
  return num_value(r, u, (a->pct || b->pct) && op != OP_MOD); /* 0 + 5% is 5% */
}

/* A product or quotient with a unit on either side: the unit scale is a
 * fraction num/den (one rounding at most, at the end), kept for the last
 * pairs of units seen. */
static __attribute__((noinline)) value mul_units(vm *v, loc at, int op, const value *a, const value *b) {
  dec num, den, r;
  const unit_t *u;
  int sign = op == OP_MUL ? 1 : -1;
  struct unit_memo *m = &v->unit_memo[(((uintptr_t)a->unit >> 4) ^ ((uintptr_t)b->unit >> 6) ^ (uintptr_t)(sign + 1)) & 7];
  if (m->sign == sign && m->a == a->unit && m->b == b->unit) {
    u = m->u;
    num = m->num;
    den = m->den;
  } else {
    u = unit_mul_ratio(a->unit, b->unit, sign, &num, &den);
    if (u == UNIT_TOO_COMPLEX) vm_blame(v, *a, *b), vm_error(v, at, "E0401 unit too complex: %s and %s", unit_label(*a), unit_label(*b));
    *m = (struct unit_memo){a->unit, b->unit, u, sign, num, den};
  }
  dec top = a->as.num, bottom = den;
  if (!dec_is_one(num)) CHECK(v, at, dec_mul(a->as.num, num, &top));
  if (op == OP_MUL) CHECK(v, at, dec_mul(top, b->as.num, &top));
  else if (dec_is_one(bottom)) bottom = b->as.num;
  else CHECK(v, at, dec_mul(bottom, b->as.num, &bottom));
  if (op == OP_MUL && dec_is_one(bottom)) r = top;
  else CHECK(v, at, dec_div(top, bottom, &r));
  return num_value(r, u, false);
}

/* Operands taken by address: the caller's copies are used as they are. */
static inline __attribute__((always_inline)) value arith_num(vm *v, loc at, int op, const value *a, const value *b) {
  dec r;
  switch (op) {
  case OP_ADD: case OP_SUB: case OP_MOD:
    if (__builtin_expect(a->unit != b->unit || a->pct != b->pct, 0)) return add_mixed(v, at, op, a, b);
    /* one unit, or none, and one kind: nothing to check or convert */
    CHECK(v, at, op == OP_ADD ? dec_add(a->as.num, b->as.num, &r) : op == OP_SUB ? dec_sub(a->as.num, b->as.num, &r) : dec_mod(a->as.num, b->as.num, &r));
    return num_value(r, a->unit, a->pct && op != OP_MOD);
  case OP_MUL: case OP_DIV:
    if (op == OP_DIV && dec_is_zero(b->as.num)) vm_blame(v, *b, *b), vm_error(v, at, "E0501 division by zero");
    /* a quantity scaled by a plain number keeps its unit (mul_units would
     * find the same factors and a scale of 1) */
    if (b->unit) return mul_units(v, at, op, a, b);
    CHECK(v, at, op == OP_MUL ? dec_mul(a->as.num, b->as.num, &r) : dec_div(a->as.num, b->as.num, &r));
    return num_value(r, a->unit, false);
  case OP_POW: {
    if (b->unit) vm_error(v, at, "E0401 an exponent must be a plain number, got %s", unit_label(*b));
    const unit_t *u = NULL;
    if (a->unit) {
      int64_t n;
      if (!dec_to_int(b->as.num, &n) || n > 100 || n < -100)
        vm_error(v, at, "E0401 a quantity (%s) can only be raised to a whole power", unit_label(*a));
      u = unit_pow(a->unit, (int)n);
      if (u == UNIT_TOO_COMPLEX) vm_error(v, at, "E0401 unit too complex");
    }
    CHECK(v, at, dec_pow(a->as.num, b->as.num, &r));
    return num_value(r, u, false);
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
    if (b.unit) d = op_convert(v, at, b, unit_from_def(unit_lookup(v->units, "day")));
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
  if (a.tag == V_NUM && b.tag == V_NUM) return arith_num(v, at, op, &a, &b);
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
    return dec_cmp(op_convert(v, at, a, u), op_convert(v, at, b, u));
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

bool op_in_range(vm *v, loc at, value x, const range *r) {
  int lo = vm_compare(v, at, r->lo, x), hi = vm_compare(v, at, x, r->hi);
  return (r->lo_open ? lo < 0 : lo <= 0) && (r->hi_open ? hi < 0 : hi <= 0);
}

bool op_contains(vm *v, loc at, value coll, value x) {
  switch (coll.tag) {
  case V_LIST:
    for (size_t i = 0; i < coll.as.list->n; i++)
      if (value_equal(coll.as.list->items[i], x)) return true;
    return false;
  case V_RANGE: return op_in_range(v, at, x, coll.as.range);
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

value op_apply(vm *v, loc at, int op, value a, value b) {
  v->here = at; /* the place of an E0806 from value_equal */
  if (op <= OP_POW && a.tag == V_NUM && b.tag == V_NUM) return arith_num(v, at, op, &a, &b);
  /* == and != stay structural and never fail (docs/language.md §2) */
  if (__builtin_expect(a.pct != b.pct, 0) && op >= OP_LT && op <= OP_GE && vm_pct_mixed(a, b)) vm_pct_mix(v, at, op, a, b);
  switch (op) {
  case OP_EQ: return v_bool(value_equal(a, b));
  case OP_NE: return v_bool(!value_equal(a, b));
  case OP_LT: return v_bool(vm_compare(v, at, a, b) < 0);
  case OP_LE: return v_bool(vm_compare(v, at, a, b) <= 0);
  case OP_GT: return v_bool(vm_compare(v, at, a, b) > 0);
  case OP_GE: return v_bool(vm_compare(v, at, a, b) >= 0);
  case OP_IN: return v_bool(op_contains(v, at, b, a));
  default: return vm_arith(v, at, op, a, b);
  }
}
