/* Rows by key: lookup(rows, key, value[, default]) and
 * join(left, right, key) (stdlib/lookup.c). */
#ifndef SVL_LOOKUP_H
#define SVL_LOOKUP_H

#include "eval/vm.h"

/* The rows of left joined with the rows of right whose `key` column is
 * equal; every row of either table must have a partner (E0711). */
value lookup_table_join(vm *v, value left, value right, value key, loc at);

extern const builtin lookup_builtins[];
extern const int lookup_builtins_count;

#endif
