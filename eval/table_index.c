/* A row index for decision tables (SPEC 6), so that a call does not test
 * every row.
 *
 * A column whose cells compare the input with constants of one kind --
 * numbers of one unit, or texts -- is cut at its distinct constants
 * c0 < c1 < ... < c(n-1) into 2n+1 regions: below c0, c0 itself, between
 * c0 and c1, c1, ..., above c(n-1).  Every test the index understands
 * (= != < <= > >= against a constant, a range of constants, not(...), and
 * several of these in one cell) has the same answer everywhere in a
 * region, so each region gets the set of rows whose cell accepts it, as a
 * bitset.  A call finds each input's region by binary search with the
 * runtime's own comparison (exact decimals, never doubles), ANDs the
 * columns' sets and walks the set bits in row order.
 *
 * The linear scan's behaviour is the contract: rows in order, cells left to
 * right, and a cell may run code or raise an error (text < 5, a test
 * against a parameter).  So a cell the index does not fully understand
 * makes its row "dirty": a dirty row is a candidate in every region of
 * every column and eval_table tests it with the scan's own code, in order.
 * The rows the index skips are exactly those with only constant tests that
 * cannot fail, nor do anything, for an input of the column's kind; an input
 * of another kind makes eval_table scan the whole table instead. */
#include "eval/table_index.h"

#include <stdlib.h>
#include <string.h>

#include "core/gc.h"
#include "eval/eval.h"

bool table_index_off;

/* Past this many bytes of bitsets a table's further columns are left to
 * the scan (thousands of rows over thousands of distinct constants), and a
 * column's bitsets stay below the size at which an allocation is checked
 * against the host's heap limit (SVL_GC_BIG), which the scan never meets. */
#define BUDGET ((size_t)4 << 20)
#define COLUMN_BUDGET (SVL_GC_BIG - 1)

typedef struct column {
  int in;              /* which input */
  uint8_t tag;         /* V_NUM or V_TEXT */
  const unit_t *unit;  /* V_NUM: the constants' unit (NULL: plain numbers) */
  bool pct;            /* V_NUM: percentages, which do not order with plain numbers */
  int n;               /* distinct constants */
  value *pts;          /* sorted */
  int64_t *ints;       /* the same as whole numbers, when they all are */
  int32_t *dense;      /* ints close together: the region of each whole number from ints[0] to ints[n-1] */
  uint64_t *bits;      /* 2n+1 regions of nwords each */
  /* Texts: the regions of the last few inputs, by the text's address.  A
   * loaded column's repeated texts are one object (stdlib/load.c
   * cell_text), so a grade column meets a handful of addresses. */
  struct { const text *t; int r; } seen[4];
} column;

struct table_index {
  int nrows, nwords, ncols;
  column *cols;
  uint64_t *dirty;
  /* One column and no dirty row: the only row each region's set holds,
   * 0 when it holds none or several (table_index_only). */
  int *only;
};


/* ---- constants, as eval() computes them ---- */

/* The value of a constant operand, as eval/eval.c's eval() would give
 * it; false for anything else, and for a constant whose evaluation raises
 * an error (its row is then dirty and the scan raises it). */
static bool constant(const node *n, value *out, int depth) {
  if (depth > 32) return false;
  switch (n->kind) {
  case N_LIT: *out = n->lit; return true;
  case N_QTY: {
    value x = n->a->lit;
    if (x.tag != V_NUM) return false;
    if (n->name2 && dec_mul(x.as.num, n->lit.as.num, &x.as.num) != DEC_OK) return false;
    *out = v_qty(x.as.num, n->ref);
    return true;
  }
  case N_NEG:
    if (!constant(n->a, out, depth + 1) || out->tag != V_NUM) return false;
    out->as.num = dec_neg(out->as.num);
    return true;
  default: return false;
  }
}

/* The ends of a constant range operand a..b, when evaluating it would
 * give a range rather than an error. */
static bool range_ends(const node *n, value *lo, value *hi) {
  if (n->lit.tag == V_RANGE) { /* eval() keeps a range of two literals on the node */
    *lo = n->lit.as.range->lo;
    *hi = n->lit.as.range->hi;
    return true;
  }
  if (!constant(n->a, lo, 0) || !constant(n->b, hi, 0)) return false;
  return (lo->tag == V_NUM && hi->tag == V_NUM && unit_same_dim(lo->unit, hi->unit)) ||
         (lo->tag == V_DATE && hi->tag == V_DATE);
}

/* ---- ordering, as vm_compare orders numbers of one unit and texts ---- */

static int cmp_text(const text *a, const text *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->s, b->s, n);
  if (c) return c < 0 ? -1 : 1;
  return a->len < b->len ? -1 : a->len > b->len;
}

/* Two values of one column's kind.  For numbers whose units are equal
 * vm_compare converts nothing and value_equal compares the magnitudes, so
 * dec_cmp is both the order and the equality. */
static int cmp_kind(const value *a, const value *b) {
  return a->tag == V_NUM ? dec_cmp(a->as.num, b->as.num) : cmp_text(a->as.text, b->as.text);
}

static int cmp_sort(const void *a, const void *b) { return cmp_kind(a, b); }

static bool same_unit(const unit_t *a, const unit_t *b) { return a == b || (a && b && unit_equal(a, b)); }

/* Is x of the column's kind (so that comparing it with the column's
 * constants is exact and cannot fail)? */
static bool of_kind(const column *c, value x) {
  return x.tag == c->tag && (x.tag != V_NUM || (same_unit(x.unit, c->unit) && x.pct == c->pct));
}

/* The region of x: 2j+1 when x equals constant j, 2j when it lies below
 * constant j and above constant j-1. */
static int region(const column *c, const value *x) {
  int lo = 0, hi = c->n;
  int64_t i;
  if (c->ints && dec_to_int(x->as.num, &i)) { /* whole numbers compare as integers */
    if (c->dense) {
      if (i < c->ints[0]) return 0;
      if (i > c->ints[hi - 1]) return 2 * hi;
      return c->dense[i - c->ints[0]];
    }
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (i == c->ints[mid]) return 2 * mid + 1;
      if (i < c->ints[mid]) hi = mid;
      else lo = mid + 1;
    }
    return 2 * lo;
  }
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    int k = cmp_kind(x, &c->pts[mid]);
    if (k == 0) return 2 * mid + 1;
    if (k < 0) hi = mid;
    else lo = mid + 1;
  }
  return 2 * lo;
}

/* ---- building ---- */

typedef struct vbuf { value *v; int n, cap; } vbuf;

static void vbuf_push(vbuf *b, value x) {
  GC_GROW(b->v, b->n, b->cap, 16);
  b->v[b->n++] = x;
}

/* Pass 1: the column's kind (from its first number or text constant) and
 * its constants of that kind. */
static void collect(column *c, const node *t, vbuf *out) {
  if (t->kind == N_NOT) {
    for (int i = 0; i < t->a->nkids; i++) collect(c, t->a->kids[i], out);
    return;
  }
  if (t->kind != N_BIN || !t->b) return;
  value x[2];
  int nx = 0;
  if (t->b->kind == N_RANGE) {
    if (range_ends(t->b, &x[0], &x[1])) nx = 2;
  } else if (constant(t->b, &x[0], 0)) {
    nx = 1;
  }
  for (int i = 0; i < nx; i++) {
    if (!c->tag && (x[i].tag == V_NUM || x[i].tag == V_TEXT)) {
      c->tag = x[i].tag;
      c->unit = x[i].unit;
      c->pct = x[i].pct;
    }
    if (c->tag && of_kind(c, x[i])) vbuf_push(out, x[i]);
  }
}

static void fill(uint8_t *acc, int from, int to, int nreg) {
  if (from < 0) from = 0;
  if (to > nreg - 1) to = nreg - 1;
  for (int r = from; r <= to; r++) acc[r] = 1;
}

/* Pass 2: mark in acc the regions where test t holds, as unary_test in
 * eval/eval.c would decide for an input of the column's kind; false
 * when the index cannot say (the row is dirty). */
static bool test_regions(const column *c, const node *t, uint8_t *acc, int nreg) {
  if (t->kind == N_NOT) {
    uint8_t *inner = gc_alloc_atomic((size_t)nreg);
    for (int i = 0; i < t->a->nkids; i++)
      if (!test_regions(c, t->a->kids[i], inner, nreg)) return false;
    for (int r = 0; r < nreg; r++)
      if (!inner[r]) acc[r] = 1;
    return true;
  }
  if (t->kind != N_BIN || !t->b) return false;
  if (t->b->kind == N_RANGE) {
    value lo, hi;
    if (!range_ends(t->b, &lo, &hi)) return false;
    /* != compares with value_equal: a number or text never equals a range */
    if (t->op == OP_NE) { fill(acc, 0, nreg - 1, nreg); return true; }
    if (t->op != OP_EQ || !of_kind(c, lo) || !of_kind(c, hi)) return false;
    /* [a..b) and (a..b]: an excluded end is its constant's own region */
    fill(acc, region(c, &lo) + !!(t->b->op & RANGE_LO_OPEN), region(c, &hi) - !!(t->b->op & RANGE_HI_OPEN), nreg);
    return true;
  }
  value x;
  if (!constant(t->b, &x, 0)) return false;
  if (!of_kind(c, x)) {
    /* = and != never fail, and values of different types are never
     * equal; a number of another unit might be, after conversion. */
    if (x.tag == c->tag || x.tag == V_RANGE || x.tag == V_LIST) return false;
    if (t->op == OP_EQ) return true;
    if (t->op == OP_NE) { fill(acc, 0, nreg - 1, nreg); return true; }
    return false; /* ordering values of different types is an error */
  }
  int p = region(c, &x);
  switch (t->op) {
  case OP_EQ: fill(acc, p, p, nreg); return true;
  case OP_NE: fill(acc, 0, p - 1, nreg); fill(acc, p + 1, nreg - 1, nreg); return true;
  case OP_LT: fill(acc, 0, p - 1, nreg); return true;
  case OP_LE: fill(acc, 0, p, nreg); return true;
  case OP_GT: fill(acc, p + 1, nreg - 1, nreg); return true;
  case OP_GE: fill(acc, p, nreg - 1, nreg); return true;
  default: return false;
  }
}

static void set_bit(uint64_t *w, int k) { w[k >> 6] |= (uint64_t)1 << (k & 63); }

static table_index *build(const node *d) {
  const node *rows = d->a;
  int ni = d->ninputs, nrows = rows->nkids - 1;
  if (nrows < 1 || ni < 1) return NULL;
  table_index *ix = gc_alloc(sizeof *ix);
  ix->nrows = nrows;
  ix->nwords = (nrows + 1 + 63) / 64; /* bit k is row k; bit 0 unused */
  ix->dirty = gc_alloc_atomic((size_t)ix->nwords * sizeof(uint64_t));
  ix->cols = gc_alloc((size_t)(ni < TABLE_INDEX_MAX_COLS ? ni : TABLE_INDEX_MAX_COLS) * sizeof(column));
  size_t used = 0;
  for (int i = 0; i < ni; i++) {
    column c = {.in = i};
    vbuf pts = {0};
    if (ix->ncols < TABLE_INDEX_MAX_COLS)
      for (int k = 1; k <= nrows; k++) {
        const node *cell = rows->kids[k]->a->kids[i];
        if (cell->op != OP_ANY)
          for (int j = 0; j < cell->nkids; j++) collect(&c, cell->kids[j], &pts);
      }
    if (pts.n) {
      qsort(pts.v, (size_t)pts.n, sizeof(value), cmp_sort);
      int n = 1;
      for (int j = 1; j < pts.n; j++)
        if (cmp_kind(&pts.v[j], &pts.v[n - 1]) != 0) pts.v[n++] = pts.v[j];
      c.n = n;
      c.pts = pts.v;
      if (c.tag == V_NUM) {
        c.ints = gc_alloc_atomic((size_t)n * sizeof(int64_t));
        for (int j = 0; j < n && c.ints; j++)
          if (!dec_to_int(c.pts[j].as.num, &c.ints[j])) c.ints = NULL;
        /* bands of whole numbers (0..9, 10..19, ...): a direct lookup */
        uint64_t width = c.ints ? (uint64_t)c.ints[n - 1] - (uint64_t)c.ints[0] : UINT64_MAX;
        if (width < 4096 && width < 16 * (uint64_t)n) {
          int span = (int)(c.ints[n - 1] - c.ints[0]) + 1;
          c.dense = gc_alloc_atomic((size_t)span * sizeof(int32_t));
          for (int j = 0, r = 0; j < span; j++) {
            while (c.ints[0] + j > c.ints[r]) r++;
            c.dense[j] = c.ints[0] + j == c.ints[r] ? 2 * r + 1 : 2 * r;
          }
        }
      }
    }
    size_t bytes = (size_t)(2 * c.n + 1) * (size_t)ix->nwords * sizeof(uint64_t);
    if (!c.n || bytes > COLUMN_BUDGET || used + bytes > BUDGET) {
      /* not indexed: every row that tests this column is dirty */
      for (int k = 1; k <= nrows; k++)
        if (rows->kids[k]->a->kids[i]->op != OP_ANY) set_bit(ix->dirty, k);
      continue;
    }
    used += bytes;
    int nreg = 2 * c.n + 1;
    c.bits = gc_alloc_atomic(bytes);
    uint8_t *acc = gc_alloc_atomic((size_t)nreg);
    for (int k = 1; k <= nrows; k++) {
      const node *cell = rows->kids[k]->a->kids[i];
      bool all = cell->op == OP_ANY;
      if (!all) {
        memset(acc, 0, (size_t)nreg);
        for (int j = 0; j < cell->nkids && !all; j++)
          if (!test_regions(&c, cell->kids[j], acc, nreg)) {
            set_bit(ix->dirty, k);
            all = true;
          }
      }
      for (int r = 0; r < nreg; r++)
        if (all || acc[r]) set_bit(c.bits + (size_t)r * (size_t)ix->nwords, k);
    }
    ix->cols[ix->ncols++] = c;
  }
  /* A dirty row is a candidate whatever the inputs: the scan's code tests
   * it, in its turn. */
  bool clean = false;
  for (int k = 1; k <= nrows; k++)
    if (!(ix->dirty[k >> 6] >> (k & 63) & 1)) clean = true;
  if (!ix->ncols || !clean) return NULL;
  for (int i = 0; i < ix->ncols; i++) {
    const column *c = &ix->cols[i];
    for (int r = 0; r < 2 * c->n + 1; r++)
      for (int w = 0; w < ix->nwords; w++) c->bits[(size_t)r * (size_t)ix->nwords + (size_t)w] |= ix->dirty[w];
  }
  bool any_dirty = false;
  for (int w = 0; w < ix->nwords; w++) any_dirty |= ix->dirty[w] != 0;
  if (ix->ncols == 1 && !any_dirty) {
    const column *c = &ix->cols[0];
    int nreg = 2 * c->n + 1;
    ix->only = gc_alloc_atomic((size_t)nreg * sizeof *ix->only);
    for (int r = 0; r < nreg; r++) {
      const uint64_t *set = c->bits + (size_t)r * (size_t)ix->nwords;
      int count = 0, row = 0;
      for (int w = 0; w < ix->nwords; w++)
        if (set[w]) count += __builtin_popcountll(set[w]), row = w * 64 + __builtin_ctzll(set[w]);
      ix->only[r] = count == 1 ? row : 0;
    }
  }
  return ix;
}

const table_index *table_index_of(const node *d) {
  if (table_index_off) return NULL;
  site *st = site_of(d);
  if (!st) return NULL;
  /* A table with nothing to index keeps its site itself as the mark, so
   * it is looked at only once (a static sentinel would be writable data,
   * which the library keeps none of: tests/cli/library.t). */
  if (!st->cache) {
    table_index *ix = build(d);
    st->cache = ix ? (void *)ix : (void *)st;
  }
  return st->cache == (void *)st ? NULL : st->cache;
}

/* ---- calls ---- */

/* region, remembered for the texts seen last */
static int region_of(column *c, const value *x) {
  if (c->tag != V_TEXT) return region(c, x);
  const text *t = x->as.text;
  for (int i = 0; i < 4; i++)
    if (c->seen[i].t == t) return c->seen[i].r;
  int r = region(c, x);
  memmove(&c->seen[1], &c->seen[0], 3 * sizeof c->seen[0]);
  c->seen[0].t = t, c->seen[0].r = r;
  return r;
}

bool table_index_locate(const table_index *ix, const value *ins, const uint64_t **sets) {
  for (int i = 0; i < ix->ncols; i++) {
    column *c = &ix->cols[i];
    const value *x = &ins[c->in];
    if (!of_kind(c, *x)) return false;
    sets[i] = c->bits + (size_t)region_of(c, x) * (size_t)ix->nwords;
  }
  return true;
}

int table_index_only(const table_index *ix, const value *ins) {
  if (!ix->only) return 0;
  column *c = &ix->cols[0];
  const value *x = &ins[c->in];
  return of_kind(c, *x) ? ix->only[region_of(c, x)] : 0;
}

int table_index_next(const table_index *ix, const uint64_t *const *sets, int from) {
  int w = from >> 6;
  if (from < 0 || w >= ix->nwords) return ix->nrows + 1;
  uint64_t m = ~(uint64_t)0 << (from & 63);
  for (;;) {
    uint64_t x = m;
    for (int i = 0; i < ix->ncols && x; i++) x &= sets[i][w];
    if (x) return w * 64 + __builtin_ctzll(x);
    if (++w >= ix->nwords) return ix->nrows + 1;
    m = ~(uint64_t)0;
  }
}

bool table_index_dirty(const table_index *ix, int row) { return ix->dirty[row >> 6] >> (row & 63) & 1; }
