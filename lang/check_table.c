/* svl check: gaps and overlaps of `hit unique` decision tables (SPEC 6;
 * docs/check.md).
 *
 * Each input column is cut into *segments*, classes of inputs that every
 * cell of the column treats alike:
 *   - numbers, money, percentages and dates: the distinct constants the
 *     column mentions are its boundaries b0 < b1 < ... ; the segments are
 *     "below b0", "= b0", "between b0 and b1", "= b1", ..., "above the
 *     last".  Every unary test (= != < <= > >= a..b [a..b) (a..b]) is exact
 *     on them;
 *   - texts: each text mentioned, and "any other text";
 *   - bools: false and true.
 * The column's *domain* (the values its input can take: any number, whole
 * numbers, or the members of an enumeration) keeps only the segments that
 * hold one of its values: over whole numbers nothing lies between 1 and 2,
 * over `type Lot = 1 | 2 | 3` only the three codes are inputs.
 *
 * A cell is a sorted list of disjoint intervals of segment numbers, a row
 * one such list per column.  Both passes sweep sorted interval ends, so a
 * column of n rows costs O(n log n) plus what is reported:
 *   - overlaps: a sweep over the column with the fewest meeting intervals
 *     lists the pairs of rows that meet there; each pair is then tested on
 *     the other columns;
 *   - gaps: a sweep over column 0 cuts it into pieces where the same rows
 *     are alive; each piece recurses into column 1 with those rows, and so
 *     on; a piece where no row is alive is a gap.  A gap is then widened,
 *     column by column, as far as it stays a gap.
 * Because the cut is exact for these tests, so are the findings,
 * boundaries included (`< 50` and `> 50` leave exactly 50).
 *
 * A test whose operand is not a constant (`< limit`, a parameter) is not
 * guessed at: for overlaps it counts as matching nothing and for gaps as
 * matching anything, so whatever is reported is certain, and a note says
 * the column was not fully analysed. */
#include "lang/check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gc.h"
#include "lang/dated.h"

enum { K_NONE, K_NUM, K_DATE, K_TEXT, K_BOOL };

#define MAX_GAPS 10        /* gaps reported per table */
#define MAX_OVERLAPS 20    /* overlapping pairs reported per table */
#define MAX_GAP_COLUMNS 64 /* the gap search recurses once per column */
#define WORK_BUDGET 100000000L  /* units of work per pass, about a second */
#define MAX_PAIRS (1 << 20)     /* overlapping pairs kept for sorting */
#define TIME_EVERY 4096    /* work units between looks at the clock */

/* A set of segments: n intervals [v[2k], v[2k+1]], sorted, disjoint and
 * not touching. */
typedef struct iset {
  int n;
  int *v;
} iset;

typedef struct ibuf {
  int n, cap; /* ints */
  int *v;
} ibuf;

typedef struct col {
  const char *name;
  int kind;
  ck_domain dom;
  bool broken;            /* incomparable constants, reported: nothing is known */
  const unit_t *unit;     /* K_NUM: the finest unit used; bounds are in it */
  bool pct;               /* K_NUM: shown as percentages */
  int nb;                 /* distinct boundaries, sorted */
  dec *nbound;            /* K_NUM */
  int32_t *dbound;        /* K_DATE */
  bool *member;           /* DOM_SET, ordered kinds: is boundary i a member */
  const text **texts;     /* K_TEXT: members first, then in order of first appearance */
  int *tsorted;           /* K_TEXT: indexes of texts, by content */
  int nseg;
  int *pos;               /* increasing.  Ordered kinds: 2i = open segment below
                             bound i (i == nb: above the last), 2i+1 = bound i;
                             text, bool: the index of the text or bool */
  value *rep;             /* an input in each segment, for examples */
  iset full;              /* every segment */
  const node *unknown_at; /* first test that could not be analysed */
  const char *unknown_why;
} col;

typedef struct tab {
  checker *c;
  const node *d;
  int nr, nc;
  const node **rows;
  col *cols;
  iset *lo, *hi;          /* [r * nc + i]: segments the cell surely / possibly matches */
  /* gap search */
  int *full_from;         /* [r]: the first column from which row r matches anything */
  int **act, **idx;       /* per depth: the rows alive in the current piece, and where each is in act */
  uint64_t **ev;          /* per depth: interval starts and ends, (segment << 32 | row) */
  int *ev_cap;
  int *blo, *bhi;         /* the box being searched */
  int *boxes;             /* reported gaps: lo, hi per column */
  int nboxes;
  long budget, tick;
  bool stopped;
} tab;

/* ---- interval sets ---- */

static void ib_push(ibuf *b, int lo, int hi) {
  if (b->n + 2 > b->cap) {
    int cap = b->cap ? b->cap * 2 : 16;
    int *v = gc_alloc_atomic((size_t)cap * sizeof *v);
    if (b->n) memcpy(v, b->v, (size_t)b->n * sizeof *v);
    b->v = v;
    b->cap = cap;
  }
  b->v[b->n++] = lo;
  b->v[b->n++] = hi;
}

static void ib_add(ibuf *b, iset s) {
  for (int k = 0; k < s.n; k++) ib_push(b, s.v[2 * k], s.v[2 * k + 1]);
}

static int cmp_pair(const void *a, const void *b) {
  const int *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The union of the intervals in b, as a set (b is consumed). */
static iset ib_set(ibuf *b) {
  iset s = {0, NULL};
  int n = 0;
  for (int k = 0; k < b->n; k += 2)
    if (b->v[k] <= b->v[k + 1]) { b->v[n] = b->v[k]; b->v[n + 1] = b->v[k + 1]; n += 2; }
  if (!n) return s;
  if (n > 2) qsort(b->v, (size_t)n / 2, 2 * sizeof(int), cmp_pair);
  int w = 0;
  for (int k = 0; k < n; k += 2) {
    if (w && b->v[k] <= b->v[w - 1] + 1) {
      if (b->v[k + 1] > b->v[w - 1]) b->v[w - 1] = b->v[k + 1];
      continue;
    }
    b->v[w] = b->v[k];
    b->v[w + 1] = b->v[k + 1];
    w += 2;
  }
  s.n = w / 2;
  s.v = gc_alloc_atomic((size_t)w * sizeof *s.v);
  memcpy(s.v, b->v, (size_t)w * sizeof *s.v);
  return s;
}

static iset iset_range(int lo, int hi) {
  iset s = {0, NULL};
  if (lo > hi) return s;
  s.n = 1;
  s.v = gc_alloc_atomic(2 * sizeof *s.v);
  s.v[0] = lo;
  s.v[1] = hi;
  return s;
}

/* Segments 0..nseg-1 not in s. */
static iset iset_not(iset s, int nseg) {
  ibuf b = {0};
  int from = 0;
  for (int k = 0; k < s.n; k++) {
    if (s.v[2 * k] > from) ib_push(&b, from, s.v[2 * k] - 1);
    from = s.v[2 * k + 1] + 1;
  }
  if (from <= nseg - 1) ib_push(&b, from, nseg - 1);
  return ib_set(&b);
}

static bool iset_meet(iset a, iset b) {
  int i = 0, j = 0;
  while (i < a.n && j < b.n) {
    if (a.v[2 * i + 1] < b.v[2 * j]) i++;
    else if (b.v[2 * j + 1] < a.v[2 * i]) j++;
    else return true;
  }
  return false;
}

static iset iset_and(iset a, iset b) {
  ibuf r = {0};
  int i = 0, j = 0;
  while (i < a.n && j < b.n) {
    int lo = a.v[2 * i] > b.v[2 * j] ? a.v[2 * i] : b.v[2 * j];
    int hi = a.v[2 * i + 1] < b.v[2 * j + 1] ? a.v[2 * i + 1] : b.v[2 * j + 1];
    if (lo <= hi) ib_push(&r, lo, hi);
    if (a.v[2 * i + 1] < b.v[2 * j + 1]) i++;
    else j++;
  }
  return ib_set(&r);
}

/* Does s hold a segment of [lo, hi]? */
static bool iset_hits(iset s, int lo, int hi) {
  int a = 0, b = s.n - 1;
  while (a <= b) { /* the first interval ending at or after lo */
    int m = (a + b) / 2;
    if (s.v[2 * m + 1] < lo) a = m + 1;
    else b = m - 1;
  }
  return a < s.n && s.v[2 * a] <= hi;
}

static bool iset_is_full(iset s, int nseg) { return nseg == 0 || (s.n == 1 && s.v[0] == 0 && s.v[1] == nseg - 1); }

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

static bool ordered(const col *c) { return (c->kind == K_NUM || c->kind == K_DATE) && c->dom.k != DOM_SET; }

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
  const node *test; /* NULL: a member of the column's enumeration */
  int row;
} leaf;
typedef struct leaves {
  leaf *items;
  int n, cap;
} leaves;

static void leaf_add(leaves *l, value v, const node *test, int row) {
  if (kind_of(v) == K_NONE) return;
  GC_GROW(l->items, l->n, l->cap, 16);
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
  if (c->kind == K_NUM && (v.tag != V_NUM || !in_unit(c, v, &x))) return -1;
  if (c->kind == K_DATE && v.tag != V_DATE) return -1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int r = c->kind == K_NUM ? dec_cmp(x, c->nbound[mid]) : (v.days > c->dbound[mid]) - (v.days < c->dbound[mid]);
    if (r == 0) return mid;
    if (r < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

static int cmp_text(const text *a, const text *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->s, b->s, n);
  if (r) return r;
  return (a->len > b->len) - (a->len < b->len);
}

/* A text and where it stands, for sorting (qsort has no context). */
typedef struct text_at {
  const text *t;
  int i;
} text_at;
static int cmp_text_at(const void *a, const void *b) {
  const text_at *x = a, *y = b;
  int r = cmp_text(x->t, y->t);
  return r ? r : (x->i > y->i) - (x->i < y->i);
}

/* Indexes 0..n-1 of texts, sorted by text, equal texts by index. */
static int *sorted_texts(const text **texts, int n) {
  text_at *ta = gc_alloc((size_t)(n + 1) * sizeof *ta);
  for (int k = 0; k < n; k++) ta[k] = (text_at){texts[k], k};
  qsort(ta, (size_t)n, sizeof *ta, cmp_text_at);
  int *order = gc_alloc_atomic((size_t)(n + 1) * sizeof *order);
  for (int k = 0; k < n; k++) order[k] = ta[k].i;
  return order;
}

static int text_index(const col *c, const text *s) {
  int lo = 0, hi = c->nb - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int r = cmp_text(s, c->texts[c->tsorted[mid]]);
    if (r == 0) return c->tsorted[mid];
    if (r < 0) hi = mid - 1;
    else lo = mid + 1;
  }
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
    int *p = gc_alloc_atomic((size_t)*cap * sizeof *p);
    value *r = gc_alloc((size_t)*cap * sizeof *r);
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

/* A number below (dir < 0) or above b, a step of `one` away if decimal128
 * can tell them apart, else further out; false when there is none (b is
 * the largest decimal128). */
static bool step_out(dec b, dec one, int dir, dec *out) {
  dec r;
  if ((dir < 0 ? dec_sub(b, one, &r) : dec_add(b, one, &r)) == DEC_OK && dec_cmp(r, b) == dir) { *out = r; return true; }
  /* |b| is so large that b +- 1 rounds back to b: go to zero or double it */
  dec zero = dec_from_int(0);
  if (dir < 0 ? !dec_is_neg(b) && dec_cmp(b, zero) != 0 : dec_is_neg(b)) { *out = zero; return true; }
  if (dec_add(b, b, &r) == DEC_OK && dec_cmp(r, b) == dir) { *out = r; return true; }
  return false;
}

/* A number strictly between a and b, if decimal128 holds one. */
static bool between(dec a, dec b, dec *out) {
  dec two = dec_from_int(2), s, r;
  if (dec_add(a, b, &s) == DEC_OK && dec_div(s, two, &r) == DEC_OK && dec_cmp(r, a) > 0 && dec_cmp(r, b) < 0) {
    *out = r;
    return true;
  }
  if (dec_sub(b, a, &s) == DEC_OK && dec_div(s, two, &s) == DEC_OK && dec_add(a, s, &r) == DEC_OK && dec_cmp(r, a) > 0 &&
      dec_cmp(r, b) < 0) {
    *out = r;
    return true;
  }
  return false;
}

/* Whole numbers: the least above a (or the greatest below, dir < 0). */
static bool int_beyond(dec a, int dir, dec *out) {
  dec f;
  if (dec_round(a, 0, dir > 0 ? DEC_FLOOR : DEC_CEIL, &f) != DEC_OK) return false;
  return step_out(f, dec_from_int(1), dir, out) && dec_is_int(*out);
}

/* Cut an ordered column at its boundaries.  A segment is kept only when it
 * holds an input of the column's domain: none lies between two consecutive
 * days, nor between two whole numbers, and decimal128 may hold no midpoint
 * between two neighbours 34 digits long. */
static void ordered_segments(col *c) {
  int cap = 0;
  /* a step of 1 (1% for percentages) outside the outermost boundaries */
  dec one = dec_from_int(1);
  if (c->pct && c->dom.k == DOM_ALL && dec_div(one, dec_from_int(100), &one) != DEC_OK) one = dec_from_int(1);
  for (int p = 0; p <= 2 * c->nb; p++) {
    int i = p / 2;
    if (p % 2) {
      bool in = c->dom.k == DOM_SET ? c->member[i] : c->dom.k == DOM_INT && c->kind == K_NUM ? dec_is_int(c->nbound[i]) : true;
      if (in) add_seg(c, &cap, p, bound_value(c, i));
      continue;
    }
    if (c->dom.k == DOM_SET) continue;
    if (c->kind == K_DATE) {
      if (i == 0) add_seg(c, &cap, p, v_date(c->dbound[0] - 1));
      else if (i == c->nb) add_seg(c, &cap, p, v_date(c->dbound[i - 1] + 1));
      else if ((int64_t)c->dbound[i] - c->dbound[i - 1] >= 2) add_seg(c, &cap, p, v_date(c->dbound[i - 1] + 1));
      continue;
    }
    dec r;
    bool ok;
    if (c->dom.k == DOM_INT) {
      ok = i == 0 ? int_beyond(c->nbound[0], -1, &r) : int_beyond(c->nbound[i - 1], 1, &r);
      if (ok && i < c->nb) ok = dec_cmp(r, c->nbound[i]) < 0;
    } else if (i == 0) {
      ok = step_out(c->nbound[0], one, -1, &r);
    } else if (i == c->nb) {
      ok = step_out(c->nbound[i - 1], one, 1, &r);
    } else {
      ok = between(c->nbound[i - 1], c->nbound[i], &r);
    }
    if (ok) add_seg(c, &cap, p, num_value(c, r));
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

static void no_segments(col *c) {
  c->kind = K_NONE;
  c->nb = 0;
  c->nseg = 0;
  add_seg(c, &(int){0}, 0, v_null);
}

/* Work out a column's kind, unit, boundaries and segments. */
static void build_column(tab *t, int i, sty header, ck_domain dom) {
  col *c = &t->cols[i];
  const node *h = t->d->a->kids[0]->a->kids[i]->kids[0]->b;
  c->name = h->kind == N_NAME ? h->name : ck_node_text(h);
  if (dom.k == DOM_SET && dom.n == 0) dom.k = DOM_ALL;
  c->dom = dom;
  leaves l = {0};
  for (int k = 0; k < dom.n && dom.k == DOM_SET; k++) leaf_add(&l, dom.members[k], NULL, -1);
  int nmembers = l.n;
  for (int r = 0; r < t->nr; r++) {
    const node *cell = t->rows[r]->a->kids[i];
    if (cell->op == OP_ANY) continue;
    for (int j = 0; j < cell->nkids; j++) collect(&l, cell->kids[j], r);
  }
  const char *tname = t->d->name;
  for (int k = nmembers; k < l.n && !c->broken; k++) {
    leaf *x = &l.items[k];
    const leaf *first = &l.items[nmembers];
    if (!header_accepts(header, x->v)) {
      ck_report(t->c, CHECK_ERROR, mix_code(header.k == S_NUM, x->v), x->test->at, "every cell of a column must be comparable with its input", NULL,
                "table %s: column %s is %s, but row %d compares it with %s", tname, c->name, ck_label(header),
                x->row + 1, kind_label(x->v));
      c->broken = true;
    } else if (k > nmembers && !same_dim_kind(first->v, x->v)) {
      ck_report(t->c, CHECK_ERROR, mix_code(first->v.tag == V_NUM, x->v), x->test->at, "every cell of a column must be comparable with its input", NULL,
                "table %s: column %s compares %s (row %d) with %s (row %d)", tname, c->name,
                kind_label(first->v), first->row + 1, kind_label(x->v), x->row + 1);
      c->broken = true;
    }
  }
  /* an enumeration's members and the cells must be of one kind; a cell of
   * another kind is the type checker's business: leave the column alone */
  for (int k = nmembers; k < l.n && nmembers && !c->broken; k++)
    if (!same_dim_kind(l.items[0].v, l.items[k].v)) c->broken = true;
  if (c->broken || l.n == 0) {
    no_segments(c);
    c->full = iset_range(0, c->nseg - 1);
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
    c->nbound = gc_alloc_atomic((size_t)l.n * sizeof *c->nbound);
    for (int k = 0; k < l.n; k++)
      if (!in_unit(c, l.items[k].v, &c->nbound[c->nb++])) {
        /* beyond decimal128 once converted: say so rather than guess */
        c->unknown_at = l.items[k].test;
        c->unknown_why = "a constant cannot be converted to the column's unit";
        c->broken = true;
        no_segments(c);
        c->full = iset_range(0, c->nseg - 1);
        return;
      }
    dec *members = NULL;
    if (nmembers) {
      members = gc_alloc_atomic((size_t)nmembers * sizeof *members);
      memcpy(members, c->nbound, (size_t)nmembers * sizeof *members);
      qsort(members, (size_t)nmembers, sizeof *members, cmp_dec);
    }
    qsort(c->nbound, (size_t)c->nb, sizeof *c->nbound, cmp_dec);
    int n = 0;
    for (int k = 0; k < c->nb; k++)
      if (n == 0 || dec_cmp(c->nbound[n - 1], c->nbound[k]) != 0) c->nbound[n++] = c->nbound[k];
    c->nb = n;
    if (dom.k == DOM_SET) {
      c->member = gc_alloc_atomic((size_t)n + 1);
      for (int k = 0; k < n; k++)
        c->member[k] = members && bsearch(&c->nbound[k], members, (size_t)nmembers, sizeof *members, cmp_dec);
    }
    ordered_segments(c);
  } else if (c->kind == K_DATE) {
    c->dbound = gc_alloc_atomic((size_t)l.n * sizeof *c->dbound);
    for (int k = 0; k < l.n; k++) c->dbound[c->nb++] = l.items[k].v.days;
    int32_t *members = NULL;
    if (nmembers) {
      members = gc_alloc_atomic((size_t)nmembers * sizeof *members);
      memcpy(members, c->dbound, (size_t)nmembers * sizeof *members);
      qsort(members, (size_t)nmembers, sizeof *members, cmp_i32);
    }
    qsort(c->dbound, (size_t)c->nb, sizeof *c->dbound, cmp_i32);
    int n = 0;
    for (int k = 0; k < c->nb; k++)
      if (n == 0 || c->dbound[n - 1] != c->dbound[k]) c->dbound[n++] = c->dbound[k];
    c->nb = n;
    if (dom.k == DOM_SET) {
      c->member = gc_alloc_atomic((size_t)n + 1);
      for (int k = 0; k < n; k++)
        c->member[k] = members && bsearch(&c->dbound[k], members, (size_t)nmembers, sizeof *members, cmp_i32);
    }
    ordered_segments(c);
  } else if (c->kind == K_TEXT) {
    /* distinct texts, members first, each in order of first appearance */
    c->texts = gc_alloc((size_t)l.n * sizeof *c->texts);
    for (int k = 0; k < l.n; k++) c->texts[k] = l.items[k].v.as.text;
    int *order = sorted_texts(c->texts, l.n);
    bool *keep = gc_alloc_atomic((size_t)l.n);
    for (int a = 0; a < l.n; a++) /* the first of equal texts */
      keep[order[a]] = a == 0 || cmp_text(c->texts[order[a]], c->texts[order[a - 1]]) != 0;
    const text **texts = c->texts;
    c->texts = gc_alloc((size_t)l.n * sizeof *c->texts);
    int nmem = 0;
    for (int k = 0; k < l.n; k++)
      if (keep[k]) {
        c->texts[c->nb++] = texts[k];
        if (k < nmembers) nmem++;
      }
    c->tsorted = sorted_texts(c->texts, c->nb);
    int cap = 0;
    for (int k = 0; k < (dom.k == DOM_SET ? nmem : c->nb); k++) {
      value v = {.tag = V_TEXT};
      v.as.text = c->texts[k];
      add_seg(c, &cap, k, v);
    }
    if (dom.k != DOM_SET) add_seg(c, &cap, c->nb, other_text(c));
  } else {
    int cap = 0;
    add_seg(c, &cap, 0, v_bool(false));
    add_seg(c, &cap, 1, v_bool(true));
  }
  c->full = iset_range(0, c->nseg - 1);
}

/* ---- cells as segment sets ---- */

/* The first segment whose position is >= p. */
static int seg_at(const col *c, int p) {
  int lo = 0, hi = c->nseg;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (c->pos[mid] < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Add to b the segments whose positions lie in [plo, phi]. */
static void add_pos(ibuf *b, const col *c, int plo, int phi) {
  if (plo > phi) return;
  int lo = seg_at(c, plo), hi = seg_at(c, phi + 1) - 1;
  if (lo <= hi) ib_push(b, lo, hi);
}

static void unknown_test(col *c, const node *t, const char *why, ibuf *hi) {
  ib_add(hi, c->full);
  if (!c->unknown_at && !c->broken) {
    c->unknown_at = t;
    c->unknown_why = why;
  }
}

/* The segments a scalar constant matches under op; false when the test
 * cannot be worked out (orderings of texts and bools). */
static bool scalar_sets(const col *c, int op, value v, ibuf *set) {
  if (v.tag == V_NULL) {
    /* check reasons about present inputs: = null matches none of them */
    if (op == OP_NE) ib_add(set, c->full);
    return op == OP_EQ || op == OP_NE;
  }
  int pc, top;
  if (c->kind == K_NUM || c->kind == K_DATE) {
    int i = bound_index(c, v);
    if (i < 0) return false;
    pc = 2 * i + 1;
    top = 2 * c->nb;
  } else if (c->kind == K_TEXT) {
    if (op != OP_EQ && op != OP_NE) return false;
    if (v.tag != V_TEXT) return false;
    pc = text_index(c, v.as.text);
    top = c->nb;
  } else if (c->kind == K_BOOL) {
    if (op != OP_EQ && op != OP_NE) return false;
    if (v.tag != V_BOOL) return false;
    pc = v.b ? 1 : 0;
    top = 1;
  } else {
    return false;
  }
  switch (op) {
  case OP_EQ: add_pos(set, c, pc, pc); return true;
  case OP_NE: add_pos(set, c, 0, pc - 1); add_pos(set, c, pc + 1, top); return true;
  case OP_LT: add_pos(set, c, 0, pc - 1); return true;
  case OP_LE: add_pos(set, c, 0, pc); return true;
  case OP_GT: add_pos(set, c, pc + 1, top); return true;
  case OP_GE: add_pos(set, c, pc, top); return true;
  default: return false;
  }
}

static void test_sets(tab *t, col *c, const node *test, int row, ibuf *lo, ibuf *hi);

static void union_sets(tab *t, col *c, const node *tests, int row, ibuf *lo, ibuf *hi) {
  for (int j = 0; j < tests->nkids; j++) test_sets(t, c, tests->kids[j], row, lo, hi);
}

static void test_sets(tab *t, col *c, const node *test, int row, ibuf *lo, ibuf *hi) {
  if (test->kind == N_NOT) {
    ibuf l = {0}, h = {0};
    union_sets(t, c, test->a, row, &l, &h);
    ib_add(lo, iset_not(ib_set(&h), c->nseg));
    ib_add(hi, iset_not(ib_set(&l), c->nseg));
    return;
  }
  value v;
  char why[200];
  if (c->broken) { ib_add(hi, c->full); return; }
  if (test->kind != N_BIN || !ck_const(test->b, &v)) {
    snprintf(why, sizeof why, "row %d compares it with %s, known only when the table runs", row + 1,
             test->kind == N_BIN ? ck_node_text(test->b) : "an expression");
    unknown_test(c, test, gc_strdup(why), hi);
    return;
  }
  int op = test->op, from = lo->n;
  bool ok = true;
  if (v.tag == V_RANGE) {
    if (op == OP_EQ && (c->kind == K_NUM || c->kind == K_DATE)) {
      int a = bound_index(c, v.as.range->lo), b = bound_index(c, v.as.range->hi);
      ok = a >= 0 && b >= 0;
      if (ok) add_pos(lo, c, 2 * a + 1 + v.as.range->lo_open, 2 * b + 1 - v.as.range->hi_open);
      if (ok && (a > b || (a == b && (v.as.range->lo_open || v.as.range->hi_open))))
        ck_report(t->c, CHECK_WARNING, "E0607", test->at, a > b ? "write the smaller end first" : NULL, NULL,
                  "table %s: row %d: the range %s is empty, so this test never matches", t->d->name, row + 1,
                  ck_node_text(test->b));
    } else {
      /* a range is never equal to a single input; ordering one is an error when it runs */
      ok = op == OP_NE;
      if (ok) ib_add(lo, c->full);
    }
  } else if (v.tag == V_LIST) {
    if (op == OP_EQ) {
      for (size_t k = 0; ok && k < v.as.list->n; k++) {
        value x = v.as.list->items[k];
        if (x.tag != V_RANGE && x.tag != V_LIST) ok = scalar_sets(c, OP_EQ, x, lo);
      }
    } else {
      ok = op == OP_NE;
      if (ok) ib_add(lo, c->full);
    }
  } else {
    ok = scalar_sets(c, op, v, lo);
  }
  if (!ok) {
    lo->n = from;
    snprintf(why, sizeof why, "row %d tests it with %s, which check does not analyse", row + 1, ck_node_text(test));
    unknown_test(c, test, gc_strdup(why), hi);
    return;
  }
  for (int k = from; k < lo->n; k += 2) ib_push(hi, lo->v[k], lo->v[k + 1]);
}

/* ---- describing inputs ---- */

static const char *show(value v) { return value_display(v, false); }

static bool is_other(const col *c, int s) { return c->kind == K_TEXT && c->dom.k != DOM_SET && s == c->nseg - 1; }

/* A segment of s (or of [lo, hi] when s is NULL) to show as an example: a
 * boundary if there is one. */
static int example_seg(const col *c, const iset *s, int lo, int hi) {
  int first = -1;
  int n = s ? s->n : 1;
  for (int k = 0; k < n; k++) {
    int a = s ? s->v[2 * k] : lo, b = s ? s->v[2 * k + 1] : hi;
    for (int x = a; x <= b && x <= a + 2; x++) {
      if (first < 0) first = x;
      if ((c->kind == K_NUM || c->kind == K_DATE) && c->pos[x] % 2) return x;
      if ((c->kind == K_TEXT || c->kind == K_BOOL) && !is_other(c, x)) return x;
    }
  }
  return first;
}

/* Whole numbers: the greatest one in segment s. */
static value int_top(const col *c, int s) {
  int p = c->pos[s];
  dec r;
  if (p % 2 == 0 && p / 2 < c->nb && int_beyond(c->nbound[p / 2], -1, &r)) return num_value(c, r);
  return c->rep[s];
}

/* Whole numbers: does open segment s hold just one? */
static bool one_int(const col *c, int s) {
  int p = c->pos[s];
  return c->dom.k == DOM_INT && c->kind == K_NUM && p > 0 && p < 2 * c->nb &&
         dec_cmp(c->rep[s].as.num, int_top(c, s).as.num) == 0;
}

static void describe_range(sbuf *b, const col *c, int slo, int shi) {
  if (c->kind == K_TEXT || c->kind == K_BOOL || !ordered(c)) {
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
  bool has_lo = plo > 0, has_hi = phi < 2 * c->nb;
  if (c->dom.k == DOM_INT && c->kind == K_NUM) {
    /* whole numbers: name the first and last of them */
    const char *a = show(c->rep[slo]), *z = show(int_top(c, shi));
    if (has_lo && has_hi && !strcmp(a, z)) sb_printf(b, "%s = %s", c->name, a);
    else if (has_lo && has_hi) sb_printf(b, "%s in %s..%s", c->name, a, z);
    else if (has_lo) sb_printf(b, "%s >= %s", c->name, a);
    else sb_printf(b, "%s <= %s", c->name, z);
    return;
  }
  if (plo == phi && plo % 2) {
    sb_printf(b, "%s = %s", c->name, show(bound_value(c, plo / 2)));
    return;
  }
  bool lo_in = plo % 2, hi_in = phi % 2;
  const char *lov = has_lo ? show(bound_value(c, lo_in ? plo / 2 : plo / 2 - 1)) : NULL;
  const char *hiv = has_hi ? show(bound_value(c, phi / 2)) : NULL;
  if (has_lo && has_hi && lo_in && hi_in) sb_printf(b, "%s in %s..%s", c->name, lov, hiv);
  else if (has_lo && has_hi) sb_printf(b, "%s %s %s %s %s", lov, lo_in ? "<=" : "<", c->name, hi_in ? "<=" : "<", hiv);
  else if (has_lo) sb_printf(b, "%s %s %s", c->name, lo_in ? ">=" : ">", lov);
  else sb_printf(b, "%s %s %s", c->name, hi_in ? "<=" : "<", hiv);
}

/* ---- work ---- */

static void stop(tab *t, const char *what) {
  if (t->stopped) return;
  t->stopped = true;
  if (ck_out_of_time(t->c)) return; /* the whole check stops with an error */
  ck_report(t->c, CHECK_NOTE, "E0608", t->d->at, NULL, NULL,
            "table %s: too many combinations of inputs to look for every %s; the search stopped early", t->d->name, what);
}

/* Count work; false when the budget or the time is spent. */
static bool spend(tab *t, long cost, const char *what) {
  if (t->stopped) return false;
  t->budget -= cost;
  t->tick += cost;
  if (t->tick >= TIME_EVERY) {
    t->tick = 0;
    if (ck_out_of_time(t->c)) { stop(t, what); return false; }
  }
  if (t->budget < 0) { stop(t, what); return false; }
  return true;
}

/* ---- overlaps ---- */

static bool all_dash(const node *row) {
  for (int i = 0; i < row->a->nkids; i++)
    if (row->a->kids[i]->op != OP_ANY) return false;
  return true;
}

typedef struct span {
  int lo, hi, row;
} span;

static int cmp_span(const void *a, const void *b) {
  const span *x = a, *y = b;
  if (x->lo != y->lo) return (x->lo > y->lo) - (x->lo < y->lo);
  return (x->row > y->row) - (x->row < y->row);
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* The intervals of column i, over the rows that can overlap anything. */
static span *column_spans(tab *t, int i, const bool *live, int *n) {
  int m = 0;
  for (int r = 0; r < t->nr; r++)
    if (live[r]) m += t->lo[r * t->nc + i].n;
  span *s = gc_alloc_atomic((size_t)(m + 1) * sizeof *s);
  m = 0;
  for (int r = 0; r < t->nr; r++) {
    if (!live[r]) continue;
    iset x = t->lo[r * t->nc + i];
    for (int k = 0; k < x.n; k++) s[m++] = (span){x.v[2 * k], x.v[2 * k + 1], r};
  }
  qsort(s, (size_t)m, sizeof *s, cmp_span);
  *n = m;
  return s;
}

/* How many pairs of the column's intervals meet: for each interval, those
 * that start no later, less those of them that end before it starts. */
static double meeting_pairs(const span *s, int n) {
  int *ends = gc_alloc_atomic((size_t)(n + 1) * sizeof *ends);
  for (int k = 0; k < n; k++) ends[k] = s[k].hi;
  qsort(ends, (size_t)n, sizeof *ends, cmp_int);
  double pairs = 0;
  for (int k = 0, e = 0; k < n; k++) {
    while (e < n && ends[e] < s[k].lo) e++;
    pairs += (double)k - e;
  }
  return pairs;
}

static void report_overlap(tab *t, int r1, int r2) {
  sbuf ex;
  sb_init(&ex);
  for (int i = 0; i < t->nc; i++) {
    const col *c = &t->cols[i];
    if (c->kind == K_NONE) continue;
    if (t->rows[r1]->a->kids[i]->op == OP_ANY && t->rows[r2]->a->kids[i]->op == OP_ANY) continue;
    iset both = iset_and(t->lo[r1 * t->nc + i], t->lo[r2 * t->nc + i]);
    int s = example_seg(c, &both, 0, 0);
    if (s < 0) continue;
    sb_printf(&ex, "%s%s = %s", ex.len ? ", " : "", c->name, show(c->rep[s]));
  }
  bool dash = all_dash(t->rows[r1]) || all_dash(t->rows[r2]);
  const char *hint = dash ? "a | - | row matches every input, so under hit unique it overlaps every other row; "
                            "use hit first to make it the default"
                          : "under hit unique each input must match one row: narrow one of them, or use hit first";
  if (t->d->opt && ex.len)
    ck_report(t->c, CHECK_ERROR, "E0611", t->rows[r2]->at,
              "validity periods must not overlap: end the earlier period the day before the later one starts", ex.s,
              "table %s: the validity periods of rows %d and %d overlap, e.g. %s", t->d->name, r1 + 1, r2 + 1, ex.s);
  else if (ex.len)
    ck_report(t->c, CHECK_ERROR, "E0602", t->rows[r2]->at, hint, ex.s, "table %s: rows %d and %d overlap, e.g. %s",
              t->d->name, r1 + 1, r2 + 1, ex.s);
  else
    ck_report(t->c, CHECK_ERROR, "E0602", t->rows[r2]->at, hint, NULL,
              "table %s: rows %d and %d overlap: both match every input", t->d->name, r1 + 1, r2 + 1);
}

static void overlaps(tab *t) {
  if (t->nr < 2) return;
  /* a row with a cell that surely matches nothing overlaps nothing */
  bool *live = gc_alloc_atomic((size_t)t->nr);
  for (int r = 0; r < t->nr; r++) {
    live[r] = true;
    for (int i = 0; i < t->nc && live[r]; i++) live[r] = t->lo[r * t->nc + i].n > 0;
  }
  /* sweep the column where intervals meet least: a key column's bands
   * meet only their neighbours, a column of | - | meets everything */
  int best = 0, nbest = 0;
  span *sbest = NULL;
  double fewest = -1;
  for (int i = 0; i < t->nc; i++) {
    int n;
    span *s = column_spans(t, i, live, &n);
    double p = meeting_pairs(s, n);
    if (!spend(t, n, "overlap")) return;
    if (fewest < 0 || p < fewest) { fewest = p; best = i; sbest = s; nbest = n; }
  }
  if (!sbest) return;
  /* the pairs found, as (later row << 32 | earlier row), sorted at the end */
  uint64_t *pairs = NULL;
  size_t np = 0, cap = 0;
  int *act = gc_alloc_atomic((size_t)(nbest + 1) * sizeof *act);
  int nact = 0;
  for (int k = 0; k < nbest && !t->stopped; k++) {
    const span *y = &sbest[k];
    for (int a = 0; a < nact;) {
      const span *x = &sbest[act[a]];
      if (x->hi < y->lo) { act[a] = act[--nact]; continue; }
      a++;
      if (x->row == y->row || !spend(t, t->nc, "overlap")) continue;
      bool meet = true;
      for (int i = 0; i < t->nc && meet; i++)
        if (i != best) meet = iset_meet(t->lo[x->row * t->nc + i], t->lo[y->row * t->nc + i]);
      if (!meet) continue;
      if (np == MAX_PAIRS) { stop(t, "overlap"); break; }
      if (np == cap) {
        cap = cap ? cap * 2 : 64;
        uint64_t *p = gc_alloc_atomic(cap * sizeof *p);
        if (np) memcpy(p, pairs, np * sizeof *p);
        pairs = p;
      }
      int r1 = x->row < y->row ? x->row : y->row, r2 = x->row ^ y->row ^ r1;
      pairs[np++] = (uint64_t)r2 << 32 | (uint32_t)r1;
    }
    act[nact++] = k;
  }
  if (np > 1) qsort(pairs, np, sizeof *pairs, cmp_u64);
  int count = 0;
  for (size_t k = 0; k < np; k++) {
    if (k && pairs[k] == pairs[k - 1]) continue; /* met in two intervals of the swept column */
    if (++count <= MAX_OVERLAPS) report_overlap(t, (int)(uint32_t)pairs[k], (int)(pairs[k] >> 32));
  }
  if (count > MAX_OVERLAPS && !t->stopped)
    ck_report(t->c, CHECK_NOTE, "E0608", t->d->at, NULL, NULL, "table %s: %d more pairs of overlapping rows are not listed",
              t->d->name, count - MAX_OVERLAPS);
}

/* ---- gaps ---- */

/* Widen the gap [blo, bhi] as far as it stays a gap, one column at a time,
 * so that one finding tells its extent ("score > 100") and inputs that do
 * not matter drop out of it.  The rows that could cover a widening of
 * column i are those meeting the box in every other column. */
static void grow(tab *t, int *blo, int *bhi) {
  int nr = t->nr, nc = t->nc;
  bool *meets = gc_alloc_atomic((size_t)nr * (size_t)nc + 1);
  int *misses = gc_alloc_atomic((size_t)(nr + 1) * sizeof *misses);
  for (int r = 0; r < nr; r++)
    for (int i = 0; i < nc; i++) {
      meets[(size_t)r * nc + i] = iset_hits(t->hi[r * nc + i], blo[i], bhi[i]);
      misses[r] += !meets[(size_t)r * nc + i];
    }
  spend(t, (long)nr * nc, "gap");
  for (int i = 0; i < nc; i++) {
    const col *c = &t->cols[i];
    int below = -1, above = c->nseg;
    bool any = false;
    for (int r = 0; r < nr; r++) {
      if (misses[r] - !meets[(size_t)r * nc + i] != 0) continue;
      iset x = t->hi[r * nc + i];
      for (int k = 0; k < x.n; k++) {
        any = true;
        if (x.v[2 * k + 1] < blo[i] && x.v[2 * k + 1] > below) below = x.v[2 * k + 1];
        if (x.v[2 * k] > bhi[i] && x.v[2 * k] < above) above = x.v[2 * k];
      }
    }
    if (!any) {
      blo[i] = 0;
      bhi[i] = c->nseg - 1;
    } else if (ordered(c)) {
      blo[i] = below + 1;
      bhi[i] = above - 1;
    }
    for (int r = 0; r < nr; r++) {
      bool m = iset_hits(t->hi[r * nc + i], blo[i], bhi[i]);
      misses[r] += (int)meets[(size_t)r * nc + i] - (int)m;
      meets[(size_t)r * nc + i] = m;
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
    else if (blo[i] != bhi[i] || (ordered(c) && c->pos[blo[i]] % 2 == 0 && !one_int(c, blo[i]))) points = false;
  }
  const char *name = t->d->name;
  if (t->d->opt) {
    /* a dated table: before its first period and after its last nothing
     * is in force, which is no mistake (at run time, E0610); a gap
     * between two periods is */
    int dc = dated_column(t->d);
    const col *c = dc >= 0 && !(blo[dc] == 0 && bhi[dc] == t->cols[dc].nseg - 1) ? &t->cols[dc] : NULL;
    if (c && (blo[dc] == 0 || bhi[dc] == c->nseg - 1)) return;
    if (c && c->kind == K_DATE && !other) {
      /* the gap's first and last days: segment 2k is the open stretch
       * below bound k, 2k + 1 the bound itself */
      int p = c->pos[blo[dc]], q = c->pos[bhi[dc]];
      int32_t first = p % 2 ? c->dbound[p / 2] : c->dbound[p / 2 - 1] + 1;
      int32_t last = q % 2 ? c->dbound[q / 2] : c->dbound[q / 2] - 1;
      sbuf days;
      sb_init(&days);
      sb_printf(&days, first == last ? "on %s" : "from %s", value_display(v_date(first), true));
      if (first != last) sb_printf(&days, " to %s", value_display(v_date(last), true));
      /* other columns of the gap, if any, after the days */
      const char *rest = strstr(desc.s, " and ");
      ck_report(t->c, CHECK_ERROR, "E0610", t->d->at, "end each period the day before the next one starts, or add a row for the gap", ex.s,
                "table %s: the validity periods leave a gap: no row is in force %s%s", name, days.s, dc == 0 && rest ? rest : "");
      return;
    }
  }
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

/* No row covers the box [blo, bhi]: report it, widened, unless an earlier
 * finding holds it.  Unordered values (texts, codes) are named one by one. */
static void gap_box(tab *t, int *blo, int *bhi) {
  for (int i = 0; i < t->nc; i++)
    if (!ordered(&t->cols[i]) && blo[i] < bhi[i]) {
      int lo = blo[i], hi = bhi[i];
      for (int s = lo; s <= hi && !t->stopped; s++) {
        int *l = gc_alloc_atomic((size_t)t->nc * sizeof *l), *h = gc_alloc_atomic((size_t)t->nc * sizeof *h);
        memcpy(l, blo, (size_t)t->nc * sizeof *l);
        memcpy(h, bhi, (size_t)t->nc * sizeof *h);
        l[i] = h[i] = s;
        gap_box(t, l, h);
      }
      return;
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

/* No row covers the current box (columns 0..depth as searched, the rest
 * anything). */
static void found_gap(tab *t, int depth) {
  int *blo = gc_alloc_atomic((size_t)t->nc * sizeof *blo), *bhi = gc_alloc_atomic((size_t)t->nc * sizeof *bhi);
  for (int i = 0; i < t->nc; i++) {
    blo[i] = i <= depth ? t->blo[i] : 0;
    bhi[i] = i <= depth ? t->bhi[i] : t->cols[i].nseg - 1;
  }
  gap_box(t, blo, bhi);
}

/* Rows alive[0..n) may match every input in the box so far (columns
 * before i).  Sweep column i over their intervals: each piece where the
 * same rows are alive is searched further, with those rows; a piece where
 * none is alive is a gap. */
static void search(tab *t, int i, const int *alive, int n) {
  const col *c = &t->cols[i];
  int ne = 0;
  for (int k = 0; k < n; k++) ne += t->hi[alive[k] * t->nc + i].n;
  if (!spend(t, (long)n + ne, "gap")) return;
  /* never NULL, even with no interval (no row can match here): `ev + 0`
   * on a null pointer is undefined (a fuzz_resolve finding) */
  if (2 * ne > t->ev_cap[i] || !t->ev[i]) {
    t->ev_cap[i] = 2 * ne > 2 ? 2 * ne : 2;
    t->ev[i] = gc_alloc_atomic((size_t)t->ev_cap[i] * sizeof *t->ev[i]);
  }
  uint64_t *starts = t->ev[i], *ends = t->ev[i] + ne;
  int m = 0;
  for (int k = 0; k < n; k++) {
    iset x = t->hi[alive[k] * t->nc + i];
    for (int j = 0; j < x.n; j++, m++) {
      starts[m] = (uint64_t)x.v[2 * j] << 32 | (uint32_t)alive[k];
      ends[m] = (uint64_t)(x.v[2 * j + 1] + 1) << 32 | (uint32_t)alive[k];
    }
  }
  qsort(starts, (size_t)ne, sizeof *starts, cmp_u64);
  qsort(ends, (size_t)ne, sizeof *ends, cmp_u64);
  int *act = t->act[i], *idx = t->idx[i], nact = 0;
  int si = 0, ei = 0;
  for (int cur = 0; cur < c->nseg && !t->stopped;) {
    for (; ei < ne && (int)(ends[ei] >> 32) == cur; ei++) { /* leaves: swap out */
      int r = (int)(uint32_t)ends[ei], at = idx[r];
      act[at] = act[--nact];
      idx[act[at]] = at;
    }
    for (; si < ne && (int)(starts[si] >> 32) == cur; si++) {
      int r = (int)(uint32_t)starts[si];
      idx[r] = nact;
      act[nact++] = r;
    }
    int next = c->nseg;
    if (si < ne && (int)(starts[si] >> 32) < next) next = (int)(starts[si] >> 32);
    if (ei < ne && (int)(ends[ei] >> 32) < next) next = (int)(ends[ei] >> 32);
    t->blo[i] = cur;
    t->bhi[i] = next - 1;
    if (nact == 0) {
      found_gap(t, i);
    } else if (i + 1 < t->nc) {
      bool covered = false; /* a row alive here matches every input of the later columns */
      for (int k = 0; k < nact && !covered; k++) covered = t->full_from[act[k]] <= i + 1;
      if (!covered) search(t, i + 1, act, nact);
    }
    cur = next;
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
  t->full_from = gc_alloc_atomic((size_t)t->nr * sizeof *t->full_from);
  int *all = gc_alloc_atomic((size_t)t->nr * sizeof *all);
  for (int r = 0; r < t->nr; r++) {
    int i = t->nc;
    while (i > 0 && iset_is_full(t->hi[r * t->nc + i - 1], t->cols[i - 1].nseg)) i--;
    t->full_from[r] = i;
    all[r] = r;
    if (i == 0) return; /* a row matches every input */
  }
  t->act = gc_alloc((size_t)t->nc * sizeof *t->act);
  t->idx = gc_alloc((size_t)t->nc * sizeof *t->idx);
  t->ev = gc_alloc((size_t)t->nc * sizeof *t->ev);
  t->ev_cap = gc_alloc_atomic((size_t)t->nc * sizeof *t->ev_cap);
  for (int i = 0; i < t->nc; i++) {
    t->act[i] = gc_alloc_atomic((size_t)t->nr * sizeof **t->act);
    t->idx[i] = gc_alloc_atomic((size_t)t->nr * sizeof **t->idx);
  }
  t->blo = gc_alloc_atomic((size_t)t->nc * sizeof *t->blo);
  t->bhi = gc_alloc_atomic((size_t)t->nc * sizeof *t->bhi);
  t->boxes = gc_alloc_atomic((size_t)MAX_GAPS * 2 * t->nc * sizeof *t->boxes);
  search(t, 0, all, t->nr);
}

/* What a column's declared type promises about its inputs. */
static ck_domain domain_of(const vtype *ty) {
  if (ty && ty->kind == T_INT) return (ck_domain){DOM_INT, 0, NULL};
  if (ty && ty->kind == T_ENUM) return (ck_domain){DOM_SET, ty->nvals, ty->vals};
  return (ck_domain){DOM_ALL, 0, NULL};
}

void ck_table(checker *c, const node *d, const sty *inputs, const ck_domain *domains) {
  tab t;
  memset(&t, 0, sizeof t);
  t.c = c;
  t.d = d;
  t.nr = d->a->nkids - 1;
  t.nc = d->a->kids[0]->a->nkids;
  t.rows = (const node **)d->a->kids + 1;
  t.budget = WORK_BUDGET;
  t.cols = gc_alloc((size_t)(t.nc + 1) * sizeof *t.cols);
  for (int i = 0; i < t.nc; i++) build_column(&t, i, inputs[i], domains ? domains[i] : domain_of(ck_input_type(d, i)));
  t.lo = gc_alloc((size_t)(t.nr * t.nc + 1) * sizeof *t.lo);
  t.hi = gc_alloc((size_t)(t.nr * t.nc + 1) * sizeof *t.hi);
  ibuf lo = {0}, hi = {0};
  for (int r = 0; r < t.nr; r++) {
    if (!spend(&t, t.nc, "gap")) return;
    for (int i = 0; i < t.nc; i++) {
      col *col = &t.cols[i];
      const node *cell = t.rows[r]->a->kids[i];
      if (cell->op == OP_ANY) {
        t.lo[r * t.nc + i] = t.hi[r * t.nc + i] = col->full;
        continue;
      }
      lo.n = hi.n = 0;
      union_sets(&t, col, cell, r, &lo, &hi);
      t.lo[r * t.nc + i] = ib_set(&lo);
      t.hi[r * t.nc + i] = ib_set(&hi);
    }
  }
  for (int i = 0; i < t.nc; i++)
    if (t.cols[i].unknown_at)
      ck_report(c, CHECK_NOTE, "E0608", t.cols[i].unknown_at->at, NULL, NULL,
                "table %s: column %s is not fully analysed: %s; only certain gaps and overlaps are reported", d->name,
                t.cols[i].name, t.cols[i].unknown_why);
  overlaps(&t);
  t.stopped = false;
  t.budget = WORK_BUDGET;
  /* a table with | else || ... | has an output for every input */
  if (!d->b && !ck_out_of_time(c)) gaps(&t);
}
