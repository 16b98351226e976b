/* Dated tables: the rewriting described in lang/dated.h.  A table's
 * validity periods become one ordinary input column over a date
 * parameter, so every later pass treats a dated table as the hit-unique
 * table it is. */
#include "lang/dated.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/gc.h"

static node *mk(node_arena *a, int kind, loc at, node *x, node *y) {
  node *n = node_new(a, kind, at);
  n->a = x;
  n->b = y;
  int d = 0;
  if (x && x->depth > d) d = x->depth;
  if (y && y->depth > d) d = y->depth;
  n->depth = (uint16_t)(d + 1);
  return n;
}

/* a cell holding one test: `value` (op OP_EQ) or `>= value`... */
static node *cell(node_arena *a, loc at, int op, node *x) {
  node *test = mk(a, N_BIN, at, NULL, x);
  test->op = (uint8_t)op;
  node *c = node_new(a, N_LIST, at);
  node_add(a, c, test);
  c->depth = (uint16_t)(test->depth + 1);
  return c;
}

static loc span(loc x, loc y) {
  loc r = {x.src, x.start, y.end};
  return r;
}

static bool fail(dated_err *e, loc at, const char *msg, const char *hint) {
  e->at = at;
  e->msg = msg;
  e->hint = hint;
  return false;
}

/* The one value a from or until cell holds; NULL for `-`.  *ok false for
 * anything else (a range, a comparison, several values). */
static node *bound(const node *c, bool *ok) {
  *ok = true;
  if (c->op == OP_ANY) return NULL;
  if (c->nkids == 1 && c->kids[0]->kind == N_BIN && c->kids[0]->op == OP_EQ && !c->kids[0]->a &&
      c->kids[0]->b->kind != N_RANGE)
    return c->kids[0]->b;
  *ok = false;
  return NULL;
}

static bool header_is(const node *c, const char *word) {
  bool ok;
  const node *x = bound(c, &ok);
  return x && x->kind == N_NAME && !strcmp(x->name, word);
}

static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int n = vsnprintf(NULL, 0, f, ap);
  va_end(ap);
  char *s = gc_alloc_atomic((size_t)(n > 0 ? n : 0) + 1);
  va_start(ap, f);
  vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, f, ap);
  va_end(ap);
  return s;
}

bool dated_table(node_arena *a, node *t, loc as_of, dated_err *e) {
  node *rows = t->a, *hdr = rows->kids[0]->a;
  if (!hdr || hdr->nkids == 0 || !header_is(hdr->kids[0], "from"))
    return fail(e, rows->kids[0]->at,
                fmt("E0604 table %s as of: the first input column must be | from |, the first day each row is in force", t->name),
                "| from | until || value | (until, the last day, may be left out: a row then runs until the next row's from)");
  bool until = hdr->nkids > 1 && header_is(hdr->kids[1], "until");
  int ncut = until ? 2 : 1;
  for (int i = 0; i < t->nkids; i++)
    if (!strcmp(t->kids[i]->name, "on"))
      return fail(e, t->kids[i]->at, "E0204 a dated table has its own parameter 'on', the date: rename this one", NULL);
  /* the date parameter, last: on: date = as_of("t") */
  node *ty = node_new(a, N_TYPEEXPR, as_of);
  ty->name = "date";
  node *fname = node_new(a, N_NAME, as_of);
  fname->name = "as_of";
  node *what = node_new(a, N_LIT, as_of);
  what->lit = v_text(t->name, strlen(t->name));
  node *call = mk(a, N_CALL, as_of, fname, NULL);
  node_add(a, call, what);
  node *p = mk(a, N_PARAM, as_of, ty, call);
  p->name = "on";
  node_add(a, t, p);
  /* the header: one column `on` for from (and until) */
  node *on = node_new(a, N_NAME, span(hdr->kids[0]->at, hdr->kids[ncut - 1]->at));
  on->name = "on";
  node *nh = node_new(a, N_LIST, hdr->at);
  node_add(a, nh, cell(a, on->at, OP_EQ, on));
  for (int i = ncut; i < hdr->nkids; i++) node_add(a, nh, hdr->kids[i]);
  rows->kids[0]->a = nh;
  t->c = on;
  t->opt = true;
  int nrows = rows->nkids - 1;
  for (int r = 1; r <= nrows; r++) {
    node *in = rows->kids[r]->a;
    if (in->nkids != hdr->nkids)
      return fail(e, rows->kids[r]->at, fmt("E0604 table %s: row %d has %d input cells; the header has %d", t->name, r, in->nkids, hdr->nkids), NULL);
    bool ok1, ok2 = true;
    node *from = bound(in->kids[0], &ok1), *to = until ? bound(in->kids[1], &ok2) : NULL;
    if (!ok1 || !ok2)
      return fail(e, in->kids[ok1 ? 1 : 0]->at,
                  fmt("E0604 table %s: row %d: a from or until cell holds one date, or - for an open end", t->name, r),
                  "| date(\"2026-01-01\") | - || ... |");
    if (!until && r < nrows) {
      /* from only: in force until the day before the next row's from */
      bool okn;
      to = bound(rows->kids[r + 1]->a->kids[0], &okn);
      if (!to && okn)
        return fail(e, rows->kids[r + 1]->a->kids[0]->at,
                    fmt("E0604 table %s: row %d: only the first row may start with - (since always)", t->name, r + 1),
                    "give each later row the day it comes into force");
    }
    loc at = span(in->kids[0]->at, in->kids[ncut - 1]->at);
    node *c;
    if (from && to) {
      node *range = mk(a, N_RANGE, at, from, to);
      if (!until) range->op = RANGE_HI_OPEN;
      c = cell(a, at, OP_EQ, range);
    } else if (from) {
      c = cell(a, at, OP_GE, from);
    } else if (to) {
      c = cell(a, at, until ? OP_LE : OP_LT, to);
    } else {
      c = node_new(a, N_LIST, at);
      c->op = OP_ANY;
    }
    node *ni = node_new(a, N_LIST, in->at);
    node_add(a, ni, c);
    for (int i = ncut; i < in->nkids; i++) node_add(a, ni, in->kids[i]);
    ni->depth = in->depth + 2;
    rows->kids[r]->a = ni;
  }
  return true;
}

int dated_column(const node *d) {
  const node *hdr = d->a->kids[0]->a;
  for (int i = 0; hdr && i < hdr->nkids; i++)
    if (hdr->kids[i]->nkids == 1 && hdr->kids[i]->kids[0]->b == d->c) return i;
  return -1;
}
