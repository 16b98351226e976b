/* Calendar builtins: weekday, months_between and working-day arithmetic
 * (stdlib/calendar.c). */
#ifndef SVL_CALENDAR_H
#define SVL_CALENDAR_H

#include "eval/vm.h"

extern const builtin calendar_builtins[];
extern const int calendar_builtins_count;

#endif
