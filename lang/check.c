/* svl check: the walk over a resolved program (see check.h).
 *
 * One walk does three jobs, because all three need to know, at each name,
 * which declaration it refers to:
 *  - it marks every declaration that is referred to (unused names);
 *  - it works out what is known before running about each expression's
 *    value (a number of a known unit, a text, a date...) and reports the
 *    operations that would certainly fail on such values (unit mismatches);
 *  - at each `hit unique` table it hands the columns to check_table.c.
 *
 * Frames mirror the resolver's: every function-like node (fn, rule, table,
 * lambda, comprehension, test) owns one, parameters and lets take slots in
 * it, and a local reference says how many frames out it reaches (`up`).
 * The walk never guesses: anything not known before running is S_UNKNOWN,
 * and nothing is reported about it. */
#include "lang/check_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/gc.h"
#include "lang/percent_hint.h"

typedef struct frm {
  const node *owner;
  int n;
  bool *used;
  const node **decl;   /* N_PARAM, N_LET, or NULL (comprehension variables) */
  sty *ty;
  int cap;             /* room in the arrays, kept for the next frame at this depth */
} frm;

struct checker {
  findings *out;
  const char *file;
  frm *frames;
  int nframes, capframes;
  /* top-level names by global slot */
  bool *gused;
  sty *gty;
  uint8_t *gstate;     /* 0 not yet known, 1 being worked out, 2 known */
  int nglobals;
  int cur_global;      /* slot of the declaration being walked (self-use is no use) */
  int quiet;           /* >0: working out a let's type out of order: report nothing */
};

static const sty unknown = {S_UNKNOWN, false, NULL, false};

/* ---- findings ---- */

void findings_add(findings *f, check_severity sev, const diag *d, const char *file, const char *example) {
  GC_GROW(f->items, f->n, f->cap, 16);
  finding *x = &f->items[f->n];
  x->sev = sev;
  x->d = *d;
  x->file = file;
  x->example = example;
  x->seq = f->n++;
}

static int by_position(const void *pa, const void *pb) {
  const finding *a = pa, *b = pb;
  uint32_t x = a->d.at.src ? a->d.at.start : 0, y = b->d.at.src ? b->d.at.start : 0;
  if (x != y) return x < y ? -1 : 1;
  return (a->seq > b->seq) - (a->seq < b->seq);
}

void findings_sort(findings *f, int from) {
  if (from < f->n) qsort(f->items + from, (size_t)(f->n - from), sizeof *f->items, by_position);
}

void findings_promote_warnings(findings *f) {
  for (int i = 0; i < f->n; i++)
    if (f->items[i].sev == CHECK_WARNING) f->items[i].sev = CHECK_ERROR;
}

void findings_count(const findings *f, int *errors, int *warnings) {
  int e = 0, w = 0;
  for (int i = 0; i < f->n; i++) {
    if (f->items[i].sev == CHECK_ERROR) e++;
    else if (f->items[i].sev == CHECK_WARNING) w++;
  }
  if (errors) *errors = e;
  if (warnings) *warnings = w;
}

static const char *sev_name(check_severity s) {
  return s == CHECK_ERROR ? "error" : s == CHECK_WARNING ? "warning" : "note";
}

const char *findings_text(const findings *f) {
  sbuf b;
  sb_init(&b);
  for (int i = 0; i < f->n; i++) sb_puts(&b, diag_render_as(&f->items[i].d, sev_name(f->items[i].sev)));
  return b.s ? b.s : "";
}

static void json_field(sbuf *b, const char *key, const char *s) {
  sb_printf(b, ", \"%s\": ", key);
  if (s) sb_json_string(b, s, strlen(s));
  else sb_puts(b, "null");
}

const char *findings_json(const findings *f) {
  sbuf b;
  sb_init(&b);
  sb_puts(&b, "[");
  for (int i = 0; i < f->n; i++) {
    const finding *x = &f->items[i];
    int line = 0, col = 0, eline = 0, ecol = 0;
    if (x->d.at.src) {
      loc_line_col(x->d.at.src, x->d.at.start, &line, &col);
      loc_line_col(x->d.at.src, x->d.at.end > x->d.at.start ? x->d.at.end : x->d.at.start, &eline, &ecol);
    }
    sb_puts(&b, i ? ",\n  {\"file\": " : "\n  {\"file\": ");
    const char *file = x->file ? x->file : x->d.at.src ? x->d.at.src->name : "";
    sb_json_string(&b, file, strlen(file));
    sb_printf(&b, ", \"line\": %d, \"column\": %d, \"end_line\": %d, \"end_column\": %d", line, col, eline, ecol);
    json_field(&b, "severity", sev_name(x->sev));
    json_field(&b, "code", x->d.code ? x->d.code : "");
    json_field(&b, "message", x->d.msg ? x->d.msg : "");
    json_field(&b, "hint", x->d.hint);
    json_field(&b, "example", x->example);
    sb_puts(&b, "}");
  }
  sb_puts(&b, f->n ? "\n]\n" : "]\n");
  return b.s;
}

void ck_report(checker *c, check_severity sev, const char *code, loc at, const char *hint,
               const char *example, const char *fmt, ...) {
  if (c->quiet) return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  diag d;
  memset(&d, 0, sizeof d);
  d.kind = DIAG_RESOLVE;
  d.code = code;
  d.msg = gc_strdup(buf);
  d.hint = hint;
  d.at = at;
  findings_add(c->out, sev, &d, c->file, example);
}

/* ---- what is known of a value ---- */

const char *ck_node_text(const node *n) {
  const source *s = n->at.src;
  if (!s || n->at.end <= n->at.start || n->at.end > s->len) return "?";
  size_t len = n->at.end - n->at.start;
  if (len > 60) return gc_strdup("this expression");
  return gc_strndup(s->text + n->at.start, len);
}

const char *ck_label(sty t) {
  switch (t.k) {
  case S_NUM: return t.unit ? unit_name(t.unit) : t.pct ? "a percentage" : "a plain number";
  case S_TEXT: return "text";
  case S_BOOL: return "bool";
  case S_DATE: return "date";
  default: return "a value";
  }
}

/* As the evaluator names a value's type in "cannot apply" and "cannot
 * order": "number", "percent", "GBP", "text"... */
static const char *type_name(sty t) {
  if (t.k == S_NUM) return t.unit ? unit_name(t.unit) : t.pct ? "percent" : "number";
  return ck_label(t);
}

static sty num(const unit_t *u, bool pct) {
  sty t = {S_NUM, pct, u, !pct};
  return t;
}
/* a number that may be a percentage or not */
static sty num_maybe(void) {
  sty t = {S_NUM, false, NULL, false};
  return t;
}
static sty of_kind(skind k) {
  sty t = {k, false, NULL, false};
  return t;
}

static bool is_builtin(const node *f, const char *name) {
  return f && f->kind == N_NAME && f->refkind == REF_BUILTIN && f->ref &&
         strcmp(((const builtin *)f->ref)->name, name) == 0;
}

bool ck_const(const node *n, value *out);

static bool const_at(const node *n, value *out, int depth) {
  if (!n || depth > 16) return false;
  switch (n->kind) {
  case N_LIT:
    *out = n->lit;
    return n->lit.tag == V_NUM || n->lit.tag == V_TEXT || n->lit.tag == V_BOOL || n->lit.tag == V_NULL;
  case N_QTY: {
    dec m = n->a->lit.as.num;
    if (n->name2 && dec_mul(m, n->lit.as.num, &m) != DEC_OK) return false;
    *out = v_qty(m, n->ref);
    return true;
  }
  case N_NEG:
    if (!const_at(n->a, out, depth + 1) || out->tag != V_NUM) return false;
    out->as.num = dec_neg(out->as.num);
    return true;
  case N_CALL: {
    value s;
    if (!is_builtin(n->a, "date") || n->nkids != 1 || n->kids[0]->kind == N_NAMED) return false;
    if (!const_at(n->kids[0], &s, depth + 1)) return false;
    if (s.tag == V_DATE) { *out = s; return true; }
    int32_t days;
    if (s.tag != V_TEXT || !date_parse(s.as.text->s, s.as.text->len, &days)) return false;
    *out = v_date(days);
    return true;
  }
  case N_RANGE: {
    value lo, hi;
    if (!const_at(n->a, &lo, depth + 1) || !const_at(n->b, &hi, depth + 1)) return false;
    bool ok = (lo.tag == V_NUM && hi.tag == V_NUM && unit_same_dim(lo.unit, hi.unit)) ||
              (lo.tag == V_DATE && hi.tag == V_DATE);
    if (!ok) return false;
    range *r = gc_alloc(sizeof *r);
    r->lo = lo;
    r->hi = hi;
    r->lo_open = n->op & RANGE_LO_OPEN;
    r->hi_open = n->op & RANGE_HI_OPEN;
    value x = {.tag = V_RANGE};
    x.as.range = r;
    *out = x;
    return true;
  }
  case N_LIST: {
    if (n->op == OP_ANY) return false;
    list *l = list_new((size_t)n->nkids);
    for (int i = 0; i < n->nkids; i++)
      if (!const_at(n->kids[i], &l->items[i], depth + 1)) return false;
    *out = v_list(l);
    return true;
  }
  case N_NAME: {
    /* a top-level let is bound once, so its constant is the name's value */
    const node *d = n->refkind == REF_GLOBAL ? n->ref : NULL;
    return d && d->kind == N_LET && const_at(d->a, out, depth + 1);
  }
  default: return false;
  }
}

bool ck_const(const node *n, value *out) { return const_at(n, out, 0); }

/* ---- frames and globals ---- */

static void need_global(checker *c, int slot) {
  if (slot < c->nglobals) return;
  int n = c->nglobals ? c->nglobals : 32;
  while (n <= slot) n *= 2;
  bool *used = gc_alloc_atomic((size_t)n * sizeof *used);
  sty *ty = gc_alloc((size_t)n * sizeof *ty);
  uint8_t *st = gc_alloc_atomic((size_t)n);
  if (c->nglobals) {
    memcpy(used, c->gused, (size_t)c->nglobals * sizeof *used);
    memcpy(ty, c->gty, (size_t)c->nglobals * sizeof *ty);
    memcpy(st, c->gstate, (size_t)c->nglobals);
  }
  c->gused = used;
  c->gty = ty;
  c->gstate = st;
  c->nglobals = n;
}

static frm *push_frame(checker *c, const node *owner) {
  if (c->nframes == c->capframes) {
    int cap = c->capframes ? c->capframes * 2 : 16;
    frm *fs = gc_alloc((size_t)cap * sizeof *fs);
    if (c->capframes) memcpy(fs, c->frames, (size_t)c->capframes * sizeof *fs);
    c->frames = fs;
    c->capframes = cap;
  }
  frm *f = &c->frames[c->nframes++];
  int n = owner->nslots > 0 ? owner->nslots : 0;
  f->owner = owner;
  f->n = n;
  /* frames come and go in stack order: the arrays of the last frame at
   * this depth are free again (pop_frame is done with them) */
  if (f->cap < n + 1) {
    f->cap = n + 1 > 8 ? n + 1 : 8;
    f->used = gc_alloc_atomic((size_t)f->cap * sizeof *f->used);
    f->decl = gc_alloc((size_t)f->cap * sizeof *f->decl);
    f->ty = gc_alloc((size_t)f->cap * sizeof *f->ty);
  } else {
    memset(f->used, 0, (size_t)(n + 1) * sizeof *f->used);
    memset(f->decl, 0, (size_t)(n + 1) * sizeof *f->decl);
    memset(f->ty, 0, (size_t)(n + 1) * sizeof *f->ty);
  }
  return f;
}

static void declare(checker *c, int slot, const node *decl, sty t) {
  if (!c->nframes) return;
  frm *f = &c->frames[c->nframes - 1];
  if (slot < 0 || slot >= f->n) return;
  f->decl[slot] = decl;
  f->ty[slot] = t;
}

/* Where a declaration's name is written: after its keyword. */
static loc name_loc(const node *d, const char *kw) {
  loc at = d->at;
  const source *s = at.src;
  if (!s || !d->name) return at;
  size_t i = at.start, k = strlen(kw), n = strlen(d->name);
  if (i + k <= s->len && strncmp(s->text + i, kw, k) == 0) i += k;
  while (i < s->len && (s->text[i] == ' ' || s->text[i] == '\t')) i++;
  if (i + n <= s->len && strncmp(s->text + i, d->name, n) == 0) {
    at.start = (uint32_t)i;
    at.end = (uint32_t)(i + n);
  }
  return at;
}

static const char *owner_desc(const node *o) {
  char buf[256];
  switch (o->kind) {
  case N_FN: snprintf(buf, sizeof buf, " of %s", o->name); break;
  case N_RULE: snprintf(buf, sizeof buf, " of rule %s", o->name); break;
  case N_TABLE: snprintf(buf, sizeof buf, " of table %s", o->name); break;
  default: return "";
  }
  return gc_strdup(buf);
}

static void pop_frame(checker *c) {
  frm *f = &c->frames[--c->nframes];
  if (c->quiet) return;
  for (int s = 0; s < f->n; s++) {
    const node *d = f->decl[s];
    if (!d || f->used[s] || !d->name || d->name[0] == '_') continue;
    if (d->kind == N_PARAM) {
      char hint[160];
      snprintf(hint, sizeof hint, "remove it, or name it _%s if it is unused on purpose", d->name);
      ck_report(c, CHECK_WARNING, "E0307", d->at, gc_strdup(hint), NULL,
                "parameter '%s'%s is never used", d->name, owner_desc(f->owner));
    }
    else if (d->kind == N_LET)
      ck_report(c, CHECK_WARNING, "E0307", name_loc(d, "let"), "remove it, or use it", NULL,
                "'%s' is defined but never used", d->name);
  }
}

/* ---- the walk ---- */

static sty walk(checker *c, const node *n);

static sty param_type(const node *p) {
  const vtype *t = p->ref;
  if (!p->a || !t || t->opt) return unknown;
  switch (t->kind) {
  case T_NUMBER: return num_maybe(); /* accepts percentages too */
  case T_INT: return num(NULL, false);
  case T_PERCENT: return num(NULL, true);
  case T_UNIT: return num(t->unit, false);
  case T_TEXT: return of_kind(S_TEXT);
  case T_DATE: return of_kind(S_DATE);
  case T_ENUM:
    if (t->nvals && t->vals[0].tag == V_TEXT) return of_kind(S_TEXT);
    if (t->nvals && t->vals[0].tag == V_NUM) return num(NULL, false);
    return unknown;
  default: return unknown;
  }
}

const vtype *ck_input_type(const node *d, int col) {
  if (!d || d->kind != N_TABLE || col < 0 || col >= d->ninputs) return NULL;
  const node *cell = d->a->kids[0]->a->kids[col];
  const node *e = cell->nkids == 1 ? cell->kids[0]->b : NULL;
  if (!e || e->kind != N_NAME || e->refkind != REF_LOCAL || e->up != 0) return NULL;
  for (int i = 0; i < d->nkids; i++) {
    const node *p = d->kids[i];
    if (p->slot == e->slot && !strcmp(p->name, e->name)) return p->a ? p->ref : NULL;
  }
  return NULL;
}

static void params(checker *c, const node *fn) {
  for (int i = 0; i < fn->nkids; i++) declare(c, fn->kids[i]->slot, fn->kids[i], param_type(fn->kids[i]));
  for (int i = 0; i < fn->nkids; i++)
    if (fn->kids[i]->b) walk(c, fn->kids[i]->b);
}

static void stmts(checker *c, const node *blk) {
  for (int i = 0; i < blk->nkids; i++) {
    const node *st = blk->kids[i];
    if (st->kind == N_LET) {
      sty t = walk(c, st->a);
      declare(c, st->slot, st, t);
    } else {
      walk(c, st->a);
      walk(c, st->b);
    }
  }
}

/* A top-level let's type, worked out when first needed (a function body
 * may use a let defined further down). */
static sty global_type(checker *c, const node *n) {
  const node *d = n->ref;
  if (!d || d->kind != N_LET || n->slot < 0) return unknown;
  need_global(c, n->slot);
  if (c->gstate[n->slot] == 2) return c->gty[n->slot];
  if (c->gstate[n->slot] == 1 || c->quiet > 8) return unknown;
  c->gstate[n->slot] = 1;
  /* frames pushed meanwhile belong to the let's own lambdas; the let sits
   * at the top level, so its local references never reach below them */
  int saved = c->nframes, savedcap = c->capframes;
  frm *savedf = c->frames;
  int savedcur = c->cur_global;
  c->frames = NULL;
  c->nframes = c->capframes = 0;
  c->quiet++;
  sty t = walk(c, d->a);
  c->quiet--;
  c->frames = savedf;
  c->nframes = saved;
  c->capframes = savedcap;
  c->cur_global = savedcur;
  c->gstate[n->slot] = 2;
  c->gty[n->slot] = t;
  return t;
}

static sty name(checker *c, const node *n) {
  if (n->refkind == REF_LOCAL) {
    int k = c->nframes - 1 - n->up;
    if (k < 0) return unknown;
    frm *f = &c->frames[k];
    if (n->slot < 0 || n->slot >= f->n) return unknown;
    if (!c->quiet) f->used[n->slot] = true;
    return f->ty[n->slot];
  }
  if (n->refkind == REF_GLOBAL && n->slot >= 0) {
    need_global(c, n->slot);
    if (!c->quiet && n->slot != c->cur_global) c->gused[n->slot] = true;
    return global_type(c, n);
  }
  return unknown;
}

static const char *verb(int op) {
  return op == OP_ADD ? "add" : op == OP_SUB ? "subtract" : "take mod of";
}

/* A percentage against a certainly plain number other than a constant 0
 * in +, -, mod or an ordering: error E0410, as the evaluator raises it. */
static bool pct_mix(checker *c, const node *at, const char *text, int op, const node *na, sty a, const node *nb, sty b) {
  if (a.k != S_NUM || b.k != S_NUM || a.unit || b.unit || !((a.pct && b.plain) || (b.pct && a.plain))) return false;
  const node *pn = a.pct ? nb : na, *qn = a.pct ? na : nb;
  value n, p;
  bool nk = pn && ck_const(pn, &n) && n.tag == V_NUM, pk = qn && ck_const(qn, &p) && p.tag == V_NUM;
  if (nk && dec_is_zero(n.as.num)) return false;
  const char *hint = "write both sides as percentages, or convert with 'as number' (60% as number is 0.6) or 'as percent'";
  if (nk && pk) hint = pct_mix_hint(op, n, p);
  else if (nk) {
    const char *ns = value_display(n, false);
    dec h;
    const char *hs = dec_mul(n.as.num, dec_from_int(100), &h) == DEC_OK ? value_display(v_num(h), false) : ns;
    char buf[300];
    if (op == OP_ADD || op == OP_SUB || op == OP_MOD)
      snprintf(buf, sizeof buf, "write %s%% if %s is a percentage, or %s%% if it is a fraction (1 is 100%%)", ns, ns, hs);
    else
      snprintf(buf, sizeof buf, "write %s%%, or compare with a plain number (a percentage 'as number' is its fraction)", ns);
    hint = gc_strdup(buf);
  } else if (pk) {
    dec h;
    const char *ps = value_display(p, false), *fr = value_display(v_num(p.as.num), false);
    const char *hs = dec_mul(p.as.num, dec_from_int(100), &h) == DEC_OK ? value_display(v_num(h), false) : ps;
    char buf[300];
    if (op == OP_ADD || op == OP_SUB || op == OP_MOD)
      snprintf(buf, sizeof buf, "write the number as a percentage, or convert: %s as number is %s", ps, fr);
    else
      snprintf(buf, sizeof buf, "compare with %s if the number is a score out of 100, or make it a percentage ('x as percent' for a fraction)", hs);
    hint = gc_strdup(buf);
  }
  ck_report(c, CHECK_ERROR, "E0410", at->at, hint, NULL, "cannot %s: %s", pct_mix_what(op, a.pct), text ? text : ck_node_text(at));
  return true;
}

/* Combine what is known of two operands, reporting what certainly fails.
 * The messages are the evaluator's, so check and run agree. */
static sty combine(checker *c, const node *n, sty a, sty b) {
  static const char *sym[] = {"+", "-", "*", "/", "mod", "^"};
  int op = n->op;
  if (a.k == S_UNKNOWN || b.k == S_UNKNOWN) {
    return op >= OP_EQ && op <= OP_IN ? of_kind(S_BOOL) : unknown;
  }
  switch (op) {
  case OP_ADD: case OP_SUB: case OP_MOD:
    if (a.k == S_NUM && b.k == S_NUM) {
      if (pct_mix(c, n, NULL, op, n->a, a, n->b, b)) return unknown;
      if (!unit_same_dim(a.unit, b.unit)) {
        bool money = a.unit && b.unit && unit_is_money(a.unit) && unit_is_money(b.unit);
        ck_report(c, CHECK_ERROR, "E0401", n->at, money ? "different currencies never convert implicitly" : NULL, NULL,
                  "cannot %s %s and %s", verb(op), ck_label(a), ck_label(b));
        return unknown;
      }
      sty r = num(unit_finer(a.unit, b.unit), (a.pct || b.pct) && op != OP_MOD);
      r.plain = op == OP_MOD || (a.plain && b.plain);
      return r;
    }
    if (op == OP_ADD && a.k == S_TEXT && b.k == S_TEXT) return a;
    if (op != OP_MOD && a.k == S_DATE && b.k == S_NUM) return a;
    if (op == OP_ADD && a.k == S_NUM && b.k == S_DATE) return b;
    if (op == OP_SUB && a.k == S_DATE && b.k == S_DATE) return unknown;
    ck_report(c, CHECK_ERROR, "E0402", n->at, NULL, NULL, "cannot apply %s to %s and %s", sym[op], type_name(a), type_name(b));
    return unknown;
  case OP_MUL: case OP_DIV: {
    if (a.k != S_NUM || b.k != S_NUM) {
      ck_report(c, CHECK_ERROR, "E0402", n->at, NULL, NULL, "cannot apply %s to %s and %s", sym[op], type_name(a), type_name(b));
      return unknown;
    }
    dec k;
    const unit_t *u = op == OP_MUL ? unit_mul(a.unit, b.unit, &k) : unit_div(a.unit, b.unit, &k);
    return u == UNIT_TOO_COMPLEX ? unknown : num(u, false);
  }
  case OP_POW:
    if (a.k != S_NUM || b.k != S_NUM) {
      ck_report(c, CHECK_ERROR, "E0402", n->at, NULL, NULL, "cannot apply ^ to %s and %s", type_name(a), type_name(b));
      return unknown;
    }
    if (b.unit) {
      ck_report(c, CHECK_ERROR, "E0401", n->b->at, NULL, NULL, "an exponent must be a plain number, got %s", ck_label(b));
      return unknown;
    }
    return a.unit ? unknown : num(NULL, false);
  case OP_LT: case OP_LE: case OP_GT: case OP_GE:
    if (a.k == S_NUM && b.k == S_NUM) {
      if (pct_mix(c, n, NULL, op, n->a, a, n->b, b)) return of_kind(S_BOOL);
      if (!unit_same_dim(a.unit, b.unit))
        ck_report(c, CHECK_ERROR, "E0401", n->at, NULL, NULL, "cannot compare %s and %s", ck_label(a), ck_label(b));
    } else if (a.k != b.k) {
      ck_report(c, CHECK_ERROR, "E0402", n->at, NULL, NULL, "cannot order %s and %s", type_name(a), type_name(b));
    }
    return of_kind(S_BOOL);
  case OP_EQ: case OP_NE:
    if (a.k != b.k || (a.k == S_NUM && !unit_same_dim(a.unit, b.unit)))
      ck_report(c, CHECK_WARNING, "E0408", n->at, "values of different kinds or dimensions are never equal", NULL,
                "%s and %s are never equal, so this is always %s", ck_label(a), ck_label(b), op == OP_EQ ? "false" : "true");
    return of_kind(S_BOOL);
  default:
    return of_kind(S_BOOL);
  }
}

static bool same(sty a, sty b) {
  return a.k == b.k && (a.k != S_NUM || unit_same_dim(a.unit, b.unit));
}

/* Arguments of a call to a top-level fn, rule or table with annotated
 * parameters: the evaluator checks them at the call (SPEC 4). */
static void call_args(checker *c, const node *call, const sty *args) {
  const node *f = call->a;
  const node *d = f->kind == N_NAME && f->refkind == REF_GLOBAL ? f->ref : NULL;
  if (!d || (d->kind != N_FN && d->kind != N_RULE && d->kind != N_TABLE)) return;
  int pos = 0;
  for (int i = 0; i < call->nkids; i++) {
    const node *a = call->kids[i], *p = NULL;
    if (a->kind == N_NAMED) {
      for (int j = 0; j < d->nkids; j++)
        if (strcmp(d->kids[j]->name, a->name) == 0) p = d->kids[j];
    } else if (pos < d->nkids) {
      p = d->kids[pos++];
    }
    if (!p) continue;
    sty want = param_type(p), got = args[i];
    if (want.k == S_UNKNOWN || got.k == S_UNKNOWN || same(want, got)) continue;
    if (want.k == S_NUM && !want.unit && got.k == S_NUM && got.pct) continue;
    ck_report(c, CHECK_ERROR, "E0405", a->at, NULL, NULL, "argument '%s' of %s: expected %s, got %s", p->name,
              d->name, want.k == S_NUM && !want.unit ? "number" : ck_label(want), ck_label(got));
  }
}

/* `max(£1,000, bid.price)` is max(£1, 000, bid.price): a comma written
 * with no space between a number and exactly three digits is most likely a
 * thousands separator pasted from a spreadsheet, and the call or list then
 * silently has one more item.  Only the spelling can tell, so this reads
 * the source between two literal items. */
static void thousands_commas(checker *c, const node *n) {
  for (int i = 0; i + 1 < n->nkids; i++) {
    const node *a = n->kids[i], *b = n->kids[i + 1];
    if (!((a->kind == N_LIT && a->lit.tag == V_NUM) || a->kind == N_QTY) || b->kind != N_LIT || b->lit.tag != V_NUM) continue;
    const source *src = a->at.src;
    if (!src || b->at.src != src || b->at.start != a->at.end + 1 || src->text[a->at.end] != ',') continue;
    const char *d = src->text + b->at.start;
    size_t len = b->at.end - b->at.start, k = 0;
    while (k < len && d[k] >= '0' && d[k] <= '9') k++;
    if (k != 3 || (k < len && d[k] != '.')) continue;
    loc at = {src, a->at.start, b->at.end};
    ck_report(c, CHECK_WARNING, "E0411", at,
              "a rule file has no thousands separators: write 1250.50 or 1_250.50; put a space after the comma if these are two items",
              NULL, "'%.*s' reads as two items, %.*s and %.*s", (int)(b->at.end - a->at.start), src->text + a->at.start,
              (int)(a->at.end - a->at.start), src->text + a->at.start, (int)len, d);
  }
}

static sty call(checker *c, const node *n) {
  walk(c, n->a);
  thousands_commas(c, n);
  sty few[8];
  sty *args = n->nkids < 8 ? few : gc_alloc((size_t)(n->nkids + 1) * sizeof *args);
  for (int i = 0; i < n->nkids; i++) args[i] = walk(c, n->kids[i]->kind == N_NAMED ? n->kids[i]->a : n->kids[i]);
  if (is_builtin(n->a, "date") && n->nkids == 1 && n->kids[0]->kind == N_LIT && n->kids[0]->lit.tag == V_TEXT) {
    const text *s = n->kids[0]->lit.as.text;
    int32_t days;
    if (!date_parse(s->s, s->len, &days)) {
      ck_report(c, CHECK_ERROR, "E0407", n->at, NULL, NULL, "date: %s is not a date in the form YYYY-MM-DD",
                value_display(n->kids[0]->lit, false));
      return unknown;
    }
    return of_kind(S_DATE);
  }
  call_args(c, n, args);
  return unknown;
}

/* The operand of each unary test in a table cell; an ordering or a range
 * that mixes a percentage with the column's plain numbers (or the reverse)
 * is E0410, as it is when the table runs.  `in` is what is known of the
 * column's input, `name` its header's text. */
static void walk_test(checker *c, const node *t, sty in, const char *name) {
  if (t->kind == N_NOT) {
    for (int i = 0; i < t->a->nkids; i++) walk_test(c, t->a->kids[i], in, name);
  } else if (t->kind == N_BIN) {
    sty b = walk(c, t->b);
    const node *ends[2] = {t->b, NULL};
    if (t->op == OP_EQ && t->b->kind == N_RANGE) ends[0] = t->b->b, ends[1] = t->b->a; /* the top first: rarely 0 */
    else if (t->op < OP_LT || t->op > OP_GE) return;
    for (int k = 0; k < 2 && ends[k]; k++) {
      sty e = b;
      if (ends[1]) { /* the range was walked whole above: only its end's type, quietly */
        c->quiet++;
        e = walk(c, ends[k]);
        c->quiet--;
      }
      char text[200];
      snprintf(text, sizeof text, "%s %s%s", name, ends[1] ? "in " : "", ck_node_text(t));
      if (pct_mix(c, t, gc_strdup(text), ends[1] ? OP_GE : t->op, NULL, in, ends[k], e)) return;
    }
  }
}

static void table(checker *c, const node *d) {
  const node *rows = d->a, *hdr = rows->kids[0];
  int ni = hdr->a->nkids;
  sty *ins = gc_alloc((size_t)(ni + 1) * sizeof *ins);
  for (int i = 0; i < ni; i++) {
    const node *cell = hdr->a->kids[i];
    ins[i] = cell->nkids == 1 && cell->kids[0]->kind == N_BIN ? walk(c, cell->kids[0]->b) : unknown;
  }
  for (int k = 1; k < rows->nkids; k++) {
    const node *row = rows->kids[k];
    for (int i = 0; i < row->a->nkids; i++)
      for (int j = 0; j < row->a->kids[i]->nkids; j++)
        walk_test(c, row->a->kids[i]->kids[j], ins[i], ck_node_text(hdr->a->kids[i]));
    for (int i = 0; i < row->b->nkids; i++) {
      walk(c, row->b->kids[i]);
      /* an ordered output (| rating: Rating |) outside its type: E0609 when the table runs */
      const vtype *t = hdr->b->kids[i]->ref;
      value v;
      if (t && !c->quiet && ck_const(row->b->kids[i], &v) && !type_enum_has(t, v)) {
        sbuf b;
        sb_init(&b);
        type_enum_desc(&b, t);
        ck_report(c, CHECK_ERROR, "E0609", row->b->kids[i]->at, "add the value to the type, in its place in the order", NULL,
                  "table %s: row %d gives %s = %s, which is not %s", d->name, k, hdr->b->kids[i]->name,
                  value_short(v), b.s);
      }
    }
  }
  if (d->b)
    for (int i = 0; i < d->b->b->nkids; i++) walk(c, d->b->b->kids[i]);
  if (d->op == HIT_UNIQUE && !c->quiet) ck_table(c, d, ins, NULL);
}

static sty walk(checker *c, const node *n) {
  if (!n) return unknown;
  switch (n->kind) {
  case N_LIT:
    switch (n->lit.tag) {
    case V_NUM: return num(n->lit.unit, n->lit.pct);
    case V_TEXT: return of_kind(S_TEXT);
    case V_BOOL: return of_kind(S_BOOL);
    default: return unknown;
    }
  case N_QTY: return num(n->ref, false);
  case N_STR:
    for (int i = 0; i < n->nkids; i++) walk(c, n->kids[i]);
    return of_kind(S_TEXT);
  case N_NAME: return name(c, n);
  case N_CALL: return call(c, n);
  case N_BIN: case N_AND: case N_OR: {
    /* a chain a + b + c ...: its left operands without recursion */
    size_t len = 0;
    for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) len++;
    const node **spine = gc_alloc(len * sizeof *spine);
    size_t i = len;
    for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) spine[--i] = k;
    sty a = walk(c, spine[0]->a);
    for (i = 0; i < len; i++) {
      sty b = walk(c, spine[i]->b);
      a = spine[i]->kind == N_BIN ? combine(c, spine[i], a, b) : of_kind(S_BOOL);
    }
    return a;
  }
  case N_NOT:
    walk(c, n->a);
    walk(c, n->b);
    return of_kind(S_BOOL);
  case N_NEG: {
    sty a = walk(c, n->a);
    return a.k == S_NUM ? a : unknown;
  }
  case N_IF: {
    walk(c, n->a);
    sty a = walk(c, n->b), b = walk(c, n->c);
    if (!same(a, b)) return unknown;
    a.pct = a.pct && b.pct;
    a.plain = a.plain && b.plain;
    return a;
  }
  case N_RANGE: {
    sty a = walk(c, n->a), b = walk(c, n->b);
    if (a.k != S_UNKNOWN && b.k != S_UNKNOWN &&
        !((a.k == S_NUM && b.k == S_NUM && unit_same_dim(a.unit, b.unit)) || (a.k == S_DATE && b.k == S_DATE)))
      ck_report(c, CHECK_ERROR, "E0402", n->at, NULL, NULL,
                "a range needs two numbers of one unit, or two dates; got %s and %s", ck_label(a), ck_label(b));
    return unknown;
  }
  case N_AS: {
    sty a = walk(c, n->a);
    if (strcmp(n->name, "number") == 0) {
      if (a.k != S_UNKNOWN && (a.k != S_NUM || a.unit)) {
        ck_report(c, CHECK_ERROR, "E0402", n->at, NULL, NULL, "only percentages and plain numbers convert to number");
        return unknown;
      }
      return num(NULL, false);
    }
    if (strcmp(n->name, "percent") == 0) {
      if (a.k == S_UNKNOWN) return num(NULL, true);
      if (a.k != S_NUM || a.unit) {
        ck_report(c, CHECK_ERROR, "E0402", n->at, NULL, NULL, "only plain numbers can be shown as percent");
        return unknown;
      }
      return num(NULL, true);
    }
    const unit_t *u = n->ref;
    if (a.k != S_UNKNOWN && (a.k != S_NUM || !unit_same_dim(a.unit, u))) {
      ck_report(c, CHECK_ERROR, "E0401", n->at, NULL, NULL, "cannot convert %s to %s", ck_label(a), unit_name(u));
      return unknown;
    }
    return num(u, false);
  }
  case N_BLOCK:
    stmts(c, n);
    return walk(c, n->a);
  case N_LAMBDA: {
    push_frame(c, n);
    params(c, n);
    walk(c, n->a);
    pop_frame(c);
    return unknown;
  }
  case N_COMP: {
    walk(c, n->b);
    push_frame(c, n);
    walk(c, n->c);
    walk(c, n->a);
    pop_frame(c);
    return unknown;
  }
  case N_RECORD:
    for (int i = 0; i < n->nkids; i++) walk(c, n->kids[i]->a);
    return unknown;
  case N_NAMED: case N_FIELDDEF:
    return walk(c, n->a);
  case N_LIST:
    thousands_commas(c, n);
    /* fall through */
  default:
    walk(c, n->a);
    walk(c, n->b);
    walk(c, n->c);
    for (int i = 0; i < n->nkids; i++) walk(c, n->kids[i]);
    return unknown;
  }
}

static void decl(checker *c, const node *d) {
  switch (d->kind) {
  case N_LET: {
    c->cur_global = d->slot;
    sty t = walk(c, d->a);
    if (d->slot >= 0) {
      need_global(c, d->slot);
      c->gty[d->slot] = t;
      c->gstate[d->slot] = 2;
    }
    break;
  }
  case N_FN: case N_RULE: case N_TABLE:
    c->cur_global = d->slot;
    push_frame(c, d);
    params(c, d);
    if (d->kind == N_FN) walk(c, d->a);
    else if (d->kind == N_RULE) stmts(c, d->a);
    else table(c, d);
    pop_frame(c);
    break;
  case N_TEST:
    push_frame(c, d);
    stmts(c, d);
    pop_frame(c);
    break;
  case N_INDICATOR:
    for (int k = 0; k < d->a->nkids; k++) {
      const node *f = d->a->kids[k];
      if (!(strcmp(f->name, "unit") == 0 && f->a->kind == N_NAME)) walk(c, f->a);
    }
    break;
  case N_UNIT: case N_TYPE: case N_IMPORT:
    break;
  default:
    walk(c, d->a);
    walk(c, d->b);
    break;
  }
  c->cur_global = -1;
}

bool ck_out_of_time(checker *c) {
  if (!c->out->deadline_ms || c->out->timed_out) return c->out->timed_out;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
  if (now > c->out->deadline_ms) c->out->timed_out = true;
  return c->out->timed_out;
}

static void spelling(checker *c, const node *n) {
  if (!n) return;
  if (n->kind == N_CALL || n->kind == N_LIST) thousands_commas(c, n);
  spelling(c, n->a);
  spelling(c, n->b);
  spelling(c, n->c);
  for (int i = 0; i < n->nkids; i++) spelling(c, n->kids[i]);
}

/* A checker of prog reporting to out. */
static void checker_init(checker *c, const node *prog, findings *out) {
  memset(c, 0, sizeof *c);
  c->out = out;
  c->cur_global = -1;
  c->file = prog->at.src ? prog->at.src->name : NULL;
}

void check_spelling(const node *prog, findings *out) {
  checker c;
  checker_init(&c, prog, out);
  spelling(&c, prog);
}

void check_program(const node *prog, findings *out) {
  checker c;
  checker_init(&c, prog, out);
  for (int i = 0; i < prog->nkids; i++) decl(&c, prog->kids[i]);
  for (int i = 0; i < prog->nkids; i++) {
    const node *d = prog->kids[i];
    /* a top-level let is a result: `svl run FILE NAME` runs it by name, and
     * a file that imports this one reads it (issue 15) */
    if (d->kind != N_FN && d->kind != N_IMPORT) continue;
    if (!d->name || strcmp(d->name, "main") == 0 || d->name[0] == '_' || d->slot < 0) continue;
    need_global(&c, d->slot);
    if (c.gused[d->slot]) continue;
    const char *what = d->kind == N_FN ? "fn" : "import";
    char hint[160];
    snprintf(hint, sizeof hint, "remove it, or name it _%s if it is kept on purpose", d->name);
    ck_report(&c, CHECK_WARNING, "E0307", d->kind == N_IMPORT ? d->at : name_loc(d, what), gc_strdup(hint), NULL,
              d->kind == N_IMPORT ? "import '%s' is never used" : "fn '%s' is never used",
              d->name);
  }
}
