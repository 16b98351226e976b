/* Offsets of named time zones from the tz database (stdlib/tz.c):
 * thread-safe, the environment untouched. */
#ifndef SVL_TZ_H
#define SVL_TZ_H

#include <stdbool.h>
#include <stdint.h>

/* The offset (seconds east of UTC) of zone `name` ("Europe/London") at the
 * UTC instant `utc`; false with *err (static text) for an unknown zone. */
bool tz_offset(const char *name, int64_t utc, int32_t *east, const char **err);
/* The UTC instant of local wall-clock seconds `local` in zone `name`. */
bool tz_local_to_utc(const char *name, int64_t local, int64_t *utc, const char **err);

#endif
