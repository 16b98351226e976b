/* The prelude (SPEC 13): the builtins always in scope.
 *
 * Conventions, so every builtin reads alike:
 * - errors name the function and what it got ("sum expects a list, got
 *   text"), through vm_error, which unwinds: nothing here returns an error;
 * - numbers stay decimal (dec_*): no binary floating point anywhere;
 * - everything is allocated on the GC heap, so a vm_error, or a callback
 *   that unwinds half-way through a sort, leaves nothing to free. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <wctype.h>

#include "lang/ast.h"
#include "stdlib/builtins.h"
#include "core/gc.h"
#include "eval/vm.h"
#include "stdlib/builtins.h"
#include "stdlib/datetime.h"
#include "stdlib/lookup.h"

#define BUILTIN(name) static value name(vm *v, int nargs, value *args, loc at)

/* MAX_RANGE_ITEMS (eval/vm.h): a range of whole numbers may be listed
 * (range(a, b), iterating 1..n) up to that many items; past it a script
 * almost certainly has a bug, and the list would take hundreds of
 * megabytes. */

/* ---- shared helpers ------------------------------------------------------ */

static const char *tname(value x) { return value_type_name(x); }

/* n * size bytes, or an error instead of a wrapped size. */
static size_t checked_size(vm *v, loc at, const char *fname, size_t n, size_t size) {
  if (size && n > (SIZE_MAX / 2) / size) vm_error(v, at, "E0805 %s: too many items", fname);
  return n * size;
}

static value *alloc_values(vm *v, loc at, const char *fname, size_t n) {
  return gc_alloc(checked_size(v, at, fname, n, sizeof(value)));
}

static size_t *alloc_sizes(vm *v, loc at, const char *fname, size_t n) {
  return gc_alloc_atomic(checked_size(v, at, fname, n, sizeof(size_t)));
}

static list *new_list(vm *v, loc at, const char *fname, size_t n) {
  /* list_new quietly refuses absurd sizes; say so instead. */
  if (n > ((size_t)1 << 40) / sizeof(value)) vm_error(v, at, "E0805 %s: too many items", fname);
  return list_new(n);
}

static value list_of(const value *xs, size_t n) {
  list *l = list_new(n);
  if (n) memcpy(l->items, xs, n * sizeof(value));
  return v_list(l);
}

static bool is_plain_whole(value x, int64_t *out) {
  return x.tag == V_NUM && !x.unit && !x.pct && dec_to_int(x.as.num, out);
}

/* A whole number argument; `what` names the parameter in the message. */
static int64_t want_whole(vm *v, loc at, const char *fname, const char *what, value x) {
  int64_t i;
  if (is_plain_whole(x, &i)) return i;
  if (x.tag == V_NUM)
    vm_error(v, at, "E0407 %s expects a whole number for %s, got %s", fname, what, value_display(x, false));
  vm_error(v, at, "E0407 %s expects a whole number for %s, got %s", fname, what, tname(x));
}

static int64_t want_count(vm *v, loc at, const char *fname, value x) {
  int64_t n = want_whole(v, at, fname, "n", x);
  if (n < 0) vm_error(v, at, "E0407 %s expects a count of 0 or more, got %lld", fname, (long long)n);
  return n;
}

static value want_num(vm *v, loc at, const char *fname, value x) {
  if (x.tag != V_NUM) vm_error(v, at, "E0402 %s expects a number, got %s", fname, tname(x));
  return x;
}

static const text *want_text(vm *v, loc at, const char *fname, value x) {
  if (x.tag != V_TEXT) vm_error(v, at, "E0402 %s expects a text, got %s", fname, tname(x));
  return x.as.text;
}

static const record *want_record(vm *v, loc at, const char *fname, value x) {
  if (x.tag != V_RECORD) vm_error(v, at, "E0402 %s expects a record, got %s", fname, tname(x));
  return x.as.rec;
}

static int32_t want_date(vm *v, loc at, const char *fname, value x) {
  if (x.tag != V_DATE) vm_error(v, at, "E0402 %s expects a date, got %s", fname, tname(x));
  return x.days;
}

static value want_fn(vm *v, loc at, const char *fname, value f) {
  if (!vm_callable(f)) vm_error(v, at, "E0402 %s expects a function, got %s", fname, tname(f));
  return f;
}

/* The number of items in a range of whole numbers (0 when hi < lo). */
static size_t range_count(vm *v, loc at, const char *fname, value lo, value hi, int64_t *first) {
  int64_t a, b;
  if (!is_plain_whole(lo, &a) || !is_plain_whole(hi, &b))
    vm_error(v, at, "E0407 %s: only a range of whole numbers can be listed, got %s", fname,
             value_display(is_plain_whole(lo, &a) ? hi : lo, false));
  *first = a;
  if (b < a) return 0;
  uint64_t span = (uint64_t)b - (uint64_t)a; /* cannot overflow in unsigned */
  if (span >= MAX_RANGE_ITEMS)
    vm_error(v, at, "E0805 %s: a range of more than %d items is not listed", fname, MAX_RANGE_ITEMS);
  return (size_t)span + 1;
}

static const list *range_list(vm *v, loc at, const char *fname, value lo, value hi) {
  int64_t a;
  size_t n = range_count(v, at, fname, lo, hi, &a);
  list *l = list_new(n);
  for (size_t i = 0; i < n; i++) l->items[i] = v_int(a + (int64_t)i);
  return l;
}

/* Lists, and ranges of whole numbers, which SPEC 4 lets us iterate. */
static const list *want_list(vm *v, loc at, const char *fname, value x) {
  if (x.tag == V_LIST) return x.as.list;
  if (x.tag == V_RANGE) return range_list(v, at, fname, x.as.range->lo, x.as.range->hi);
  if (x.tag == V_STREAM)
    vm_error_hint(v, at, "a stream is read by a comprehension ([r.x for r in s]) or by count",
                  "E0402 %s expects a list, got a stream", fname);
  vm_error(v, at, "E0402 %s expects a list, got %s", fname, tname(x));
}

static bool call_test(vm *v, loc at, const char *fname, value f, value x) {
  value r = vm_call(v, f, 1, &x, at);
  bool b;
  if (!value_truthy_ok(r, &b))
    vm_error(v, at, "E0402 %s: the function must return true or false, got %s", fname, tname(r));
  return b;
}

/* x with its magnitude replaced: keeps the unit and the percent flag. */
static value with_num(value x, dec d) {
  x.as.num = d;
  return x;
}

/* ---- stable merge sort of indices ----------------------------------------
 * Sorting indices rather than values lets sort, sort_by, rank and median
 * share one routine.  Bottom-up, so no recursion; O(n log n) compares, and
 * runs already in order cost one compare per merge. */

typedef struct sorter {
  vm *v;
  loc at;
  const value *keys;  /* compared with vm_compare, or */
  const dec *nums;    /* compared with dec_cmp, or */
  const unsigned __int128 *kk; /* width keys an item (dec_key_wide), compared in turn */
  size_t width;
  bool desc;
} sorter;

static int sorter_cmp(const sorter *s, size_t a, size_t b) {
  int c;
  if (s->kk) {
    const unsigned __int128 *x = s->kk + a * s->width, *y = s->kk + b * s->width;
    c = 0;
    for (size_t i = 0; i < s->width && !c; i++) c = (x[i] > y[i]) - (x[i] < y[i]);
  } else {
    c = s->nums ? dec_cmp(s->nums[a], s->nums[b]) : vm_compare(s->v, s->at, s->keys[a], s->keys[b]);
  }
  return s->desc ? -c : c;
}

/* Keys that are lists of numbers, each column in one unit (the usual
 * `b => [-b.total, b.price, b.id]`), as a flat array of sort keys of their
 * magnitudes: then vm_compare would only ever reach dec_cmp, which orders
 * as the keys do (core/number.c dec_sort_key), and the sort reads one
 * array instead of a list per key.  Anything else keeps vm_compare's
 * conversions and errors.  flat_key writes key's sort keys to out when
 * it is such a list shaped like the first key, first. */
static bool flat_key(value key, const list *first, unsigned __int128 *out) {
  if (key.tag != V_LIST || key.as.list->n != first->n) return false;
  const value *it = key.as.list->items;
  for (size_t c = 0; c < first->n; c++) {
    if (it[c].tag != V_NUM || it[c].unit != first->items[c].unit || it[c].pct != first->items[c].pct) return false;
    dec_key k;
    if (!dec_sort_key(it[c].as.num, &k)) return false;
    out[c] = dec_key_wide(&k);
  }
  return true;
}

static size_t *sort_order(const sorter *s, const char *fname, size_t n) {
  size_t *a = alloc_sizes(s->v, s->at, fname, n), *b = alloc_sizes(s->v, s->at, fname, n);
  for (size_t i = 0; i < n; i++) a[i] = i;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = mid + width < n ? mid + width : n;
      size_t i = lo, j = mid, k = lo;
      if (mid < hi && sorter_cmp(s, a[mid - 1], a[mid]) <= 0) {
        memcpy(b + lo, a + lo, (hi - lo) * sizeof *a);
        continue;
      }
      /* Take from the right only when strictly smaller: that is stability. */
      while (i < mid && j < hi) b[k++] = sorter_cmp(s, a[i], a[j]) > 0 ? a[j++] : a[i++];
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
    }
    size_t *t = a;
    a = b;
    b = t;
  }
  gc_free(b); /* the scratch half: nothing else has seen it */
  return a;
}

/* ---- math ---------------------------------------------------------------- */

BUILTIN(p_abs) {
  (void)nargs;
  value x = want_num(v, at, "abs", args[0]);
  return with_num(x, dec_abs(x.as.num));
}

/* A quantity keeps its unit and a percentage its flag.  A percentage is
 * rounded as the number it is, as a spreadsheet's ROUND does:
 * round(12.345%, 2) is 0.12, i.e. 12% (format counts percent places). */
static value round_with(vm *v, int nargs, value *args, loc at, const char *fname, dec_rounding mode) {
  value x = args[0];
  if (x.tag != V_NUM) vm_error(v, at, "E0402 %s expects a number, got %s", fname, tname(x));
  int64_t places = nargs > 1 ? want_whole(v, at, fname, "places", args[1]) : 0;
  /* dec_round copes with any int; the bound only keeps the cast honest. */
  if (places < -100000 || places > 100000)
    vm_error(v, at, "E0407 %s: places must be between -100000 and 100000, got %lld", fname, (long long)places);
  dec r;
  vm_check(v, at, dec_round(x.as.num, (int)places, mode, &r));
  return with_num(x, r);
}

BUILTIN(p_round) { return round_with(v, nargs, args, at, "round", DEC_HALF_AWAY); }
BUILTIN(p_round_half_even) { return round_with(v, nargs, args, at, "round_half_even", DEC_HALF_EVEN); }
BUILTIN(p_round_up) { return round_with(v, nargs, args, at, "round_up", DEC_UP); }
BUILTIN(p_round_down) { return round_with(v, nargs, args, at, "round_down", DEC_DOWN); }
BUILTIN(p_floor) { return round_with(v, nargs, args, at, "floor", DEC_FLOOR); }
BUILTIN(p_ceil) { return round_with(v, nargs, args, at, "ceil", DEC_CEIL); }

/* sqrt, ln, exp and log10 of a quantity have no unit we could give the
 * result, so they take plain numbers (a percentage counts as its fraction). */
static dec want_plain(vm *v, loc at, const char *fname, value x) {
  if (x.tag != V_NUM || x.unit) vm_error(v, at, "E0402 %s expects a plain number, got %s", fname, tname(x));
  return x.as.num;
}

BUILTIN(p_sqrt) {
  (void)nargs;
  dec x = want_plain(v, at, "sqrt", args[0]), r;
  if (dec_is_neg(x)) vm_error(v, at, "E0503 sqrt of a negative number (%s)", value_display(args[0], false));
  vm_check(v, at, dec_sqrt(x, &r));
  return v_num(r);
}

static value log_with(vm *v, value x0, loc at, const char *fname, dec_status (*f)(dec, dec *)) {
  dec x = want_plain(v, at, fname, x0), r;
  if (dec_is_neg(x) || dec_is_zero(x))
    vm_error(v, at, "E0503 %s needs a number above zero, got %s", fname, value_display(x0, false));
  vm_check(v, at, f(x, &r));
  return v_num(r);
}

BUILTIN(p_ln) { (void)nargs; return log_with(v, args[0], at, "ln", dec_ln); }
BUILTIN(p_log10) { (void)nargs; return log_with(v, args[0], at, "log10", dec_log10); }

BUILTIN(p_exp) {
  (void)nargs;
  dec r;
  vm_check(v, at, dec_exp(want_plain(v, at, "exp", args[0]), &r));
  return v_num(r);
}

static void want_numbers(vm *v, loc at, const char *fname, const list *l) {
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i].tag != V_NUM)
      vm_blame(v, l->items[i], l->items[i]),
      vm_error(v, at, "E0402 %s expects a list of numbers, item %zu is %s", fname, i + 1, tname(l->items[i]));
}

/* The sum through the + operator, so units convert (1 week + 2 days is 9
 * days), currencies never mix and percentages stay percentages. */
static value sum_of(vm *v, loc at, const char *fname, const list *l) {
  want_numbers(v, at, fname, l);
  value acc = l->items[0];
  for (size_t i = 1; i < l->n; i++) acc = vm_arith(v, at, OP_ADD, acc, l->items[i]);
  return acc;
}

BUILTIN(p_sum) {
  (void)nargs;
  const list *l = want_list(v, at, "sum", args[0]);
  return l->n ? sum_of(v, at, "sum", l) : v_int(0);
}

BUILTIN(p_product) {
  (void)nargs;
  const list *l = want_list(v, at, "product", args[0]);
  if (!l->n) return v_int(1);
  want_numbers(v, at, "product", l);
  value acc = l->items[0];
  for (size_t i = 1; i < l->n; i++) acc = vm_arith(v, at, OP_MUL, acc, l->items[i]);
  return acc;
}

static const list *want_nonempty(vm *v, loc at, const char *fname, value x) {
  const list *l = want_list(v, at, fname, x);
  if (!l->n)
    vm_error_hint(v, at,
                  strcmp(fname, "first") && strcmp(fname, "last") ? NULL
                  : "to find a row by its key, lookup(rows, \"supplier\", name) says which key was not found and the nearest ones there are",
                  "E0504 %s of an empty list", fname);
  return l;
}

/* Division by a count keeps the unit and the percent flag, which the /
 * operator would drop for a percentage: the mean of percentages is one. */
static value div_count(vm *v, loc at, value x, size_t n) {
  dec r;
  vm_check(v, at, dec_div(x.as.num, dec_from_int((int64_t)n), &r));
  return with_num(x, r);
}

BUILTIN(p_mean) {
  (void)nargs;
  const list *l = want_nonempty(v, at, "mean", args[0]);
  return div_count(v, at, sum_of(v, at, "mean", l), l->n);
}

/* The magnitudes of a list of numbers in one unit, the one their sum takes
 * (the finest); *proto carries that unit and the percent flag. */
static dec *magnitudes(vm *v, loc at, const char *fname, const list *l, value *proto) {
  value s = sum_of(v, at, fname, l);
  dec *m = gc_alloc_atomic(checked_size(v, at, fname, l->n, sizeof(dec)));
  for (size_t i = 0; i < l->n; i++) {
    value x = l->items[i];
    m[i] = x.as.num;
    if (!unit_equal(x.unit, s.unit)) vm_check(v, at, unit_convert(x.as.num, x.unit, s.unit, &m[i]));
  }
  *proto = s;
  return m;
}

BUILTIN(p_median) {
  (void)nargs;
  const list *l = want_nonempty(v, at, "median", args[0]);
  value proto;
  dec *m = magnitudes(v, at, "median", l, &proto);
  sorter s = {.v = v, .at = at, .nums = m};
  size_t *ord = sort_order(&s, "median", l->n), h = l->n / 2;
  if (l->n % 2) return with_num(proto, m[ord[h]]);
  dec r;
  vm_check(v, at, dec_add(m[ord[h - 1]], m[ord[h]], &r));
  vm_check(v, at, dec_div(r, dec_from_int(2), &r));
  return with_num(proto, r);
}

/* The sample standard deviation (divisor n - 1), in the unit of the data. */
BUILTIN(p_stddev) {
  (void)nargs;
  const list *l = want_nonempty(v, at, "stddev", args[0]);
  if (l->n < 2) vm_error(v, at, "E0504 stddev needs at least two numbers (it is the sample standard deviation)");
  value proto;
  dec *m = magnitudes(v, at, "stddev", l, &proto), mean, acc = dec_from_int(0), d, r;
  vm_check(v, at, dec_div(proto.as.num, dec_from_int((int64_t)l->n), &mean));
  for (size_t i = 0; i < l->n; i++) {
    vm_check(v, at, dec_sub(m[i], mean, &d));
    vm_check(v, at, dec_mul(d, d, &d));
    vm_check(v, at, dec_add(acc, d, &acc));
  }
  vm_check(v, at, dec_div(acc, dec_from_int((int64_t)l->n - 1), &r));
  vm_check(v, at, dec_sqrt(r, &r));
  return with_num(proto, r);
}

/* min(xs) over a list, or min(a, b, ...) over the arguments: one argument
 * must be a list, since min(x) of one value says nothing.  Any values
 * vm_compare can order (numbers of one dimension, texts, dates, lists);
 * the first of equal extremes is returned, with its own unit and flag. */
static value extreme(vm *v, int nargs, value *args, loc at, const char *fname, int sign) {
  const value *xs = args;
  size_t n = (size_t)nargs;
  if (nargs == 1) {
    if (args[0].tag != V_LIST && args[0].tag != V_RANGE)
      vm_error(v, at, "E0402 %s expects a list (or two or more values), got %s", fname, tname(args[0]));
    const list *l = want_nonempty(v, at, fname, args[0]);
    xs = l->items;
    n = l->n;
  }
  value best = xs[0];
  for (size_t i = 1; i < n; i++)
    if (sign * vm_compare(v, at, xs[i], best) > 0) best = xs[i];
  return best;
}

BUILTIN(p_min) { return extreme(v, nargs, args, at, "min", -1); }
BUILTIN(p_max) { return extreme(v, nargs, args, at, "max", 1); }

/* ---- value index: grouping by structural equality ------------------------
 * unique and group_by must find "the same value seen before" among up to
 * millions of items, so keys are hashed consistently with value_equal.
 * Quantities compare across units (1 week == 7 days), so a quantity is
 * hashed only in the first unit seen for its dimension; a quantity in
 * another unit of that dimension (and anything else without a hash:
 * functions, verdicts, a list holding such a value) is "slow" and is
 * compared with every group.  Hashed keys are also compared with the slow
 * groups, so the result is exact either way; lists in one unit, the usual
 * case, take linear time. */

#define VINDEX_DIMS 16

typedef struct vindex {
  size_t mask;      /* hash slots - 1 */
  size_t *slots;    /* group + 1; 0 empty */
  uint64_t *hashes; /* per group */
  value *reps;      /* per group: its first key */
  size_t n;         /* groups */
  size_t *slow;     /* groups whose key has no hash */
  size_t nslow;
  const unit_t *canon[VINDEX_DIMS]; /* the unit hashed, per dimension */
  int ncanon;
} vindex;

static uint64_t mix(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

static uint64_t hash_bytes(const char *s, size_t n, uint64_t h) {
  h ^= 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
  return mix(h);
}

/* Index of u's dimension among the hashed units, or -1 when u must take
 * the slow path. */
static int canon_of(vindex *ix, const unit_t *u) {
  for (int i = 0; i < ix->ncanon; i++) {
    if (unit_equal(ix->canon[i], u)) return i;
    if (unit_same_dim(ix->canon[i], u)) return -1;
  }
  if (ix->ncanon == VINDEX_DIMS) return -1;
  ix->canon[ix->ncanon] = u;
  return ix->ncanon++;
}

static bool vhash(vindex *ix, value x, int depth, uint64_t *h) {
  if (depth > 32) return false; /* equal values nest equally deep */
  value_walk_step();
  switch (x.tag) {
  case V_NULL: *h = mix(1); return true;
  case V_BOOL: *h = mix(2 + (uint64_t)x.b); return true;
  case V_TEXT: *h = hash_bytes(x.as.text->s, x.as.text->len, 3); return true;
  case V_DATE: *h = mix(((uint64_t)(uint32_t)x.days << 8) | 4); return true;
  /* by the instant: equal date-times in two offsets hash alike */
  case V_DATETIME: *h = mix(mix((uint64_t)x.as.dt.sec) ^ ((uint64_t)x.as.dt.nsec << 8) ^ 6); return true;
  case V_NUM: {
    /* Plain numbers and percentages share one space: 10% == 0.1. */
    uint64_t space = 5;
    if (x.unit) {
      int c = canon_of(ix, x.unit);
      if (c < 0) return false;
      space = 100 + (uint64_t)c;
    }
    int64_t i;
    if (dec_to_int(x.as.num, &i)) { *h = mix((uint64_t)i ^ mix(space)); return true; }
    /* Printing is canonical (2.50 and 2.5 print alike); a truncated print
     * is still equal for equal values, which is all a hash needs. */
    char buf[64];
    size_t n = dec_format(x.as.num, buf, sizeof buf);
    *h = hash_bytes(buf, n, space);
    return true;
  }
  case V_LIST: {
    uint64_t acc = mix(6 + x.as.list->n), e;
    for (size_t i = 0; i < x.as.list->n; i++) {
      if (!vhash(ix, x.as.list->items[i], depth + 1, &e)) return false;
      acc = mix(acc ^ e) + i;
    }
    *h = acc;
    return true;
  }
  case V_RANGE: {
    uint64_t a, b;
    if (!vhash(ix, x.as.range->lo, depth + 1, &a) || !vhash(ix, x.as.range->hi, depth + 1, &b)) return false;
    *h = mix(a ^ mix(b ^ 7));
    return true;
  }
  case V_RECORD: {
    /* Record equality ignores field order, so the hash must too. */
    const record *r = x.as.rec;
    uint64_t acc = mix(8 + r->n), e;
    for (size_t i = 0; i < r->n; i++) {
      if (!vhash(ix, rec_get(r, i), depth + 1, &e)) return false;
      acc += mix(hash_bytes(r->keys[i], strlen(r->keys[i]), 9) ^ e);
    }
    *h = acc;
    return true;
  }
  default: return false;
  }
}

static void vindex_init(vm *v, loc at, const char *fname, vindex *ix, size_t max) {
  size_t cap = 8;
  while (cap < max * 2) cap *= 2; /* max is a list length, far below SIZE_MAX/4 */
  ix->mask = cap - 1;
  ix->slots = alloc_sizes(v, at, fname, cap);
  ix->hashes = gc_alloc_atomic(checked_size(v, at, fname, max, sizeof(uint64_t)));
  ix->reps = alloc_values(v, at, fname, max);
  ix->slow = alloc_sizes(v, at, fname, max);
  ix->n = ix->nslow = 0;
  ix->ncanon = 0;
}

static size_t vindex_new(vindex *ix, value k, uint64_t h) {
  ix->hashes[ix->n] = h;
  ix->reps[ix->n] = k;
  return ix->n++;
}

/* The group of key k, adding one when k is new. */
static size_t vindex_add(vindex *ix, value k) {
  uint64_t h;
  if (!vhash(ix, k, 0, &h)) {
    for (size_t g = 0; g < ix->n; g++)
      if (value_equal(ix->reps[g], k)) return g;
    ix->slow[ix->nslow++] = ix->n;
    return vindex_new(ix, k, 0);
  }
  size_t i = (size_t)h & ix->mask;
  for (; ix->slots[i]; i = (i + 1) & ix->mask) {
    size_t g = ix->slots[i] - 1;
    if (ix->hashes[g] == h && value_equal(ix->reps[g], k)) return g;
  }
  for (size_t j = 0; j < ix->nslow; j++)
    if (value_equal(ix->reps[ix->slow[j]], k)) return ix->slow[j];
  ix->slots[i] = ix->n + 1;
  return vindex_new(ix, k, h);
}

/* ---- lists --------------------------------------------------------------- */

BUILTIN(p_len) {
  (void)nargs;
  value x = args[0];
  switch (x.tag) {
  case V_LIST: return v_int((int64_t)x.as.list->n);
  case V_TEXT: return v_int((int64_t)utf8_count(x.as.text->s, x.as.text->len));
  case V_RECORD: return v_int((int64_t)x.as.rec->n);
  case V_RANGE: {
    int64_t a;
    return v_int((int64_t)range_count(v, at, "len", x.as.range->lo, x.as.range->hi, &a));
  }
  default: vm_error(v, at, "E0402 len expects a list, text or record, got %s", tname(x));
  }
}

BUILTIN(p_map) {
  (void)nargs;
  const list *l = want_list(v, at, "map", args[0]);
  value f = want_fn(v, at, "map", args[1]);
  list *out = list_new(l->n);
  for (size_t i = 0; i < l->n; i++) {
    value x = l->items[i];
    out->items[i] = vm_call(v, f, 1, &x, at);
  }
  return v_list(out);
}

BUILTIN(p_filter) {
  (void)nargs;
  const list *l = want_list(v, at, "filter", args[0]);
  value f = want_fn(v, at, "filter", args[1]);
  value *keep = alloc_values(v, at, "filter", l->n);
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++)
    if (call_test(v, at, "filter", f, l->items[i])) keep[k++] = l->items[i];
  return list_of(keep, k);
}

BUILTIN(p_reduce) {
  (void)nargs;
  value acc = args[1], f = want_fn(v, at, "reduce", args[2]);
  if (args[0].tag == V_RANGE) {
    /* Counted loops (reduce(1..n, ...)) need not list the range first: a
     * million numbers would sit in the heap, marked by every collection. */
    int64_t i;
    size_t n = range_count(v, at, "reduce", args[0].as.range->lo, args[0].as.range->hi, &i);
    for (size_t k = 0; k < n; k++, i++) {
      value a[2] = {acc, v_int(i)};
      acc = vm_call(v, f, 2, a, at);
    }
    return acc;
  }
  const list *l = want_list(v, at, "reduce", args[0]);
  for (size_t i = 0; i < l->n; i++) {
    value a[2] = {acc, l->items[i]};
    acc = vm_call(v, f, 2, a, at);
  }
  return acc;
}

static value permuted(const value *items, const size_t *ord, size_t n) {
  list *out = list_new(n);
  for (size_t i = 0; i < n; i++) out->items[i] = items[ord[i]];
  return v_list(out);
}

BUILTIN(p_sort) {
  (void)nargs;
  const list *l = want_list(v, at, "sort", args[0]);
  sorter s = {.v = v, .at = at, .keys = l->items};
  return permuted(l->items, sort_order(&s, "sort", l->n), l->n);
}

/* Each key is computed once, before sorting: the key function may be
 * costly, and calling it n log n times would also repeat its trace. */
static value *keys_of(vm *v, loc at, const char *fname, const list *l, value f) {
  value *keys = alloc_values(v, at, fname, l->n);
  for (size_t i = 0; i < l->n; i++) {
    value x = l->items[i];
    keys[i] = vm_call(v, f, 1, &x, at);
  }
  return keys;
}

/* sort_by's keys.  Flat keys (flat_key) are made as each key comes and
 * the key's list is let go: on the benchmark tender the 74,212 lists of
 * four numbers were 11 MB of the peak, all live at once.  Should a later
 * key not be flat, the keys before it are computed again (functions are
 * pure), unless explain or coverage is watching, which would see a
 * second call: then every key is kept from the start. */
static void sort_keys(sorter *s, const char *fname, const list *l, value f) {
  vm *v = s->v;
  size_t n = l->n, width = 0;
  value *keys = vm_observed(v) ? alloc_values(v, s->at, fname, n) : NULL;
  value first = v_null;
  unsigned __int128 *flat = NULL;
  /* After the first key, while the keys are flat and not kept, each key's
   * list is made here (vm_call_lent) and let go once flattened. */
  _Alignas(list) _Alignas(value) unsigned char buf[sizeof(list) + 16 * sizeof(value)];
  list *lent = (list *)(void *)buf;
  for (size_t i = 0; i < n; i++) {
    value x = l->items[i], key = i && !keys ? vm_call_lent(v, f, 1, &x, s->at, lent, 16) : vm_call(v, f, 1, &x, s->at);
    if (keys) keys[i] = key;
    if (i == 0 && key.tag == V_LIST && key.as.list->n >= 2 && key.as.list->n <= 16) {
      first = key;
      width = key.as.list->n;
      flat = gc_alloc_atomic_uncleared(checked_size(v, s->at, fname, n, width * sizeof *flat));
    }
    if (flat && flat_key(key, first.as.list, flat + i * width)) continue;
    flat = NULL;
    if (key.tag == V_LIST && key.as.list == lent) { /* kept from here on: off the stack */
      list *copy = list_new(lent->n);
      memcpy(copy->items, lent->items, lent->n * sizeof(value));
      key = v_list(copy);
    }
    if (!keys) {
      keys = alloc_values(v, s->at, fname, n);
      for (size_t j = 0; j < i; j++) {
        value y = l->items[j];
        keys[j] = vm_call(v, f, 1, &y, s->at);
      }
      keys[i] = key;
    }
  }
  s->keys = keys;
  s->kk = flat;
  s->width = width;
}

BUILTIN(p_sort_by) {
  (void)nargs;
  const list *l = want_list(v, at, "sort_by", args[0]);
  value f = want_fn(v, at, "sort_by", args[1]);
  sorter s = {.v = v, .at = at};
  sort_keys(&s, "sort_by", l, f);
  size_t *ord = sort_order(&s, "sort_by", l->n);
  value r = permuted(l->items, ord, l->n);
  /* The order and the flat keys are this call's alone: given back now,
   * the heap they take (6 MB for 74,212 bids) serves what comes next. */
  gc_free(ord);
  if (s.kk) gc_free(s.kk);
  return r;
}

BUILTIN(p_reverse) {
  (void)nargs;
  value x = args[0];
  if (x.tag == V_TEXT) {
    /* By code points, so a reversed text is still valid UTF-8. */
    const text *t = x.as.text;
    char *out = gc_alloc_atomic(t->len + 1);
    size_t end = t->len, k = 0;
    while (end > 0) {
      size_t start = end - 1;
      while (start > 0 && ((unsigned char)t->s[start] & 0xC0) == 0x80) start--;
      memcpy(out + k, t->s + start, end - start);
      k += end - start;
      end = start;
    }
    return v_text(out, k);
  }
  if (x.tag != V_LIST && x.tag != V_RANGE) vm_error(v, at, "E0402 reverse expects a list or text, got %s", tname(x));
  const list *l = want_list(v, at, "reverse", x);
  list *out = list_new(l->n);
  for (size_t i = 0; i < l->n; i++) out->items[i] = l->items[l->n - 1 - i];
  return v_list(out);
}

BUILTIN(p_first) { (void)nargs; return want_nonempty(v, at, "first", args[0])->items[0]; }

BUILTIN(p_last) {
  (void)nargs;
  const list *l = want_nonempty(v, at, "last", args[0]);
  return l->items[l->n - 1];
}

BUILTIN(p_take) {
  (void)nargs;
  const list *l = want_list(v, at, "take", args[0]);
  int64_t n = want_count(v, at, "take", args[1]);
  size_t k = (uint64_t)n < l->n ? (size_t)n : l->n;
  return list_of(l->items, k);
}

BUILTIN(p_drop) {
  (void)nargs;
  const list *l = want_list(v, at, "drop", args[0]);
  int64_t n = want_count(v, at, "drop", args[1]);
  size_t k = (uint64_t)n < l->n ? (size_t)n : l->n;
  return list_of(l->items + k, l->n - k);
}

/* The first occurrence of each value, in order. */
BUILTIN(p_unique) {
  (void)nargs;
  const list *l = want_list(v, at, "unique", args[0]);
  vindex ix;
  vindex_init(v, at, "unique", &ix, l->n);
  for (size_t i = 0; i < l->n; i++) vindex_add(&ix, l->items[i]);
  return list_of(ix.reps, ix.n);
}

/* group_by(xs, key) is a list of records {key: k, items: [...]}, one per
 * distinct key (structural equality), in the order each key was first
 * seen; the items of a group keep their order.  A list rather than a
 * record keyed by k, because keys may be any value (numbers, dates, lists
 * for several keys), not only names. */
BUILTIN(p_group_by) {
  (void)nargs;
  const list *l = want_list(v, at, "group_by", args[0]);
  value f = want_fn(v, at, "group_by", args[1]);
  value *keys = keys_of(v, at, "group_by", l, f);
  vindex ix;
  vindex_init(v, at, "group_by", &ix, l->n);
  size_t *gid = alloc_sizes(v, at, "group_by", l->n);
  for (size_t i = 0; i < l->n; i++) gid[i] = vindex_add(&ix, keys[i]);
  size_t *count = alloc_sizes(v, at, "group_by", ix.n);
  for (size_t i = 0; i < l->n; i++) count[gid[i]]++;
  list **items = gc_alloc(checked_size(v, at, "group_by", ix.n, sizeof(list *)));
  list *out = list_new(ix.n);
  for (size_t g = 0; g < ix.n; g++) {
    items[g] = list_new(count[g]);
    items[g]->n = 0; /* refilled below, up to count[g] */
    record *r = record_new(2);
    r->keys[0] = "key";
    r->vals[0] = ix.reps[g];
    r->keys[1] = "items";
    r->vals[1] = v_list(items[g]);
    out->items[g] = v_rec(r);
  }
  for (size_t i = 0; i < l->n; i++) {
    list *it = items[gid[i]];
    it->items[it->n++] = l->items[i];
  }
  return v_list(out);
}

/* count(stream[, f]): the items of a stream, read one at a time. */
static value count_stream(vm *v, loc at, int nargs, value *args) {
  const vstream *s = args[0].as.stream;
  value f = nargs > 1 ? want_fn(v, at, "count", args[1]) : v_null, x;
  int64_t k = 0;
  void *pass = s->open(v, at, s);
  while (s->next(v, at, pass, &x)) k += nargs < 2 || call_test(v, at, "count", f, x);
  return v_int(k);
}

BUILTIN(p_count) {
  if (args[0].tag == V_STREAM) return count_stream(v, at, nargs, args);
  const list *l = want_list(v, at, "count", args[0]);
  if (nargs < 2) return v_int((int64_t)l->n);
  value f = want_fn(v, at, "count", args[1]);
  int64_t k = 0;
  for (size_t i = 0; i < l->n; i++) k += call_test(v, at, "count", f, l->items[i]);
  return v_int(k);
}

static value any_all(vm *v, value *args, loc at, const char *fname, bool want) {
  const list *l = want_list(v, at, fname, args[0]);
  value f = want_fn(v, at, fname, args[1]);
  for (size_t i = 0; i < l->n; i++)
    if (call_test(v, at, fname, f, l->items[i]) == want) return v_bool(want);
  return v_bool(!want);
}

BUILTIN(p_any) { (void)nargs; return any_all(v, args, at, "any", true); }
BUILTIN(p_all) { (void)nargs; return any_all(v, args, at, "all", false); }

BUILTIN(p_zip) {
  (void)nargs;
  const list *a = want_list(v, at, "zip", args[0]), *b = want_list(v, at, "zip", args[1]);
  size_t n = a->n < b->n ? a->n : b->n;
  list *out = list_new(n);
  for (size_t i = 0; i < n; i++) {
    list *pair = list_new(2);
    pair->items[0] = a->items[i];
    pair->items[1] = b->items[i];
    out->items[i] = v_list(pair);
  }
  return v_list(out);
}

/* range(a, b) is a, a+1, ..., b; empty when b < a. */
BUILTIN(p_range) {
  (void)nargs;
  for (int i = 0; i < 2; i++) want_whole(v, at, "range", i ? "to" : "from", args[i]);
  return v_list(range_list(v, at, "range", args[0], args[1]));
}

/* One level: items that are lists are spliced, others kept as they are. */
BUILTIN(p_flatten) {
  (void)nargs;
  const list *l = want_list(v, at, "flatten", args[0]);
  size_t total = 0;
  for (size_t i = 0; i < l->n; i++) {
    size_t k = l->items[i].tag == V_LIST ? l->items[i].as.list->n : 1;
    if (k > SIZE_MAX / 2 - total) vm_error(v, at, "E0805 flatten: too many items");
    total += k;
  }
  list *out = new_list(v, at, "flatten", total);
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++) {
    value x = l->items[i];
    if (x.tag == V_LIST) {
      if (x.as.list->n) memcpy(out->items + k, x.as.list->items, x.as.list->n * sizeof(value));
      k += x.as.list->n;
    } else {
      out->items[k++] = x;
    }
  }
  return v_list(out);
}

/* Byte offset of the first needle in hay at or after `from`, or -1.  UTF-8
 * is self-synchronising, so a match always starts on a code point. */
static long long find_bytes(const text *hay, const text *needle, size_t from) {
  if (needle->len == 0) return (long long)from;
  if (needle->len > hay->len) return -1;
  size_t last = hay->len - needle->len;
  for (size_t i = from; i <= last;) {
    const char *p = memchr(hay->s + i, needle->s[0], last - i + 1);
    if (!p) return -1;
    i = (size_t)(p - hay->s);
    if (memcmp(p, needle->s, needle->len) == 0) return (long long)i;
    i++;
  }
  return -1;
}

/* contains(list, x): structural equality; contains(text, t): substring;
 * contains(range, x): what `x in range` tests. */
BUILTIN(p_contains) {
  (void)nargs;
  value c = args[0], x = args[1];
  if (c.tag == V_TEXT) {
    if (x.tag != V_TEXT) vm_error(v, at, "E0402 contains: a text can only contain a text, got %s", tname(x));
    return v_bool(find_bytes(c.as.text, x.as.text, 0) >= 0);
  }
  if (c.tag == V_RANGE)
    return v_bool(vm_compare(v, at, c.as.range->lo, x) <= 0 && vm_compare(v, at, x, c.as.range->hi) <= 0);
  if (c.tag != V_LIST) vm_error(v, at, "E0402 contains expects a list, text or range, got %s", tname(c));
  for (size_t i = 0; i < c.as.list->n; i++)
    if (value_equal(c.as.list->items[i], x)) return v_bool(true);
  return v_bool(false);
}

/* 1-based position (code points for a text), or null when absent. */
BUILTIN(p_index_of) {
  (void)nargs;
  value c = args[0], x = args[1];
  if (c.tag == V_TEXT) {
    if (x.tag != V_TEXT) vm_error(v, at, "E0402 index_of: a text can only contain a text, got %s", tname(x));
    long long off = find_bytes(c.as.text, x.as.text, 0);
    return off < 0 ? v_null : v_int((int64_t)utf8_count(c.as.text->s, (size_t)off) + 1);
  }
  if (c.tag != V_LIST) vm_error(v, at, "E0402 index_of expects a list or text, got %s", tname(c));
  for (size_t i = 0; i < c.as.list->n; i++)
    if (value_equal(c.as.list->items[i], x)) return v_int((int64_t)i + 1);
  return v_null;
}

/* rank(xs, key) gives each item's rank, in the order of xs: highest key
 * first (rank 1), as in a league table of scores; equal keys share the
 * best rank and the next rank skips ("1, 2, 2, 4", standard competition
 * ranking).  Without key, the items are their own keys. */
BUILTIN(p_rank) {
  const list *l = want_list(v, at, "rank", args[0]);
  const value *keys = l->items;
  if (nargs > 1) keys = keys_of(v, at, "rank", l, want_fn(v, at, "rank", args[1]));
  sorter s = {.v = v, .at = at, .keys = keys, .desc = true};
  size_t *ord = sort_order(&s, "rank", l->n), r = 0;
  list *out = list_new(l->n);
  for (size_t p = 0; p < l->n; p++) {
    if (p == 0 || sorter_cmp(&s, ord[p], ord[p - 1]) != 0) r = p + 1;
    out->items[ord[p]] = v_int((int64_t)r);
  }
  return v_list(out);
}

/* ---- texts --------------------------------------------------------------- */

/* Case mapping is Unicode's simple, language-independent one (one code
 * point to one: "été" -> "ÉTÉ", "ÑANDÚ" -> "ñandú"; no ß -> SS, and i is
 * not dotted as in Turkish), read from the C library's C.UTF-8 locale
 * through a locale object of our own, so the host's locale is neither read
 * nor changed (docs/prelude.md, "Text").  Without that locale (a libc that
 * lacks it) only ASCII letters change.  A mapped letter may take another
 * number of bytes (ı -> I), so the result is built afresh. */
static locale_t case_locale;
static void case_locale_init(void) { case_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0); }

static uint32_t utf8_decode(const unsigned char *s, int n) {
  if (n == 1) return s[0];
  uint32_t c = s[0] & (0x7F >> n);
  for (int i = 1; i < n; i++) c = (c << 6) | (s[i] & 0x3F);
  return c;
}

static size_t utf8_encode(uint32_t c, char *out) {
  if (c < 0x80) { out[0] = (char)c; return 1; }
  if (c < 0x800) { out[0] = (char)(0xC0 | (c >> 6)); out[1] = (char)(0x80 | (c & 0x3F)); return 2; }
  if (c < 0x10000) {
    out[0] = (char)(0xE0 | (c >> 12)); out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[2] = (char)(0x80 | (c & 0x3F)); return 3;
  }
  out[0] = (char)(0xF0 | (c >> 18)); out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((c >> 6) & 0x3F)); out[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

static uint32_t map_cp(uint32_t c, bool up) {
  if (c < 0x80 || !case_locale) {
    if (up && c >= 'a' && c <= 'z') return c - 'a' + 'A';
    if (!up && c >= 'A' && c <= 'Z') return c - 'A' + 'a';
    return c;
  }
  wint_t m = up ? towupper_l((wint_t)c, case_locale) : towlower_l((wint_t)c, case_locale);
  /* never map into the surrogates or out of Unicode */
  return m > 0x10FFFF || (m >= 0xD800 && m <= 0xDFFF) ? c : (uint32_t)m;
}

static value map_case(vm *v, value x, loc at, const char *fname, bool up) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, case_locale_init);
  const text *t = want_text(v, at, fname, x);
  /* a code point's bytes grow by at most half (2 -> 3) */
  char *out = gc_alloc_atomic(t->len + t->len / 2 + 4);
  size_t o = 0;
  for (size_t i = 0; i < t->len;) {
    const unsigned char *p = (const unsigned char *)t->s + i;
    int n = utf8_valid_seq(p, t->len - i);
    if (n == 0) { out[o++] = t->s[i++]; continue; } /* texts are valid; be safe */
    o += utf8_encode(map_cp(utf8_decode(p, n), up), out + o);
    i += (size_t)n;
  }
  return v_text(out, o);
}

BUILTIN(p_upper) { (void)nargs; return map_case(v, args[0], at, "upper", true); }
BUILTIN(p_lower) { (void)nargs; return map_case(v, args[0], at, "lower", false); }

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* ASCII white space at both ends (what CSV cells and typed input carry). */
BUILTIN(p_trim) {
  (void)nargs;
  const text *t = want_text(v, at, "trim", args[0]);
  size_t b = 0, e = t->len;
  while (b < e && is_space(t->s[b])) b++;
  while (e > b && is_space(t->s[e - 1])) e--;
  return b == 0 && e == t->len ? args[0] : v_text(t->s + b, e - b);
}

static const text *want_sep(vm *v, loc at, const char *fname, const char *what, value x) {
  if (x.tag != V_TEXT) vm_error(v, at, "E0402 %s expects a text for %s, got %s", fname, what, tname(x));
  if (x.as.text->len == 0) vm_error(v, at, "E0407 %s: the %s must not be empty", fname, what);
  return x.as.text;
}

/* split("a,b,", ",") is ["a", "b", ""]: n separators give n + 1 parts. */
BUILTIN(p_split) {
  (void)nargs;
  const text *t = want_text(v, at, "split", args[0]);
  const text *sep = want_sep(v, at, "split", "separator", args[1]);
  size_t n = 1;
  for (long long o = find_bytes(t, sep, 0); o >= 0; o = find_bytes(t, sep, (size_t)o + sep->len)) n++;
  list *out = list_new(n);
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    long long o = i + 1 < n ? find_bytes(t, sep, start) : (long long)t->len;
    out->items[i] = v_text(t->s + start, (size_t)o - start);
    start = (size_t)o + sep->len;
  }
  return v_list(out);
}

/* Items that are not texts join in their print form (join([1, £2], ", ")
 * is "1, £2.00"). */
BUILTIN(p_join) {
  /* join(left, right, key): two tables by a key column (stdlib/lookup.c) */
  if (nargs == 3) return lookup_table_join(v, args[0], args[1], args[2], at);
  const list *l = want_list(v, at, "join", args[0]);
  const text *sep = NULL;
  if (nargs > 1) {
    if (args[1].tag != V_TEXT) vm_error(v, at, "E0402 join expects a text for separator, got %s", tname(args[1]));
    sep = args[1].as.text;
  }
  sbuf b;
  sb_init(&b);
  for (size_t i = 0; i < l->n; i++) {
    if (i && sep) sb_putn(&b, sep->s, sep->len);
    value x = l->items[i];
    if (x.tag == V_TEXT) sb_putn(&b, x.as.text->s, x.as.text->len);
    else sb_puts(&b, value_display(x, true));
  }
  return v_text(b.s ? b.s : "", b.len);
}

/* Every occurrence, left to right, not overlapping. */
BUILTIN(p_replace) {
  (void)nargs;
  const text *t = want_text(v, at, "replace", args[0]);
  const text *from = want_sep(v, at, "replace", "text to replace", args[1]);
  if (args[2].tag != V_TEXT) vm_error(v, at, "E0402 replace expects a text for the replacement, got %s", tname(args[2]));
  const text *to = args[2].as.text;
  sbuf b;
  sb_init(&b);
  size_t start = 0;
  for (long long o; (o = find_bytes(t, from, start)) >= 0; start = (size_t)o + from->len) {
    sb_putn(&b, t->s + start, (size_t)o - start);
    sb_putn(&b, to->s, to->len);
  }
  if (start == 0) return args[0];
  sb_putn(&b, t->s + start, t->len - start);
  return v_text(b.s, b.len);
}

static value affix(vm *v, value *args, loc at, const char *fname, bool end) {
  const text *t = want_text(v, at, fname, args[0]);
  if (args[1].tag != V_TEXT) vm_error(v, at, "E0402 %s expects a text to look for, got %s", fname, tname(args[1]));
  const text *a = args[1].as.text;
  if (a->len > t->len) return v_bool(false);
  return v_bool(memcmp(t->s + (end ? t->len - a->len : 0), a->s, a->len) == 0);
}

BUILTIN(p_starts_with) { (void)nargs; return affix(v, args, at, "starts_with", false); }
BUILTIN(p_ends_with) { (void)nargs; return affix(v, args, at, "ends_with", true); }

/* format(x, places): text with exactly `places` decimals, rounded half away
 * from zero like round.  Plain numbers get no thousands separators
 * ("1234.50"); a percentage counts places in the percent figure
 * (format(12.345%, 1) is "12.3%"); a quantity is its print form with the
 * number replaced ("£1,234.57", "£1,235" for places 0, "2.50 hours").
 * format(x) alone is the print form. */
BUILTIN(p_format) {
  value x = args[0];
  if (nargs < 2) return x.tag == V_TEXT ? x : v_cstr(value_display(x, true));
  if (x.tag != V_NUM) vm_error(v, at, "E0402 format expects a number, got %s", tname(x));
  int64_t places = want_whole(v, at, "format", "places", args[1]);
  if (places < 0 || places > 100)
    vm_error(v, at, "E0407 format expects places from 0 to 100, got %lld", (long long)places);
  dec m = x.as.num, r;
  bool pct = x.pct && !x.unit;
  if (pct) vm_check(v, at, dec_mul(m, dec_from_int(100), &m));
  vm_check(v, at, dec_round(m, (int)places, DEC_HALF_AWAY, &r));
  if (dec_is_zero(r)) r = dec_abs(r); /* never "-0.00" */
  char buf[DEC_BUFSZ];
  if (!x.unit) {
    size_t n = dec_format_fixed(r, (int)places, false, buf, sizeof buf);
    if (pct && n + 1 < sizeof buf) buf[n++] = '%', buf[n] = 0;
    return v_text(buf, n);
  }
  /* The print form is "[-][symbol]digits[rest]": money writes its sign
   * before the symbol and groups thousands, other units print the number
   * as dec_format does.  Swap in the number with exactly `places`. */
  const char *d = unit_format_quantity(r, x.unit);
  size_t p = 0;
  while (d[p] && !(d[p] >= '0' && d[p] <= '9')) p++;
  bool money = p > 1 || (p == 1 && d[0] != '-');
  if (!money) p = 0;
  size_t q = p;
  while (d[q] == '-' || d[q] == ',' || d[q] == '.' || (d[q] >= '0' && d[q] <= '9')) q++;
  size_t n = dec_format_fixed(money ? dec_abs(r) : r, (int)places, money, buf, sizeof buf);
  sbuf b;
  sb_init(&b);
  sb_putn(&b, d, p);
  sb_putn(&b, buf, n);
  sb_puts(&b, d + q);
  return v_text(b.s, b.len);
}

/* ---- records ------------------------------------------------------------- */

BUILTIN(p_keys) {
  (void)nargs;
  const record *r = want_record(v, at, "keys", args[0]);
  list *out = list_new(r->n);
  for (size_t i = 0; i < r->n; i++) out->items[i] = v_cstr(r->keys[i]);
  return v_list(out);
}

BUILTIN(p_values) {
  (void)nargs;
  const record *r = want_record(v, at, "values", args[0]);
  return list_of(record_values(r), r->n);
}

/* Field index, or -1; a name with a NUL byte cannot be a field. */
static long field_of(vm *v, loc at, const char *fname, const record *r, value name) {
  if (name.tag != V_TEXT) vm_error(v, at, "E0402 %s expects a field name as text, got %s", fname, tname(name));
  if (memchr(name.as.text->s, 0, name.as.text->len)) return -1;
  return record_find(r, name.as.text->s);
}

BUILTIN(p_has) {
  (void)nargs;
  const record *r = want_record(v, at, "has", args[0]);
  return v_bool(field_of(v, at, "has", r, args[1]) >= 0);
}

BUILTIN(p_get) {
  const record *r = want_record(v, at, "get", args[0]);
  long i = field_of(v, at, "get", r, args[1]);
  if (i >= 0) vm_note_read(v, r, (size_t)i);
  return i >= 0 ? rec_get(r, i) : nargs > 2 ? args[2] : v_null;
}

/* merge(a, b): a's fields in order with b's values where b has them, then
 * b's other fields in b's order.  The result is a plain record (an
 * indicator is validated when declared; `with` is how to update one). */
BUILTIN(p_merge) {
  (void)nargs;
  const record *a = want_record(v, at, "merge", args[0]), *b = want_record(v, at, "merge", args[1]);
  size_t extra = 0;
  for (size_t j = 0; j < b->n; j++) extra += record_find(a, b->keys[j]) < 0;
  record *r = record_new(a->n + extra);
  for (size_t i = 0; i < a->n; i++) {
    long j = record_find(b, a->keys[i]);
    r->keys[i] = a->keys[i];
    r->vals[i] = j >= 0 ? rec_get(b, j) : rec_get(a, i);
  }
  size_t k = a->n;
  for (size_t j = 0; j < b->n; j++)
    if (record_find(a, b->keys[j]) < 0) {
      r->keys[k] = b->keys[j];
      r->vals[k++] = rec_get(b, j);
    }
  return v_rec(r);
}

/* ---- dates --------------------------------------------------------------- */

/* date("2026-04-01"): exactly YYYY-MM-DD, a real calendar day, years 1 to
 * 9999.  A date is returned as it is, so date(x) accepts either. */
BUILTIN(p_date) {
  value x = args[0], dt;
  if (datetime_date_of(v, nargs, args, at, &dt)) return dt; /* stdlib/datetime.c */
  if (x.tag == V_DATE) return x;
  if (x.tag != V_TEXT) vm_error(v, at, "E0402 date expects a text like \"2026-04-01\", got %s", tname(x));
  int32_t d;
  if (!date_parse(x.as.text->s, x.as.text->len, &d))
    vm_error(v, at, "E0407 date: %s is not a date in the form YYYY-MM-DD", value_display(x, false));
  return v_date(d);
}

static value date_part(vm *v, value x, loc at, const char *fname, int which) {
  int ymd[3];
  date_to_ymd(want_date(v, at, fname, x), &ymd[0], &ymd[1], &ymd[2]);
  return v_int(ymd[which]);
}

BUILTIN(p_year) { (void)nargs; return date_part(v, args[0], at, "year", 0); }
BUILTIN(p_month) { (void)nargs; return date_part(v, args[0], at, "month", 1); }
BUILTIN(p_day) { (void)nargs; return date_part(v, args[0], at, "day", 2); }

BUILTIN(p_days_between) {
  (void)nargs;
  int32_t from = want_date(v, at, "days_between", args[0]);
  int32_t to = want_date(v, at, "days_between", args[1]);
  return v_int((int64_t)to - from);
}

/* Dates stay within the years date() accepts, so every date prints as
 * YYYY-MM-DD. */
static value checked_date(vm *v, loc at, const char *fname, int64_t days) {
  if (!date_in_range(days)) vm_error(v, at, "E0407 %s: the date would fall outside the years 1 to 9999", fname);
  return v_date((int32_t)days);
}

BUILTIN(p_add_days) {
  (void)nargs;
  int32_t d = want_date(v, at, "add_days", args[0]);
  int64_t n = want_whole(v, at, "add_days", "n", args[1]);
  if (n > 10000000 || n < -10000000) return checked_date(v, at, "add_days", n > 0 ? INT64_MAX : INT64_MIN);
  return checked_date(v, at, "add_days", d + n);
}

/* add_months keeps the day of the month, clamped to the month's last day:
 * 31 January plus one month is 28 (or 29) February (core/value.c). */
BUILTIN(p_add_months) {
  (void)nargs;
  int32_t d = want_date(v, at, "add_months", args[0]), out;
  int64_t n = want_whole(v, at, "add_months", "n", args[1]);
  if (!date_add_months(d, n, &out)) return checked_date(v, at, "add_months", n > 0 ? INT64_MAX : INT64_MIN);
  return v_date(out);
}

/* The date the rules are applied on (svl --as-of, svl_config.as_of).
 * Without one it is an error, never today's date: re-running a file a
 * year later must pick the same values (docs/dating.md).  `what` names the
 * value that needs the date, for the message (dated tables pass their
 * name). */
BUILTIN(p_as_of) {
  int32_t d;
  const char *bad = NULL;
  const char *what = nargs > 0 ? vm_want_text(v, at, args[0], "as_of's argument")->s : NULL;
  int got = vm_as_of(v, &d, &bad);
  if (got > 0) return v_date(d);
  if (got < 0)
    vm_error_hint(v, at, "give the date as YYYY-MM-DD, such as 2025-06-30",
                  "E0612 the as-of date given, '%s', is not a date", bad);
  if (what)
    vm_error_hint(v, at, "pass --as-of YYYY-MM-DD to svl (svl_config.as_of for a host), or give the date in the call",
                  "E0612 %s is dated, and no as-of date was given: which day's values apply?", what);
  vm_error_hint(v, at, "pass --as-of YYYY-MM-DD to svl (svl_config.as_of for a host)",
                "E0612 as_of(): no as-of date was given");
}

/* Today in UTC: the result must not depend on where the machine is. */
BUILTIN(p_today) {
  (void)nargs;
  (void)args;
  if (!vm_allowed(v, PERM_CLOCK)) vm_error(v, at, "E0902 today() needs the clock permission");
  time_t t = time(NULL);
  struct tm tm;
  int32_t d;
  if (t == (time_t)-1 || !gmtime_r(&t, &tm) || !date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &d))
    vm_error(v, at, "E0901 today: the system clock gave no usable date");
  return v_date(d);
}

/* ---- units --------------------------------------------------------------- */

/* Drops the unit and the percent flag: magnitude(10%) is 0.1. */
BUILTIN(p_magnitude) {
  (void)nargs;
  return v_num(want_num(v, at, "magnitude", args[0]).as.num);
}

/* unit_of is the unit's canonical name ("GBP", "week", "GBP/hour"); "" for
 * a plain number and "%" for a percentage, so unit_of(x) == "" tests for a
 * plain number. */
BUILTIN(p_unit_of) {
  (void)nargs;
  value x = want_num(v, at, "unit_of", args[0]);
  if (x.unit) return v_cstr(unit_name(x.unit));
  return v_cstr(x.pct ? "%" : "");
}

/* ---- data ---------------------------------------------------------------- */

/* to_indicator(record): an indicator built at run time, e.g. from a proxy
 * table the user loads (toms.load_proxies).  `indicator` is a keyword, so
 * the builtin cannot share its name.  The checks are those of an
 * `indicator` declaration (eval/eval.c make_indicator), with the same
 * messages; the indicator is named by its `code` (or `name`) field, so
 * value() errors say which measure was misused.  The record is copied:
 * values are immutable, so the argument must stay a plain record. */
BUILTIN(p_to_indicator) {
  (void)nargs;
  const record *src = want_record(v, at, "to_indicator", args[0]);
  const char *name = "";
  const char *name_fields[] = {"code", "name"};
  for (int i = 0; i < 2 && !name[0]; i++) {
    long j = record_find(src, name_fields[i]);
    if (j >= 0 && rec_get(src, j).tag == V_TEXT) name = rec_get(src, j).as.text->s;
  }
  const char *sp = name[0] ? " " : ""; /* "indicator ECC1: ..." or "indicator: ..." */
  const char *need[] = {"title", "unit", "proxy"};
  for (int i = 0; i < 3; i++)
    if (record_find(src, need[i]) < 0)
      vm_error_hint(v, at, "an indicator needs title, unit and proxy", "E0406 indicator%s%s has no '%s'", sp, name, need[i]);
  value u = rec_get(src, record_find(src, "unit")), p = rec_get(src, record_find(src, "proxy"));
  if (u.tag != V_NUM || !u.unit)
    vm_error_hint(v, at, "give the unit as a quantity of one, e.g. 1 FTE", "E0406 indicator%s%s: 'unit' must be a unit, got %s",
                  sp, name, u.tag == V_NUM ? value_display(u, false) : tname(u));
  dec k;
  const unit_t *per = p.tag == V_NUM ? unit_mul(p.unit, u.unit, &k) : NULL;
  if (p.tag != V_NUM || per == UNIT_TOO_COMPLEX || !unit_is_money(per))
    vm_error_hint(v, at, "write the proxy as money per the indicator's unit, e.g. £30_000 per FTE",
                  "E0406 indicator%s%s: proxy must be money per %s, got %s", sp, name, unit_name(u.unit),
                  p.tag != V_NUM ? tname(p) : p.unit ? unit_name(p.unit) : p.pct ? "a percentage" : "a plain number");
  record *r = record_new(src->n);
  for (size_t i = 0; i < src->n; i++) {
    r->keys[i] = src->keys[i];
    r->vals[i] = rec_get(src, i);
  }
  r->indicator = true;
  r->name = name;
  return v_rec(r);
}

BUILTIN(p_to_json) { (void)nargs; (void)v; (void)at; return v_cstr(value_json(args[0])); }
BUILTIN(p_type_of) { (void)nargs; (void)v; (void)at; return v_cstr(value_type_name(args[0])); }

/* ---- the table ----------------------------------------------------------- */

/* Each of these reads its list argument's items and returns a number or
 * one of the items, keeping nothing of the list itself (a single list
 * argument: min and max of several values take no list). */
bool prelude_borrows(const builtin *b) {
  return b->fn == p_sum || b->fn == p_product || b->fn == p_mean || b->fn == p_median || b->fn == p_stddev ||
         b->fn == p_min || b->fn == p_max;
}

const builtin prelude_builtins[] = {
    /* math */
    {"abs", 1, 1, p_abs, "x"},
    {"min", 1, -1, p_min, "xs"},
    {"max", 1, -1, p_max, "xs"},
    {"sum", 1, 1, p_sum, "xs"},
    {"product", 1, 1, p_product, "xs"},
    {"mean", 1, 1, p_mean, "xs"},
    {"median", 1, 1, p_median, "xs"},
    {"stddev", 1, 1, p_stddev, "xs"},
    {"round", 1, 2, p_round, "x, places"},
    {"round_half_even", 1, 2, p_round_half_even, "x, places"},
    {"round_up", 1, 2, p_round_up, "x, places"},
    {"round_down", 1, 2, p_round_down, "x, places"},
    {"floor", 1, 2, p_floor, "x, places"},
    {"ceil", 1, 2, p_ceil, "x, places"},
    {"sqrt", 1, 1, p_sqrt, "x"},
    {"ln", 1, 1, p_ln, "x"},
    {"exp", 1, 1, p_exp, "x"},
    {"log10", 1, 1, p_log10, "x"},
    /* lists */
    {"len", 1, 1, p_len, "x"},
    {"map", 2, 2, p_map, "xs, f"},
    {"filter", 2, 2, p_filter, "xs, f"},
    {"reduce", 3, 3, p_reduce, "xs, init, f"},
    {"sort", 1, 1, p_sort, "xs"},
    {"sort_by", 2, 2, p_sort_by, "xs, key"},
    {"reverse", 1, 1, p_reverse, "xs"},
    {"first", 1, 1, p_first, "xs"},
    {"last", 1, 1, p_last, "xs"},
    {"take", 2, 2, p_take, "xs, n"},
    {"drop", 2, 2, p_drop, "xs, n"},
    {"unique", 1, 1, p_unique, "xs"},
    {"group_by", 2, 2, p_group_by, "xs, key"},
    {"count", 1, 2, p_count, "xs, f"},
    {"any", 2, 2, p_any, "xs, f"},
    {"all", 2, 2, p_all, "xs, f"},
    {"zip", 2, 2, p_zip, "xs, ys"},
    {"range", 2, 2, p_range, "from, to"},
    {"flatten", 1, 1, p_flatten, "xs"},
    {"contains", 2, 2, p_contains, "xs, x"},
    {"index_of", 2, 2, p_index_of, "xs, x"},
    {"rank", 1, 2, p_rank, "xs, key"},
    /* texts */
    {"upper", 1, 1, p_upper, "s"},
    {"lower", 1, 1, p_lower, "s"},
    {"trim", 1, 1, p_trim, "s"},
    {"split", 2, 2, p_split, "s, separator"},
    {"join", 1, 3, p_join, "xs, separator, key"},
    {"replace", 3, 3, p_replace, "s, from, to"},
    {"starts_with", 2, 2, p_starts_with, "s, prefix"},
    {"ends_with", 2, 2, p_ends_with, "s, suffix"},
    {"format", 1, 2, p_format, "x, places"},
    /* records */
    {"keys", 1, 1, p_keys, "r"},
    {"values", 1, 1, p_values, "r"},
    {"has", 2, 2, p_has, "r, field"},
    {"get", 2, 3, p_get, "r, field, default"},
    {"merge", 2, 2, p_merge, "a, b"},
    /* dates */
    {"date", 1, 2, p_date, "s, zone"},
    {"year", 1, 1, p_year, "d"},
    {"month", 1, 1, p_month, "d"},
    {"day", 1, 1, p_day, "d"},
    {"days_between", 2, 2, p_days_between, "from, to"},
    {"add_days", 2, 2, p_add_days, "d, n"},
    {"add_months", 2, 2, p_add_months, "d, n"},
    {"today", 0, 0, p_today, ""},
    {"as_of", 0, 1, p_as_of, "what"},
    /* units */
    {"magnitude", 1, 1, p_magnitude, "x"},
    {"unit_of", 1, 1, p_unit_of, "x"},
    /* indicators */
    {"to_indicator", 1, 1, p_to_indicator, "record"},
    /* data */
    {"to_json", 1, 1, p_to_json, "x"},
    {"type_of", 1, 1, p_type_of, "x"},
};

const int prelude_builtins_count = BUILTIN_COUNT(prelude_builtins);
