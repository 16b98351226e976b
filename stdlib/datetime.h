/* Date-time builtins (stdlib/datetime.c). */
#ifndef SVL_STDLIB_DATETIME_H
#define SVL_STDLIB_DATETIME_H

#include "eval/vm.h"

/* x (a date-time, or an RFC 3339 text; a text without offset read in
 * `zone` when given) as a date-time, or a runtime error naming fname. */
value datetime_parse(vm *v, loc at, const char *fname, value x, const char *zone);
/* date(x, zone) for a date-time, and date(x) of one (an error with a
 * hint): true with *out when args are the date-time forms, false when
 * they are date()'s own (a date, a YYYY-MM-DD text). */
bool datetime_date_of(vm *v, int nargs, value *args, loc at, value *out);

extern const builtin datetime_builtins[];
extern const int datetime_builtins_count;

#endif
