/* Native functions: host C functions callable from SVL (svl_register).
 *
 * A native is bound as a global holding a builtin (the first member of its
 * registration), so the resolver sees the name before a file is loaded
 * (and checks the number of arguments of each call, as for the prelude).
 * Its fn is native_fn, which the VM knows (vm->native_fn): the evaluator
 * calls vm->native_call (vm->native_call) instead, handed the builtin, which
 * is the registration.
 *
 * The native runs inside the evaluator, so an error must come back as an
 * SVL runtime error at the call site: the native returns NULL after
 * svl_error_set (or after an API call of its own failed), and we raise.
 * Handles the native receives or makes are scoped to the call and released
 * when it returns (svl_dup makes one that outlives it). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/gc.h"

typedef struct native {
  builtin b;            /* first, so the evaluator sees a builtin */
  svl_native_fn fn;
  void *user_data;
} native;

static const char *const keywords[] = {
    "and", "as", "assert", "else", "false", "fn", "for", "hit", "if", "import", "in",
    "indicator", "let", "mod", "not", "null", "or", "per", "print", "require", "rule", "table",
    "test", "then", "true", "type", "unit", "warn", "with"};

static bool ident_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* A name is an SVL identifier that is not a keyword. */
static bool valid_name(const char *s, size_t n) {
  if (n == 0 || n > 200) return false;
  for (size_t i = 0; i < n; i++)
    if (!ident_char(s[i], i == 0)) return false;
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
    if (strlen(keywords[i]) == n && !memcmp(keywords[i], s, n)) return false;
  return true;
}

/* "name" or "name(a, b)": the parameter names allow named arguments. */
static bool parse_signature(const char *sig, const char **name, const char **params, int *nparams) {
  const char *open = strchr(sig, '(');
  size_t n = open ? (size_t)(open - sig) : strlen(sig);
  if (!valid_name(sig, n)) return false;
  *name = gc_strndup(sig, n);
  *params = NULL;
  *nparams = -1;
  if (!open) return true;
  const char *close = strchr(open, ')');
  if (!close || close[1]) return false;
  sbuf b;
  sb_init(&b);
  int count = 0;
  const char *p = open + 1;
  while (p < close) {
    while (p < close && *p == ' ') p++;
    const char *e = p;
    while (e < close && ident_char(*e, e == p)) e++;
    if (!valid_name(p, (size_t)(e - p))) return false;
    if (count) sb_puts(&b, ", ");
    sb_putn(&b, p, (size_t)(e - p));
    count++;
    while (e < close && *e == ' ') e++;
    if (e < close && *e != ',') return false;
    p = e < close ? e + 1 : e;
    if (*e == ',' && p >= close) return false; /* "f(a,)" */
  }
  *params = b.s ? b.s : "";
  *nparams = count;
  return true;
}

/* A native's fn: the evaluator calls b->call (call_native) instead, so
 * this runs only if something calls a builtin's fn directly. */
static value call_native(vm *v, const builtin *b, int nargs, value *args, loc at);

static value native_fn(vm *v, int nargs, value *args, loc at) {
  (void)nargs;
  (void)args;
  vm_error(v, at, "E0000 a native function was called without its host");
}

PUBLIC svl_status svl_register(svl_vm *v, const char *signature, svl_native_fn fn, int min_args, int max_args,
                               void *user_data) {
  if (!v) return SVL_ERR_USAGE;
  if (!gc_thread_ok()) return api_usage(v, "svl_register"); /* "not attached" */
  const char *name, *params;
  int nparams;
  if (!signature || !parse_signature(signature, &name, &params, &nparams))
    return api_usage(v, "svl_register: '%s' is not a name, or name(param, ...), of identifiers that are not keywords",
                     signature ? signature : "(null)");
  if (!fn) return api_usage(v, "svl_register: no function for '%s'", name);
  if (min_args < 0 || min_args > 255 || max_args > 255 || (max_args >= 0 && max_args < min_args))
    return api_usage(v, "svl_register: '%s': bad argument counts %d..%d", name, min_args, max_args);
  if (nparams >= 0 && (nparams < min_args || (max_args >= 0 && nparams != max_args) || max_args < 0))
    return api_usage(v, "svl_register: '%s' names %d parameters but takes %d to %d arguments", name, nparams,
                     min_args, max_args);
  int k = globals_find(&v->host, name);
  if (k >= 0 && v->host.decls[k])
    return api_usage(v, "svl_register: '%s' is already defined by the loaded program", name);
  native *n = gc_alloc(sizeof *n);
  if (!n) return api_usage(v, "svl_register: out of memory");
  n->b.name = name;
  n->b.min_args = min_args;
  n->b.max_args = max_args;
  n->b.fn = native_fn;
  v->native_fn = native_fn;
  v->native_call = call_native;
  n->b.params = params;
  n->fn = fn;
  n->user_data = user_data;
  value x = {.tag = V_BUILTIN};
  x.as.builtin = &n->b;
  k = globals_add(&v->host, name);
  v->host.vals[k] = x;
  v->host.ready[k] = true;
  return SVL_OK;
}

PUBLIC void svl_error_set(svl_vm *v, const char *message) {
  if (!v || !v->ext || v->ext->scope <= 0) return;
  v->ext->native_msg = gc_strdup(message && *message ? message : "error in a native function");
}

PUBLIC svl_value *svl_dup(svl_vm *v, svl_value *h) {
  value x;
  if (!v || !api_value(v, h, "svl_dup", &x)) return NULL;
  api_ext *e = api_ext_of(v);
  int scope = e->scope;
  e->scope = 0; /* unscoped: it outlives the native call */
  svl_value *d = api_handle(v, x);
  e->scope = scope;
  return d;
}

typedef struct native_call {
  const native *n;
  int nargs;
  const value *vals;
  svl_value *result;
} native_call;

/* Under protection, handles included: running out of memory while making
 * them must still unwind through the scope's clean-up. */
static void run_native(svl_vm *v, void *p) {
  native_call *c = p;
  svl_value **args = gc_alloc((size_t)(c->nargs + 1) * sizeof *args);
  for (int i = 0; i < c->nargs; i++) args[i] = api_handle(v, c->vals[i]);
  c->result = c->n->fn(v, c->nargs, args, c->n->user_data);
}

static value call_native(vm *v, const builtin *b, int nargs, value *args, loc at) {
  const native *n = (const native *)b;
  api_ext *e = api_ext_of(v);
  int mark = e->nscoped;
  e->scope++;
  native_call c = {n, nargs, args, NULL};
  const char *outer_msg = e->native_msg;
  e->native_msg = NULL;
  /* what is in err afterwards was raised by the native's own API calls */
  memset(&v->err, 0, sizeof v->err);
  svl_status st = api_protect(v, run_native, &c);
  value r = v_null;
  bool got = st == SVL_OK && c.result && c.result->index >= 0 && c.result->index < v->nhandles &&
             v->handles[c.result->index] == c.result;
  if (got) r = c.result->v;
  for (int i = e->nscoped - 1; i >= mark; i--) {
    svl_value *h = e->scoped[i];
    if (h->index >= 0 && h->scope == e->scope) svl_release(v, h);
  }
  e->nscoped = mark;
  e->scope--;
  const char *msg = e->native_msg;
  e->native_msg = outer_msg;
  if (got) return r;
  /* an error raised while the native ran (out of memory, or a limit inside
   * an SVL call it made and then passed on) keeps its kind */
  if (st == SVL_OK && msg) vm_error(v, at, "E0606 %s", msg);
  if (v->err.kind) {
    /* passed on as it is (code, kind, message), placed at the call when it
     * had no place of its own (a misused API call) */
    if (!v->err.at.src) v->err.at = at;
    longjmp(*v->jmp, 1);
  }
  if (c.result) vm_error(v, at, "E0001 native function '%s' returned a released handle", b->name);
  vm_error(v, at, "E0001 native function '%s' returned no value (call svl_error_set to report an error)", b->name);
}
