/* The public API (include/svl.h): the protected boundary.  Every entry
 * point that may evaluate sets up a jmp_buf, so no longjmp ever escapes to
 * the host. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "gc.h"
#include "../stdlib/load.h"

#define PUBLIC __attribute__((visibility("default")))

static svl_status status_of(diag_kind k) {
  switch (k) {
  case DIAG_LEX: case DIAG_SYNTAX: return SVL_ERR_SYNTAX;
  case DIAG_INCOMPLETE: return SVL_ERR_INCOMPLETE;
  case DIAG_RESOLVE: return SVL_ERR_RESOLVE;
  case DIAG_ASSERT: return SVL_ERR_ASSERT;
  case DIAG_LIMIT: return SVL_ERR_LIMIT;
  case DIAG_IO: return SVL_ERR_IO;
  default: return SVL_ERR_RUNTIME;
  }
}

static svl_status fail(svl_vm *v, const diag *d) {
  if (d != &v->err) v->err = *d;
  return status_of(v->err.kind);
}

static svl_status usage(svl_vm *v, const char *msg) {
  memset(&v->err, 0, sizeof v->err);
  v->err.kind = DIAG_RUNTIME;
  v->err.code = "E0001";
  v->err.msg = msg;
  return SVL_ERR_USAGE;
}

static _Thread_local svl_vm *oom_vm;
static void on_oom(size_t n) {
  (void)n;
  if (oom_vm && oom_vm->jmp) {
    loc none = {0};
    vm_error_kind(oom_vm, DIAG_LIMIT, none, "out of memory");
  }
}

/* Run body under protection.  Used as:
 *   PROTECT(v) { ...work... } return END_PROTECT(v);  */
#define PROTECT(v)                                                       \
  jmp_buf jb_;                                                           \
  jmp_buf *volatile saved_ = (v)->jmp;                                   \
  volatile int depth_ = (v)->depth;                                      \
  char base_;                                                            \
  if (!saved_) { (v)->stack_base = &base_; vm_reset_limits(v); }         \
  svl_vm *volatile oldoom_ = oom_vm;                                     \
  oom_vm = (v);                                                          \
  svl_gc_oom_handler = on_oom;                                           \
  (v)->jmp = &jb_;                                                       \
  if (setjmp(jb_)) {                                                     \
    (v)->jmp = saved_;                                                   \
    (v)->depth = depth_;                                                 \
    (v)->tr = NULL;                                                      \
    oom_vm = oldoom_;                                                    \
    return status_of((v)->err.kind);                                     \
  }
#define END_PROTECT(v) ((v)->jmp = saved_, oom_vm = oldoom_, SVL_OK)

PUBLIC void svl_config_init(svl_config *c) {
  memset(c, 0, sizeof *c);
  c->max_depth = 200;
  c->stack_bytes = (size_t)4 << 20;
}

PUBLIC svl_vm *svl_new(const svl_config *cfg) {
  svl_gc_init();
  svl_vm *v = svl_alloc_root(sizeof *v);
  if (!v) return NULL;
  memset(v, 0, sizeof *v);
  if (cfg) v->cfg = *cfg;
  else svl_config_init(&v->cfg);
  if (v->cfg.stdlib_path) v->cfg.stdlib_path = svl_strdup(v->cfg.stdlib_path);
  v->units = unit_reg_new();
  return v;
}

PUBLIC void svl_free(svl_vm *v) {
  if (v) svl_free_root(v);
}

static svl_status load_text(svl_vm *v, const char *name, const char *text, size_t len) {
  diag e;
  memset(&e, 0, sizeof e);
  module *m = module_parse(v, name, text, len, v->cfg.interactive != 0, &v->host, &e);
  if (!m) {
    if (e.kind == DIAG_INCOMPLETE) e.kind = DIAG_SYNTAX;
    return fail(v, &e);
  }
  v->main = m;
  PROTECT(v)
  eval_module(v, m);
  return END_PROTECT(v);
}

PUBLIC svl_status svl_load_file(svl_vm *v, const char *path) {
  size_t len;
  char *text = read_file(path, &len);
  if (!text) {
    memset(&v->err, 0, sizeof v->err);
    v->err.kind = DIAG_IO;
    v->err.code = "E0501";
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "cannot read '%s': %s", path, strerror(errno));
    v->err.msg = b.s;
    return SVL_ERR_IO;
  }
  return load_text(v, svl_strdup(path), text, len);
}

PUBLIC svl_status svl_load_string(svl_vm *v, const char *name, const char *src, size_t len) {
  return load_text(v, svl_strdup(name ? name : "<string>"), src, len);
}

static svl_value *handle(svl_vm *v, value x) {
  svl_value *h = svl_alloc(sizeof *h);
  h->v = x;
  if (v->nhandles == v->caphandles) {
    int cap = v->caphandles ? v->caphandles * 2 : 16;
    svl_value **hs = svl_alloc((size_t)cap * sizeof *hs);
    if (v->nhandles) memcpy(hs, v->handles, (size_t)v->nhandles * sizeof *hs);
    v->handles = hs;
    v->caphandles = cap;
  }
  /* reuse a free slot first */
  for (int i = 0; i < v->nhandles; i++)
    if (!v->handles[i]) { v->handles[i] = h; h->index = i; return h; }
  h->index = v->nhandles;
  v->handles[v->nhandles++] = h;
  return h;
}

PUBLIC void svl_release(svl_vm *v, svl_value *h) {
  if (!h || h->index < 0 || h->index >= v->nhandles || v->handles[h->index] != h) return;
  v->handles[h->index] = NULL;
  h->index = -1;
}

PUBLIC svl_status svl_eval_line(svl_vm *v, const char *src, size_t len, svl_value **result) {
  if (result) *result = NULL;
  diag e;
  memset(&e, 0, sizeof e);
  module *m = module_parse(v, "<repl>", src, len, true, &v->host, &e);
  if (!m) return fail(v, &e);
  v->main = m;
  node *p = m->prog;
  node *last = NULL;
  if (p->nkids && p->kids[p->nkids - 1]->kind == N_EXPRSTMT) last = p->kids[--p->nkids];
  PROTECT(v)
  eval_module(v, m);
  if (last && result) *result = handle(v, eval_expr_top(v, m, last->a));
  return END_PROTECT(v);
}

PUBLIC svl_status svl_set_global(svl_vm *v, const char *name, svl_value *val) {
  if (!name || !val) return usage(v, "svl_set_global: name and value are required");
  int k = globals_add(&v->host, svl_strdup(name));
  v->host.vals[k] = val->v;
  v->host.ready[k] = true;
  return SVL_OK;
}

static int find_global(svl_vm *v, const char *name) {
  return globals_find(&v->host, name);
}

PUBLIC int svl_has(svl_vm *v, const char *name) {
  int k = find_global(v, name);
  return k >= 0 && v->host.ready[k];
}

PUBLIC svl_status svl_get(svl_vm *v, const char *name, svl_value **result) {
  *result = NULL;
  int k = find_global(v, name);
  if (k < 0 || !v->host.ready[k]) {
    sbuf b;
    sb_init(&b);
    const char *best = diag_nearest(name, v->host.names, v->host.n);
    sb_printf(&b, "no top-level name '%s'", name);
    if (best) sb_printf(&b, " (did you mean '%s'?)", best);
    return usage(v, b.s);
  }
  *result = handle(v, v->host.vals[k]);
  return SVL_OK;
}

PUBLIC svl_status svl_call(svl_vm *v, svl_value *fn, int nargs, svl_value *const *args, svl_value **result) {
  *result = NULL;
  if (!fn || nargs < 0) return usage(v, "svl_call: bad arguments");
  if (!vm_callable(fn->v)) return usage(v, "svl_call: the value is not callable");
  value *a = svl_alloc((size_t)(nargs + 1) * sizeof(value));
  for (int i = 0; i < nargs; i++) a[i] = args[i] ? args[i]->v : v_null;
  PROTECT(v)
  loc none = {0};
  *result = handle(v, vm_call(v, fn->v, nargs, a, none));
  return END_PROTECT(v);
}

PUBLIC svl_value *svl_number(svl_vm *v, const char *s) {
  dec d;
  if (!s || dec_parse(s, strlen(s), &d) != DEC_OK) { usage(v, "svl_number: not an exact decimal"); return NULL; }
  return handle(v, v_num(d));
}

PUBLIC svl_value *svl_text(svl_vm *v, const char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    int k = utf8_valid_seq((const unsigned char *)s + i, len - i);
    if (!k) { usage(v, "svl_text: invalid UTF-8"); return NULL; }
    i += (size_t)k;
  }
  return handle(v, v_text(s, len));
}

PUBLIC svl_value *svl_bool(svl_vm *v, int b) { return handle(v, v_bool(b != 0)); }
PUBLIC svl_value *svl_null(svl_vm *v) { return handle(v, v_null); }

PUBLIC svl_status svl_load_data(svl_vm *v, const char *path, svl_value **result) {
  *result = NULL;
  PROTECT(v)
  loc none = {0};
  *result = handle(v, svl_load(v, none, svl_strdup(path), NULL));
  return END_PROTECT(v);
}

PUBLIC svl_status svl_from_json(svl_vm *v, const char *json, size_t len, svl_value **result) {
  *result = NULL;
  PROTECT(v)
  loc none = {0};
  *result = handle(v, svl_from_json_text(v, none, json, len));
  return END_PROTECT(v);
}

/* ---- formats ---- */

static char *out(const char *s) {
  size_t n = strlen(s);
  char *r = malloc(n + 1);
  if (r) memcpy(r, s, n + 1);
  return r;
}

static bool records_list(value x) {
  if (x.tag != V_LIST) return false;
  for (size_t i = 0; i < x.as.list->n; i++)
    if (x.as.list->items[i].tag != V_RECORD) return false;
  return true;
}

/* Column headers: the first record's fields, then any new ones. */
static const char **columns(const list *l, size_t *nc) {
  size_t cap = 8, n = 0;
  const char **c = svl_alloc(cap * sizeof *c);
  for (size_t i = 0; i < l->n; i++) {
    const record *r = l->items[i].as.rec;
    for (size_t k = 0; k < r->n; k++) {
      bool seen = false;
      for (size_t j = 0; j < n && !seen; j++) seen = !strcmp(c[j], r->keys[k]);
      if (seen) continue;
      if (n == cap) {
        const char **c2 = svl_alloc(cap * 2 * sizeof *c2);
        memcpy(c2, c, n * sizeof *c2);
        c = c2;
        cap *= 2;
      }
      c[n++] = r->keys[k];
    }
  }
  *nc = n;
  return c;
}

static value cell(const list *l, size_t row, const char *col) {
  const record *r = l->items[row].as.rec;
  long k = record_find(r, col);
  return k >= 0 ? r->vals[k] : v_null;
}

static void csv_field(sbuf *b, const char *s) {
  if (strpbrk(s, ",\"\n\r")) {
    sb_putc(b, '"');
    for (; *s; s++) {
      if (*s == '"') sb_putc(b, '"');
      sb_putc(b, *s);
    }
    sb_putc(b, '"');
  } else {
    sb_puts(b, s);
  }
}

static const char *plain_cell(value x) {
  if (x.tag == V_NULL) return "";
  if (x.tag == V_NUM) {
    char buf[DEC_BUFSZ];
    dec_format(x.as.num, buf, sizeof buf);
    return svl_strdup(buf);
  }
  return value_display(x, true);
}

static const char *to_csv(value x) {
  sbuf b;
  sb_init(&b);
  if (!records_list(x)) {
    csv_field(&b, value_display(x, true));
    sb_putc(&b, '\n');
    return b.s;
  }
  const list *l = x.as.list;
  size_t nc;
  const char **cols = columns(l, &nc);
  for (size_t j = 0; j < nc; j++) {
    const unit_t *u = NULL;
    bool pct = false;
    for (size_t i = 0; i < l->n && !u; i++) {
      value c = cell(l, i, cols[j]);
      if (c.tag == V_NUM) { u = c.unit; pct = pct || c.pct; }
    }
    if (j) sb_putc(&b, ',');
    sbuf h;
    sb_init(&h);
    sb_puts(&h, cols[j]);
    if (u) sb_printf(&h, " (%s)", unit_name(u));
    csv_field(&b, h.s);
    (void)pct;
  }
  sb_putc(&b, '\n');
  for (size_t i = 0; i < l->n; i++) {
    for (size_t j = 0; j < nc; j++) {
      if (j) sb_putc(&b, ',');
      csv_field(&b, plain_cell(cell(l, i, cols[j])));
    }
    sb_putc(&b, '\n');
  }
  return b.s;
}

static void md_cell(sbuf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '|') sb_puts(b, "\\|");
    else if (*s == '\n') sb_puts(b, " ");
    else sb_putc(b, *s);
  }
}

static const char *to_md(value x) {
  if (!records_list(x)) {
    sbuf b;
    sb_init(&b);
    sb_puts(&b, value_display(x, true));
    sb_putc(&b, '\n');
    return b.s;
  }
  const list *l = x.as.list;
  size_t nc;
  const char **cols = columns(l, &nc);
  sbuf b;
  sb_init(&b);
  sb_puts(&b, "|");
  for (size_t j = 0; j < nc; j++) { sb_putc(&b, ' '); md_cell(&b, cols[j]); sb_puts(&b, " |"); }
  sb_puts(&b, "\n|");
  for (size_t j = 0; j < nc; j++) {
    bool num = false;
    for (size_t i = 0; i < l->n; i++) num = num || cell(l, i, cols[j]).tag == V_NUM;
    sb_puts(&b, num ? " ---: |" : " --- |");
  }
  sb_putc(&b, '\n');
  for (size_t i = 0; i < l->n; i++) {
    sb_putc(&b, '|');
    for (size_t j = 0; j < nc; j++) {
      value c = cell(l, i, cols[j]);
      sb_putc(&b, ' ');
      md_cell(&b, c.tag == V_NULL ? "" : value_display(c, true));
      sb_puts(&b, " |");
    }
    sb_putc(&b, '\n');
  }
  return b.s;
}

PUBLIC char *svl_format_value(svl_vm *v, svl_value *h, svl_format f) {
  if (!h) { usage(v, "svl_format_value: no value"); return NULL; }
  switch (f) {
  case SVL_FORMAT_TEXT: case SVL_FORMAT_PLAIN: return out(value_display(h->v, true));
  case SVL_FORMAT_REPL: return out(value_display(h->v, false));
  case SVL_FORMAT_JSON: return out(value_json(h->v));
  case SVL_FORMAT_CSV: return out(to_csv(h->v));
  case SVL_FORMAT_MD: return out(to_md(h->v));
  }
  return NULL;
}

PUBLIC const char *svl_type_name(svl_vm *v, svl_value *h) {
  (void)v;
  return h ? value_type_name(h->v) : "none";
}

/* ---- tests ---- */

static bool selected(svl_vm *v, const node *t) {
  return !v->test_filter || strstr(t->b->lit.as.text->s, v->test_filter);
}

PUBLIC int svl_test_count(svl_vm *v) {
  int n = 0;
  for (int i = 0; i < v->ntests; i++) n += selected(v, v->tests[i]);
  return n;
}

static void emit(svl_vm *v, const char *s) {
  if (v->cfg.report) v->cfg.report(v->cfg.user_data, s, strlen(s));
  else vm_output(v, s, strlen(s));
}

static void yaml_str(sbuf *b, const char *key, const char *s) {
  sb_printf(b, "  %s: ", key);
  sb_json_string(b, s, strlen(s));
  sb_putc(b, '\n');
}

/* One test block under protection: a runtime error fails only this test. */
static svl_status run_one(svl_vm *v, node *t) {
  PROTECT(v)
  eval_test(v, t->mod ? (module *)t->mod : v->main, t);
  return END_PROTECT(v);
}

PUBLIC svl_status svl_run_tests(svl_vm *v, int first, int *count, int *failed) {
  volatile int nf = 0;
  int num = first;
  for (int i = 0; i < v->ntests; i++) {
    node *t = v->tests[i];
    if (!selected(v, t)) continue;
    const char *name = t->b->lit.as.text->s;
    memset(&v->last_test, 0, sizeof v->last_test);
    svl_status st = run_one(v, t);
    sbuf b;
    sb_init(&b);
    if (st == SVL_OK) {
      sb_printf(&b, "ok %d - %s\n", num, name);
    } else {
      nf++;
      sb_printf(&b, "not ok %d - %s\n  ---\n", num, name);
      yaml_str(&b, "message", st == SVL_ERR_ASSERT && v->last_test.message ? v->last_test.message
                              : v->err.msg ? v->err.msg : "error");
      if (v->err.at.src) {
        int line, col;
        loc_line_col(v->err.at.src, v->err.at.start, &line, &col);
        sbuf at;
        sb_init(&at);
        sb_printf(&at, "%s:%d:%d", v->err.at.src->name, line, col);
        yaml_str(&b, "at", at.s);
      }
      if (st == SVL_ERR_ASSERT && v->last_test.expr) {
        yaml_str(&b, "expression", v->last_test.expr);
        if (v->last_test.got) {
          yaml_str(&b, "got", v->last_test.got);
          yaml_str(&b, "expected", v->last_test.expected);
        }
      }
      sb_puts(&b, "  ...\n");
    }
    emit(v, b.s);
    num++;
  }
  if (count) *count = num - first;
  if (failed) *failed = nf;
  return nf ? SVL_ERR_ASSERT : SVL_OK;
}

PUBLIC const svl_error *svl_last_error(svl_vm *v) {
  svl_error *e = &v->pub;
  memset(e, 0, sizeof *e);
  e->status = status_of(v->err.kind);
  e->code = v->err.code;
  e->message = v->err.msg ? v->err.msg : "no error";
  e->hint = v->err.hint;
  if (v->err.at.src) {
    e->file = v->err.at.src->name;
    loc_line_col(v->err.at.src, v->err.at.start, &e->line, &e->column);
  }
  e->rendered = diag_render(&v->err);
  return e;
}

PUBLIC void svl_interrupt(svl_vm *v) { v->interrupted = 1; }

PUBLIC void svl_thread_attach(void) { svl_gc_thread_attach(); }
PUBLIC void svl_thread_detach(void) { svl_gc_thread_detach(); }

PUBLIC svl_status svl_check_file(svl_vm *v, const char *path) {
  size_t len;
  char *text = read_file(path, &len);
  if (!text) {
    memset(&v->err, 0, sizeof v->err);
    v->err.kind = DIAG_IO;
    v->err.code = "E0901";
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "cannot read '%s': %s", path, strerror(errno));
    v->err.msg = b.s;
    return SVL_ERR_IO;
  }
  diag e;
  memset(&e, 0, sizeof e);
  module *m = module_parse(v, svl_strdup(path), text, len, false, &v->host, &e);
  if (!m) {
    if (e.kind == DIAG_INCOMPLETE) e.kind = DIAG_SYNTAX;
    return fail(v, &e);
  }
  return SVL_OK;
}

/* ---- explain ---- */

PUBLIC svl_status svl_explain(svl_vm *v, const char *name, svl_format f, int max, char **out_s) {
  *out_s = NULL;
  int k = globals_find(&v->host, name);
  if (k < 0) return usage(v, "explain: no such top-level name");
  node *d = v->host.decls[k];
  trace *root = svl_alloc(sizeof *root);
  root->name = svl_strdup(name);
  root->kind = "let";
  root->args = "";
  trace *volatile saved = v->tr;
  {
    PROTECT(v)
    v->tr = root;
    value r;
    if (d && d->kind == N_LET) {
      root->at = d->at;
      r = eval_expr_top(v, (module *)d->mod, d->a);
    } else if (v->host.ready[k] && vm_callable(v->host.vals[k])) {
      loc none = {0};
      r = vm_call(v, v->host.vals[k], 0, NULL, none);
    } else {
      r = v->host.vals[k];
    }
    root->result = value_short(r);
    v->tr = saved;
    (void)END_PROTECT(v);
  }
  if (f == SVL_FORMAT_JSON) root->kind = "root";
  const char *text = trace_render(root, f == SVL_FORMAT_JSON ? SVL_FORMAT_JSON : SVL_FORMAT_TEXT, f == SVL_FORMAT_PLAIN, max);
  *out_s = out(text);
  return SVL_OK;
}
