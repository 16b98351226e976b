/* The words of the percent-mix error E0410 (lang/percent_hint.c). */
#ifndef SVL_PERCENT_HINT_H
#define SVL_PERCENT_HINT_H

#include <stdbool.h>

#include "core/value.h"

/* "compare a number with a percent" for op (an OP_ from lang/ast.h; -1 an
 * ordering with no operator). */
const char *pct_mix_what(int op, bool pct_first);
/* The hint for the plain number n and the percentage p ("write 40% or
 * compare with 60"). */
const char *pct_mix_hint(int op, value n, value p);

#endif
