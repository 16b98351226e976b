/* Name resolution: see resolve.h. */
#include "lang/resolve.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/gc.h"

typedef struct scope scope;
struct scope {
  scope *parent;
  node *owner;          /* non-NULL: this scope starts a frame; owner->nslots counts */
  int n, cap;
  const char **names;
  int *slots;
  /* most scopes hold a few names: those need no allocation */
  const char *few_names[4];
  int few_slots[4];
};

typedef struct R {
  globals *g;
  unit_reg *units;
  resolver_opts opts;
  diag *err;
  bool failed;
  bool *declared;       /* top-level: names defined so far (lets in order) */
  int ndeclared;
  int fn_depth;         /* >0 inside a fn/rule/table/lambda/test body */
  int nsites;           /* site numbers given so far (node.site) */
} R;

/* A site of its own for n: the evaluator keeps what it learns at n in
 * its module's site table, not in the tree (lang/ast.h). */
static void number_site(R *r, node *n) { n->site = ++r->nsites; }

/* A lambda in scope s keeps the frames of every function, lambda and
 * comprehension around it alive after they return: they must be on the
 * heap (eval/eval.c frame_may_be_on_stack).  Marking stops at an owner
 * already marked, whose own owners were marked with it. */
static void lambda_inside(scope *s) {
  for (; s; s = s->parent) {
    if (!s->owner) continue;
    if (s->owner->frames == 2) return;
    s->owner->frames = 2;
  }
}

/* a..b of two literals is a constant: a table cell like 0..9 is tested
 * on every evaluation, so it is made once, here; anything that would be
 * an error (mixed units, a text) is left for the evaluator to report. */
static void fold_range(node *n) {
  if (n->a->kind != N_LIT || n->b->kind != N_LIT) return;
  value a = n->a->lit, b = n->b->lit;
  if (!((a.tag == V_NUM && b.tag == V_NUM && unit_same_dim(a.unit, b.unit)) || (a.tag == V_DATE && b.tag == V_DATE)))
    return;
  range *g = gc_alloc(sizeof *g);
  g->lo = a;
  g->hi = b;
  g->lo_open = n->op & RANGE_LO_OPEN;
  g->hi_open = n->op & RANGE_HI_OPEN;
  n->lit = (value){.tag = V_RANGE};
  n->lit.as.range = g;
}

static uint32_t name_hash(const char *s) { return gc_hash(s, strlen(s)); }

int globals_find(const globals *g, const char *name) {
  if (!g->icap) return -1; /* nothing added yet */
  uint32_t mask = (uint32_t)g->icap - 1;
  for (uint32_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
    int k = g->index[i];
    if (!k) return -1;
    if (strcmp(g->names[k - 1], name) == 0) return k - 1;
  }
}

static void index_put(int *index, int icap, const char *name, int slot) {
  uint32_t mask = (uint32_t)icap - 1, i = name_hash(name) & mask;
  while (index[i]) i = (i + 1) & mask;
  index[i] = slot + 1;
}

int globals_add(globals *g, const char *name) {
  int i = globals_find(g, name);
  if (i >= 0) return i;
  if (g->n == g->cap) {
    int cap = g->cap ? g->cap * 2 : 32;
    const char **names = gc_alloc((size_t)cap * sizeof *names);
    node **decls = gc_alloc((size_t)cap * sizeof *decls);
    value *vals = gc_alloc((size_t)cap * sizeof *vals);
    bool *ready = gc_alloc((size_t)cap * sizeof *ready);
    for (int k = 0; k < g->n; k++) {
      names[k] = g->names[k];
      decls[k] = g->decls[k];
      vals[k] = g->vals[k];
      ready[k] = g->ready[k];
    }
    g->names = names;
    g->decls = decls;
    g->vals = vals;
    g->ready = ready;
    g->cap = cap;
  }
  /* at most half full, so probe sequences stay short */
  if (2 * (g->n + 1) > g->icap) {
    int icap = g->icap ? g->icap * 2 : 64;
    int *index = gc_alloc_atomic((size_t)icap * sizeof *index);
    for (int k = 0; k < g->n; k++) index_put(index, icap, g->names[k], k);
    g->index = index;
    g->icap = icap;
  }
  index_put(g->index, g->icap, name, g->n);
  g->names[g->n] = name;
  g->decls[g->n] = NULL;
  g->vals[g->n] = v_null;
  g->ready[g->n] = false;
  return g->n++;
}

static bool rerr(R *r, loc at, const char *hint, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool rerr(R *r, loc at, const char *hint, const char *fmt, ...) {
  if (r->failed) return false;
  r->failed = true;
  char buf[512];
  const char *code;
  fmt = diag_code(fmt, &code, "E0301");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  memset(r->err, 0, sizeof *r->err);
  r->err->kind = DIAG_RESOLVE;
  r->err->code = code;
  r->err->msg = gc_strdup(buf);
  r->err->hint = hint;
  r->err->at = at;
  return false;
}

static void mark_declared(R *r, int slot) {
  if (slot >= r->ndeclared) {
    int n = r->ndeclared ? r->ndeclared : 32;
    while (n <= slot) n *= 2;
    bool *d = gc_alloc_atomic((size_t)n);
    if (r->ndeclared) memcpy(d, r->declared, (size_t)r->ndeclared);
    r->declared = d;
    r->ndeclared = n;
  }
  r->declared[slot] = true;
}

static bool is_declared(R *r, int slot) { return slot < r->ndeclared && r->declared[slot]; }

static int scope_add(scope *s, const char *name) {
  /* find the frame owner to allocate a slot */
  scope *f = s;
  while (!f->owner) f = f->parent;
  int slot = f->owner->nslots++;
  if (s->n == s->cap && !s->cap) {
    s->names = s->few_names;
    s->slots = s->few_slots;
    s->cap = 4;
  } else if (s->n == s->cap) {
    int cap = s->cap * 2;
    const char **names = gc_alloc((size_t)cap * sizeof *names);
    int *slots = gc_alloc_atomic((size_t)cap * sizeof *slots);
    for (int i = 0; i < s->n; i++) { names[i] = s->names[i]; slots[i] = s->slots[i]; }
    s->names = names;
    s->slots = slots;
    s->cap = cap;
  }
  s->names[s->n] = name;
  s->slots[s->n] = slot;
  s->n++;
  return slot;
}

static bool scope_find(scope *s, const char *name, int *up, int *slot) {
  int u = 0;
  for (; s; s = s->parent) {
    for (int i = s->n - 1; i >= 0; i--)
      if (strcmp(s->names[i], name) == 0) { *up = u; *slot = s->slots[i]; return true; }
    if (s->owner) u++;
  }
  return false;
}

static const builtin *find_builtin(const R *r, const char *name) {
  return r->opts.builtins ? r->opts.builtins->find(name) : NULL;
}

/* Names visible at a point, for "did you mean". */
static const char *suggest(R *r, scope *s, const char *name) {
  /* room for every candidate: builtin_names returns how many builtins
   * exist, not how many fitted, so a short array was read past its end */
  int nb = r->opts.builtins ? r->opts.builtins->names(NULL, 0) : 0, cap = r->g->n + nb, n = 0;
  for (scope *t = s; t; t = t->parent) cap += t->n;
  const char **c = gc_alloc((size_t)cap * sizeof *c);
  for (; s; s = s->parent)
    for (int i = 0; i < s->n; i++) c[n++] = s->names[i];
  for (int i = 0; i < r->g->n; i++) c[n++] = r->g->names[i];
  if (nb) n += r->opts.builtins->names(c + n, nb);
  const char *best = diag_nearest(name, c, n);
  if (!best) return NULL;
  char buf[256];
  snprintf(buf, sizeof buf, "did you mean '%s'?", best);
  return gc_strdup(buf);
}

static void expr(R *r, node *n, scope *s);
static void stmts(R *r, node *blk, scope *s);

static void name_ref(R *r, node *n, scope *s) {
  int up, slot;
  if (scope_find(s, n->name, &up, &slot)) {
    n->refkind = REF_LOCAL;
    n->up = up;
    n->slot = slot;
    return;
  }
  int g = globals_find(r->g, n->name);
  if (g >= 0 && (r->fn_depth > 0 || is_declared(r, g) || r->opts.repl)) {
    n->refkind = REF_GLOBAL;
    n->slot = g;
    n->ref = r->g->decls[g];
    return;
  }
  const builtin *b = find_builtin(r, n->name);
  if (b) {
    n->refkind = REF_BUILTIN;
    n->ref = b;
    return;
  }
  if (unit_lookup(r->units, n->name)) {
    n->refkind = REF_UNIT;
    n->ref = unit_from_def(unit_lookup(r->units, n->name));
    return;
  }
  if (g >= 0) {
    rerr(r, n->at, "move the definition above its first use", "E0302 '%s' is used before it is defined", n->name);
    return;
  }
  if (!strcmp(n->name, "assert_error")) {
    rerr(r, n->at, "write assert_error(expression, \"code or message part\") on a line of its own, in a test block",
         "E0301 assert_error is a statement, not a value");
    return;
  }
  rerr(r, n->at, suggest(r, s, n->name), "E0301 undefined name '%s'", n->name);
}

/* Arity check of a call to a known function (SPEC 10: exit 2). */
static void check_arity(R *r, node *call) {
  node *f = call->a;
  int pos = 0, named = 0;
  for (int i = 0; i < call->nkids; i++) {
    if (call->kids[i]->kind == N_NAMED) named++;
    else {
      if (named) { rerr(r, call->kids[i]->at, NULL, "E0304 positional argument after a named one"); return; }
      pos++;
    }
  }
  if (f->kind != N_NAME) return;
  /* a host's native function (svl_register), bound before the file loaded */
  const builtin *native = f->refkind == REF_GLOBAL && !f->ref && r->g->vals[f->slot].tag == V_BUILTIN
                              ? r->g->vals[f->slot].as.builtin : NULL;
  if (f->refkind == REF_BUILTIN || native) {
    const builtin *b = native ? native : f->ref;
    int total = pos + named;
    if (total < b->min_args || (b->max_args >= 0 && total > b->max_args)) {
      char hint[160];
      snprintf(hint, sizeof hint, "%s(%s)", b->name, b->params ? b->params : "");
      if (b->min_args == b->max_args)
        rerr(r, call->at, gc_strdup(hint), "E0304 %s takes %d argument%s, got %d", b->name, b->min_args, b->min_args == 1 ? "" : "s", total);
      else if (b->max_args < 0)
        rerr(r, call->at, gc_strdup(hint), "E0304 %s takes at least %d argument%s, got %d", b->name, b->min_args, b->min_args == 1 ? "" : "s", total);
      else
        rerr(r, call->at, gc_strdup(hint), "E0304 %s takes %d to %d arguments, got %d", b->name, b->min_args, b->max_args, total);
      return;
    }
    /* a misspelt parameter name is caught here, before anything runs, as
     * for the file's own functions */
    for (int i = 0; i < call->nkids; i++) {
      node *a = call->kids[i];
      if (a->kind != N_NAMED) continue;
      if (builtin_param(b, a->name, NULL, 0, NULL) >= 0) continue;
      /* a misspelling: only now list the names for "did you mean" */
      const char *names[16];
      int count;
      builtin_param(b, a->name, names, 16, &count);
      const char *best = diag_nearest(a->name, names, count < 16 ? count : 16);
      char hint2[160];
      if (best) snprintf(hint2, sizeof hint2, "did you mean '%s'?", best);
      else snprintf(hint2, sizeof hint2, "%s(%s)", b->name, b->params ? b->params : "");
      rerr(r, a->at, gc_strdup(hint2), "E0304 %s has no parameter '%s'", b->name, a->name);
      return;
    }
    return;
  }
  if (f->refkind != REF_GLOBAL || !f->ref) return;
  node *d = (node *)f->ref;
  if (d->kind != N_FN && d->kind != N_RULE && d->kind != N_TABLE) return;
  int np = d->nkids, required = 0;
  for (int i = 0; i < np; i++)
    if (!d->kids[i]->b) required = i + 1;
  if (pos > np) {
    rerr(r, call->at, NULL, "E0304 %s takes %d argument%s, got %d", d->name, np, np == 1 ? "" : "s", pos + named);
    return;
  }
  bool given[256] = {false};
  for (int i = 0; i < pos && i < 256; i++) given[i] = true;
  for (int i = 0; i < call->nkids; i++) {
    node *a = call->kids[i];
    if (a->kind != N_NAMED) continue;
    int k = -1;
    for (int j = 0; j < np; j++)
      if (strcmp(d->kids[j]->name, a->name) == 0) k = j;
    if (k < 0) {
      const char **c = gc_alloc((size_t)(np + 1) * sizeof *c);
      for (int j = 0; j < np; j++) c[j] = d->kids[j]->name;
      const char *best = diag_nearest(a->name, c, np);
      char hint[128];
      if (best) snprintf(hint, sizeof hint, "did you mean '%s'?", best);
      rerr(r, a->at, best ? gc_strdup(hint) : NULL, "E0304 %s has no parameter '%s'", d->name, a->name);
      return;
    }
    if (k < 256 && given[k]) { rerr(r, a->at, NULL, "E0304 argument '%s' given twice", a->name); return; }
    if (k < 256) given[k] = true;
  }
  for (int i = 0; i < required && i < 256; i++)
    if (!given[i] && !d->kids[i]->b) {
      rerr(r, call->at, NULL, "E0304 %s takes %d argument%s, got %d (missing '%s')", d->name, required,
           required == 1 ? "" : "s", pos + named, d->kids[i]->name);
      return;
    }
}

static const unit_t *unit_ref(R *r, node *at, const char *name) {
  const unit_def *d = unit_lookup(r->units, name);
  if (!d) {
    rerr(r, at->at, "declare it first: unit NAME", "E0305 unknown unit '%s'", name);
    return NULL;
  }
  return unit_from_def(d);
}

/* A new frame scope owned by n (function-like nodes). */
static scope frame_scope(scope *parent, node *owner) {
  scope s;
  memset(&s, 0, sizeof s);
  s.parent = parent;
  s.owner = owner;
  owner->nslots = 0;
  return s;
}

static void params(R *r, node *fn, scope *s) {
  for (int i = 0; i < fn->nkids; i++) {
    node *p = fn->kids[i];
    for (int j = 0; j < i; j++)
      if (strcmp(fn->kids[j]->name, p->name) == 0) { rerr(r, p->at, NULL, "E0303 parameter '%s' declared twice", p->name); return; }
    p->slot = scope_add(s, p->name);
  }
  /* defaults may use earlier parameters; types are checked at the call */
  for (int i = 0; i < fn->nkids; i++) {
    node *p = fn->kids[i];
    if (p->a) {
      diag e = {0};
      p->ref = resolve_type(p->a, r->g, r->units, &e);
      if (!p->ref) { if (!r->failed) { r->failed = true; *r->err = e; } return; }
    }
    if (p->b) expr(r, p->b, s);
  }
}

static void expr(R *r, node *n, scope *s) {
  if (!n || r->failed) return;
  /* An expression nests as deep as its source (a chain of 100 unary
   * minus signs): on a small thread stack, with ASan's frames, that ran
   * off the end (a fuzz_deep finding).  The floor is the evaluator's
   * (core/value.h), set by the API for the call. */
  char here;
  if (value_stack_floor && (uintptr_t)&here < (uintptr_t)value_stack_floor) {
    rerr(r, n->at, "split the expression with let", "E0804 expression nested too deep for the stack left");
    return;
  }
  if (n->kind == N_FIELD || n->kind == N_RECORD || n->kind == N_WITH) number_site(r, n);
  switch (n->kind) {
  case N_LIT: return;
  case N_RANGE:
    expr(r, n->a, s);
    expr(r, n->b, s);
    if (!r->failed) fold_range(n);
    return;
  case N_QTY:
    if (n->name) n->ref = unit_ref(r, n, n->name);
    if (n->name2) {
      const unit_t *per = unit_ref(r, n, n->name2);
      if (!per) return;
      dec k;
      const unit_t *u = unit_div(n->ref, per, &k);
      if (u == UNIT_TOO_COMPLEX) { rerr(r, n->at, NULL, "E0305 unit too complex"); return; }
      n->ref = u;
      n->lit = v_num(k);
    }
    return;
  case N_NAME: name_ref(r, n, s); return;
  case N_STR: case N_LIST:
    for (int i = 0; i < n->nkids; i++) expr(r, n->kids[i], s);
    return;
  case N_RECORD:
    for (int i = 0; i < n->nkids; i++) {
      for (int j = 0; j < i; j++)
        if (strcmp(n->kids[i]->name, n->kids[j]->name) == 0) {
          rerr(r, n->kids[i]->at, NULL, "E0303 field '%s' given twice", n->kids[i]->name);
          return;
        }
      expr(r, n->kids[i]->a, s);
    }
    return;
  case N_CALL:
    expr(r, n->a, s);
    for (int i = 0; i < n->nkids; i++) expr(r, n->kids[i]->kind == N_NAMED ? n->kids[i]->a : n->kids[i], s);
    if (!r->failed) check_arity(r, n);
    return;
  case N_AS:
    expr(r, n->a, s);
    if (strcmp(n->name, "percent") != 0 && strcmp(n->name, "number") != 0) n->ref = unit_ref(r, n, n->name);
    return;
  case N_COMP: {
    number_site(r, n); /* the evaluator keeps its compiled item and filter there */
    expr(r, n->b, s);
    scope cs = frame_scope(s, n);
    n->slot = scope_add(&cs, n->name);
    r->fn_depth++;
    expr(r, n->c, &cs);
    expr(r, n->a, &cs);
    r->fn_depth--;
    return;
  }
  case N_LAMBDA: {
    number_site(r, n);
    lambda_inside(s);
    scope fs = frame_scope(s, n);
    params(r, n, &fs);
    r->fn_depth++;
    expr(r, n->a, &fs);
    r->fn_depth--;
    return;
  }
  case N_BLOCK: {
    scope bs;
    memset(&bs, 0, sizeof bs);
    bs.parent = s;
    stmts(r, n, &bs);
    expr(r, n->a, &bs);
    return;
  }
  case N_BIN: case N_AND: case N_OR: {
    /* a chain a + b + c ...: down its left operands without recursion,
     * then the right operands left to right */
    size_t len = 0;
    for (node *k = n; k == n || ast_chain_link(n, k); k = k->a) len++;
    node **spine = gc_alloc(len * sizeof *spine);
    size_t i = len;
    for (node *k = n; k == n || ast_chain_link(n, k); k = k->a) spine[--i] = k;
    expr(r, spine[0]->a, s);
    for (i = 0; i < len; i++) expr(r, spine[i]->b, s);
    return;
  }
  default:
    expr(r, n->a, s);
    expr(r, n->b, s);
    expr(r, n->c, s);
    return;
  }
}

/* Statements of a block, test or rule body, in a scope of the current frame. */
static void stmts(R *r, node *blk, scope *s) {
  for (int i = 0; i < blk->nkids && !r->failed; i++) {
    node *st = blk->kids[i];
    switch (st->kind) {
    case N_LET:
      expr(r, st->a, s);
      st->slot = scope_add(s, st->name);
      break;
    case N_FN: case N_RULE: case N_TABLE: case N_UNIT: case N_TYPE: case N_INDICATOR: case N_IMPORT: case N_TEST:
    case N_REPORT:
      rerr(r, st->at, NULL, "E0204 declarations are only allowed at the top level");
      break;
    default:
      if (st->kind == N_REQUIRE || st->kind == N_WARN) number_site(r, st); /* coverage */
      expr(r, st->a, s);
      expr(r, st->b, s);
      break;
    }
  }
}

static void fn_body(R *r, node *d) {
  number_site(r, d);
  scope fs = frame_scope(NULL, d);
  params(r, d, &fs);
  r->fn_depth++;
  if (d->kind == N_FN) {
    expr(r, d->a, &fs);
  } else if (d->kind == N_RULE) {
    stmts(r, d->a, &fs);
  } else if (d->kind == N_TABLE) {
    node *rows = d->a;
    node *hdr = rows->kids[0];
    node *ins = hdr->a, *outs = hdr->b;
    d->ninputs = ins->nkids;
    for (int i = 0; i < ins->nkids; i++) {
      node *cell = ins->kids[i];
      if (cell->op == OP_ANY || cell->nkids != 1 || cell->kids[0]->op != OP_EQ) {
        rerr(r, cell->at, "a header cell names an input: a parameter or an expression over them", "E0604 bad table header");
        break;
      }
      expr(r, cell->kids[0]->b, &fs);
    }
    bool ordered = false, ranks = d->op == HIT_PRIORITY || d->op == HIT_OUTPUT_ORDER;
    for (int i = 0; i < outs->nkids && !r->failed; i++) {
      node *h = outs->kids[i];
      if (h->kind != N_NAME) {
        rerr(r, h->at, NULL, "E0604 an output column header must be a name");
      } else if (h->a) { /* | rating: Rating |: the order of the outputs */
        diag e = {0};
        const vtype *t = resolve_type(h->a, r->g, r->units, &e);
        if (!t) { if (!r->failed) { r->failed = true; *r->err = e; } break; }
        if (!ranks || t->kind != T_ENUM)
          rerr(r, h->at, "type Rating = \"high\" | \"medium\" | \"low\" lists a column's outputs, highest priority first",
               "E0604 table %s: an output column's type orders its outputs under hit priority and hit output order; "
               "it must be an enumeration", d->name);
        h->ref = t;
        ordered = true;
      }
    }
    if (ranks && !ordered && !r->failed)
      rerr(r, outs->at, "declare the outputs in priority order, type Rating = \"high\" | \"medium\" | \"low\", and name it in the header: | rating: Rating |",
           "E0604 table %s: hit %s needs an output column typed by an enumeration, whose order ranks the outputs", d->name,
           d->op == HIT_PRIORITY ? "priority" : "output order");
    if (d->b && !r->failed) { /* | else || ... | */
      number_site(r, d->b);
      if (d->b->b->nkids != outs->nkids)
        rerr(r, d->b->at, NULL, "E0604 table %s: the else row has %d output cells; the header has %d", d->name, d->b->b->nkids, outs->nkids);
      else if (d->op == HIT_COLLECT_COUNT)
        rerr(r, d->b->at, "collect count counts the matching rows: 0 when none matches", "E0604 table %s: an else row has no meaning under collect count", d->name);
      for (int i = 0; i < d->b->b->nkids && !r->failed; i++) expr(r, d->b->b->kids[i], &fs);
    }
    for (int k = 1; k < rows->nkids && !r->failed; k++) {
      node *row = rows->kids[k];
      number_site(r, row);
      if (row->a->nkids != ins->nkids || row->b->nkids != outs->nkids) {
        rerr(r, row->at, NULL, "E0604 table %s: row %d has %d input and %d output cells; the header has %d and %d",
             d->name, k, row->a->nkids, row->b->nkids, ins->nkids, outs->nkids);
        break;
      }
      for (int i = 0; i < row->a->nkids; i++) {
        node *cell = row->a->kids[i];
        for (int j = 0; j < cell->nkids; j++) {
          node *t = cell->kids[j];
          if (t->kind == N_NOT) {
            node *inner = t->a;
            for (int q = 0; q < inner->nkids; q++) expr(r, inner->kids[q]->kind == N_BIN ? inner->kids[q]->b : inner->kids[q], &fs);
          } else {
            expr(r, t->b, &fs);
          }
        }
      }
      for (int i = 0; i < row->b->nkids; i++) {
        if (row->b->kids[i]->kind == N_NAME && row->b->kids[i]->a)
          rerr(r, row->b->kids[i]->at, NULL, "E0604 table %s: only the header names an output column's type", d->name);
        expr(r, row->b->kids[i], &fs);
      }
    }
  }
  r->fn_depth--;
}

/* An E0305 in *err, every other field of it cleared: a caller's diag may
 * be an uninitialised local, and a stale note once reached diag_render
 * (a fuzz_eval finding). */
static const vtype *type_error(diag *err, loc at, const char *msg, const char *hint) {
  memset(err, 0, sizeof *err);
  err->kind = DIAG_RESOLVE;
  err->code = "E0305";
  err->msg = msg;
  err->hint = hint;
  err->at = at;
  return NULL;
}

const vtype *resolve_type(node *te, const globals *g, unit_reg *units, diag *err) {
  vtype *t = gc_alloc(sizeof *t);
  t->opt = te->opt;
  if (te->kind == N_FIELDDEF) te = te->a;
  if (te->op == 1) { /* an enumeration: its members, all numbers or all texts */
    t->kind = T_ENUM;
    t->nvals = te->nkids;
    value *vals = gc_alloc((size_t)te->nkids * sizeof *vals);
    for (int i = 0; i < te->nkids; i++) {
      vals[i] = te->kids[i]->lit;
      const char *why = vals[i].tag != vals[0].tag ? "the members of an enumeration are all numbers or all texts"
                      : vals[i].tag == V_NUM && vals[i].pct ? "a member of an enumeration is a plain number or a text"
                      : NULL;
      for (int j = 0; j < i && !why; j++)
        if (value_equal(vals[j], vals[i])) why = "a member is listed twice";
      if (why) return type_error(err, te->kids[i]->at, gc_strdup(why), "write type Name = 1 | 2 | 3 or type Name = \"a\" | \"b\"");
    }
    t->vals = vals;
    return t;
  }
  if (te->name) {
    const char *nm = te->name;
    if (!strcmp(nm, "number")) t->kind = T_NUMBER;
    else if (!strcmp(nm, "int")) t->kind = T_INT;
    else if (!strcmp(nm, "quantity")) t->kind = T_QUANTITY;
    else if (!strcmp(nm, "percent")) { t->kind = T_PERCENT; t->fraction = te->name2 != NULL; }
    else if (!strcmp(nm, "text")) t->kind = T_TEXT;
    else if (!strcmp(nm, "bool")) t->kind = T_BOOL;
    else if (!strcmp(nm, "date")) t->kind = T_DATE;
    else if (!strcmp(nm, "any")) t->kind = T_ANY;
    else if (unit_lookup(units, nm)) { t->kind = T_UNIT; t->unit = unit_from_def(unit_lookup(units, nm)); }
    else {
      int k = g ? globals_find(g, nm) : -1;
      if (k >= 0 && g->decls[k] && g->decls[k]->kind == N_TYPE && g->decls[k]->ref) {
        const vtype *named = g->decls[k]->ref;
        if (!te->opt) return named;
        *t = *named;
        t->opt = true;
        return t;
      }
      char buf[200];
      snprintf(buf, sizeof buf, "unknown type '%s'", nm);
      return type_error(err, te->at, gc_strdup(buf), "types are number, int, percent, text, bool, date, a unit name, "
                        "quantity, [T], a type name, 1 | 2 | 3, and T? for optional");
    }
    return t;
  }
  if (te->a) {
    t->kind = T_LIST;
    t->elem = resolve_type(te->a, g, units, err);
    return t->elem ? t : NULL;
  }
  t->kind = T_RECORD;
  t->open = te->op == 2;
  t->nfields = te->nkids;
  t->fnames = gc_alloc((size_t)(te->nkids + 1) * sizeof *t->fnames);
  t->ftypes = gc_alloc((size_t)(te->nkids + 1) * sizeof *t->ftypes);
  for (int i = 0; i < te->nkids; i++) {
    t->fnames[i] = te->kids[i]->name;
    t->ftypes[i] = resolve_type(te->kids[i]->a, g, units, err);
    if (!t->ftypes[i]) return NULL;
  }
  return t;
}

static bool declares_global(node *d) {
  switch (d->kind) {
  case N_LET: case N_FN: case N_RULE: case N_TABLE: case N_TYPE: case N_INDICATOR: case N_IMPORT: case N_REPORT:
    return true;
  default: return false;
  }
}

bool resolve_program(node *prog, globals *g, unit_reg *units, resolver_opts opts, diag *err) {
  R r;
  memset(&r, 0, sizeof r);
  r.g = g;
  r.units = units;
  r.opts = opts;
  r.err = err;
  int first_new = g->n;
  /* Pass 1: every top-level name gets a slot; duplicates are errors. */
  for (int i = 0; i < prog->nkids && !r.failed; i++) {
    node *d = prog->kids[i];
    if (!declares_global(d)) continue;
    int existing = globals_find(g, d->name);
    if (existing >= 0 && !opts.repl) {
      node *prev = g->decls[existing];
      if (existing >= first_new || prev) {
        int line = 0, col = 0;
        if (prev && prev->at.src) loc_line_col(prev->at.src, prev->at.start, &line, &col);
        char hint[128];
        snprintf(hint, sizeof hint, "'%s' was first defined on line %d", d->name, line);
        rerr(&r, d->at, prev ? gc_strdup(hint) : NULL, "E0303 '%s' is defined twice", d->name);
        break;
      }
    }
    d->slot = globals_add(g, d->name);
    g->decls[d->slot] = d;
    if (d->kind == N_FN || d->kind == N_RULE || d->kind == N_TABLE) mark_declared(&r, d->slot);
  }
  /* names bound by the host (--input) and earlier REPL lines are visible */
  for (int i = 0; i < first_new; i++) mark_declared(&r, i);
  /* Pass 2: in order. */
  for (int i = 0; i < prog->nkids && !r.failed; i++) {
    node *d = prog->kids[i];
    scope top;
    memset(&top, 0, sizeof top);
    switch (d->kind) {
    case N_LET: expr(&r, d->a, NULL); mark_declared(&r, d->slot); break;
    case N_FN: case N_RULE: case N_TABLE: fn_body(&r, d); break;
    case N_UNIT: {
      dec factor = dec_from_int(1);
      const unit_t *of = NULL;
      if (d->a) {
        factor = d->a->a->lit.as.num;
        of = unit_ref(&r, d->a, d->a->name);
        if (!of) break;
      }
      const char *e = NULL;
      if (opts.repl && unit_lookup(units, d->name)) break; /* re-declaring in the REPL is harmless */
      /* Units are shared by a program and its imports: the same declaration
       * in a module and in the file that imports it is one unit. */
      if (unit_lookup(units, d->name) && unit_same_declaration(unit_lookup(units, d->name), d->name2, factor, of)) break;
      if (!unit_declare(units, d->name, d->name2, factor, of, &e))
        rerr(&r, d->at, NULL, "E0305 %s", e ? e : "bad unit declaration");
      break;
    }
    case N_TYPE: {
      diag e = {0};
      const vtype *t = resolve_type(d->a, g, units, &e);
      if (!t) { r.failed = true; *err = e; break; }
      if (t->kind != T_RECORD && t->kind != T_ENUM) { rerr(&r, d->a->at, "write type Name = {field: type, ...} or type Name = 1 | 2 | 3", "E0305 a type declaration must be a record or an enumeration"); break; }
      vtype *named = gc_alloc(sizeof *named);
      *named = *t;
      named->name = d->name;
      d->ref = named;
      mark_declared(&r, d->slot);
      break;
    }
    case N_INDICATOR:
      for (int k = 0; k < d->a->nkids; k++) {
        node *f = d->a->kids[k];
        if (strcmp(f->name, "unit") == 0 && f->a->kind == N_NAME) {
          f->a->ref = unit_ref(&r, f->a, f->a->name);
          f->a->refkind = REF_UNIT;
        } else {
          expr(&r, f->a, NULL);
        }
      }
      mark_declared(&r, d->slot);
      break;
    case N_IMPORT: mark_declared(&r, d->slot); break;
    case N_REPORT: expr(&r, d->a, NULL); mark_declared(&r, d->slot); break;
    case N_TEST: {
      scope ts = frame_scope(NULL, d);
      r.fn_depth++;
      stmts(&r, d, &ts);
      r.fn_depth--;
      break;
    }
    default:
      expr(&r, d->a, NULL);
      expr(&r, d->b, NULL);
      break;
    }
  }
  if (opts.nsites) *opts.nsites = r.nsites;
  return !r.failed;
}
