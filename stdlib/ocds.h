/* OCDS builtins (stdlib/ocds.c), used by stdlib/ocds.svl. */
#ifndef SVL_STDLIB_OCDS_H
#define SVL_STDLIB_OCDS_H

#include "eval/vm.h"

/* An OCDS Value {amount, currency} (or money already) as money in its
 * currency; null stays null, a null amount is null; a null currency with
 * an amount, an unknown code or a non-number amount is a runtime error
 * naming `where` (a text, or null) and the file and line the Value was
 * loaded from. */
value ocds_money(vm *v, loc at, value x, value where);

extern const builtin ocds_builtins[];
extern const int ocds_builtins_count;

#endif
