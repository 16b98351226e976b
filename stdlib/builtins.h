/* The registry of builtin functions (stdlib/builtins.c).  Not part of the
 * public API. */
#ifndef SVL_BUILTINS_H
#define SVL_BUILTINS_H

#include "eval/vm.h"
#include "lang/resolve.h"

/* All builtins, by name; names of all into out (at most cap), returning
 * how many exist. */
const builtin *builtin_find(const char *name);
int builtin_names(const char **out, int cap);
/* The two as the set the resolver is handed (resolver_opts.builtins). */
extern const builtin_set stdlib_builtins;

/* The prelude (stdlib/prelude.c). */
extern const builtin prelude_builtins[];
extern const int prelude_builtins_count;
/* Whether b is one of the prelude's builtins that only read the items of
 * their list argument (builtin_set.borrows). */
bool prelude_borrows(const builtin *b);

#endif
