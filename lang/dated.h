/* Dated tables (docs/dating.md): `table t as of { | from | until || ... | }`
 * and `table t(kind) as of { | from | kind || ... | }`, turned by the
 * parser into an ordinary hit-unique table, so the resolver, the
 * evaluator and svl check's gap and overlap analysis (lang/check_table.c)
 * need nothing of their own beyond the wording of their messages. */
#ifndef SVL_LANG_DATED_H
#define SVL_LANG_DATED_H

#include <stdbool.h>
#include "lang/ast.h"

typedef struct dated_err {
  loc at;
  const char *msg, *hint;
} dated_err;

/* Rewrite table t (rows in t->a, the else row already taken out) whose
 * header begins | from | or | from | until |:
 *   - a last parameter `on: date = as_of("t")` (the date the rules are
 *     applied on, or the one given: t(on: d));
 *   - the from (and until) columns become one input column over `on`:
 *     from and until given, [from..until] (both days included); only
 *     from given, [from..the next row's from), the last row >= from;
 *     `-` leaves that end open;
 *   - t->opt marks the table dated and t->c is the header's `on` node,
 *     which names the date column (eval/dated.c, lang/check_table.c).
 * `as_of` is where the words `as of` are.  false and *e on a malformed
 * table. */
bool dated_table(node_arena *a, node *t, loc as_of, dated_err *e);
/* The input column of dated table d that holds the date (-1: none). */
int dated_column(const node *d);

#endif
