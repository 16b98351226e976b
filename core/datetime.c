/* RFC 3339 date-times: parsing, printing, comparison (see datetime.h).
 * Pure functions over integers: no locale, no time zone database, no
 * global state, so any thread may use them. */
#include "core/datetime.h"

#include <stdio.h>

#include "core/value.h"

static int digits(const char *s, size_t n, size_t at, int count, bool *ok) {
  int v = 0;
  for (int i = 0; i < count; i++) {
    if (at + (size_t)i >= n || s[at + i] < '0' || s[at + i] > '9') { *ok = false; return 0; }
    v = v * 10 + (s[at + i] - '0');
  }
  return v;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

dt_status dt_parse(const char *s, size_t n, dtime *out) {
  bool ok = true;
  /* YYYY-MM-DD */
  if (n < 19 || s[4] != '-' || s[7] != '-') return DT_SYNTAX;
  int y = digits(s, n, 0, 4, &ok), mo = digits(s, n, 5, 2, &ok), d = digits(s, n, 8, 2, &ok);
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return DT_SYNTAX;
  int h = digits(s, n, 11, 2, &ok), mi = digits(s, n, 14, 2, &ok), se = digits(s, n, 17, 2, &ok);
  if (!ok || s[13] != ':' || s[16] != ':') return DT_SYNTAX;
  int32_t days;
  if (!date_from_ymd(y, mo, d, &days) || h > 23 || mi > 59 || se > 59) return DT_RANGE;
  size_t i = 19;
  int32_t ns = 0;
  int fd = 0;
  if (i < n && (s[i] == '.' || s[i] == ',')) {
    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (++fd > 9) return DT_RANGE;
      ns = ns * 10 + (s[i++] - '0');
    }
    if (fd == 0) return DT_SYNTAX;
    for (int k = fd; k < 9; k++) ns *= 10;
  }
  out->sec = (int64_t)days * 86400 + h * 3600 + mi * 60 + se;
  out->nsec = ns;
  out->fdig = (uint8_t)fd;
  out->off = 0;
  out->z = 0;
  if (i == n) return DT_NO_OFFSET;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
    out->z = 1;
    return DT_OK;
  }
  if ((s[i] == '+' || s[i] == '-') && i + 6 == n && s[i + 3] == ':') {
    int oh = digits(s, n, i + 1, 2, &ok), om = digits(s, n, i + 4, 2, &ok);
    if (!ok) return DT_SYNTAX;
    if (oh > 23 || om > 59) return DT_RANGE;
    int off = oh * 60 + om;
    if (s[i] == '-') off = -off;
    out->off = (int16_t)off;
    out->sec -= (int64_t)off * 60;
    return DT_OK;
  }
  return DT_SYNTAX;
}

void dt_format(const dtime *t, char *buf, size_t cap) {
  int64_t local = t->sec + (int64_t)t->off * 60;
  int64_t days = floor_div(local, 86400), rest = local - days * 86400;
  int y, m, d;
  date_to_ymd((int32_t)days, &y, &m, &d);
  int len = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(rest / 3600), (int)(rest / 60 % 60),
                     (int)(rest % 60));
  if (len < 0 || (size_t)len >= cap) return;
  if (t->fdig) {
    char f[16];
    snprintf(f, sizeof f, "%09d", (int)t->nsec);
    len += snprintf(buf + len, cap - (size_t)len, ".%.*s", (int)t->fdig, f);
  }
  if ((size_t)len >= cap) return;
  if (t->z) snprintf(buf + len, cap - (size_t)len, "Z");
  else {
    int o = t->off < 0 ? -t->off : t->off;
    snprintf(buf + len, cap - (size_t)len, "%c%02d:%02d", t->off < 0 ? '-' : '+', o / 60, o % 60);
  }
}

int dt_cmp(const dtime *a, const dtime *b) {
  if (a->sec != b->sec) return a->sec < b->sec ? -1 : 1;
  return (a->nsec > b->nsec) - (a->nsec < b->nsec);
}

int32_t dt_day_at(const dtime *t, int32_t offset_sec) {
  return (int32_t)floor_div(t->sec + offset_sec, 86400);
}

const char *dt_status_text(dt_status st) {
  switch (st) {
  case DT_OK: return "";
  case DT_NO_OFFSET: return "it has no offset (Z or +hh:mm)";
  case DT_RANGE: return "a field is out of range (month, day, hour, minute, second, offset, or more than 9 fractional digits)";
  default: return "it is not in the form YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm)";
  }
}
