/* `require` over a list of conditions and verdicts (eval/require_list.c). */
#ifndef SVL_REQUIRE_LIST_H
#define SVL_REQUIRE_LIST_H

#include "lang/ast.h"
#include "eval/eval.h"
#include "eval/vm.h"

/* One verdict for the items of l: passed when every item is true or a
 * passed verdict; the reasons of every failed item and the warnings of
 * every item.  `cond` is the require's condition (its text is the reason
 * of a failed bool item).  An item that is neither is an error. */
value require_list(vm *v, const node *cond, const list *l);

typedef value (*require_eval_fn)(vm *v, const node *n, frame *f);

/* `require all(xs, f)`, where `all` is the builtin: the verdict of
 * require_list over f(x) for each x of xs (same truth as the builtin, and
 * every failed item's reasons), in *out, and true.  False (nothing
 * evaluated) for any other condition. */
bool require_all_form(vm *v, const node *cond, frame *f, require_eval_fn ev, value *out);

#endif
