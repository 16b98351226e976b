/* Date-times (docs/ocds.md, "Date-times"): an instant as published, with
 * the offset it was published with.
 *
 * RFC 3339 texts, "2025-03-11T11:41:13Z", "2025-03-11T12:41:13.1234567+01:00":
 * the instant is kept in UTC (seconds and nanoseconds since 1970-01-01T00:00Z)
 * so that comparison, equality and hashing are in UTC, and the offset and
 * the number of fractional digits are kept so that it prints as written. */
#ifndef SVL_DATETIME_H
#define SVL_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dtime {
  int64_t sec;     /* UTC seconds since 1970-01-01T00:00:00Z */
  int32_t nsec;    /* 0 .. 999,999,999 */
  int16_t off;     /* the offset published, in minutes east of UTC */
  uint8_t fdig;    /* fractional digits written (0..9), to print them again */
  uint8_t z;       /* 1: written with Z rather than +00:00 */
} dtime;

typedef enum {
  DT_OK,
  DT_SYNTAX,      /* not YYYY-MM-DDTHH:MM:SS[.f]... */
  DT_NO_OFFSET,   /* a local time without Z or an offset */
  DT_RANGE        /* a month 13, a 25th hour, a 10th fractional digit... */
} dt_status;

/* Parses an RFC 3339 date-time: T, t or one space between date and time,
 * 1 to 9 fractional digits, Z, z or +hh:mm/-hh:mm.  A text without the
 * offset gives DT_NO_OFFSET with the fields read as UTC in *out (so a
 * caller with a zone can correct them: dt_local_to_utc). */
dt_status dt_parse(const char *s, size_t n, dtime *out);
/* Writes the RFC 3339 form, in its own offset, into buf (at least 40). */
void dt_format(const dtime *t, char *buf, size_t cap);
/* -1, 0, 1 by instant. */
int dt_cmp(const dtime *a, const dtime *b);
/* Days since 1970-01-01 of the calendar day at `offset_sec` east of UTC. */
int32_t dt_day_at(const dtime *t, int32_t offset_sec);
/* A human-readable reason for a status ("the month is 13"...). */
const char *dt_status_text(dt_status st);

#endif
