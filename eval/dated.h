/* Effective dating (docs/dating.md): the as-of date and the errors of
 * dated tables, `table t as of { | from | until || ... | }`, which the
 * parser turns into a hit-unique table with a last parameter
 * `on: date = as_of("t")` (lang/dated.c). */
#ifndef SVL_EVAL_DATED_H
#define SVL_EVAL_DATED_H

#include "eval/eval.h"
#include "lang/dated.h"

/* A dated table's run-time failures, in the words of validity periods:
 * r2 == 0, no row in force on the date matches (E0610); else rows r1 and
 * r2 are both in force (E0611).  ins are the table's ni inputs. */
_Noreturn void dated_table_error(vm *v, const node *d, loc at, int ni, const value *ins, int r1, int r2);

#endif
