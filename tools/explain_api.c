/* svl_explain_expr, svl_explain and svl_explain_call (include/svl.h):
 * evaluation with tracing on, then the trace rendered by tools/explain.c
 * (or tools/explain_vs.c for --vs).  Explaining is a tool over the API,
 * not part of the protected boundary itself: everything here runs through
 * api_protect. */
#include <string.h>

#include "api/api.h"
#include "core/gc.h"
#include "tools/explain.h"

PUBLIC void svl_explain_options_init(svl_explain_options *o) {
  if (o) memset(o, 0, sizeof *o);
}

/* EXPR parsed in the program's scope: one expression, names resolved as
 * the REPL resolves them (so an unknown name gets "did you mean"). */
typedef struct parse_job {
  const char *what, *expr;
  node *out;
  diag e;
  bool parsed;
} parse_job;

static void parse_body(svl_vm *v, void *ctx) {
  parse_job *j = ctx;
  module *m = module_parse(v, j->what, j->expr, strlen(j->expr), true, &v->host, &j->e);
  if (!m) return;
  j->parsed = true;
  node *p = m->prog;
  if (p->nkids == 1 && p->kids[0]->kind == N_EXPRSTMT) j->out = p->kids[0]->a;
}

static svl_status explain_parse(svl_vm *v, const char *what, const char *expr, node **out) {
  parse_job j = {.what = what, .expr = expr};
  svl_status st = api_protect(v, parse_body, &j);
  if (st != SVL_OK) return st;
  if (!j.parsed) {
    if (j.e.kind == DIAG_INCOMPLETE) j.e.kind = DIAG_SYNTAX;
    return api_fail(v, &j.e);
  }
  if (!j.out) return api_usage(v, "explain: give one expression, such as total(bids[1]) or a top-level name");
  *out = j.out;
  return SVL_OK;
}

typedef struct eval_job {
  node *n;
  trace *root, *saved;
  const node *needs_args; /* a function of required parameters, named bare */
} eval_job;

/* Evaluate one expression with tracing on, under root. */
static void eval_body(svl_vm *v, void *ctx) {
  eval_job *j = ctx;
  node *n = j->n;
  trace *root = j->root;
  v->tr = root;
  node *d = NULL;
  if (n->kind == N_NAME && n->refkind == REF_GLOBAL && n->mod && !n->mod->library) {
    d = n->mod->g->decls[n->slot];
    if (d && (d->kind != N_LET || !d->a || !n->mod->g->ready[n->slot])) d = NULL;
  }
  if (d && v->xs) { /* explained here, not again as an earlier value */
    trace_global_seen(v, n->mod, n->slot);
    root->at = d->at;
    root->decl = d;
  }
  trace_scan(v, d ? d->a : n);
  value r = d ? eval_expr_top(v, n->mod, d->a) : eval_expr_top(v, v->main_mod, n);
  /* a bare function of no parameters is called, as before; one with
   * parameters needs them */
  if (r.tag == V_FUNC && n->kind == N_NAME) {
    const node *d = r.as.fn->fn;
    bool required = false;
    for (int i = 0; i < d->nkids; i++)
      if (!d->kids[i]->b) required = true;
    if (required) {
      v->tr = j->saved;
      j->needs_args = d;
      return;
    }
    loc none = {0};
    r = vm_call(v, r, 0, NULL, none);
  }
  root->res = r;
  root->result = value_short(r);
  v->tr = j->saved;
  /* a value read from a loaded row says where it came from */
  value rec;
  const char *field = NULL;
  if (n->kind == N_FIELD && eval_quiet(v, n->a, NULL, &rec)) field = n->name;
  else rec = r;
  /* rec_src, not src: an indicator's record keeps its name there */
  const datasrc *ds = rec.tag == V_RECORD ? rec_src(rec.as.rec) : NULL;
  if (ds && ds->file) {
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "from %s line %u", ds->file, (unsigned)rec.as.rec->line);
    bool column = false;
    for (size_t i = 0; field && i < ds->ncols; i++) column |= ds->cols[i] && !strcmp(ds->cols[i], field);
    if (column) sb_printf(&b, ", column %s", field);
    else if (field && ds->cols) sb_printf(&b, " (%s is not one of its columns)", field);
    root->detail = b.s;
  }
}

static svl_status explain_eval(svl_vm *v, node *n, trace *root) {
  eval_job j = {.n = n, .root = root, .saved = v->tr};
  svl_status st = api_protect(v, eval_body, &j);
  if (st != SVL_OK || !j.needs_args) return st;
  const node *d = j.needs_args;
  return api_usage(v, "explain: '%s' is a function of %s: explain one call of it, e.g. '%s(...)'", n->name,
                   d->nkids ? d->kids[0]->name : "its arguments", n->name);
}

typedef struct explain_job {
  trace *a, *b;
  const svl_explain_options *o;
  const char *text;
} explain_job;

static void explain_render(svl_vm *v, void *ctx) {
  explain_job *j = ctx;
  const svl_explain_options *o = j->o;
  svl_format f = o->format == SVL_FORMAT_JSON ? SVL_FORMAT_JSON : SVL_FORMAT_TEXT;
  j->text = j->b ? trace_render_vs(v, j->a, j->b, f, o->plain) : trace_render(v, j->a, f, o->plain, o->max_depth);
}

static svl_status explain_expr(svl_vm *v, const char *expr, const svl_explain_options *o, bool earlier, char **out_s);

PUBLIC svl_status svl_explain_expr(svl_vm *v, const char *expr, const svl_explain_options *o, char **out_s) {
  return explain_expr(v, expr, o, true, out_s);
}

/* earlier: explain the top-level lets EXPR reads (svl_explain, older and
 * kept as it was for audit records, does not) */
static svl_status explain_expr(svl_vm *v, const char *expr, const svl_explain_options *o, bool earlier, char **out_s) {
  if (!out_s) return api_usage(v, "svl_explain_expr: no place for the explanation");
  *out_s = NULL;
  if (!gc_thread_ok()) return api_unattached(v);
  if (!expr || !*expr) return api_usage(v, "explain: no expression given");
  svl_explain_options dflt;
  if (!o) {
    svl_explain_options_init(&dflt);
    o = &dflt;
  }
  if (o->plain && o->format == SVL_FORMAT_JSON)
    return api_usage(v, "explain: --plain is a narrative for people; use --format json without --plain for programs");
  if (o->format != SVL_FORMAT_TEXT && o->format != SVL_FORMAT_JSON && o->format != SVL_FORMAT_PLAIN)
    return api_usage(v, "explain: the format is text or json");
  explain_session *xs = gc_alloc(sizeof *xs);
  xs->internals = o->internals;
  xs->ids = o->ids ? gc_strdup(o->ids) : NULL;
  xs->base = v->main_mod && v->main_mod->src ? v->main_mod->src->dir : NULL;
  explain_job j = {.o = o};
  svl_explain_options plain_o;
  if (o->format == SVL_FORMAT_PLAIN) { /* svl_explain's spelling of --plain */
    plain_o = *o;
    plain_o.format = SVL_FORMAT_TEXT;
    plain_o.plain = 1;
    j.o = o = &plain_o;
  }
  node *na, *nb = NULL;
  svl_status st = explain_parse(v, "<explain>", expr, &na);
  if (st == SVL_OK && o->vs) st = explain_parse(v, "<explain --vs>", o->vs, &nb);
  if (st != SVL_OK) return st;
  explain_session *saved = v->xs;
  v->xs = earlier ? xs : NULL;
  j.a = gc_alloc(sizeof *j.a);
  j.a->name = gc_strdup(expr);
  j.a->kind = "root";
  j.a->args = "";
  st = explain_eval(v, na, j.a);
  if (st == SVL_OK && nb) {
    j.b = gc_alloc(sizeof *j.b);
    j.b->name = gc_strdup(o->vs);
    j.b->kind = "root";
    j.b->args = "";
    st = explain_eval(v, nb, j.b);
  }
  if (st == SVL_OK) st = api_protect(v, explain_render, &j);
  v->xs = saved;
  if (st != SVL_OK) return st;
  *out_s = api_out(j.text);
  return SVL_OK;
}

PUBLIC svl_status svl_explain(svl_vm *v, const char *name, svl_format f, int max, char **out_s) {
  if (!out_s) return api_usage(v, "svl_explain: no place for the tree");
  *out_s = NULL;
  if (!gc_thread_ok()) return api_unattached(v);
  if (!name || globals_find(&v->host, name) < 0) return api_usage(v, "explain: no such top-level name");
  svl_explain_options o;
  svl_explain_options_init(&o);
  o.format = f == SVL_FORMAT_JSON ? SVL_FORMAT_JSON : SVL_FORMAT_TEXT;
  o.plain = f == SVL_FORMAT_PLAIN;
  o.max_depth = max;
  return explain_expr(v, name, &o, false, out_s);
}

typedef struct call_job {
  host_args *a;
  trace *root;
  svl_value **result;
} call_job;

/* The traced call of svl_explain_call, under protection. */
static void call_body(svl_vm *v, void *ctx) {
  call_job *j = ctx;
  trace *saved = v->tr;
  v->tr = j->root;
  loc none = {0};
  host_args *a = j->a;
  value r = vm_call_named(v, a->fn, a->npos, a->pos, a->nnamed, a->names, a->named, none);
  j->root->result = value_short(r);
  j->root->res = r;
  if (j->result) *j->result = api_handle(v, r);
  v->tr = saved;
}

static svl_status traced_call(svl_vm *v, host_args *a, trace *root, svl_value **result) {
  call_job j = {a, root, result};
  return api_protect(v, call_body, &j);
}

PUBLIC svl_status svl_explain_call(svl_vm *v, svl_value *fn, int nargs, svl_value *const *args, int nnamed,
                                   const char *const *names, svl_value *const *named, svl_format f, int max,
                                   char **out_s, svl_value **result) {
  if (result) *result = NULL;
  if (!gc_thread_ok()) return api_unattached(v);
  if (!out_s) return api_usage(v, "svl_explain_call: no place for the tree");
  *out_s = NULL;
  host_args a;
  svl_status st = api_take_args(v, "svl_explain_call", fn, nargs, args, nnamed, names, named, &a);
  if (st != SVL_OK) return st;
  trace *root = gc_alloc(sizeof *root);
  root->name = a.fn.tag == V_BUILTIN ? a.fn.as.builtin->name : a.fn.as.fn->name ? a.fn.as.fn->name : "fn";
  root->kind = f == SVL_FORMAT_JSON ? "root" : "let";
  sbuf b;
  sb_init(&b);
  for (int i = 0; i < a.npos + a.nnamed; i++) {
    if (i) sb_puts(&b, ", ");
    if (i >= a.npos) sb_printf(&b, "%s: ", a.names[i - a.npos]);
    sb_puts(&b, value_short(a.pos[i]));
  }
  root->args = b.s ? b.s : "";
  st = traced_call(v, &a, root, result);
  if (st != SVL_OK) return st;
  *out_s = api_out(trace_render(v, root, f == SVL_FORMAT_JSON ? SVL_FORMAT_JSON : SVL_FORMAT_TEXT, f == SVL_FORMAT_PLAIN, max));
  return SVL_OK;
}
