/* svl check: gaps and overlaps of `hit unique` decision tables (SPEC 6).
 *
 * Each input column is cut into *segments*, classes of inputs that every
 * cell of the column treats alike:
 *   - numbers, money, percentages and dates: the distinct constants the
 *     column mentions are its boundaries b0 < b1 < ... ; the segments are
 *     "below b0", "= b0", "between b0 and b1", "= b1", ..., "above the
 *     last".  Every unary test (= != < <= > >= a..b) is exact on them;
 *   - texts: each text mentioned, and "any other text";
 *   - bools: false and true.
 * A cell is then a set of segments, a row a box (one set per column).  Two
 * rows overlap when every column's sets meet; a gap is a box of segments
 * that no row meets.  Because the cut is exact for these tests, so are
 * the findings, boundaries included (`< 50` and `> 50` leave exactly 50).
 *
 * A test whose operand is not a constant (`< limit`, a parameter) is not
 * guessed at: for overlaps it counts as matching nothing and for gaps as
 * matching anything, so whatever is reported is certain, and a note says
 * the column was not fully analysed. */
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/gc.h"

enum { K_NONE, K_NUM, K_DATE, K_TEXT, K_BOOL };

#define MAX_GAPS 10        /* gaps reported per table */
#define MAX_OVERLAPS 20    /* overlapping pairs reported per table */
#define MAX_GAP_COLUMNS 64 /* the gap search recurses once per column */
#define WORK_BUDGET 100000000L

typedef uint64_t word;

typedef struct col {
  const char *name;
  int kind;
  bool broken;            /* incomparable constants, reported: nothing is known */
  const unit_t *unit;     /* K_NUM: the finest unit used; bounds are in it */
  bool pct;               /* K_NUM: shown as percentages */
  int nb;                 /* distinct boundaries, sorted */
  dec *nbound;            /* K_NUM */
  int32_t *dbound;        /* K_DATE */
  const text **texts;     /* K_TEXT: in order of first appearance */
  int nseg;
  int *pos;               /* ordered kinds: 2i = open segment below bound i
                             (i == nb: above the last), 2i+1 = bound i;
                             text, bool: the index of the text or bool */
  value *rep;             /* an input in each segment, for examples */
  int w;                  /* words of a segment set */
  const node *unknown_at; /* first test that could not be analysed */
  const char *unknown_why;
} col;

typedef struct tab {
  checker *c;
  const node *d;
  int nr, nc;
  const node **rows;
  col *cols;
  word **lo, **hi;        /* [r * nc + i]: segments the cell surely / possibly matches */
  /* gap search */
  int rw;                 /* words of a row set */
  word **rowset;          /* per column, nseg row sets (rows that may match the segment) */
  word **alive;           /* per depth */
  word **full_from;       /* [i]: rows whose cells in columns i.. match anything */
  int *choice;
  int *boxes;             /* reported gaps: lo, hi per column */
  int nboxes;
  long budget;
  bool stopped;
} tab;

/* ---- bit sets ---- */

static int words(int bits) { return bits / 64 + 1; }
static word *bits_new(int w) { return svl_alloc_atomic((size_t)w * sizeof(word)); }
static void bit_set(word *s, int i) { s[i / 64] |= (word)1 << (i % 64); }
static bool bit_has(const word *s, int i) { return (s[i / 64] >> (i % 64)) & 1; }
static void bits_fill(word *s, int n) { for (int i = 0; i < n; i++) bit_set(s, i); }
static bool bits_meet(const word *a, const word *b, int w) {
  for (int i = 0; i < w; i++)
    if (a[i] & b[i]) return true;
  return false;
}
static bool bits_any_in(const word *s, int lo, int hi) {
  for (int i = lo; i <= hi; i++) {
    if (i % 64 == 0 && i + 63 <= hi) {
      if (s[i / 64]) return true;
      i += 63;
      continue;
    }
    if (bit_has(s, i)) return true;
  }
  return false;
}

static bool bits_any_missing(const word *s, int n) {
  for (int i = 0; i < n; i++)
    if (!bit_has(s, i)) return true;
  return false;
}

/* ---- columns ---- */

static int kind_of(value v) {
  switch (v.tag) {
  case V_NUM: return K_NUM;
  case V_DATE: return K_DATE;
  case V_TEXT: return K_TEXT;
  case V_BOOL: return K_BOOL;
  default: return K_NONE;
  }
}

static const char *kind_label(value v) {
  if (v.tag == V_NUM) return v.unit ? unit_name(v.unit) : v.pct ? "a percentage" : "a plain number";
  switch (v.tag) {
  case V_DATE: return "a date";
  case V_TEXT: return "a text";
  case V_BOOL: return "a bool";
  default: return "a value";
  }
}

/* The constants a test compares with (scalars only: a list tests
 * membership by equality, a range contributes its two ends). */
typedef struct leaf {
  value v;
  const node *test;
  int row;
} leaf;
typedef struct leaves {
  leaf *items;
  int n, cap;
} leaves;

static void leaf_add(leaves *l, value v, const node *test, int row) {
  if (kind_of(v) == K_NONE) return;
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 16;
    leaf *items = svl_alloc((size_t)cap * sizeof *items);
    if (l->n) memcpy(items, l->items, (size_t)l->n * sizeof *items);
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = (leaf){v, test, row};
}

static void collect(leaves *l, const node *t, int row) {
  if (t->kind == N_NOT) {
    for (int i = 0; i < t->a->nkids; i++) collect(l, t->a->kids[i], row);
    return;
  }
  value v;
  if (t->kind != N_BIN || !ck_const(t->b, &v)) return;
  if (v.tag == V_RANGE) {
    leaf_add(l, v.as.range->lo, t, row);
    leaf_add(l, v.as.range->hi, t, row);
  } else if (v.tag == V_LIST) {
    for (size_t i = 0; i < v.as.list->n; i++) leaf_add(l, v.as.list->items[i], t, row);
  } else {
    leaf_add(l, v, t, row);
  }
}

/* A number in the column's unit. */
static bool in_unit(const col *c, value v, dec *out) {
  if (unit_equal(v.unit, c->unit)) { *out = v.as.num; return true; }
  return unit_convert(v.as.num, v.unit, c->unit, out) == DEC_OK;
}

static int cmp_dec(const void *a, const void *b) { return dec_cmp(*(const dec *)a, *(const dec *)b); }
static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* Index of a constant among the column's boundaries, or -1. */
static int bound_index(const col *c, value v) {
  int lo = 0, hi = c->nb - 1;
  dec x;
  if (c->kind == K_NUM && !in_unit(c, v, &x)) return -1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int r = c->kind == K_NUM ? dec_cmp(x, c->nbound[mid]) : (v.days > c->dbound[mid]) - (v.days < c->dbound[mid]);
    if (r == 0) return mid;
    if (r < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

static int text_index(const col *c, const text *s) {
  for (int i = 0; i < c->nb; i++)
    if (c->texts[i]->len == s->len && memcmp(c->texts[i]->s, s->s, s->len) == 0) return i;
  return -1;
}

static value bound_value(const col *c, int i) {
  if (c->kind == K_DATE) return v_date(c->dbound[i]);
  value v = v_qty(c->nbound[i], c->unit);
  v.pct = c->pct;
  return v;
}

static value num_value(const col *c, dec d) {
  value v = v_qty(d, c->unit);
  v.pct = c->pct;
  return v;
}

/* A text no row mentions, standing for "any other text". */
static value other_text(const col *c) {
  char buf[32] = "other";
  for (int k = 2; k < 10000; k++) {
    const text *t = v_cstr(buf).as.text;
    if (text_index(c, t) < 0) break;
    snprintf(buf, sizeof buf, "other %d", k);
  }
  return v_cstr(buf);
}

static void add_seg(col *c, int *cap, int pos, value rep) {
  if (c->nseg == *cap) {
    *cap = *cap ? *cap * 2 : 8;
    int *p = svl_alloc_atomic((size_t)*cap * sizeof *p);
    value *r = svl_alloc((size_t)*cap * sizeof *r);
    if (c->nseg) {
      memcpy(p, c->pos, (size_t)c->nseg * sizeof *p);
      memcpy(r, c->rep, (size_t)c->nseg * sizeof *r);
    }
    c->pos = p;
    c->rep = r;
  }
  c->pos[c->nseg] = pos;
  c->rep[c->nseg++] = rep;
}

/* Cut an ordered column at its boundaries.  Open segments are kept only
 * when they hold an input: none lies between two consecutive days, and
 * decimal128 may hold no midpoint between two neighbours 34 digits long. */
static void ordered_segments(col *c) {
  int cap = 0;
  /* a step of 1 (1% for percentages) outside the outermost boundaries */
  dec one = dec_from_int(1), two = dec_from_int(2);
  if (c->pct && dec_div(one, dec_from_int(100), &one) != DEC_OK) one = dec_from_int(1);
  for (int p = 0; p <= 2 * c->nb; p++) {
    int i = p / 2;
    if (p % 2) { add_seg(c, &cap, p, bound_value(c, i)); continue; }
    if (c->kind == K_DATE) {
      if (i == 0) add_seg(c, &cap, p, v_date(c->dbound[0] - 1));
      else if (i == c->nb) add_seg(c, &cap, p, v_date(c->dbound[i - 1] + 1));
      else if ((int64_t)c->dbound[i] - c->dbound[i - 1] >= 2) add_seg(c, &cap, p, v_date(c->dbound[i - 1] + 1));
      continue;
    }
    dec r;
    if (i == 0) {
      if (dec_sub(c->nbound[0], one, &r) == DEC_OK && dec_cmp(r, c->nbound[0]) < 0) add_seg(c, &cap, p, num_value(c, r));
    } else if (i == c->nb) {
      if (dec_add(c->nbound[i - 1], one, &r) == DEC_OK && dec_cmp(r, c->nbound[i - 1]) > 0) add_seg(c, &cap, p, num_value(c, r));
    } else {
      dec s;
      if (dec_add(c->nbound[i - 1], c->nbound[i], &s) == DEC_OK && dec_div(s, two, &r) == DEC_OK &&
          dec_cmp(r, c->nbound[i - 1]) > 0 && dec_cmp(r, c->nbound[i]) < 0)
        add_seg(c, &cap, p, num_value(c, r));
    }
  }
}

static bool same_dim_kind(value a, value b) {
  return kind_of(a) == kind_of(b) && (a.tag != V_NUM || unit_same_dim(a.unit, b.unit));
}

static bool header_accepts(sty h, value v) {
  switch (h.k) {
  case S_NUM: return v.tag == V_NUM && unit_same_dim(h.unit, v.unit);
  case S_TEXT: return v.tag == V_TEXT;
  case S_DATE: return v.tag == V_DATE;
  default: return true;
  }
}

/* Numbers of two dimensions are a unit mismatch; anything else two types. */
static const char *mix_code(bool num, value v) { return num && v.tag == V_NUM ? "E0401" : "E0402"; }

/* Work out a column's kind, unit, boundaries and segments. */
static void build_column(tab *t, int i, sty header) {
  col *c = &t->cols[i];
  const node *h = t->d->a->kids[0]->a->kids[i]->kids[0]->b;
  c->name = h->kind == N_NAME ? h->name : ck_node_text(h);
  leaves l = {0};
  for (int r = 0; r < t->nr; r++) {
    const node *cell = t->rows[r]->a->kids[i];
    if (cell->op == OP_ANY) continue;
    for (int j = 0; j < cell->nkids; j++) collect(&l, cell->kids[j], r);
  }
  const char *tname = t->d->name;
  for (int k = 0; k < l.n && !c->broken; k++) {
    leaf *x = &l.items[k];
    if (!header_accepts(header, x->v)) {
      ck_report(t->c, CHECK_ERROR, mix_code(header.k == S_NUM, x->v), x->test->at, "every cell of a column must be comparable with its input", NULL,
                "table %s: column %s is %s, but row %d compares it with %s", tname, c->name, ck_label(header),
                x->row + 1, kind_label(x->v));
      c->broken = true;
    } else if (k > 0 && !same_dim_kind(l.items[0].v, x->v)) {
      ck_report(t->c, CHECK_ERROR, mix_code(l.items[0].v.tag == V_NUM, x->v), x->test->at, "every cell of a column must be comparable with its input", NULL,
                "table %s: column %s compares %s (row %d) with %s (row %d)", tname, c->name,
                kind_label(l.items[0].v), l.items[0].row + 1, kind_label(x->v), x->row + 1);
      c->broken = true;
    }
  }
  if (c->broken || l.n == 0) {
    c->kind = K_NONE;
    add_seg(c, &(int){0}, 0, v_null);
    c->w = words(c->nseg);
    return;
  }
  c->kind = kind_of(l.items[0].v);
  if (c->kind == K_NUM) {
    c->unit = l.items[0].v.unit;
    c->pct = true;
    for (int k = 0; k < l.n; k++) {
      c->unit = unit_finer(c->unit, l.items[k].v.unit);
      c->pct = c->pct && l.items[k].v.pct && !l.items[k].v.unit;
    }
    c->nbound = svl_alloc_atomic((size_t)l.n * sizeof *c->nbound);
    for (int k = 0; k < l.n; k++)
      if (!in_unit(c, l.items[k].v, &c->nbound[c->nb++])) {
        /* beyond decimal128 once converted: say so rather than guess */
        c->unknown_at = l.items[k].test;
        c->unknown_why = "a constant cannot be converted to the column's unit";
        c->broken = true;
        c->kind = K_NONE;
        c->nb = 0;
        add_seg(c, &(int){0}, 0, v_null);
        c->w = words(c->nseg);
        return;
      }
    qsort(c->nbound, (size_t)c->nb, sizeof *c->nbound, cmp_dec);
    int n = 0;
    for (int k = 0; k < c->nb; k++)
      if (n == 0 || dec_cmp(c->nbound[n - 1], c->nbound[k]) != 0) c->nbound[n++] = c->nbound[k];
    c->nb = n;
    ordered_segments(c);
  } else if (c->kind == K_DATE) {
    c->dbound = svl_alloc_atomic((size_t)l.n * sizeof *c->dbound);
    for (int k = 0; k < l.n; k++) c->dbound[c->nb++] = l.items[k].v.days;
    qsort(c->dbound, (size_t)c->nb, sizeof *c->dbound, cmp_i32);
    int n = 0;
    for (int k = 0; k < c->nb; k++)
      if (n == 0 || c->dbound[n - 1] != c->dbound[k]) c->dbound[n++] = c->dbound[k];
    c->nb = n;
    ordered_segments(c);
  } else if (c->kind == K_TEXT) {
    c->texts = svl_alloc((size_t)l.n * sizeof *c->texts);
    for (int k = 0; k < l.n; k++)
      if (text_index(c, l.items[k].v.as.text) < 0) c->texts[c->nb++] = l.items[k].v.as.text;
    int cap = 0;
    for (int k = 0; k < c->nb; k++) {
      value v = {.tag = V_TEXT};
      v.as.text = c->texts[k];
      add_seg(c, &cap, k, v);
    }
    add_seg(c, &cap, c->nb, other_text(c));
  } else {
    int cap = 0;
    add_seg(c, &cap, 0, v_bool(false));
    add_seg(c, &cap, 1, v_bool(true));
  }
  c->w = words(c->nseg);
}

/* ---- cells as segment sets ---- */

static void unknown_test(col *c, const node *t, const char *why, word *lo, word *hi) {
  (void)lo;
  bits_fill(hi, c->nseg);
  if (!c->unknown_at && !c->broken) {
    c->unknown_at = t;
    c->unknown_why = why;
  }
}

static bool pos_match(int op, int p, int pc) {
  switch (op) {
  case OP_EQ: return p == pc;
  case OP_NE: return p != pc;
  case OP_LT: return p < pc;
  case OP_LE: return p <= pc;
  case OP_GT: return p > pc;
  case OP_GE: return p >= pc;
  default: return false;
  }
}

/* The segments a scalar constant matches under op; false when the test
 * cannot be worked out (orderings of texts and bools). */
static bool scalar_sets(const col *c, int op, value v, word *set) {
  if (v.tag == V_NULL) {
    /* check reasons about present inputs: = null matches none of them */
    if (op == OP_NE) bits_fill(set, c->nseg);
    return op == OP_EQ || op == OP_NE;
  }
  int pc;
  if (c->kind == K_NUM || c->kind == K_DATE) {
    int i = bound_index(c, v);
    if (i < 0) return false;
    pc = 2 * i + 1;
  } else if (c->kind == K_TEXT) {
    if (op != OP_EQ && op != OP_NE) return false;
    pc = text_index(c, v.as.text);
  } else if (c->kind == K_BOOL) {
    if (op != OP_EQ && op != OP_NE) return false;
    pc = v.b ? 1 : 0;
  } else {
    return false;
  }
  for (int s = 0; s < c->nseg; s++)
    if (pos_match(op, c->pos[s], pc)) bit_set(set, s);
  return true;
}

static void test_sets(tab *t, col *c, const node *test, int row, word *lo, word *hi);

static void union_sets(tab *t, col *c, const node *tests, int row, word *lo, word *hi) {
  word *l = bits_new(c->w), *h = bits_new(c->w);
  for (int j = 0; j < tests->nkids; j++) {
    memset(l, 0, (size_t)c->w * sizeof *l);
    memset(h, 0, (size_t)c->w * sizeof *h);
    test_sets(t, c, tests->kids[j], row, l, h);
    for (int k = 0; k < c->w; k++) {
      lo[k] |= l[k];
      hi[k] |= h[k];
    }
  }
}

static void test_sets(tab *t, col *c, const node *test, int row, word *lo, word *hi) {
  if (test->kind == N_NOT) {
    word *l = bits_new(c->w), *h = bits_new(c->w), *all = bits_new(c->w);
    union_sets(t, c, test->a, row, l, h);
    bits_fill(all, c->nseg);
    for (int k = 0; k < c->w; k++) {
      lo[k] = all[k] & ~h[k];
      hi[k] = all[k] & ~l[k];
    }
    return;
  }
  value v;
  char why[200];
  if (c->broken) { bits_fill(hi, c->nseg); return; }
  if (test->kind != N_BIN || !ck_const(test->b, &v)) {
    snprintf(why, sizeof why, "row %d compares it with %s, known only when the table runs", row + 1,
             test->kind == N_BIN ? ck_node_text(test->b) : "an expression");
    unknown_test(c, test, svl_strdup(why), lo, hi);
    return;
  }
  int op = test->op;
  bool ok = true;
  if (v.tag == V_RANGE) {
    if (op == OP_EQ && (c->kind == K_NUM || c->kind == K_DATE)) {
      int a = bound_index(c, v.as.range->lo), b = bound_index(c, v.as.range->hi);
      ok = a >= 0 && b >= 0;
      for (int s = 0; ok && s < c->nseg; s++)
        if (c->pos[s] >= 2 * a + 1 && c->pos[s] <= 2 * b + 1) bit_set(lo, s);
      if (ok && a > b)
        ck_report(t->c, CHECK_WARNING, "E0607", test->at, "write the smaller end first", NULL,
                  "table %s: row %d: the range %s is empty, so this test never matches", t->d->name, row + 1,
                  ck_node_text(test->b));
    } else {
      /* a range is never equal to a single input; ordering one is an error when it runs */
      ok = op == OP_NE;
      if (ok) bits_fill(lo, c->nseg);
    }
  } else if (v.tag == V_LIST) {
    if (op == OP_EQ) {
      for (size_t k = 0; ok && k < v.as.list->n; k++) {
        value x = v.as.list->items[k];
        if (x.tag != V_RANGE && x.tag != V_LIST) ok = scalar_sets(c, OP_EQ, x, lo);
      }
    } else {
      ok = op == OP_NE;
      if (ok) bits_fill(lo, c->nseg);
    }
  } else {
    ok = scalar_sets(c, op, v, lo);
  }
  if (!ok) {
    memset(lo, 0, (size_t)c->w * sizeof *lo);
    snprintf(why, sizeof why, "row %d tests it with %s, which check does not analyse", row + 1, ck_node_text(test));
    unknown_test(c, test, svl_strdup(why), lo, hi);
    return;
  }
  memcpy(hi, lo, (size_t)c->w * sizeof *hi);
}

/* ---- describing inputs ---- */

static const char *show(value v) { return value_display(v, false); }

static bool is_other(const col *c, int s) { return c->kind == K_TEXT && s == c->nseg - 1; }

/* A segment of [lo, hi] to show as an example: a boundary if there is one. */
static int example_seg(const col *c, const word *set, int lo, int hi) {
  int first = -1;
  for (int s = lo; s <= hi; s++) {
    if (set && !bit_has(set, s)) continue;
    if (first < 0) first = s;
    if ((c->kind == K_NUM || c->kind == K_DATE) && c->pos[s] % 2) return s;
    if ((c->kind == K_TEXT || c->kind == K_BOOL) && !is_other(c, s)) return s;
  }
  return first;
}

static void describe_range(sbuf *b, const col *c, int slo, int shi) {
  if (c->kind == K_TEXT || c->kind == K_BOOL) {
    if (!is_other(c, slo)) {
      sb_printf(b, "%s = %s", c->name, show(c->rep[slo]));
      return;
    }
    sb_printf(b, "%s other than ", c->name);
    for (int k = 0; k < c->nb; k++) {
      if (k == 6) { sb_puts(b, ", …"); break; }
      value v = {.tag = V_TEXT};
      v.as.text = c->texts[k];
      sb_printf(b, "%s%s", k ? ", " : "", show(v));
    }
    return;
  }
  int plo = c->pos[slo], phi = c->pos[shi];
  if (plo == phi && plo % 2) {
    sb_printf(b, "%s = %s", c->name, show(bound_value(c, plo / 2)));
    return;
  }
  bool has_lo = plo > 0, has_hi = phi < 2 * c->nb;
  bool lo_in = plo % 2, hi_in = phi % 2;
  const char *lov = has_lo ? show(bound_value(c, lo_in ? plo / 2 : plo / 2 - 1)) : NULL;
  const char *hiv = has_hi ? show(bound_value(c, phi / 2)) : NULL;
  if (has_lo && has_hi && lo_in && hi_in) sb_printf(b, "%s in %s..%s", c->name, lov, hiv);
  else if (has_lo && has_hi) sb_printf(b, "%s %s %s %s %s", lov, lo_in ? "<=" : "<", c->name, hi_in ? "<=" : "<", hiv);
  else if (has_lo) sb_printf(b, "%s %s %s", c->name, lo_in ? ">=" : ">", lov);
  else sb_printf(b, "%s %s %s", c->name, hi_in ? "<=" : "<", hiv);
}

/* ---- overlaps ---- */

static bool all_dash(const node *row) {
  for (int i = 0; i < row->a->nkids; i++)
    if (row->a->kids[i]->op != OP_ANY) return false;
  return true;
}

static void overlaps(tab *t) {
  int count = 0;
  for (int r2 = 1; r2 < t->nr; r2++)
    for (int r1 = 0; r1 < r2; r1++) {
      bool meet = true;
      for (int i = 0; i < t->nc && meet; i++)
        meet = bits_meet(t->lo[r1 * t->nc + i], t->lo[r2 * t->nc + i], t->cols[i].w);
      if (!meet || ++count > MAX_OVERLAPS) continue;
      sbuf ex;
      sb_init(&ex);
      for (int i = 0; i < t->nc; i++) {
        const col *c = &t->cols[i];
        if (c->kind == K_NONE) continue;
        if (t->rows[r1]->a->kids[i]->op == OP_ANY && t->rows[r2]->a->kids[i]->op == OP_ANY) continue;
        word *both = bits_new(c->w);
        for (int k = 0; k < c->w; k++) both[k] = t->lo[r1 * t->nc + i][k] & t->lo[r2 * t->nc + i][k];
        int s = example_seg(c, both, 0, c->nseg - 1);
        if (s < 0) continue;
        sb_printf(&ex, "%s%s = %s", ex.len ? ", " : "", c->name, show(c->rep[s]));
      }
      bool dash = all_dash(t->rows[r1]) || all_dash(t->rows[r2]);
      const char *hint = dash ? "a | - | row matches every input, so under hit unique it overlaps every other row; "
                                "use hit first to make it the default"
                              : "under hit unique each input must match one row: narrow one of them, or use hit first";
      if (ex.len)
        ck_report(t->c, CHECK_ERROR, "E0602", t->rows[r2]->at, hint, ex.s, "table %s: rows %d and %d overlap, e.g. %s",
                  t->d->name, r1 + 1, r2 + 1, ex.s);
      else
        ck_report(t->c, CHECK_ERROR, "E0602", t->rows[r2]->at, hint, NULL,
                  "table %s: rows %d and %d overlap: both match every input", t->d->name, r1 + 1, r2 + 1);
    }
  if (count > MAX_OVERLAPS)
    ck_report(t->c, CHECK_NOTE, "E0608", t->d->at, NULL, NULL, "table %s: %d more pairs of overlapping rows are not listed",
              t->d->name, count - MAX_OVERLAPS);
}

/* ---- gaps ---- */

static bool spend(tab *t, long cost) {
  t->budget -= cost;
  if (t->budget >= 0 || t->stopped) return !t->stopped;
  t->stopped = true;
  ck_report(t->c, CHECK_NOTE, "E0608", t->d->at, NULL, NULL,
            "table %s: too many combinations of inputs to look for every gap; the search stopped early", t->d->name);
  return false;
}

/* No row meets the box [blo, bhi]. */
static bool uncovered(tab *t, const int *blo, const int *bhi) {
  spend(t, (long)t->nr * t->nc);
  for (int r = 0; r < t->nr; r++) {
    bool meets = true;
    for (int i = 0; i < t->nc && meets; i++) meets = bits_any_in(t->hi[r * t->nc + i], blo[i], bhi[i]);
    if (meets) return false;
  }
  return true;
}

/* Widen a gap as far as it stays a gap, so one finding tells its extent
 * ("score > 100") and inputs that do not matter drop out of it. */
static void grow(tab *t, int *blo, int *bhi) {
  for (int i = 0; i < t->nc; i++) {
    const col *c = &t->cols[i];
    int lo = blo[i], hi = bhi[i];
    blo[i] = 0;
    bhi[i] = c->nseg - 1;
    if (uncovered(t, blo, bhi)) continue;
    blo[i] = lo;
    bhi[i] = hi;
    if (c->kind != K_NUM && c->kind != K_DATE) continue;
    while (blo[i] > 0) {
      blo[i]--;
      if (!uncovered(t, blo, bhi)) { blo[i]++; break; }
    }
    while (bhi[i] < c->nseg - 1) {
      bhi[i]++;
      if (!uncovered(t, blo, bhi)) { bhi[i]--; break; }
    }
  }
}

static void report_gap(tab *t, const int *blo, const int *bhi) {
  sbuf desc, ex;
  sb_init(&desc);
  sb_init(&ex);
  bool other = false, points = true;
  for (int i = 0; i < t->nc; i++) {
    const col *c = &t->cols[i];
    if (blo[i] == 0 && bhi[i] == c->nseg - 1) continue;
    if (desc.len) sb_puts(&desc, " and ");
    describe_range(&desc, c, blo[i], bhi[i]);
    int s = example_seg(c, NULL, blo[i], bhi[i]);
    sb_printf(&ex, "%s%s = %s", ex.len ? ", " : "", c->name, show(c->rep[s]));
    if (is_other(c, blo[i])) other = true;
    else if (blo[i] != bhi[i] || ((c->kind == K_NUM || c->kind == K_DATE) && c->pos[blo[i]] % 2 == 0)) points = false;
  }
  const char *name = t->d->name;
  if (!desc.len)
    ck_report(t->c, CHECK_ERROR, "E0601", t->d->at, NULL, NULL, "table %s: no row can match any input", name);
  else if (other)
    ck_report(t->c, CHECK_WARNING, "E0601", t->d->at, NULL, ex.s,
              "table %s: no row covers %s (if other values can occur, add a last | - | row under hit first)", name, desc.s);
  else if (points)
    ck_report(t->c, CHECK_ERROR, "E0601", t->d->at, NULL, ex.s,
              "table %s: no row covers %s (add a row, or a last | - | row under hit first)", name, desc.s);
  else
    ck_report(t->c, CHECK_ERROR, "E0601", t->d->at, NULL, ex.s,
              "table %s: no row covers %s, e.g. %s (add a row, or a last | - | row under hit first)", name, desc.s, ex.s);
}

static void found_gap(tab *t, int depth) {
  int *blo = svl_alloc_atomic((size_t)t->nc * sizeof *blo), *bhi = svl_alloc_atomic((size_t)t->nc * sizeof *bhi);
  for (int i = 0; i < t->nc; i++) {
    blo[i] = i <= depth ? t->choice[i] : 0;
    bhi[i] = i <= depth ? t->choice[i] : t->cols[i].nseg - 1;
  }
  for (int b = 0; b < t->nboxes; b++) {
    const int *box = t->boxes + (size_t)b * 2 * t->nc;
    bool inside = true;
    for (int i = 0; i < t->nc && inside; i++) inside = box[2 * i] <= blo[i] && bhi[i] <= box[2 * i + 1];
    if (inside) return;
  }
  if (t->nboxes == MAX_GAPS) {
    t->stopped = true;
    ck_report(t->c, CHECK_NOTE, "E0608", t->d->at, NULL, NULL, "table %s: more inputs that no row covers are not listed",
              t->d->name);
    return;
  }
  grow(t, blo, bhi);
  for (int i = 0; i < t->nc; i++) {
    t->boxes[(size_t)t->nboxes * 2 * t->nc + 2 * i] = blo[i];
    t->boxes[(size_t)t->nboxes * 2 * t->nc + 2 * i + 1] = bhi[i];
  }
  t->nboxes++;
  report_gap(t, blo, bhi);
}

/* Depth-first over the columns' segments, keeping the rows that may still
 * match; when none is left, every input below this prefix is a gap. */
static void search(tab *t, int i) {
  const col *c = &t->cols[i];
  for (int s = 0; s < c->nseg && !t->stopped; s++) {
    if (!spend(t, t->rw)) return;
    word *next = t->alive[i + 1];
    const word *alive = t->alive[i], *rs = t->rowset[i] + (size_t)s * t->rw;
    bool any = false;
    for (int k = 0; k < t->rw; k++) any |= (next[k] = alive[k] & rs[k]) != 0;
    t->choice[i] = s;
    if (!any) {
      found_gap(t, i);
    } else if (i + 1 < t->nc && !bits_meet(next, t->full_from[i + 1], t->rw)) {
      search(t, i + 1); /* else a row still alive matches every input below: covered */
    }
  }
}

static void gaps(tab *t) {
  if (t->nr == 0) {
    ck_report(t->c, CHECK_ERROR, "E0601", t->d->at, "add rows under the header", NULL, "table %s has no rows, so no input is covered",
              t->d->name);
    return;
  }
  if (t->nc > MAX_GAP_COLUMNS) {
    ck_report(t->c, CHECK_NOTE, "E0608", t->d->at, NULL, NULL, "table %s: more than %d input columns; gaps are not looked for",
              t->d->name, MAX_GAP_COLUMNS);
    return;
  }
  t->rw = words(t->nr);
  t->rowset = svl_alloc((size_t)t->nc * sizeof *t->rowset);
  for (int i = 0; i < t->nc; i++) {
    const col *c = &t->cols[i];
    t->rowset[i] = bits_new(c->nseg * t->rw);
    for (int s = 0; s < c->nseg; s++)
      for (int r = 0; r < t->nr; r++)
        if (bit_has(t->hi[r * t->nc + i], s)) bit_set(t->rowset[i] + (size_t)s * t->rw, r);
  }
  t->full_from = svl_alloc((size_t)(t->nc + 1) * sizeof *t->full_from);
  for (int i = t->nc; i >= 0; i--) {
    t->full_from[i] = bits_new(t->rw);
    for (int r = 0; r < t->nr; r++) {
      bool full = i == t->nc || (bit_has(t->full_from[i + 1], r) && !bits_any_missing(t->hi[r * t->nc + i], t->cols[i].nseg));
      if (full) bit_set(t->full_from[i], r);
    }
  }
  t->alive = svl_alloc((size_t)(t->nc + 1) * sizeof *t->alive);
  for (int i = 0; i <= t->nc; i++) t->alive[i] = bits_new(t->rw);
  bits_fill(t->alive[0], t->nr);
  t->choice = svl_alloc_atomic((size_t)t->nc * sizeof *t->choice);
  t->boxes = svl_alloc_atomic((size_t)MAX_GAPS * 2 * t->nc * sizeof *t->boxes);
  search(t, 0);
}

void ck_table(checker *c, const node *d, const sty *inputs) {
  tab t;
  memset(&t, 0, sizeof t);
  t.c = c;
  t.d = d;
  t.nr = d->a->nkids - 1;
  t.nc = d->a->kids[0]->a->nkids;
  t.rows = (const node **)d->a->kids + 1;
  t.budget = WORK_BUDGET;
  t.cols = svl_alloc((size_t)(t.nc + 1) * sizeof *t.cols);
  for (int i = 0; i < t.nc; i++) build_column(&t, i, inputs[i]);
  t.lo = svl_alloc((size_t)(t.nr * t.nc + 1) * sizeof *t.lo);
  t.hi = svl_alloc((size_t)(t.nr * t.nc + 1) * sizeof *t.hi);
  for (int r = 0; r < t.nr; r++)
    for (int i = 0; i < t.nc; i++) {
      col *col = &t.cols[i];
      const node *cell = t.rows[r]->a->kids[i];
      word *lo = bits_new(col->w), *hi = bits_new(col->w);
      if (cell->op == OP_ANY) {
        bits_fill(lo, col->nseg);
        bits_fill(hi, col->nseg);
      } else {
        union_sets(&t, col, cell, r, lo, hi);
      }
      t.lo[r * t.nc + i] = lo;
      t.hi[r * t.nc + i] = hi;
    }
  for (int i = 0; i < t.nc; i++)
    if (t.cols[i].unknown_at)
      ck_report(c, CHECK_NOTE, "E0608", t.cols[i].unknown_at->at, NULL, NULL,
                "table %s: column %s is not fully analysed: %s; only certain gaps and overlaps are reported", d->name,
                t.cols[i].name, t.cols[i].unknown_why);
  overlaps(&t);
  gaps(&t);
}
