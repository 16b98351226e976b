/* The public API (include/svl.h): the protected boundary.  Every entry
 * point that may evaluate sets up a jmp_buf, so no longjmp ever escapes to
 * the host. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/gc.h"
#include "core/output.h"
#include "core/sha256.h"
#include "lang/check.h"
#include "lang/format.h"
#include "stdlib/builtins.h"
#include "stdlib/load.h"

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

svl_status api_fail(svl_vm *v, const diag *d) {
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

/* A call from a thread the collector does not know would abort the whole
 * process at its first allocation ("Collecting from unknown thread"):
 * refuse it instead, allocating nothing (docs/embedding.md, "Threads"). */
svl_status api_unattached(svl_vm *v) {
  return usage(v, "this thread is not attached: call svl_thread_attach() in it before using SVL");
}

svl_status api_usage(svl_vm *v, const char *fmt, ...) {
  if (!gc_thread_ok()) return api_unattached(v);
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  svl_status st = usage(v, "");
  v->err.msg = gc_strdup(buf);
  return st;
}

static _Thread_local svl_vm *oom_vm;
/* The error of an exhausted heap, set without allocating anything, not
 * even the message or the call stack. */
static void oom_error(svl_vm *v) {
  memset(&v->err, 0, sizeof v->err);
  v->err.kind = DIAG_LIMIT;
  v->err.code = "E0802";
  v->err.msg = "out of memory";
  v->err.at = v->here;
}

/* The collector has no memory left (even after collecting): raise. */
static void on_oom(size_t n) {
  svl_vm *v = oom_vm;
  (void)n;
  if (!v || !v->jmp) return;
  oom_error(v);
  longjmp(*v->jmp, 1);
}

/* A big allocation that would take the heap over the VM's limit fails
 * before the memory is asked for: `range(1, 10^9)` must not first grow the
 * process by gigabytes. */
static void on_big_alloc(size_t n) {
  if (oom_vm && oom_vm->jmp && oom_vm->cfg.max_heap && gc_over(oom_vm->cfg.max_heap, n)) {
    vm_error_kind(oom_vm, DIAG_LIMIT, oom_vm->here, "E0802 heap limit reached (%zu bytes)", oom_vm->cfg.max_heap);
  }
  if (oom_vm && oom_vm->jmp) vm_check_budget(oom_vm, oom_vm->here, 0);
}

PUBLIC const char *svl_version(void) { return SVL_VERSION; }
PUBLIC int svl_version_num(void) { return SVL_VERSION_NUM; }

/* A walk over a value went deeper than MAX_NESTING, or than the stack
 * left allows (core/value.h). */
static void on_too_deep(int depth) {
  svl_vm *v = oom_vm;
  if (!v || !v->jmp) return;
  if (depth > MAX_NESTING)
    vm_error_kind(v, DIAG_LIMIT, v->here, "E0806 value nested more than %d deep", MAX_NESTING);
  vm_error_kind(v, DIAG_LIMIT, v->here, "E0806 value nested too deep for the stack left (%d levels)", depth);
}

/* 4,096 lists or records walked (value_walk_step): counted against
 * max_steps, and the clock and interrupts looked at, as for evaluation. */
static void on_walk_tick(void) {
  svl_vm *v = oom_vm;
  if (v && v->jmp) vm_walk_steps(v, 4096);
}

/* The lowest address of this thread's stack plus a reserve for raising the
 * error (formatting the message, the longjmp) and for the frames of
 * functions that do not check; NULL where the system cannot tell.  Read
 * once per thread: for the main thread glibc parses /proc/self/maps. */
static const char *thread_stack_low(void) {
  static _Thread_local bool known;
  static _Thread_local const char *low;
  if (known) return low;
  known = true;
#if defined(__GLIBC__) || defined(__linux__)
  pthread_attr_t a;
  if (pthread_getattr_np(pthread_self(), &a) == 0) {
    void *addr;
    size_t size;
    if (pthread_attr_getstack(&a, &addr, &size) == 0 && addr && size) {
      size_t reserve = size / 4 < ((size_t)128 << 10) ? size / 4 : (size_t)128 << 10;
      low = (const char *)addr + reserve;
    }
    pthread_attr_destroy(&a);
  }
#endif
  return low;
}

/* Where the evaluator and the walks must stop on this thread: stack_bytes
 * below the outermost API call, but never past the thread's own stack, so
 * a host thread with a small stack (256 KiB) gets errors, not a crash. */
static const char *stack_floor(const svl_vm *v, const char *base) {
  size_t budget = v->cfg.stack_bytes ? v->cfg.stack_bytes : (size_t)4 << 20;
  const char *floor = (uintptr_t)base > budget ? base - budget : NULL;
  const char *low = thread_stack_low();
  if (low && (uintptr_t)low > (uintptr_t)floor) floor = low;
  return floor;
}

/* Run body under protection (vm_protect, eval/protect.c): an error raised
 * in it, a limit reached or the heap exhausted comes back as a status.
 * The outermost call also sets where the stack must stop, resets the
 * limits, and forgets imports that failed half-way. */
svl_status api_protect(svl_vm *v, void (*body)(svl_vm *, void *), void *ctx) {
  if (!gc_thread_ok()) return api_unattached(v);
  bool outer = !v->jmp;
  char base;
  const char *oldfloor = value_stack_floor;
  if (outer) {
    v->stack_base = &base;
    value_stack_floor = stack_floor(v, &base);
    value_walk_count = 0;
    vm_reset_limits(v);
  }
  svl_vm *oldoom = oom_vm;
  oom_vm = v;
  gc_oom_handler = on_oom;
  gc_big_alloc_hook = on_big_alloc;
  value_too_deep_hook = on_too_deep;
  value_walk_tick_hook = on_walk_tick;
  bool ok = vm_protect(v, body, ctx);
  oom_vm = oldoom;
  value_stack_floor = oldfloor;
  if (ok) return SVL_OK;
  v->tr = NULL;
  if (outer) vm_forget_failed_imports(v);
  return status_of(v->err.kind);
}

PUBLIC void svl_config_init(svl_config *c) {
  memset(c, 0, sizeof *c);
  c->max_depth = 200;
  c->stack_bytes = (size_t)4 << 20;
  c->stdlib_path = api_default_stdlib();
}

PUBLIC svl_vm *svl_new(const svl_config *cfg) {
  gc_init();
  if (!gc_thread_ok()) return NULL; /* not attached: see unattached() */
  svl_vm *v = gc_alloc_root(sizeof *v);
  if (!v) return NULL;
  memset(v, 0, sizeof *v);
  if (cfg) v->cfg = *cfg;
  else svl_config_init(&v->cfg);
  if (v->cfg.stdlib_path) v->cfg.stdlib_path = gc_strdup(v->cfg.stdlib_path);
  /* a bad date cannot fail svl_new (NULL means out of memory): as_of()
   * reports it, with the text, where the rules first need the date */
  if (v->cfg.as_of) {
    v->as_of_set = date_parse(v->cfg.as_of, strlen(v->cfg.as_of), &v->as_of) ? 1 : 2;
    v->cfg.as_of = v->as_of_set == 2 ? gc_strdup(v->cfg.as_of) : NULL;
  }
  if (v->cfg.load_encoding) v->cfg.load_encoding = gc_strdup(v->cfg.load_encoding);
  vm_confine_init(v);
  v->units = unit_reg_new();
  v->builtins = &stdlib_builtins;
  return v;
}

PUBLIC void svl_free(svl_vm *v) {
  if (v) gc_free_root(v);
}

/* Parsing and resolving allocate as much as running: all of it is under
 * protection, so an exhausted heap is an error at any stage. */
typedef struct load_job {
  const char *name, *id, *text;
  size_t len;
  bool repl;
  diag e;              /* a syntax or resolve error, when m is NULL */
  module *m;
  svl_value **result;  /* svl_eval_line: the last expression's value */
} load_job;

/* What the spelling shows of a likely mistake (E0411), before running:
 * a commissioner who never runs `svl check` still sees it. */
static void warn_spelling(svl_vm *v, const module *m) {
  findings f = {0};
  check_spelling(m->prog, &f);
  if (!f.n) return;
  const char *t = findings_text(&f);
  v->cfg.warn(v->cfg.user_data, t, strlen(t));
}

static void load_body(svl_vm *v, void *p) {
  load_job *j = p;
  j->m = module_parse(v, gc_strdup(j->name), j->text, j->len, j->repl, &v->host, &j->e);
  if (!j->m) return;
  if (v->cfg.warn) warn_spelling(v, j->m);
  v->main_mod = j->m;
  j->m->id = j->id;
  j->m->loading = true;
  eval_module(v, j->m);
  j->m->loading = false;
}

static svl_status load_text(svl_vm *v, const char *name, const char *id, const char *text, size_t len) {
  load_job j = {.name = name, .id = id, .text = text, .len = len, .repl = v->cfg.interactive != 0};
  svl_status st = api_protect(v, load_body, &j);
  if (st != SVL_OK || j.m) return st;
  if (j.e.kind == DIAG_INCOMPLETE) j.e.kind = DIAG_SYNTAX;
  return api_fail(v, &j.e);
}

typedef struct read_job { const char *path; char *text; size_t len; } read_job;

static void read_body(svl_vm *v, void *p) {
  read_job *j = p;
  j->text = read_file(j->path, &j->len);
  if (!j->text) {
    loc none = {0};
    vm_error_kind(v, DIAG_IO, none, "E0901 cannot read '%s': %s", j->path, read_error(errno));
  }
}

static svl_status read_source(svl_vm *v, const char *path, char **text, size_t *len) {
  read_job j = {.path = path};
  svl_status st = api_protect(v, read_body, &j);
  *text = j.text;
  *len = j.len;
  return st;
}

PUBLIC svl_status svl_load_file(svl_vm *v, const char *path) {
  if (!path) return usage(v, "svl_load_file: no path");
  size_t len;
  char *text;
  svl_status st = read_source(v, path, &text, &len);
  if (st != SVL_OK) return st;
  vm_note_file(v, path, text, len);
  /* the rule file's scripts may read beside it (eval/confine.c) */
  vm_allow_dir_of(v, path);
  return load_text(v, path, canonical_path(path), text, len);
}

PUBLIC svl_status svl_load_string(svl_vm *v, const char *name, const char *src, size_t len) {
  if (!src) return usage(v, "svl_load_string: no source text");
  if (len == SVL_NTS) len = strlen(src);
  return load_text(v, name ? name : "<string>", NULL, src, len);
}

api_ext *api_ext_of(svl_vm *v) {
  if (!v->ext) v->ext = gc_alloc(sizeof *v->ext);
  return v->ext;
}

/* Handles live in vm->handles for the VM's whole life (so a released one
 * is still valid memory, and a host's mistake cannot crash it); a released
 * handle has index -1 - position and waits on the free list for reuse. */
static svl_value *handle(svl_vm *v, value x) {
  if (!gc_thread_ok()) { api_unattached(v); return NULL; }
  api_ext *e = api_ext_of(v);
  if (!e) return NULL;
  svl_value *h = e->free_head;
  if (h) {
    e->free_head = h->next_free;
    if (!e->free_head) e->free_tail = NULL;
    h->next_free = NULL;
    h->index = -1 - h->index;
  } else {
    if (!GC_GROW(v->handles, v->nhandles, v->caphandles, 16)) return NULL;
    h = gc_alloc(sizeof *h);
    if (!h) return NULL;
    h->index = v->nhandles;
    v->handles[v->nhandles++] = h;
  }
  h->v = x;
  h->scope = e->scope;
  if (e->scope > 0) {
    if (e->nscoped == e->capscoped) {
      int cap = e->capscoped ? e->capscoped * 2 : 16;
      svl_value **hs = gc_alloc((size_t)cap * sizeof *hs);
      if (!hs) return h; /* it then lives until released: a leak, not a crash */
      if (e->nscoped) memcpy(hs, e->scoped, (size_t)e->nscoped * sizeof *hs);
      e->scoped = hs;
      e->capscoped = cap;
    }
    e->scoped[e->nscoped++] = h;
  }
  return h;
}

svl_value *api_handle(svl_vm *v, value x) { return handle(v, x); }

/* Whether h is a live handle of v. */
static bool live(svl_vm *v, const svl_value *h) {
  return h && h->index >= 0 && h->index < v->nhandles && v->handles[h->index] == h;
}

bool api_value(svl_vm *v, svl_value *h, const char *fn, value *out) {
  if (live(v, h)) { *out = h->v; return true; }
  api_usage(v, h ? "%s: the handle was released (or belongs to another VM)" : "%s: no value (a NULL handle)", fn);
  return false;
}

PUBLIC void svl_release(svl_vm *v, svl_value *h) {
  if (!v || !live(v, h)) return;
  h->index = -1 - h->index;
  h->v = v_null;
  h->num = h->unit = NULL;
  h->scope = 0;
  api_ext *e = v->ext;
  if (e->free_tail) e->free_tail->next_free = h;
  else e->free_head = h;
  e->free_tail = h;
}

/* A line of the REPL: its declarations and statements run, and the value
 * of a last expression comes back. */
static void line_body(svl_vm *v, void *p) {
  load_job *j = p;
  module *m = j->m = module_parse(v, j->name, j->text, j->len, true, &v->host, &j->e);
  if (!m) return;
  if (v->cfg.warn) warn_spelling(v, m);
  v->main_mod = m;
  node *prog = m->prog;
  node *last = NULL;
  if (prog->nkids && prog->kids[prog->nkids - 1]->kind == N_EXPRSTMT) last = prog->kids[--prog->nkids];
  eval_module(v, m);
  if (last && j->result) *j->result = handle(v, eval_expr_top(v, m, last->a));
}

PUBLIC svl_status svl_eval_line(svl_vm *v, const char *src, size_t len, svl_value **result) {
  if (result) *result = NULL;
  if (!src) return usage(v, "svl_eval_line: no source text");
  load_job j = {.name = "<repl>", .text = src, .len = len == SVL_NTS ? strlen(src) : len, .repl = true,
                .result = result};
  svl_status st = api_protect(v, line_body, &j);
  return st != SVL_OK || j.m ? st : api_fail(v, &j.e);
}

PUBLIC svl_status svl_set_global(svl_vm *v, const char *name, svl_value *val) {
  value x;
  if (!gc_thread_ok()) return api_unattached(v);
  if (!name || !*name) return usage(v, "svl_set_global: a name is required");
  if (!api_value(v, val, "svl_set_global", &x)) return SVL_ERR_USAGE;
  int k = globals_find(&v->host, name);
  /* resolved code relies on what a declaration is (a fn stays a fn) */
  if (k >= 0 && v->host.decls[k])
    return api_usage(v, "svl_set_global: '%s' is defined by the loaded program", name);
  k = globals_add(&v->host, gc_strdup(name));
  v->host.vals[k] = x;
  v->host.ready[k] = true;
  return SVL_OK;
}

PUBLIC svl_status svl_set_as_of(svl_vm *v, const char *date) {
  int32_t d;
  if (!date) {
    v->as_of_set = 0;
    v->cfg.as_of = NULL;
    return SVL_OK;
  }
  if (!date_parse(date, strlen(date), &d))
    return api_usage(v, "svl_set_as_of: '%s' is not a date in the form YYYY-MM-DD", date);
  v->as_of = d;
  v->as_of_set = 1;
  v->cfg.as_of = NULL; /* the host's text is not kept: the date is */
  return SVL_OK;
}

static int find_global(svl_vm *v, const char *name) {
  return globals_find(&v->host, name);
}

PUBLIC int svl_has(svl_vm *v, const char *name) {
  if (!name) return 0;
  int k = find_global(v, name);
  return k >= 0 && v->host.ready[k];
}

PUBLIC svl_status svl_get(svl_vm *v, const char *name, svl_value **result) {
  if (!result) return usage(v, "svl_get: no place for the result");
  *result = NULL;
  if (!name) return usage(v, "svl_get: no name");
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
  if (!*result) return gc_thread_ok() ? usage(v, "svl_get: out of memory") : SVL_ERR_USAGE;
  v->got = v->host.vals[k];
  v->got_at = v->host.decls[k] ? v->host.decls[k]->at : (loc){0};
  return SVL_OK;
}

PUBLIC svl_status svl_call(svl_vm *v, svl_value *fn, int nargs, svl_value *const *args, svl_value **result) {
  return svl_call_named(v, fn, nargs, args, 0, NULL, NULL, result);
}

svl_status api_take_args(svl_vm *v, const char *api, svl_value *fn, int nargs, svl_value *const *args,
                         int nnamed, const char *const *names, svl_value *const *named, host_args *a) {
  if (!api_value(v, fn, api, &a->fn)) return SVL_ERR_USAGE;
  if (!vm_callable(a->fn)) return api_usage(v, "%s: a %s is not callable", api, value_type_name(a->fn));
  if (nargs < 0 || nnamed < 0 || nargs > 10000 || nnamed > 10000 || (nargs && !args) || (nnamed && (!names || !named)))
    return api_usage(v, "%s: bad argument counts or arrays", api);
  a->npos = nargs;
  a->nnamed = nnamed;
  a->pos = nargs + nnamed <= (int)(sizeof a->small / sizeof *a->small)
               ? a->small
               : gc_alloc((size_t)(nargs + nnamed + 1) * sizeof(value));
  a->named = a->pos + nargs;
  a->names = nnamed <= (int)(sizeof a->small_names / sizeof *a->small_names)
                 ? a->small_names
                 : gc_alloc((size_t)(nnamed + 1) * sizeof(char *));
  if (!a->pos || !a->names) return api_usage(v, "%s: out of memory", api);
  for (int i = 0; i < nargs; i++)
    if (!api_value(v, args[i], api, &a->pos[i])) return api_usage(v, "%s: argument %d: %s", api, i + 1, v->err.msg);
  for (int i = 0; i < nnamed; i++) {
    if (!names[i] || !*names[i]) return api_usage(v, "%s: named argument %d has no name", api, i + 1);
    for (int j = 0; j < i; j++)
      if (!strcmp(names[i], names[j])) return api_usage(v, "%s: argument '%s' given twice", api, names[i]);
    if (!api_value(v, named[i], api, &a->named[i])) return api_usage(v, "%s: argument '%s': %s", api, names[i], v->err.msg);
    a->names[i] = gc_strdup(names[i]);
  }
  return SVL_OK;
}

typedef struct call_job { host_args *a; svl_value **result; } call_job;

static void call_body(svl_vm *v, void *p) {
  call_job *j = p;
  loc none = {0};
  host_args *a = j->a;
  *j->result = handle(v, vm_call_named(v, a->fn, a->npos, a->pos, a->nnamed, a->names, a->named, none));
}

PUBLIC svl_status svl_call_named(svl_vm *v, svl_value *fn, int nargs, svl_value *const *args, int nnamed,
                                 const char *const *names, svl_value *const *named, svl_value **result) {
  if (!result) return usage(v, "svl_call: no place for the result");
  *result = NULL;
  host_args a;
  svl_status st = api_take_args(v, "svl_call", fn, nargs, args, nnamed, names, named, &a);
  if (st != SVL_OK) return st;
  call_job j = {&a, result};
  return api_protect(v, call_body, &j);
}

PUBLIC svl_value *svl_number(svl_vm *v, const char *s) {
  dec d;
  if (!s || dec_parse(s, strlen(s), &d) != DEC_OK) { usage(v, "svl_number: not an exact decimal"); return NULL; }
  return handle(v, v_num(d));
}

PUBLIC svl_value *svl_decimal(svl_vm *v, int negative, uint64_t digits, int exponent) {
  dec d;
  if (!dec_from_digits(negative != 0, digits, exponent, &d)) { /* dec_parse's general path */
    char s[48];
    int n = snprintf(s, sizeof s, "%s%" PRIu64 "E%d", negative ? "-" : "", digits, exponent);
    if (dec_parse(s, (size_t)n, &d) != DEC_OK) {
      api_usage(v, "svl_decimal: %s is beyond decimal128's range", s);
      return NULL;
    }
  }
  return handle(v, v_num(d));
}

typedef struct text_job { const char *s; size_t len; value out; } text_job;
static void make_text(svl_vm *v, void *p) {
  (void)v;
  text_job *j = p;
  j->out = v_text(j->s, j->len);
}

PUBLIC svl_value *svl_text(svl_vm *v, const char *s, size_t len) {
  if (!s && len) { usage(v, "svl_text: no text"); return NULL; }
  if (!s) s = "";
  if (len == SVL_NTS) len = strlen(s);
  for (size_t i = 0; i < len;) {
    int k = utf8_valid_seq((const unsigned char *)s + i, len - i);
    if (!k) { usage(v, "svl_text: invalid UTF-8"); return NULL; }
    i += (size_t)k;
  }
  /* Outside every protected call of this thread (the host's own code, not
   * a native of any VM) an allocation returns NULL when the heap is
   * exhausted, so a short text needs no protected call of its own: one per
   * text was a third of what a text argument cost a database row.  A big
   * one (SVL_GC_BIG) is weighed against the heap limit under protection. */
  value out;
  if (!v->jmp && !oom_vm && len < SVL_GC_BIG - sizeof(text) - 1) {
    if (!gc_thread_ok()) { api_unattached(v); return NULL; }
    if (!v_text_try(s, len, &out)) { oom_error(v); return NULL; }
    return handle(v, out);
  }
  text_job j = {s, len, v_null};
  return api_protect(v, make_text, &j) == SVL_OK ? handle(v, j.out) : NULL;
}

PUBLIC svl_value *svl_bool(svl_vm *v, int b) { return handle(v, v_bool(b != 0)); }
PUBLIC svl_value *svl_null(svl_vm *v) { return handle(v, v_null); }

/* svl_load_data and svl_from_json: a path, or JSON text, into a value. */
typedef struct data_job { const char *s; size_t len; svl_value **result; } data_job;

static void load_data_body(svl_vm *v, void *p) {
  data_job *j = p;
  loc none = {0};
  *j->result = handle(v, load_path(v, none, gc_strdup(j->s), NULL));
}

static void from_json_body(svl_vm *v, void *p) {
  data_job *j = p;
  loc none = {0};
  *j->result = handle(v, load_json_text(v, none, j->s, j->len));
}

PUBLIC svl_status svl_load_data(svl_vm *v, const char *path, svl_value **result) {
  if (!result) return usage(v, "svl_load_data: no place for the result");
  *result = NULL;
  if (!path) return usage(v, "svl_load_data: no path");
  /* the host names this file itself, as with svl_load_file: the
   * permission guards what scripts may read, not the host */
  unsigned saved = v->cfg.permissions;
  v->cfg.permissions |= SVL_ALLOW_FILES;
  v->host_read = 1;
  data_job j = {path, 0, result};
  svl_status st = api_protect(v, load_data_body, &j);
  v->host_read = 0;
  v->cfg.permissions = saved;
  return st;
}

PUBLIC svl_status svl_from_json(svl_vm *v, const char *json, size_t len, svl_value **result) {
  if (!result) return usage(v, "svl_from_json: no place for the result");
  *result = NULL;
  if (!json) return usage(v, "svl_from_json: no text");
  data_job j = {json, len == SVL_NTS ? strlen(json) : len, result};
  return api_protect(v, from_json_body, &j);
}

/* ---- formats ---- */

char *api_out(const char *s) {
  size_t n = strlen(s);
  char *r = malloc(n + 1);
  if (r) memcpy(r, s, n + 1);
  return r;
}

typedef struct format_job { value x; svl_format f; const char *s; } format_job;
static void format_body(svl_vm *v, void *p) {
  format_job *j = p;
  if (j->x.tag == v->got.tag && j->x.as.list == v->got.as.list) v->here = v->got_at;
  switch (j->f) {
  case SVL_FORMAT_TEXT: case SVL_FORMAT_PLAIN: j->s = value_display(j->x, true); break;
  case SVL_FORMAT_REPL: j->s = value_display(j->x, false); break;
  case SVL_FORMAT_JSON: j->s = value_json(j->x); break;
  case SVL_FORMAT_CSV: j->s = output_csv(j->x); break;
  case SVL_FORMAT_MD: j->s = output_md(j->x); break;
  }
}

PUBLIC char *svl_format_value(svl_vm *v, svl_value *h, svl_format f) {
  format_job j = {v_null, f, NULL};
  if (!api_value(v, h, "svl_format_value", &j.x)) return NULL;
  if (api_protect(v, format_body, &j) != SVL_OK) return NULL; /* out of memory */
  if (!j.s) api_usage(v, "svl_format_value: unknown format %d", (int)f);
  return j.s ? api_out(j.s) : NULL;
}

PUBLIC const char *svl_type_name(svl_vm *v, svl_value *h) {
  if (!v || !live(v, h)) return "none";
  if (h->v.tag == V_NUM && h->v.unit) {
    /* a unit's name is made on demand: the handle keeps it alive */
    if (!h->unit) h->unit = unit_name(h->v.unit);
    return h->unit;
  }
  return value_type_name(h->v);
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

/* A test name on a TAP line: `#` would start a directive (`# SKIP` turns a
 * failure into a pass for prove) and a line break would end the line, so
 * both are escaped, with the backslash itself (TAP 13: "\#"). */
static void tap_name(sbuf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '#' || *s == '\\') { sb_putc(b, '\\'); sb_putc(b, *s); }
    else if (*s == '\n') sb_puts(b, "\\n");
    else if (*s == '\r') sb_puts(b, "\\r");
    else sb_putc(b, *s);
  }
}

/* One test block under protection: a runtime error fails only this test. */
static void test_body(svl_vm *v, void *p) {
  node *t = p;
  eval_test(v, t->mod ? (module *)t->mod : v->main_mod, t);
}

static svl_status run_one(svl_vm *v, node *t) { return api_protect(v, test_body, t); }

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
      sb_printf(&b, "ok %d - ", num);
      tap_name(&b, name);
      sb_putc(&b, '\n');
    } else {
      nf++;
      sb_printf(&b, "not ok %d - ", num);
      tap_name(&b, name);
      sb_puts(&b, "\n  ---\n");
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

static void render_body(svl_vm *v, void *p) { ((svl_error *)p)->rendered = diag_render(&v->err); }

PUBLIC const svl_error *svl_last_error(svl_vm *v) {
  svl_error *e = &v->pub;
  memset(e, 0, sizeof *e);
  bool attached = gc_thread_ok(); /* else nothing may be allocated */
  /* a misused API call has no place in a file; one passed on by a native
   * has the native's call site and reached the host as a runtime error */
  bool is_usage = v->err.code && !strcmp(v->err.code, "E0001") && !v->err.at.src;
  e->status = !v->err.kind ? SVL_OK : is_usage ? SVL_ERR_USAGE : status_of(v->err.kind);
  e->code = v->err.code;
  e->message = v->err.msg ? v->err.msg : "no error";
  e->hint = v->err.hint;
  if (v->err.at.src) {
    e->file = v->err.at.src->name;
    loc_line_col(v->err.at.src, v->err.at.start, &e->line, &e->column);
  }
  if (v->err.nframes > 0 && attached) {
    /* GC memory hung on the VM: it lives until the next error query */
    svl_frame *fr = gc_alloc((size_t)v->err.nframes * sizeof *fr);
    for (int i = 0; fr && i < v->err.nframes; i++) {
      const diag_frame *d = &v->err.frames[i];
      fr[i].function = d->name;
      if (d->at.src) {
        fr[i].file = d->at.src->name;
        loc_line_col(d->at.src, d->at.start, &fr[i].line, &fr[i].column);
      }
    }
    e->frames = fr;
    e->nframes = fr ? v->err.nframes : 0;
  }
  /* rendering allocates: if even that fails, the bare message will do */
  diag kept = v->err;
  e->rendered = NULL;
  if (api_protect(v, render_body, e) != SVL_OK || !e->rendered) {
    v->err = kept;
    e->rendered = kept.msg ? kept.msg : "error\n";
  }
  return e;
}

PUBLIC void svl_interrupt(svl_vm *v) {
  if (v) v->interrupted = 1;
}

PUBLIC int svl_files_read(svl_vm *v, int i, const char **path, const char **sha256) {
  if (i >= 0 && i < v->nread) {
    if (path) *path = v->read_paths[i];
    if (sha256) *sha256 = vm_file_hash(v, i);
  }
  return v->nread;
}

PUBLIC void svl_sha256(const void *data, size_t len, char hex[65]) { sha256_hex(data, len, hex); }

/* The collector may not have started yet (no svl_new so far): it must be
 * before a thread can register, or it aborts the process. */
PUBLIC void svl_thread_attach(void) {
  gc_init();
  gc_thread_attach();
}
PUBLIC void svl_thread_detach(void) { gc_thread_detach(); }

PUBLIC svl_status svl_check_file(svl_vm *v, const char *path) {
  size_t len;
  char *text = read_file(path, &len);
  if (!text) {
    memset(&v->err, 0, sizeof v->err);
    v->err.kind = DIAG_IO;
    v->err.code = "E0901";
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "cannot read '%s': %s", path, read_error(errno));
    v->err.msg = b.s;
    return SVL_ERR_IO;
  }
  diag e = {0};
  memset(&e, 0, sizeof e);
  module *m = module_parse(v, gc_strdup(path), text, len, false, &v->host, &e);
  if (!m) {
    if (e.kind == DIAG_INCOMPLETE) e.kind = DIAG_SYNTAX;
    return api_fail(v, &e);
  }
  return SVL_OK;
}

/* ---- fmt ---- */

PUBLIC svl_status svl_format_source(svl_vm *v, const char *name, const char *src, size_t len, char **out_s) {
  if (out_s) *out_s = NULL;
  if (!out_s || (!src && len)) return usage(v, "svl_format_source: bad arguments");
  if (len == SVL_NTS) len = strlen(src);
  source *s = gc_alloc(sizeof *s);
  s->name = gc_strdup(name ? name : "<string>");
  s->dir = "";
  /* format_source refuses an oversized source without reading it */
  s->text = len > FORMAT_MAX_BYTES ? "" : gc_strndup(src ? src : "", len);
  s->len = len;
  diag e = {0};
  memset(&e, 0, sizeof e);
  const char *text;
  size_t n;
  if (!format_source(s, &text, &n, &e)) {
    if (e.kind == DIAG_INCOMPLETE) e.kind = DIAG_SYNTAX;
    return api_fail(v, &e);
  }
  char *r = malloc(n + 1);
  if (!r) return usage(v, "svl_format_source: out of memory");
  memcpy(r, text, n);
  r[n] = 0;
  *out_s = r;
  return SVL_OK;
}
