/* The evaluator: walks the resolved AST.
 *
 * Errors unwind with longjmp to the innermost protected region (api.c, or
 * a test block); everything allocated is GC memory, so unwinding leaks
 * nothing.  Limits are checked at calls and loop heads. */
#include "eval/walk.h"

#include <alloca.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang/parse.h"
#include "core/gc.h"
#include "eval/assert_error.h"
#include "eval/report_decl.h"
#include "eval/require_list.h"
#include "eval/table_index.h"
#include "eval/dated.h"


uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#define NOINLINE __attribute__((noinline))

/* ---- errors ---- */

static _Noreturn void raise_diag(vm *v) {
  /* copy the call stack, innermost first */
  int n = v->depth;
  if (n > 20) n = 20;
  v->err.nframes = n;
  v->err.frames = n ? gc_alloc((size_t)n * sizeof(diag_frame)) : NULL;
  for (int i = 0; i < n; i++) {
    v->err.frames[i] = v->stack[v->depth - 1 - i];
    v->err.frames[i].decl = NULL, v->err.frames[i].args = NULL; /* gone once unwound */
  }
  longjmp(*v->jmp, 1);
}

/* The message of an error, its catalogue code split off (diag.code). */
static void format_msg(char *buf, size_t n, const char **code, const char *fmt, va_list ap) {
  fmt = diag_code(fmt, code, "E0000");
  vsnprintf(buf, n, fmt, ap);
}

static _Noreturn void raise_error(vm *v, diag_kind kind, loc at, const char *hint, const char *code, const char *msg) {
  memset(&v->err, 0, sizeof v->err);
  v->err.kind = kind;
  v->err.code = code;
  v->err.msg = gc_strdup(msg);
  v->err.hint = hint;
  v->err.at = at;
  /* a limit (out of memory among them) is raised as it is: no work, and
   * no allocation, on its way out */
  if (kind != DIAG_LIMIT) prov_explain(v, false);
  v->nblame = 0;
  v->lacks = NULL;
  raise_diag(v);
}

/* Format the message and end the va_list before raising: the raise does
 * not return (it unwinds with longjmp). */
#define RAISE_FORMATTED(kind, hint)                        \
  do {                                                      \
    char buf_[1024];                                        \
    const char *code_;                                      \
    va_list ap_;                                            \
    va_start(ap_, fmt);                                     \
    format_msg(buf_, sizeof buf_, &code_, fmt, ap_);        \
    va_end(ap_);                                            \
    raise_error(v, (kind), at, (hint), code_, buf_);        \
  } while (0)

void vm_error(vm *v, loc at, const char *fmt, ...) { RAISE_FORMATTED(DIAG_RUNTIME, NULL); }
void vm_error_hint(vm *v, loc at, const char *hint, const char *fmt, ...) { RAISE_FORMATTED(DIAG_RUNTIME, hint); }
void vm_error_kind(vm *v, diag_kind kind, loc at, const char *fmt, ...) { RAISE_FORMATTED(kind, NULL); }

void vm_check(vm *v, loc at, dec_status st) {
  switch (st) {
  case DEC_OK: return;
  case DEC_DIV_ZERO: vm_error(v, at, "E0501 division by zero");
  case DEC_OVERFLOW: vm_error(v, at, "E0502 number too large (beyond decimal128's range)");
  case DEC_INVALID: vm_error(v, at, "E0503 invalid operation (e.g. the square root or logarithm of a negative number)");
  default: vm_error(v, at, "E0503 invalid number");
  }
}

bool vm_allowed(vm *v, vm_perm p) { return (v->cfg.permissions & (unsigned)p) != 0; }
unit_reg *vm_units(vm *v) { return v->units; }

void vm_output(vm *v, const char *s, size_t n) {
  if (v->cfg.write) v->cfg.write(v->cfg.user_data, s, n);
}

const char *vm_path(vm *v, loc at, const char *path) {
  const char *full = path;
  if (path[0] != '/' && at.src && at.src->dir && at.src->dir[0]) {
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "%s/%s", at.src->dir, path);
    full = b.s;
  }
  vm_confine(v, at, path, full); /* eval/confine.c: may this script read it? */
  return full;
}

/* ---- limits ---- */

/* svl_config.heap_budget: what this VM allocated since the call began. */
void vm_check_budget(vm *v, loc at, size_t extra) {
  if (v->cfg.heap_budget && gc_thread_bytes - v->heap_start + extra > v->cfg.heap_budget)
    vm_error_kind(v, DIAG_LIMIT, at, "E0802 heap budget of this VM reached (%zu bytes)", v->cfg.heap_budget);
}

void vm_reset_limits(vm *v) {
  v->steps = 0;
  v->walks = 0;
  v->here = (loc){0};
  v->interrupted = 0;
  /* The clock is read at the first check, a thousand steps in, not here:
   * most calls a database makes per row end before that (the tender
   * scoring takes about 60 steps), and reading the clock at every call was
   * 3.6% of a row's time inside PostgreSQL.  A call that runs on has its
   * time counted from that first check, microseconds late. */
  v->deadline_ms = v->cfg.timeout_ms ? DEADLINE_UNSTARTED : 0;
  v->heap_start = gc_thread_bytes;
}

/* The limits looked at every thousand steps: interrupts, the clock, the heap. */
void vm_check_limits(vm *v, loc at) {
  if (v->interrupted) vm_error_kind(v, DIAG_LIMIT, at, "E0803 interrupted");
  if (v->deadline_ms == DEADLINE_UNSTARTED) v->deadline_ms = now_ms() + v->cfg.timeout_ms;
  else if (v->deadline_ms && now_ms() > v->deadline_ms)
    vm_error_kind(v, DIAG_LIMIT, at, "E0803 time limit reached (%llu ms)", (unsigned long long)v->cfg.timeout_ms);
  if (v->cfg.max_heap && gc_over(v->cfg.max_heap, 0))
    vm_error_kind(v, DIAG_LIMIT, at, "E0802 heap limit reached (%zu bytes)", v->cfg.max_heap);
  vm_check_budget(v, at, 0);
}

__attribute__((cold, noinline)) _Noreturn void vm_step_limit(vm *v, loc at) {
  vm_error_kind(v, DIAG_LIMIT, at, "E0801 step limit reached (%llu steps)", (unsigned long long)v->cfg.max_steps);
}

void vm_walk_steps(vm *v, uint64_t n) {
  /* counted apart from v->steps, which must not depend on how much a
   * comparison walked (a table's index skips rows and counts them as the
   * scan would: tests/unit_table_index.t) */
  v->walks += n;
  if (v->cfg.max_steps && v->walks > v->cfg.max_steps)
    vm_error_kind(v, DIAG_LIMIT, v->here, "E0801 step limit reached (%llu steps): a value too large to walk",
                  (unsigned long long)v->cfg.max_steps);
  vm_check_limits(v, v->here);
}

static void push_call(vm *v, const char *name, loc at) {
  char here;
  unsigned max = v->cfg.max_depth ? v->cfg.max_depth : 200;
  if ((unsigned)v->depth >= max)
    vm_error_kind(v, DIAG_LIMIT, at, "E0804 call depth limit reached (%u nested calls): runaway recursion?", max);
  /* value_stack_floor: stack_bytes below the API call, or the end of a
   * smaller thread stack (api/api.c stack_floor) */
  if (value_stack_floor && (uintptr_t)&here < (uintptr_t)value_stack_floor)
    vm_error_kind(v, DIAG_LIMIT, at, "E0804 call stack exhausted after %d nested calls: runaway recursion?", v->depth);
  GC_GROW(v->stack, v->depth, v->stack_cap, 64);
  v->stack[v->depth] = (diag_frame){.name = name, .at = at};
  v->depth++;
  step(v, at);
}

/* ---- helpers ---- */

static frame *frame_new(frame *up, int n) {
  frame *f = gc_alloc(sizeof(frame) + (size_t)(n > 0 ? n : 1) * sizeof(value));
  f->up = up;
  return f;
}

/* Most calls make no closure, so nothing can hold their frame once they
 * return: such a frame lives on the C stack (which
 * the collector scans) instead of the heap, where it was a third of the
 * garbage of a call.  A lambda anywhere inside (it keeps its defining
 * frame and every frame outside it), tracing for explain (a trace keeps
 * the arguments' slots) or a big frame keeps the heap.  The resolver
 * marks a declaration with a lambda inside (d->frames, lang/resolve.c). */
#define STACK_FRAME_SLOTS 32

static bool frame_may_be_on_stack(vm *v, const node *d) {
  return !v->tr && d->nslots <= STACK_FRAME_SLOTS && d->frames != 2;
}
#define STACK_FRAME(up, n) stack_frame_init(alloca(sizeof(frame) + (size_t)((n) > 0 ? (n) : 1) * sizeof(value)), (up), (n))
static frame *stack_frame_init(void *p, frame *up, int n) {
  frame *f = p;
  memset(f, 0, sizeof(frame) + (size_t)(n > 0 ? n : 1) * sizeof(value));
  f->up = up;
  return f;
}

/* ---- fields ---- */

static const char *field_hint(const record *r, const char *name) {
  const char *best = diag_nearest(name, r->keys, (int)r->n);
  if (!best) return NULL;
  sbuf b;
  sb_init(&b);
  sb_printf(&b, "did you mean '%s'?", best);
  return b.s;
}

static value module_get(vm *v, loc at, const module *m, const char *name) {
  int k = globals_find(m->g, name);
  if (k < 0) {
    const char *best = diag_nearest(name, m->g->names, m->g->n);
    sbuf b;
    sb_init(&b);
    if (best) sb_printf(&b, "did you mean '%s'?", best);
    vm_error_hint(v, at, b.s, "E0306 module '%s' has no name '%s'", m->path, name);
  }
  return m->g->vals[k];
}

/* soft: under ??, a missing field gives null instead of an error */
static bool get_field(vm *v, loc at, value obj, const char *name, bool soft, value *out) {
  switch (obj.tag) {
  case V_RECORD: {
    long k = record_find(obj.as.rec, name);
    if (k >= 0) {
      prov_read(v, obj.as.rec, (size_t)k);
      *out = rec_get(obj.as.rec, k);
      return true;
    }
    if (soft) return false;
    v->lacks = obj.as.rec;
    vm_error_hint(v, at, field_hint(obj.as.rec, name), "E0404 no field '%s' in this %s", name,
                  obj.as.rec->indicator ? "indicator" : "record");
  }
  case V_VERDICT:
    if (!strcmp(name, "passed")) { *out = v_bool(obj.as.verdict->passed); return true; }
    if (!strcmp(name, "reasons")) { *out = v_list(obj.as.verdict->reasons); return true; }
    if (!strcmp(name, "warnings")) { *out = v_list(obj.as.verdict->warnings); return true; }
    if (soft) return false;
    vm_error_hint(v, at, "a verdict has .passed, .reasons and .warnings", "E0404 no field '%s' in a verdict", name);
  case V_MODULE: *out = module_get(v, at, obj.as.module, name); return true;
  case V_NULL:
    if (soft) return false;
    vm_error_hint(v, at, "use ?? to give a default", "E0403 cannot read field '%s' of null", name);
  default:
    if (soft) return false;
    vm_error(v, at, "E0402 cannot read field '%s' of %s", name, value_type_name(obj));
  }
}


/* Where an error about field access n points: at the field's name, not
 * at the start of the whole expression (`releases[3].tender.lots`). */
static loc field_loc(const node *n) {
  loc at = n->at;
  size_t k = strlen(n->name);
  if (at.src && at.end <= at.src->len && at.end >= at.start + k &&
      memcmp(at.src->text + at.end - k, n->name, k) == 0)
    at.start = at.end - (uint32_t)k;
  return at;
}

bool field_of(vm *v, const node *n, value obj, bool soft, value *out) {
  site *st = site_of(n);
  field_cache *c = st ? st->cache : NULL;
  if (obj.tag == V_RECORD) {
    const record *r = obj.as.rec;
    if (c && c->keys == r->keys) {
      prov_read(v, r, c->at);
      *out = rec_get(r, c->at);
      return true;
    }
    long k = record_find(r, n->name);
    if (k >= 0) {
      if (!c && st) st->cache = c = gc_alloc(sizeof *c);
      if (c) c->keys = r->keys, c->at = (size_t)k;
      prov_read(v, r, (size_t)k);
      *out = rec_get(r, k);
      return true;
    }
  }
  loc at = field_loc(n);
  if (!soft) prov_field_error(v, at, obj, n->name, n->a && n->a->kind == N_FIELD ? n->a->name : NULL);
  return get_field(v, at, obj, n->name, soft, out);
}

bool get_index(vm *v, loc at, value obj, value idx, bool soft, value *out) {
  if (obj.tag == V_NULL && soft) return false;
  if (obj.tag == V_RECORD && idx.tag == V_TEXT) return get_field(v, at, obj, idx.as.text->s, soft, out);
  if (obj.tag == V_LIST || obj.tag == V_TEXT) {
    int64_t i = vm_want_int(v, at, idx, "an index");
    size_t n = obj.tag == V_LIST ? obj.as.list->n : utf8_count(obj.as.text->s, obj.as.text->len);
    int64_t k = i > 0 ? i - 1 : (int64_t)n + i;
    if (i == 0 || k < 0 || (uint64_t)k >= n) {
      if (soft) return false;
      vm_error_hint(v, at, i == 0 ? "lists are indexed from 1; xs[-1] is the last item" : NULL,
                    "E0404 index %lld out of range for a %s of %zu %s%s", (long long)i, obj.tag == V_LIST ? "list" : "text", n,
                    obj.tag == V_LIST ? "item" : "character", n == 1 ? "" : "s");
    }
    if (obj.tag == V_LIST) { *out = obj.as.list->items[k]; return true; }
    const char *s = obj.as.text->s;
    size_t p = 0;
    for (int64_t c = 0; c < k; c++) {
      p++;
      while (p < obj.as.text->len && ((unsigned char)s[p] & 0xC0) == 0x80) p++;
    }
    size_t e = p + 1;
    while (e < obj.as.text->len && ((unsigned char)s[e] & 0xC0) == 0x80) e++;
    *out = v_text(s + p, e - p);
    return true;
  }
  if (soft) return false;
  vm_error(v, at, "E0402 cannot index %s", value_type_name(obj));
}

/* ---- calls ---- */

typedef struct trace_ctx { trace *saved; trace *t; } trace_ctx;

static trace *trace_begin(vm *v, const char *kind, const node *d, int nargs, const value *args) {
  trace *t = gc_alloc(sizeof *t);
  t->mod = d->mod;
  t->name = d->name;
  t->kind = kind;
  t->at = d->at;
  sbuf b;
  sb_init(&b);
  for (int i = 0; i < nargs; i++) {
    if (i) sb_puts(&b, ", ");
    sb_puts(&b, value_short(args[i]));
  }
  t->args = b.s ? b.s : "";
  t->decl = d;
  t->argv = args;
  trace *p = v->tr;
  t->parent = p;
  GC_GROW(p->kids, p->nkids, p->cap, 4);
  p->kids[p->nkids++] = t;
  v->tr = t;
  trace_scan(v, d); /* the top-level lets it reads: how they were made */
  return t;
}

/* Split from check_type so that a typed call formats no message unless the
 * check fails (the snprintf cost more than the whole check). */
static bool type_ok(value x, const vtype *t) {
  if (!t || t->kind == T_ANY) return true;
  if (x.tag == V_NULL) return t->opt;
  switch (t->kind) {
  case T_NUMBER: return x.tag == V_NUM && !x.unit;
  case T_TEXT: return x.tag == V_TEXT;
  case T_BOOL: return x.tag == V_BOOL || x.tag == V_VERDICT;
  case T_DATE: return x.tag == V_DATE;
  case T_UNIT: return x.tag == V_NUM && unit_same_dim(x.unit, t->unit);
  case T_LIST: return x.tag == V_LIST;
  case T_RECORD: return x.tag == V_RECORD;
  case T_INT: return x.tag == V_NUM && !x.unit && !x.pct && dec_is_int(x.as.num);
  case T_PERCENT: return x.tag == V_NUM && !x.unit && (x.pct || dec_is_zero(x.as.num)); /* 0 is 0% */
  case T_ENUM: return type_enum_has(t, x);
  case T_QUANTITY: return x.tag == V_NUM && x.unit;
  default: return true;
  }
}

static void check_type(vm *v, loc at, const char *what, value x, const vtype *t) {
  if (type_ok(x, t)) return;
  vm_blame(v, x, x);
  if (x.tag == V_NULL) vm_error(v, at, "E0405 %s must not be null", what);
  if (t->kind == T_ENUM) {
    sbuf b;
    sb_init(&b);
    type_enum_desc(&b, t);
    vm_error(v, at, "E0405 %s: expected %s, got %s", what, b.s, value_short(x));
  }
  if (t->kind == T_INT && x.tag == V_NUM && !x.unit && !x.pct)
    vm_error(v, at, "E0405 %s: expected a whole number, got %s", what, value_short(x));
  vm_error(v, at, "E0405 %s: expected %s, got %s", what,
             t->kind == T_UNIT ? unit_name(t->unit) : t->name ? t->name
             : (const char *[]){"any", "number", "text", "bool", "date", "quantity", "list", "record",
                                "int", "percent", "enumeration", "a quantity"}[t->kind],
             x.tag == V_NUM ? unit_label(x) : value_type_name(x));
}


/* Bind arguments to a frame for a user function-like declaration.  Always
 * inlined into call_full: a second caller (eval_call_frame, for explain)
 * made the compiler call it out of line, +0.5% instructions on the tender
 * benchmark. */
static NOINLINE _Noreturn void bind_type_error(vm *v, const node *d, const node *p, value x, loc at) {
  char what[160];
  snprintf(what, sizeof what, "argument '%s' of %s", p->name, d->name ? d->name : "fn");
  check_type(v, at, what, x, p->ref);
  vm_error(v, at, "E0000 type check"); /* check_type raised already */
}

static inline void check_arg(vm *v, const node *d, const node *p, value x, loc at) {
  if (p->ref && !type_ok(x, p->ref)) bind_type_error(v, d, p, x, at);
}

static inline __attribute__((always_inline)) frame *bind(vm *v, const node *d, frame *f, int nargs, value *args, int nnamed,
                   const char **names, value *named, loc at) {
  int np = d->nkids;
  if (nargs == np && !nnamed) { /* every parameter by position, the usual call */
    for (int i = 0; i < np; i++) {
      const node *p = d->kids[i];
      f->slots[p->slot] = args[i];
      check_arg(v, d, p, args[i], at);
    }
    return f;
  }
  if (nargs > np) vm_error(v, at, "E0304 %s takes %d argument%s, got %d", d->name ? d->name : "fn", np, np == 1 ? "" : "s", nargs);
  bool given[64];
  memset(given, 0, sizeof given);
  for (int i = 0; i < nargs; i++) {
    f->slots[d->kids[i]->slot] = args[i];
    if (i < 64) given[i] = true;
  }
  for (int k = 0; k < nnamed; k++) {
    int j = -1;
    for (int i = 0; i < np; i++)
      if (!strcmp(d->kids[i]->name, names[k])) j = i;
    if (j < 0) vm_error(v, at, "E0304 %s has no parameter '%s'", d->name ? d->name : "fn", names[k]);
    f->slots[d->kids[j]->slot] = named[k];
    if (j < 64) given[j] = true;
  }
  for (int i = 0; i < np; i++) {
    const node *p = d->kids[i];
    if (i < 64 && !given[i]) {
      if (!p->b) vm_error(v, at, "E0304 %s: missing argument '%s'", d->name ? d->name : "fn", p->name);
      f->slots[p->slot] = eval(v, p->b, f);
    }
    check_arg(v, d, p, f->slots[p->slot], at);
  }
  return f;
}

/* lent: vm_call_lent's storage for a list result, NULL from every other
 * caller (the compiler drops the test there). */
static inline __attribute__((always_inline)) value call_with(vm *v, value fv, int nargs, value *args, int nnamed,
                                                            const char **names, value *named, loc at, list *lent,
                                                            size_t cap) {
  if (fv.tag == V_BUILTIN) {
    const builtin *b = fv.as.builtin;
    if (nnamed) {
      /* named arguments map onto the parameter names in b->params */
      value *all = gc_alloc(sizeof(value) * 16);
      bool set[16] = {false};
      if (nargs > 16) vm_error(v, at, "E0304 %s: too many arguments", b->name);
      for (int i = 0; i < nargs; i++) { all[i] = args[i]; set[i] = true; }
      int total = nargs;
      for (int k = 0; k < nnamed; k++) {
        int idx = builtin_param(b, names[k], NULL, 0, NULL);
        if (idx < 0 || idx >= 16) vm_error(v, at, "E0304 %s has no parameter '%s'", b->name, names[k]);
        if (set[idx]) vm_error(v, at, "E0304 %s: argument '%s' given twice", b->name, names[k]);
        all[idx] = named[k];
        set[idx] = true;
        if (idx + 1 > total) total = idx + 1;
      }
      /* an optional parameter left out before a named one is null, which
       * such builtins read as absent: load(path, encoding: "latin-1") */
      for (int i = 0; i < total; i++)
        if (!set[i] && i < b->min_args) vm_error(v, at, "E0304 %s: give the arguments before '%s' too", b->name, names[0]);
        else if (!set[i]) all[i] = v_null;
      args = all;
      nargs = total;
    }
    if (nargs < b->min_args || (b->max_args >= 0 && nargs > b->max_args))
      vm_error(v, at, "E0304 %s takes %d%s argument%s, got %d", b->name, b->min_args,
               b->max_args != b->min_args ? " or more" : "", b->min_args == 1 ? "" : "s", nargs);
    step(v, at);
    if (b->fn == v->native_fn) return v->native_call(v, b, nargs, args, at);
    return b->fn(v, nargs, args, at);
  }
  if (fv.tag != V_FUNC && fv.tag != V_TABLE) vm_error(v, at, "E0402 cannot call %s", value_type_name(fv));
  const closure *c = fv.as.fn;
  const node *d = c->fn;
  const char *name = d->name ? d->name : "fn";
  if (v->coverage) count_hit(d);
  push_call(v, name, at);
  frame *f = frame_may_be_on_stack(v, d) ? STACK_FRAME(c->env, d->nslots) : frame_new(c->env, d->nslots);
  bind(v, d, f, nargs, args, nnamed, names, named, at);
  v->stack[v->depth - 1].decl = d;
  v->stack[v->depth - 1].args = f->slots;
  trace *saved = v->tr, *t = NULL;
  if (saved && d->kind != N_LAMBDA)
    t = trace_begin(v, d->kind == N_RULE ? "rule" : d->kind == N_TABLE ? "table" : "fn", d, d->nkids, f->slots);
  if (t) {
    t->env = f;
    if (c->mod) t->mod = c->mod;
  }
  value r;
  if (d->kind == N_RULE) r = eval_rule(v, d, f);
  else if (d->kind == N_TABLE) r = eval_table(v, d, f, at);
  else {
    site *st = site_of(d);
    /* a trace keeps the result: never a lent one */
    if (lent && st && !t) r = code_run_lent(v, d->a, &st->code, f, lent, cap);
    else r = st ? code_run(v, d->a, &st->code, f) : eval(v, d->a, f);
  }
  if (t) {
    t->result = value_short(r);
    t->res = r;
    v->tr = saved;
  }
  v->depth--;
  return r;
}

static value call_full(vm *v, value fv, int nargs, value *args, int nnamed, const char **names, value *named, loc at) {
  return call_with(v, fv, nargs, args, nnamed, names, named, at, NULL, 0);
}

/* A decision table called with its inputs by position, neither explain
 * nor coverage watching: when its index knows the matching row and the
 * output is a constant (table_direct), the call is call_with's checks
 * and steps in its order -- depth, step, the parameters' types, the rows'
 * steps -- without a frame, the binding or the row loop: `points(b.q1)`
 * on the benchmark tender took 650 instructions, most of them the call.
 * The caller's args stand for the frame's slots while it runs, for an
 * error's provenance. */
static value call_table(vm *v, value fv, int nargs, value *args, loc at) {
  const node *d = fv.as.fn->fn;
  value r;
  int to;
  if (v->tr || v->coverage || !table_direct(d, nargs, args, &r, &to)) return call_full(v, fv, nargs, args, 0, NULL, NULL, at);
  push_call(v, d->name ? d->name : "fn", at);
  for (int i = 0; i < nargs; i++) check_arg(v, d, d->kids[i], args[i], at);
  v->stack[v->depth - 1].decl = d;
  v->stack[v->depth - 1].args = args;
  table_steps(v, d, to);
  v->depth--;
  return r;
}

value vm_call(vm *v, value f, int nargs, value *args, loc at) {
  if (f.tag == V_TABLE) return call_table(v, f, nargs, args, at);
  return call_full(v, f, nargs, args, 0, NULL, NULL, at);
}

value vm_call_lent(vm *v, value f, int nargs, value *args, loc at, list *lent, size_t cap) {
  return call_with(v, f, nargs, args, 0, NULL, NULL, at, lent, cap);
}

value vm_call_named(vm *v, value f, int nargs, value *args, int nnamed, const char **names, value *named, loc at) {
  if (f.tag == V_TABLE && !nnamed) return call_table(v, f, nargs, args, at);
  return call_full(v, f, nargs, args, nnamed, names, named, at);
}

bool vm_callable(value f) { return f.tag == V_FUNC || f.tag == V_BUILTIN || f.tag == V_TABLE; }
bool vm_observed(const vm *v) { return v->tr || v->coverage; }

static __attribute__((noinline)) value eval_call(vm *v, const node *n, frame *f) {
  value fv = eval(v, n->a, f);
  int np = 0, nn = 0;
  for (int i = 0; i < n->nkids; i++) {
    if (n->kids[i]->kind == N_NAMED) nn++;
    else np++;
  }
  /* A few arguments live on the C stack (scanned by the collector): every
   * callee copies them (into a frame, or a builtin's own values), so a heap
   * array per call was only garbage.  noinline keeps this out of eval()'s
   * frame, which sets how deep recursion can go. */
  value small[4];
  value *args = np + nn <= 4 ? small : gc_alloc((size_t)(np + nn + 1) * sizeof(value));
  value *named = args + np;
  const char **names = nn ? gc_alloc((size_t)nn * sizeof(char *)) : NULL;
  int ip = 0, in = 0;
  for (int i = 0; i < n->nkids; i++) {
    const node *a = n->kids[i];
    if (a->kind == N_NAMED) { names[in] = a->name; named[in++] = eval(v, a->a, f); }
    else args[ip++] = eval(v, a, f);
  }
  return call_full(v, fv, np, args, nn, names, named, n->at);
}

/* ---- indicators (SPEC 8) ---- */

static value make_indicator(vm *v, const node *d, record *r) {
  r->indicator = true;
  if (d->name && d->name[0]) r->name = d->name;
  const char *need[] = {"title", "unit", "proxy"};
  for (int i = 0; i < 3; i++)
    if (record_find(r, need[i]) < 0)
      vm_error_hint(v, d->at, "an indicator needs title, unit and proxy", "E0406 indicator %s has no '%s'", d->name ? d->name : "", need[i]);
  value u = rec_get(r, record_find(r, "unit")), p = rec_get(r, record_find(r, "proxy"));
  if (u.tag != V_NUM || !u.unit)
    vm_error(v, d->at, "E0406 indicator %s: 'unit' must be a unit name", d->name ? d->name : "");
  dec k;
  const unit_t *per = p.tag == V_NUM ? unit_mul(p.unit, u.unit, &k) : NULL;
  if (p.tag != V_NUM || per == UNIT_TOO_COMPLEX || !unit_is_money(per))
    vm_error_hint(v, d->at, "write the proxy as money per the indicator's unit, e.g. £30_000 per FTE",
                  "E0406 indicator %s: proxy must be money per %s, got %s", d->name ? d->name : "", unit_name(u.unit),
                  p.tag == V_NUM ? unit_label(p) : value_type_name(p));
  return v_rec(r);
}

value indicator_value(vm *v, loc at, value ind, value qty) {
  if (ind.tag != V_RECORD || !ind.as.rec->indicator) vm_error(v, at, "E0406 value expects an indicator, got %s", value_type_name(ind));
  const record *r = ind.as.rec;
  /* Searched, not hashed: an indicator's names sit inside its record,
   * and indicators declared together lie a fixed distance apart, so the
   * hash of the address used before (bits 4 to 6) shared entries among
   * tender's six indicators, each call evicting another (4.5 misses a
   * bid); eight compares cost less than one miss. */
  struct ind_memo *m = NULL;
  for (int i = 0; i < 8 && !m; i++)
    if (v->ind_memo[i].keys == r->keys) m = &v->ind_memo[i];
  if (!m) {
    m = &v->ind_memo[v->ind_next++ & 7];
    /* make_indicator made sure both are there */
    m->unit = (size_t)record_find(r, "unit");
    m->proxy = (size_t)record_find(r, "proxy");
    m->keys = r->keys;
  }
  value u = rec_get(r, m->unit), p = rec_get(r, m->proxy);
  if (qty.tag != V_NUM || !unit_same_dim(qty.unit, u.unit)) {
    /* name the indicator by its declared name when we know it */
    vm_blame(v, qty, qty);
    vm_error(v, at, "E0406 value of indicator %s: expected a quantity in %s, got %s", r->name ? r->name : "",
             unit_name(u.unit), qty.tag == V_NUM ? unit_label(qty) : value_type_name(qty));
  }
  return vm_arith(v, at, OP_MUL, qty, p);
}

/* ---- expressions ---- */

/* The nodes of a left-associative chain ending at n, innermost first
 * (ast_chain_link), in `small` when they fit. */
static const node **chain_spine(const node *n, const node **small, size_t nsmall, size_t *len) {
  size_t m = 0;
  for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) m++;
  const node **spine = m <= nsmall ? small : gc_alloc(m * sizeof *spine);
  size_t i = m;
  for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) spine[--i] = k;
  *len = m;
  return spine;
}

/* a + b - c * ... with three or more operands: left to right without
 * recursion, so a flat sum of 200,000 terms needs no C stack. */
static __attribute__((noinline)) value eval_chain(vm *v, const node *n, frame *f) {
  const node *small[32];
  size_t len;
  const node **spine = chain_spine(n, small, 32, &len);
  value acc = eval(v, spine[0]->a, f);
  for (size_t i = 0; i < len; i++) acc = op_apply(v, spine[i]->at, spine[i]->op, acc, eval(v, spine[i]->b, f));
  return acc;
}

/* a and b or c ...: the same for a chain of `and` and `or`, each right
 * operand evaluated only when it can change the result. */
static __attribute__((noinline)) value eval_logic(vm *v, const node *n, frame *f) {
  const node *small[32];
  size_t len;
  const node **spine = chain_spine(n, small, 32, &len);
  bool and0 = spine[0]->kind == N_AND;
  bool acc = want_bool(v, spine[0]->a->at, eval(v, spine[0]->a, f), and0 ? "the left side of 'and'" : "the left side of 'or'");
  for (size_t i = 0; i < len; i++) {
    const node *k = spine[i];
    if (k->kind == N_AND ? acc : !acc)
      acc = want_bool(v, k->b->at, eval(v, k->b, f), k->kind == N_AND ? "the right side of 'and'" : "the right side of 'or'");
  }
  return v_bool(acc);
}

/* A left operand of ?? : a missing field or index on the way makes it
 * absent (*missing) rather than an error.  In a chain a ?? b ?? c, parsed
 * (a ?? b) ?? c, every operand but the last is such a left operand, so
 * the first present one is the result (docs/language.md). */
static value eval_soft(vm *v, const node *n, frame *f, bool *missing) {
  if (n->kind == N_DEFAULT) {
    bool m = false;
    value a = eval_soft(v, n->a, f, &m);
    if (!m && a.tag != V_NULL) return a;
    return eval_soft(v, n->b, f, missing);
  }
  if (n->kind == N_FIELD) {
    value o = eval_soft(v, n->a, f, missing);
    if (*missing) return v_null;
    value out;
    if (!field_of(v, n, o, true, &out)) { *missing = true; return v_null; }
    return out;
  }
  if (n->kind == N_INDEX) {
    value o = eval_soft(v, n->a, f, missing);
    if (*missing) return v_null;
    value out;
    if (!get_index(v, n->at, o, eval(v, n->b, f), true, &out)) { *missing = true; return v_null; }
    return out;
  }
  return eval(v, n, f);
}

static value interp(vm *v, const node *n, frame *f) {
  sbuf b;
  sb_init(&b);
  for (int i = 0; i < n->nkids; i++) {
    value x = eval(v, n->kids[i], f);
    if (x.tag == V_TEXT) sb_putn(&b, x.as.text->s, x.as.text->len);
    else {
      v->here = n->kids[i]->at; /* where a too deep value is shown (E0806) */
      sb_puts(&b, value_display(x, true));
    }
  }
  return v_text(b.s ? b.s : "", b.len);
}

/* One item of a comprehension, or with several `for` clauses (n->opt) the
 * items of the next clause's list.  The same bound as listing a range
 * (stdlib/prelude.c): without it [x for x in 1..10^12] runs until memory
 * is gone instead of failing.  A long loop that keeps few items is left
 * to the limits. */
static void comp_push(vm *v, const node *n, value **out, size_t *no, size_t *co, value x) {
  size_t k = n->opt ? x.as.list->n : 1;
  if (*no + k > MAX_RANGE_ITEMS)
    vm_error(v, n->at, "E0805 a comprehension making more than %d items", MAX_RANGE_ITEMS);
  if (!n->opt) list_push(out, no, co, x);
  else for (size_t i = 0; i < k; i++) list_push(out, no, co, x.as.list->items[i]);
}

/* The item frame of the innermost comprehension under way. */
static inline void comp_item(vm *v, const frame *it) {
  if (v->ncomps <= VM_COMPS) v->comps[v->ncomps - 1].it = it;
}

static value comprehension_items(vm *v, const node *n, frame *f, frame *reused, list *lent, size_t cap);
static inline frame *reusable_frame(vm *v, const node *n, frame *f);
static inline void give_back(const node *n, frame *reused);

/* lent (cap items), when not NULL: storage the caller lends for the
 * result, used when the result surely fits (walk.h comprehension_lent). */
value comprehension_lent(vm *v, const node *n, frame *f, list *lent, size_t cap) {
  int k = v->ncomps++;
  if (k < VM_COMPS) v->comps[k] = (struct comp_ctx){n, NULL};
  frame *reused = reusable_frame(v, n, f);
  value r = comprehension_items(v, n, f, reused, lent, cap);
  give_back(n, reused);
  v->ncomps = k;
  return r;
}

static value comprehension(vm *v, const node *n, frame *f) { return comprehension_lent(v, n, f, NULL, 0); }

/* Over a stream: each item is read, used and let go before the next
 * (docs/data.md, "Streams"), so only what the body keeps stays in memory. */
static value comprehension_stream(vm *v, const node *n, frame *f, const vstream *s) {
  value *out = NULL, x;
  size_t no = 0, co = 0;
  void *pass = s->open(v, n->b->at, s);
  while (s->next(v, n->b->at, pass, &x)) {
    step(v, n->at);
    frame *it = frame_new(f, n->nslots);
    comp_item(v, it);
    it->slots[n->slot] = x;
    if (n->c && !want_bool(v, n->c->at, eval(v, n->c, it), "a comprehension filter")) continue;
    comp_push(v, n, &out, &no, &co, eval(v, n->a, it));
  }
  return v_list(to_list(out, no));
}

/* The frame for the next item.  Each item used to get a frame of its own
 * on the heap; when nothing can keep an item's frame after its item (no
 * lambda inside, which the resolver marks, and no trace for explain,
 * which keeps the frames it shows), one frame serves every item.  On the
 * heap, not the C stack: after an error for want of memory a stack frame
 * left the failed list looking live to the collector
 * (tests/unit_api_oom.t). */
static inline frame *item_frame(const node *n, frame *f, frame *reused) {
  if (!reused) return frame_new(f, n->nslots);
  memset(reused->slots, 0, (size_t)(n->nslots > 0 ? n->nslots : 1) * sizeof(value));
  return reused;
}
static inline frame *reusable_frame(vm *v, const node *n, frame *f) {
  if (n->frames == 2 || v->tr) return NULL;
  /* The frame the last run of this comprehension gave back, cleared:
   * `sum([m[k] * p[k] for k in 1..6])` in a function called for every
   * bid allocates none.  Taken from the site while in use, so a run
   * inside it (recursion) makes its own, and one an error unwinds is
   * simply not given back. */
  site *st = site_of(n);
  frame *spare = st ? st->cache : NULL;
  if (!spare) return frame_new(f, n->nslots);
  st->cache = NULL;
  spare->up = f;
  return spare;
}
static inline void give_back(const node *n, frame *reused) {
  site *st = site_of(n);
  if (!reused || !st) return;
  memset(reused, 0, sizeof(frame) + (size_t)(n->nslots > 0 ? n->nslots : 1) * sizeof(value));
  st->cache = reused;
}

/* Runs the clause for one item x: false when the filter drops it, else
 * true with the item's value (or list, under another `for`) in *out. */
static inline __attribute__((always_inline)) bool comp_one(vm *v, const node *n, frame *f, frame *reused, value x, value *out) {
  step(v, n->at);
  frame *it = item_frame(n, f, reused);
  comp_item(v, it);
  it->slots[n->slot] = x;
  site *st = site_of(n);
  if (n->c && !want_bool(v, n->c->at, st ? code_run(v, n->c, &st->code2, it) : eval(v, n->c, it), "a comprehension filter"))
    return false;
  *out = st ? code_run(v, n->a, &st->code, it) : eval(v, n->a, it);
  return true;
}

static value comprehension_items(vm *v, const node *n, frame *f, frame *reused, list *lent, size_t cap) {
  value src = eval(v, n->b, f);
  value *out = NULL, y;
  size_t no = 0, co = 0;
  if (src.tag == V_RANGE) {
    const range *r = src.as.range;
    if (r->lo.tag != V_NUM || r->lo.unit || r->hi.unit) vm_error(v, n->b->at, "E0407 only ranges of whole numbers can be iterated");
    int64_t lo = vm_want_int(v, n->b->at, r->lo, "a range"), hi = vm_want_int(v, n->b->at, r->hi, "a range");
    if (!n->opt && lo <= hi && hi - lo < MAX_RANGE_ITEMS) {
      /* at most one item per number: filled in place, like a list's */
      list *res = lent && (uint64_t)(hi - lo) < cap ? lent : list_new((size_t)(hi - lo + 1));
      for (int64_t i = lo; i <= hi; i++)
        if (comp_one(v, n, f, reused, v_int(i), &y)) res->items[no++] = y;
      res->n = no;
      return v_list(res);
    }
    for (int64_t i = lo; i <= hi; i++)
      if (comp_one(v, n, f, reused, v_int(i), &y)) comp_push(v, n, &out, &no, &co, y);
    return v_list(to_list(out, no));
  }
  if (src.tag == V_STREAM) return comprehension_stream(v, n, f, src.as.stream);
  const list *l = vm_want_list(v, n->b->at, src, "a comprehension");
  if (n->opt) {
    /* another `for` follows: each item's clause makes a list, spliced in */
    for (size_t i = 0; i < l->n; i++)
      if (comp_one(v, n, f, reused, l->items[i], &y)) comp_push(v, n, &out, &no, &co, y);
    return v_list(to_list(out, no));
  }
  /* At most one item per source item: fill the result in place rather
   * than growing and copying (for 100,000 bids the doubling and the final
   * copy cost more than the items).  A filter leaves the tail unused. */
  list *res = lent && l->n <= cap ? lent : list_new(l->n);
  for (size_t i = 0; i < l->n; i++)
    if (comp_one(v, n, f, reused, l->items[i], &y)) res->items[no++] = y;
  res->n = no;
  return v_list(res);
}

/* The layout `with` made last: for the same two input layouts the result
 * has the same names (shared) and each new value goes to the same place. */
typedef struct with_cache {
  const char **xkeys, **ykeys, **keys;
  size_t n;
  bool adds;   /* every field of y is new: the result can be a view */
  size_t to[]; /* where y's i-th value goes in the result */
} with_cache;

enum { MAX_VIEW_DEPTH = 3 };

/* The result's layout for x with a record of names ykeys, from the node's
 * cache when the two layouts are the ones it saw last. */
static const with_cache *with_layout(const node *n, const record *x, const char **ykeys, size_t yn) {
  site *st = site_of(n);
  with_cache *c = st ? st->cache : NULL;
  if (c && c->xkeys == x->keys && c->ykeys == ykeys) return c;
  /* a new pair of layouts: work out the result's names once */
  size_t extra = 0;
  for (size_t i = 0; i < yn; i++)
    if (record_find(x, ykeys[i]) < 0) extra++;
  c = gc_alloc(sizeof *c + (yn ? yn : 1) * sizeof c->to[0]);
  c->n = x->n + extra;
  c->keys = gc_alloc((c->n ? c->n : 1) * sizeof *c->keys);
  memcpy(c->keys, x->keys, x->n * sizeof *c->keys);
  size_t k = x->n;
  for (size_t i = 0; i < yn; i++) {
    long j = record_find(x, ykeys[i]);
    if (j < 0) { c->keys[k] = ykeys[i]; j = (long)k++; }
    c->to[i] = (size_t)j;
  }
  c->adds = extra == yn;
  c->xkeys = x->keys;
  c->ykeys = ykeys;
  if (st) st->cache = c;
  return c;
}

/* A record that owns its names array (a JSON object, one built by the
 * host) rather than sharing its layout's: not worth a cache entry, which
 * it would replace on every call. */
static bool own_keys(const record *r) { return (const void *)r->keys == (const void *)(r + 1); }

/* The view of x that layout c makes, its added values left to fill; NULL
 * when c replaces a field of x, or x ends a chain of views already as
 * long as reads should walk (a loop adding one field at a time would
 * otherwise make every read walk back through all the earlier records). */
static record *view_for(const with_cache *c, const record *x) {
  if (!c->adds) return NULL;
  int depth = 0;
  for (const record *p = x->base; p && depth < MAX_VIEW_DEPTH; p = p->base) depth++;
  return depth < MAX_VIEW_DEPTH ? record_view(x, c->n, c->keys) : NULL;
}

/* Every record a literal makes has the same layout: one names array. */
const char **literal_keys(const node *n) {
  site *st = site_of(n);
  const char **keys = st ? st->cache : NULL;
  if (!keys) {
    keys = gc_alloc((size_t)(n->nkids ? n->nkids : 1) * sizeof *keys);
    for (int i = 0; i < n->nkids; i++) keys[i] = n->kids[i]->name;
    if (st) st->cache = keys;
  }
  return keys;
}

static value with(vm *v, const node *n, value a, value b);

/* `x with {k: e, ...}`, the literal's values in vals (in its order):
 * when it only adds fields, a view takes them directly, without making
 * the literal's record first (the benchmark tender does this for every
 * bid, twice).  The walker and the compiled form both end here. */
value with_values(vm *v, const node *n, value a, const value *vals) {
  const node *lit = n->b;
  if (a.tag == V_RECORD && !a.as.rec->indicator && !own_keys(a.as.rec)) {
    const record *x = a.as.rec;
    const with_cache *c = with_layout(n, x, literal_keys(lit), (size_t)lit->nkids);
    record *r = view_for(c, x);
    if (r) {
      for (int i = 0; i < lit->nkids; i++) r->vals[c->to[i] - x->n] = vals[i];
      return v_rec(r);
    }
  }
  record *y = record_new_shared((size_t)lit->nkids, literal_keys(lit));
  for (int i = 0; i < lit->nkids; i++) y->vals[i] = vals[i];
  return with(v, n, a, v_rec(y));
}

static value with_literal(vm *v, const node *n, frame *f) {
  value a = eval(v, n->a, f);
  const node *lit = n->b;
  value small[8];
  value *vals = lit->nkids <= 8 ? small : gc_alloc((size_t)lit->nkids * sizeof(value));
  for (int i = 0; i < lit->nkids; i++) vals[i] = eval(v, lit->kids[i]->a, f);
  return with_values(v, n, a, vals);
}

static value with(vm *v, const node *n, value a, value b) {
  if (a.tag != V_RECORD || b.tag != V_RECORD)
    vm_error(v, n->at, "E0402 'with' updates a record with a record, got %s with %s", value_type_name(a), value_type_name(b));
  const record *x = a.as.rec, *y = b.as.rec;
  if (!x->indicator && !own_keys(x) && !own_keys(y)) {
    const with_cache *c = with_layout(n, x, y->keys, y->n);
    record *r = view_for(c, x);
    if (r) {
      for (size_t i = 0; i < y->n; i++) r->vals[c->to[i] - x->n] = rec_get(y, i);
      return v_rec(r);
    }
    r = record_new_shared(c->n, c->keys);
    r->src = rec_src(x), r->line = x->line;
    for (size_t i = 0; i < x->n; i++) r->vals[i] = rec_get(x, i);
    for (size_t i = 0; i < y->n; i++) r->vals[c->to[i]] = rec_get(y, i);
    return v_rec(r);
  }
  size_t extra = 0;
  for (size_t i = 0; i < y->n; i++)
    if (record_find(x, y->keys[i]) < 0) extra++;
  record *r = record_new(x->n + extra);
  r->src = rec_src(x), r->line = x->line;
  for (size_t i = 0; i < x->n; i++) { r->keys[i] = x->keys[i]; r->vals[i] = rec_get(x, i); }
  size_t k = x->n;
  for (size_t i = 0; i < y->n; i++) {
    long j = record_find(x, y->keys[i]);
    if (j >= 0) r->vals[j] = rec_get(y, i);
    else { r->keys[k] = y->keys[i]; r->vals[k++] = rec_get(y, i); }
  }
  if (x->indicator) {
    node tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.at = n->at;
    tmp.name = x->name ? x->name : "";
    return make_indicator(v, &tmp, r);
  }
  return v_rec(r);
}

static value eval_block(vm *v, const node *n, frame *f);

/* Everything but the hottest node kinds lives here, out of line, so the
 * frame of eval() stays small: it is on the C stack once per nesting level
 * of every SVL call, and its size sets how deep recursion can go. */
static NOINLINE value eval_cold(vm *v, const node *n, frame *f);

NOINLINE value eval_global(vm *v, const node *n) {
  const globals *g = n->mod->g;
  if (!g->ready[n->slot])
    vm_error_hint(v, n->at, "move the definition above the code that uses it", "E0302 '%s' is used before it is defined", n->name);
  return g->vals[n->slot];
}

value eval(vm *v, const node *n, frame *f) {
  switch (n->kind) {
  case N_LIT: return n->lit;
  case N_NAME:
    if (n->refkind == REF_LOCAL) {
      frame *e = f;
      for (int i = 0; i < n->up; i++) e = e->up;
      return e->slots[n->slot];
    }
    if (n->refkind == REF_GLOBAL) return eval_global(v, n);
    return eval_cold(v, n, f);
  case N_CALL: return eval_call(v, n, f);
  case N_BIN: {
    if (n->a->kind == N_BIN && n->a->a->kind == N_BIN) return eval_chain(v, n, f);
    value a = eval(v, n->a, f);
    value b = eval(v, n->b, f);
    return op_apply(v, n->at, n->op, a, b);
  }
  case N_AND:
    if (n->a->kind == N_AND || n->a->kind == N_OR) return eval_logic(v, n, f);
    if (!want_bool(v, n->a->at, eval(v, n->a, f), "the left side of 'and'")) return v_bool(false);
    return v_bool(want_bool(v, n->b->at, eval(v, n->b, f), "the right side of 'and'"));
  case N_OR:
    if (n->a->kind == N_AND || n->a->kind == N_OR) return eval_logic(v, n, f);
    if (want_bool(v, n->a->at, eval(v, n->a, f), "the left side of 'or'")) return v_bool(true);
    return v_bool(want_bool(v, n->b->at, eval(v, n->b, f), "the right side of 'or'"));
  case N_IF:
    if (want_bool(v, n->a->at, eval(v, n->a, f), "an if condition")) return eval(v, n->b, f);
    return eval(v, n->c, f);
  default: return eval_cold(v, n, f);
  }
}

static NOINLINE value eval_cold(vm *v, const node *n, frame *f) {
  /* Calls check the stack left (push_call); nesting inside one call is
   * bounded by the source, but a chain of unary operators, fields or
   * indexes can still reach the end of a small thread stack (256 KiB,
   * frames grown by ASan: a fuzz_deep finding), so the cold kinds check
   * it too, off the hot path. */
  char here;
  if (value_stack_floor && (uintptr_t)&here < (uintptr_t)value_stack_floor)
    vm_error_kind(v, DIAG_LIMIT, n->at, "E0804 expression nested too deep for the stack left");
  /* N_LIT, N_CALL, N_BIN, N_AND, N_OR, N_IF and local or global names never
   * come here: eval() handles them first. */
  switch (n->kind) {
  case N_QTY: {
    value x = n->a->lit;
    if (n->name2) vm_check(v, n->at, dec_mul(x.as.num, n->lit.as.num, &x.as.num));
    return v_qty(x.as.num, n->ref);
  }
  case N_STR: return interp(v, n, f);
  case N_NAME:
    switch (n->refkind) {
    case REF_BUILTIN: {
      value b = {.tag = V_BUILTIN};
      b.as.builtin = n->ref;
      return b;
    }
    case REF_UNIT: vm_error_hint(v, n->at, "write a quantity such as 1 FTE", "E0402 '%s' is a unit, not a value", n->name);
    default: vm_error(v, n->at, "E0000 unresolved name '%s'", n->name);
    }
  case N_FIELD: {
    value o = eval(v, n->a, f), out;
    field_of(v, n, o, false, &out);
    return out;
  }
  case N_INDEX: {
    value o = eval(v, n->a, f), out;
    get_index(v, n->at, o, eval(v, n->b, f), false, &out);
    return out;
  }
  case N_DEFAULT: {
    bool missing = false;
    value a = eval_soft(v, n->a, f, &missing);
    if (missing || a.tag == V_NULL) return eval(v, n->b, f);
    return a;
  }
  case N_NEG: {
    value a = eval(v, n->a, f);
    if (a.tag != V_NUM) vm_error(v, n->at, "E0402 cannot negate %s", value_type_name(a));
    a.as.num = dec_neg(a.as.num);
    return a;
  }
  case N_NOT: return v_bool(!want_bool(v, n->a->at, eval(v, n->a, f), "the operand of 'not'"));
  case N_LIST: {
    list *l = list_new((size_t)n->nkids);
    for (int i = 0; i < n->nkids; i++) l->items[i] = eval(v, n->kids[i], f);
    return v_list(l);
  }
  case N_RECORD: {
    record *r = record_new_shared((size_t)n->nkids, literal_keys(n));
    for (int i = 0; i < n->nkids; i++) r->vals[i] = eval(v, n->kids[i]->a, f);
    return v_rec(r);
  }
  case N_COMP: return comprehension(v, n, f);
  case N_RANGE: {
    if (n->lit.tag == V_RANGE) return n->lit; /* two literals: folded by the resolver */
    value a = eval(v, n->a, f), b = eval(v, n->b, f);
    bool ok = (a.tag == V_NUM && b.tag == V_NUM && unit_same_dim(a.unit, b.unit)) || (a.tag == V_DATE && b.tag == V_DATE) ||
              (a.tag == V_DATETIME && b.tag == V_DATETIME);
    if (!ok) vm_error(v, n->at, "E0402 a range needs two numbers of one unit, or two dates; got %s and %s",
                      a.tag == V_NUM ? unit_label(a) : value_type_name(a), b.tag == V_NUM ? unit_label(b) : value_type_name(b));
    range *r = gc_alloc(sizeof *r);
    r->lo = a;
    r->hi = b;
    r->lo_open = n->op & RANGE_LO_OPEN;
    r->hi_open = n->op & RANGE_HI_OPEN;
    value x = {.tag = V_RANGE};
    x.as.range = r;
    return x;
  }
  case N_LAMBDA: {
    closure *c = gc_alloc(sizeof *c);
    c->fn = n;
    c->env = f;
    c->name = n->name;
    value x = {.tag = V_FUNC};
    x.as.fn = c;
    return x;
  }
  case N_BLOCK: return eval_block(v, n, f);
  case N_AS: {
    value a = eval(v, n->a, f);
    if (!strcmp(n->name, "percent")) {
      if (a.tag != V_NUM || a.unit) vm_error(v, n->at, "E0402 only plain numbers can be shown as percent");
      a.pct = true;
      return a;
    }
    if (!strcmp(n->name, "number")) { /* 60% as number is 0.6 */
      if (a.tag != V_NUM || a.unit) vm_error(v, n->at, "E0402 only percentages and plain numbers convert to number");
      a.pct = false;
      return a;
    }
    const unit_t *u = n->ref;
    if (a.tag != V_NUM || !unit_same_dim(a.unit, u))
      vm_error(v, n->at, "E0401 cannot convert %s to %s", a.tag == V_NUM ? unit_label(a) : value_type_name(a), unit_name(u));
    return v_qty(op_convert(v, n->at, a, u), u);
  }
  case N_WITH:
    if (n->b->kind == N_RECORD) return with_literal(v, n, f);
    return with(v, n, eval(v, n->a, f), eval(v, n->b, f));
  default: vm_error(v, n->at, "E0000 cannot evaluate this here");
  }
}

/* Assertions: for a comparison, keep both sides for the TAP diagnostic. */
static void eval_assert(vm *v, const node *st, frame *f) {
  if (st->op == 1) { assert_error(v, st, f, eval); return; }
  const node *e = st->a;
  bool ok;
  const char *got = NULL, *expected = NULL;
  if (e->kind == N_BIN && e->op >= OP_EQ && e->op <= OP_GE) {
    value a = eval(v, e->a, f), b = eval(v, e->b, f);
    ok = op_apply(v, e->at, e->op, a, b).b;
    got = value_display(a, false);
    expected = value_display(b, false);
  } else {
    ok = want_bool(v, e->at, eval(v, e, f), "an assertion");
  }
  if (ok) return;
  const char *msg = "assertion failed";
  if (st->b) {
    value m = eval(v, st->b, f);
    msg = m.tag == V_TEXT ? m.as.text->s : value_display(m, true);
  }
  v->last_test.message = msg;
  v->last_test.expr = gc_strndup(e->at.src->text + e->at.start, e->at.end - e->at.start);
  v->last_test.got = got;
  v->last_test.expected = expected;
  memset(&v->err, 0, sizeof v->err);
  v->err.kind = DIAG_ASSERT;
  v->err.code = "E0605";
  if (got && !st->b) {
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "assertion failed: %s (got %s, expected %s)", v->last_test.expr, got, expected);
    msg = b.s;
  }
  v->err.msg = msg;
  v->err.at = e->at;
  /* an assert of an imported module (the stdlib's checks of their
   * arguments) is reported at the user's call, naming the row */
  if (v->main_mod && e->at.src != v->main_mod->src) {
    prov_explain(v, true);
    /* the module's own expression means nothing in the user's test */
    v->last_test.message = v->err.msg;
    v->last_test.expr = v->last_test.got = v->last_test.expected = NULL;
  }
  raise_diag(v);
}

static void exec_stmt(vm *v, const node *st, frame *f, globals *g) {
  switch (st->kind) {
  case N_LET: {
    value x = eval(v, st->a, f);
    if (g) { g->vals[st->slot] = x; g->ready[st->slot] = true; }
    else f->slots[st->slot] = x;
    return;
  }
  case N_ASSERT: eval_assert(v, st, f); return;
  case N_PRINT: {
    value x = eval(v, st->a, f);
    v->here = st->a->at;
    const char *s = x.tag == V_TEXT ? x.as.text->s : value_display(x, true);
    size_t len = x.tag == V_TEXT ? x.as.text->len : strlen(s);
    vm_output(v, s, len);
    vm_output(v, "\n", 1);
    return;
  }
  case N_EXPRSTMT: eval(v, st->a, f); return;
  default: return;
  }
}

void eval_stmt(vm *v, const node *st, frame *f) { exec_stmt(v, st, f, NULL); }

static value eval_block(vm *v, const node *n, frame *f) {
  for (int i = 0; i < n->nkids; i++) exec_stmt(v, n->kids[i], f, NULL);
  return eval(v, n->a, f);
}

/* ---- modules ---- */

static value closure_value(const node *d, const module *m, int tag) {
  closure *c = gc_alloc(sizeof *c);
  c->fn = d;
  c->mod = m;
  c->name = d->name;
  value x = {.tag = (uint8_t)tag};
  x.as.fn = c;
  return x;
}

static void add_test(vm *v, node *t) {
  GC_GROW(v->tests, v->ntests, v->captests, 16);
  v->tests[v->ntests++] = t;
}

void eval_module(vm *v, module *m) {
  globals *g = m->g;
  node *p = m->prog;
  /* functions, rules and tables first: they may be called by earlier lets */
  for (int i = 0; i < p->nkids; i++) {
    node *d = p->kids[i];
    if (d->kind == N_FN || d->kind == N_RULE || d->kind == N_TABLE) {
      g->vals[d->slot] = closure_value(d, m, d->kind == N_TABLE ? V_TABLE : V_FUNC);
      g->ready[d->slot] = true;
    } else if (d->kind == N_TYPE) {
      value x = {.tag = V_TYPE};
      x.as.type = d->ref;
      g->vals[d->slot] = x;
      g->ready[d->slot] = true;
    }
  }
  frame *top = frame_new(NULL, 1);
  for (int i = 0; i < p->nkids; i++) {
    node *d = p->kids[i];
    switch (d->kind) {
    case N_LET: case N_ASSERT: case N_PRINT: case N_EXPRSTMT: exec_stmt(v, d, top, g); break;
    case N_INDICATOR: {
      record *r = record_new((size_t)d->a->nkids);
      for (int k = 0; k < d->a->nkids; k++) {
        node *fd = d->a->kids[k];
        r->keys[k] = fd->name;
        if (fd->a->refkind == REF_UNIT && fd->a->kind == N_NAME) r->vals[k] = v_qty(dec_from_int(1), fd->a->ref);
        else r->vals[k] = eval(v, fd->a, top);
      }
      g->vals[d->slot] = make_indicator(v, d, r);
      g->ready[d->slot] = true;
      break;
    }
    case N_IMPORT:
      g->vals[d->slot] = vm_import(v, m, d);
      g->ready[d->slot] = true;
      break;
    case N_REPORT:
      g->vals[d->slot] = report_check(v, d, eval(v, d->a, top));
      g->ready[d->slot] = true;
      break;
    case N_TEST: add_test(v, d); break;
    default: break;
    }
  }
}

value eval_expr_top(vm *v, const module *m, const node *n) {
  (void)m;
  frame *top = frame_new(NULL, 1);
  return eval(v, n, top);
}

/* eval_quiet and eval_call_frame run with tracing off and leave the VM as
 * they found it when the evaluation fails: explain re-evaluates pieces of
 * a body that may raise (an operand of a failed require, say). */
typedef struct quiet_job {
  const node *n;
  frame *f;
  value out;
  /* eval_call_frame */
  const closure *c;
  int nargs;
  value *args;
} quiet_job;

static void quiet_eval(vm *v, void *p) {
  quiet_job *j = p;
  j->out = eval(v, j->n, j->f ? j->f : frame_new(NULL, 1));
}

static void quiet_call(vm *v, void *p) {
  quiet_job *j = p;
  const node *d = j->c->fn;
  j->f = frame_new(j->c->env, d->nslots);
  loc none = {0};
  bind(v, d, j->f, j->nargs, j->args, 0, NULL, NULL, none);
  (void)eval(v, d->a, j->f);
}

static bool quietly(vm *v, void (*body)(vm *, void *), quiet_job *j) {
  trace *tr = v->tr;
  diag err = v->err;
  v->tr = NULL;
  bool ok = vm_protect(v, body, j);
  v->tr = tr;
  if (!ok) v->err = err;
  return ok;
}

bool eval_quiet(vm *v, const node *n, frame *f, value *out) {
  quiet_job j = {.n = n, .f = f};
  if (!quietly(v, quiet_eval, &j)) return false;
  *out = j.out;
  return true;
}

frame *eval_frame_new(frame *up, int n) { return frame_new(up, n); }

frame *eval_call_frame(vm *v, value fv, int nargs, value *args) {
  if (fv.tag != V_FUNC) return NULL;
  const closure *c = fv.as.fn;
  if (c->fn->kind != N_FN && c->fn->kind != N_LAMBDA) return NULL;
  quiet_job j = {.c = c, .nargs = nargs, .args = args};
  return quietly(v, quiet_call, &j) ? j.f : NULL;
}

void eval_test(vm *v, module *m, node *t) {
  (void)m;
  frame *f = frame_new(NULL, t->nslots);
  for (int i = 0; i < t->nkids; i++) exec_stmt(v, t->kids[i], f, NULL);
}
