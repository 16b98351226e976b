/* Name resolution (before anything runs): scopes to slots, arity of calls
 * to known functions, unit and type declarations, duplicate names.  Every
 * error here is reported before evaluation starts (exit status 2). */
#ifndef SVL_RESOLVE_H
#define SVL_RESOLVE_H

#include <stdbool.h>
#include "lang/ast.h"
#include "core/diag.h"
#include "core/unit.h"
#include "core/value.h"

/* The global scope of one module (a file, or the REPL session). */
typedef struct globals {
  int n, cap;
  const char **names;
  node **decls;       /* the declaring node (N_FN, N_LET, ...), NULL for host-bound */
  value *vals;        /* GC array, grown with names */
  bool *ready;        /* evaluated (lets run in order) */
  /* Open-addressed hash of names to slot + 1 (0: empty), kept by
   * globals_add; a module of 60,000 declarations must not be searched
   * linearly for every name in it. */
  int *index;
  int icap;           /* a power of two, at least twice n; 0: no index yet */
} globals;

int globals_find(const globals *g, const char *name);
/* Add a name (or return its slot when it exists). */
int globals_add(globals *g, const char *name);

/* The builtins a program may call.  The resolver does not know the
 * standard library (stdlib/ is a layer above): whoever resolves hands it
 * over (the VM keeps stdlib_builtins, stdlib/builtins.h). */
typedef struct builtin_set {
  const builtin *(*find)(const char *name);
  /* names into out (at most cap); returns how many exist */
  int (*names)(const char **out, int cap);
  /* b reads its one list argument and keeps nothing of it but items
   * (sum, mean, min...), so a caller may lend it a list that lives on the
   * C stack and dies when the call returns (eval/compile.c). */
  bool (*borrows)(const builtin *b);
} builtin_set;

typedef struct resolver_opts {
  bool repl;          /* redefinition replaces instead of failing */
  const builtin_set *builtins; /* NULL: none */
  /* Site numbers (node.site) are handed out from *nsites + 1 on, and
   * *nsites is left at the highest given: the size the evaluator's site
   * table needs.  NULL: the sites are numbered but not counted. */
  int *nsites;
} resolver_opts;

/* Resolve a parsed program against its module's globals.  Unit
 * declarations are entered into `units` as they are met.  Returns false
 * with *err filled on the first error. */
bool resolve_program(node *prog, globals *g, unit_reg *units, resolver_opts opts, diag *err);

/* Build the vtype of a type expression (for `type` declarations and
 * annotations); NULL with *err on an unknown type name. */
const vtype *resolve_type(node *te, const globals *g, unit_reg *units, diag *err);

#endif
