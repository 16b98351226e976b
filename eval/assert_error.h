/* assert_error(EXPR [, EXPECTED]) in tests (eval/assert_error.c). */
#ifndef SVL_ASSERT_ERROR_H
#define SVL_ASSERT_ERROR_H

#include "lang/ast.h"
#include "eval/eval.h"

typedef value (*assert_eval_fn)(vm *v, const node *n, frame *f);

/* Evaluate st->a under protection with ev; return when it raised an error
 * whose code is st->b's text or whose message contains it (any error when
 * there is no st->b), else fail as an assertion does.  Limit errors (steps,
 * time, memory, depth) are not caught: they stop the test as they would. */
void assert_error(vm *v, const node *st, frame *f, assert_eval_fn ev);

#endif
