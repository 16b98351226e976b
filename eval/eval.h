/* Evaluator internals shared by eval/eval.c, api/api.c and the
 * trace.  Not part of the public API. */
#ifndef SVL_EVAL_H
#define SVL_EVAL_H

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>

#include "svl.h"
#include "lang/ast.h"
#include "lang/resolve.h"
#include "eval/vm.h"

typedef struct frame frame;
struct frame {
  frame *up;
  value slots[];
};

/* What the evaluator learns at one site of a module's tree (issue 19):
 * kept here, owned by the VM through the module, so that the tree stays
 * as the resolver left it.  The resolver numbers the sites (node.site). */
typedef struct site {
  void *cache;         /* N_FIELD, N_RECORD, N_WITH: record layouts seen;
                          N_TABLE: its row index (eval/table_index.c) */
  const void *code;    /* N_FN, N_LAMBDA: the compiled body; N_COMP: the
                          compiled item; N_REQUIRE, N_WARN: the compiled
                          condition (eval/compile.c) */
  const void *code2;   /* N_COMP: the compiled filter */
  uint32_t hits;       /* coverage: times run (fn/rule/table/lambda calls,
                          table rows, require/warn) */
} site;

typedef struct module {
  const char *path;    /* as resolved */
  source *src;
  node *prog;
  site *sites;         /* [0 .. nsites]; entry 0 belongs to no node */
  int nsites;
  globals *g;          /* shared by REPL lines and host bindings */
  const char *id;      /* canonical path (realpath), NULL if not a file:
                          modules are the same file when their ids are */
  bool loading;        /* import cycle detection */
  bool library;        /* imported by name (import scoring): not the author's
                          own code, so explain shows its calls as one step */
} module;

/* The site of n, a node of a module's tree that the resolver gave one;
 * NULL for a node without (site 0).  A module's table never moves. */
static inline site *site_of(const node *n) { return n->site ? &n->mod->sites[n->site] : NULL; }

/* One node of an explanation tree (svl explain). */
typedef struct trace {
  const char *name;    /* function, rule or table */
  const char *kind;    /* "fn", "rule", "table" */
  loc at;              /* the declaration */
  const char *args;    /* short display of the arguments */
  const char *result;  /* short display of the result */
  const char *detail;  /* table: matched rows; rule: failed requirements */
  struct trace **kids;
  int nkids, cap;
  struct trace *parent;
  const node *decl;    /* the fn/rule/table (or the let, kind "let") */
  const value *argv;   /* argument values (the callee's first slots) */
  /* For author-level explanations (tools/explain.c): the call's frame,
   * kept on the heap while tracing, in which explain re-evaluates pieces
   * of the body (an if's condition, a let, an operand) to show their
   * values; the module of decl; the result itself. */
  frame *env;
  const struct module *mod;
  value res;
} trace;

/* What an explanation session asks for (svl_explain_expr), and what it
 * has done: the top-level lets already explained, so each earlier value
 * is derived once however often it is used.  vm->xs is NULL outside
 * explain (and in the report, which explains bids, not the lets). */
typedef struct explain_session {
  int internals;       /* open library calls and _names */
  const char *ids;     /* fields naming a record: "supplier,name,id" */
  const char *base;    /* the main file's directory: paths are shown relative to it */
  const void **seen_g; /* globals arrays and slots of lets explained */
  int *seen_k;
  int nseen, capseen;
} explain_session;

/* A top-level let (slot k of module m) is read while tracing: explain it
 * once, as a "let" node under the current one (eval/trace.c). */
void trace_global(vm *v, const struct module *m, int k);
/* Explain every top-level let that n (a traced call's declaration, a let's
 * expression, explain's EXPR) reads.  Called only while tracing: the
 * evaluator itself has no hook for it, so explain costs nothing when off. */
void trace_scan(vm *v, const node *n);
bool trace_global_seen(vm *v, const struct module *m, int k);
/* Run body(v, ctx) so that an error raised in it returns false, with
 * v->err set and the evaluation state (call depth, trace) as it was
 * (eval/protect.c).  The one way to catch an error. */
bool vm_protect(vm *v, void (*body)(vm *, void *), void *ctx);
/* Evaluate n in frame f (NULL: a fresh top-level frame) with tracing off;
 * false, and v untouched, if it raises an error.  For explain's display
 * and --vs, which re-evaluate pure pieces of the body. */
bool eval_quiet(vm *v, const node *n, frame *f, value *out);
/* A frame for calling closure fn with args, its body run once in it so
 * its lets are filled (NULL on error): --vs opens a call this way. */
frame *eval_call_frame(vm *v, value fn, int nargs, value *args);
frame *eval_frame_new(frame *up, int n);

/* Render a trace (tools/explain.c): SVL_FORMAT_TEXT tree, SVL_FORMAT_JSON,
 * or the plain narrative (plain != 0). */
const char *trace_render(vm *v, const trace *root, svl_format f, int plain, int max_depth);
/* The --vs comparison of two traced roots (tools/explain_vs.c). */
const char *trace_render_vs(vm *v, const trace *a, const trace *b, svl_format f, int plain);

typedef struct test_result {
  const char *name;
  bool ok;
  diag d;              /* when !ok */
  const char *message; /* the assert's own message, or "assertion failed" */
  const char *expr, *got, *expected; /* comparison details, or NULL */
} test_result;

struct svl_vm {
  svl_config cfg;
  /* the as-of date (svl_config.as_of, svl_set_as_of): as_of_set 1 when
   * given, 2 when the host gave a text that is not a date (cfg.as_of
   * keeps it for the message), 0 when none (docs/dating.md) */
  int32_t as_of;
  int as_of_set;
  /* where a script may read (eval/confine.c): canonical directories or
   * files; host_read while the host itself reads (svl_load_data) */
  const char **read_roots;
  int nroots, caproots;
  int host_read;
  size_t heap_start;   /* gc_thread_bytes when the call began (heap_budget) */
  unit_reg *units;
  const builtin_set *builtins; /* what programs may call (stdlib_builtins) */
  /* a host's natives (api/api_native.c): builtins whose fn is native_fn
   * are called through native_call, handed the builtin */
  builtin_fn native_fn;
  value (*native_call)(vm *v, const builtin *b, int nargs, value *args, loc at);
  module *main_mod;    /* the file loaded by svl_load_*, or the REPL scope */
  module **mods;       /* imported modules, by path */
  int nmods, capmods;
  globals host;        /* names bound by the host before load */
  /* protected calls */
  jmp_buf *jmp;
  diag err;
  svl_error pub;       /* svl_last_error view of err */
  /* call stack for diagnostics and the depth limit */
  diag_frame *stack;
  int depth, stack_cap;
  /* limits */
  uint64_t steps;
  uint64_t walks;      /* lists and records entered by walks over values (vm_walk_steps) */
  loc here;            /* the last step's place: for errors raised from the allocator */
  /* the value svl_get last gave and its declaration's place: a limit hit
   * while formatting that value (the CLI printing a result) is reported
   * there, not nowhere */
  value got;
  loc got_at;
  uint64_t deadline_ms;  /* 0: none; DEADLINE_UNSTARTED: the clock not read yet */
  char *stack_base;
  /* unit products seen lately (eval/eval.c vm_arith): a quantity times
   * a proxy (FTE × £ per FTE) works out the same units every time.  The
   * VM is a GC root, so a cached unit cannot be freed and its address
   * reused while it is here. */
  struct unit_memo {
    const unit_t *a, *b, *u;
    int sign;
    dec num, den;
  } unit_memo[8];
  /* where indicators keep 'unit' and 'proxy', by names array: value(ind,
   * q) is called for every commitment of every bid (same root argument) */
  struct ind_memo {
    const char **keys;
    size_t unit, proxy;
  } ind_memo[8];
  unsigned ind_next;   /* the entry of ind_memo to fill next */
  /* data provenance (eval/provenance.c): the last fields read from
   * loaded rows, and the operands an error about to be raised concerns */
  struct prov_read {
    const record *r;
    size_t field;
  } reads[16];
  unsigned nreads;
  value blame[2];
  int nblame;
  /* the record an E0404 (no such field) is about: the loaded row named
   * is this one, never another row a call was given (sv.job with bid b
   * in hand is not b's fault) */
  const record *lacks;
  /* the comprehensions under way, innermost last, and the item frame of
   * each: an error in a module names the item the user's loop was on
   * (`for lot = 3`).  Only the first VM_COMPS are kept. */
#define VM_COMPS 32
  struct comp_ctx {
    const node *n;
    const frame *it;
  } comps[VM_COMPS];
  int ncomps;
  /* atomic, so svl_interrupt may come from another thread or a signal
   * handler (lock-free atomics are async-signal-safe) */
  _Atomic int interrupted;
  /* tests */
  node **tests;
  int ntests, captests;
  test_result last_test;
  /* explain */
  trace *tr;           /* current node while tracing, NULL when off */
  explain_session *xs; /* the explain command's options and memo, or NULL */
  /* handles */
  struct svl_value **handles;
  int nhandles, caphandles;
  struct api_ext *ext; /* embedding state (free handles, natives): api/api.h */
  bool in_test;
  bool coverage;       /* count hits for svl test --coverage */
  /* files read (sources, imports, data) with their SHA-256, for audits */
  const char **read_paths;
  char **read_hashes;   /* "" until worked out (vm_file_hash) */
  /* A file's SHA-256 is worked out when first asked for (vm_file_hash),
   * not when it is read; until then read_data keeps the bytes read. */
  const char **read_data;
  size_t *read_lens;
  int nread, capread;
  const char *test_filter; /* run only tests whose name contains this */
};

struct svl_value {
  value v;
  int index;           /* position in vm->handles; -1 - position once released */
  int scope;           /* >0: made inside a native call, released when it returns */
  const char *num, *unit; /* svl_to_number / svl_to_unit text, kept with the handle */
  struct svl_value *next_free; /* released handles wait for reuse (api/api.c) */
};

/* Evaluate a whole module's top level (declarations, lets, asserts,
 * prints).  Raises on error (call inside a protected region). */
void eval_module(vm *v, module *m);
/* Load, parse, resolve a module from a file or text (no evaluation). */
module *module_parse(vm *v, const char *path, const char *text, size_t len, bool repl, globals *into, diag *err);
const char *module_stdlib_file(const vm *v, const char *name); /* NULL: not found */
value eval_expr_top(vm *v, const module *m, const node *n);
/* Run one test block; fills v->last_test. */
void eval_test(vm *v, module *m, node *t);
/* Read a file into GC memory (NULL and errno on failure). */
char *read_file(const char *path, size_t *len);
/* realpath(3) copied to the GC heap, or NULL (errno set) */
const char *canonical_path(const char *path);
void vm_forget_failed_imports(vm *v);
/* `import` declaration d of module m: the imported module's value */
value vm_import(vm *v, module *m, const node *d);
/* hit priority (all false: the first) and hit output order (all true: the
 * list) over a table's matched outputs, rows[k] the row of outs[k]
 * (eval/table_hit.c). */
value table_output_order(vm *v, const node *d, loc at, const value *outs, const int *rows, size_t n, bool all);
const char *read_error(int e);
/* n more lists or records entered by walks over values (api/api.c
 * on_walk_tick): they may be at most max_steps per call, and the time,
 * heap and interrupt limits apply as to evaluation. */
void vm_walk_steps(vm *v, uint64_t n);
/* Open a file a script names (import, load) for reading, refusing all but
 * a regular file (issue 17): opening a FIFO with no writer blocks for ever,
 * inside a system call where no --timeout can stop it, and a device may
 * never end.  The open itself is non-blocking, so even a FIFO swapped in
 * after a check cannot hang it.  NULL with errno set: ENODEV for "not a
 * regular file" (read_error says so), EISDIR for a directory. */
FILE *open_regular(const char *path);
/* read_file through open_regular: import's reads. */
char *read_regular_file(const char *path, size_t *len);
/* Record that a run read this file, with its SHA-256 (audit records). */
/* Note a file read, for audit records: `data` is kept (unchanged, GC
 * memory) until its hash is asked for. */
void vm_note_file(vm *v, const char *path, const char *data, size_t len);
/* The SHA-256 (hex) of the i-th file noted. */
const char *vm_file_hash(vm *v, int i);
uint64_t now_ms(void);
#define DEADLINE_UNSTARTED UINT64_MAX

/* ---- data provenance (eval/provenance.c) ---- */
/* Field i of r was just read: remembered when r is a loaded row. */
static inline void prov_read(vm *v, const record *r, size_t i) {
  if (!rec_src(r)) return;
  struct prov_read *e = &v->reads[v->nreads++ & 15];
  e->r = r;
  e->field = i;
}
/* Called by the error path before unwinding: names the loaded row and
 * cell the error concerns, and moves an error raised in an imported
 * module to the user's call with a note.  check: a module's assert
 * failed, so the innermost call's arguments are what it is about. */
void prov_explain(vm *v, bool check);
/* A field `name` of obj is not there (obj a record) or obj is null (read
 * as field `from` of a record, when the expression says so): raises the
 * error naming the JSON file, line and path when obj came from JSON
 * (packages.jsonl:3: releases[2].tender has no field 'lots'); returns
 * otherwise, for the plain error. */
void prov_field_error(vm *v, loc at, value obj, const char *name, const char *from);
/* "bids.csv:4 (supplier \"Acme Ltd\")" for a loaded row, else NULL. */
const char *prov_row(const record *r);
void vm_reset_limits(vm *v);

#endif
