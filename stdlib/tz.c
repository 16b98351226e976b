/* Time zones from the tz database (Debian's tzdata, /usr/share/zoneinfo),
 * read here rather than through glibc's localtime: localtime takes the
 * zone from the TZ variable, and a library that may run on many threads
 * must never change its process's environment (docs/ocds.md, "Date-times").
 *
 * A zone file (TZif, RFC 8536) is read once per process and kept in a
 * list guarded by a mutex; its version 2+ block gives 64-bit transition
 * times, and the POSIX TZ rule in its footer (e.g. "GMT0BST,M3.5.0/1,
 * M10.5.0") gives the offsets after the last transition. */
#include "stdlib/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/value.h"

typedef struct rule_day {
  char kind;        /* 'M' month.week.day, 'J' Julian 1..365, 'D' 0..365 */
  int m, w, d, n;
  int32_t time;     /* seconds after local midnight (may be negative or > 24 h) */
} rule_day;

typedef struct posix_tz {
  bool ok, has_dst;
  int32_t std_east, dst_east;
  rule_day start, end;
} posix_tz;

typedef struct zone {
  struct zone *next;
  char *name;
  size_t ntrans, ntypes;
  int64_t *trans;
  unsigned char *idx;
  int32_t *type_off;
  int32_t first_off;  /* before the first transition */
  posix_tz rule;
} zone;

static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static zone *zones;

/* ---- the POSIX TZ rule of the footer ------------------------------------ */

static const char *tz_name_skip(const char *p) {
  if (*p == '<') {
    while (*p && *p != '>') p++;
    return *p ? p + 1 : NULL;
  }
  const char *s = p;
  while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) p++;
  return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] in seconds */
static const char *tz_hms(const char *p, int32_t *out) {
  int sign = 1;
  if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
  int32_t v = 0, part = 0, k = 0;
  for (int f = 0; f < 3; f++) {
    if (*p < '0' || *p > '9') return f ? p : NULL;
    part = 0;
    while (*p >= '0' && *p <= '9' && part < 1000) part = part * 10 + (*p++ - '0');
    v += part * (f == 0 ? 3600 : f == 1 ? 60 : 1);
    k++;
    if (*p != ':') break;
    p++;
  }
  *out = sign * v;
  return p;
}

static const char *tz_rule_day(const char *p, rule_day *r) {
  r->time = 7200; /* 02:00 unless given */
  if (*p == 'M') {
    r->kind = 'M';
    if (sscanf(p + 1, "%d.%d.%d", &r->m, &r->w, &r->d) != 3) return NULL;
    p++;
    while ((*p >= '0' && *p <= '9') || *p == '.') p++;
  } else {
    r->kind = *p == 'J' ? 'J' : 'D';
    if (*p == 'J') p++;
    if (*p < '0' || *p > '9') return NULL;
    r->n = 0;
    while (*p >= '0' && *p <= '9') r->n = r->n * 10 + (*p++ - '0');
  }
  if (*p == '/') p = tz_hms(p + 1, &r->time);
  return p;
}

static void parse_posix(const char *s, posix_tz *out) {
  memset(out, 0, sizeof *out);
  const char *p = tz_name_skip(s);
  int32_t west;
  if (!p || !(p = tz_hms(p, &west))) return;
  out->std_east = out->dst_east = -west;
  out->ok = true;
  if (!*p) return;
  if (!(p = tz_name_skip(p))) { out->ok = false; return; }
  out->has_dst = true;
  out->dst_east = out->std_east + 3600;
  if (*p && *p != ',') {
    if (!(p = tz_hms(p, &west))) { out->ok = false; return; }
    out->dst_east = -west;
  }
  if (*p != ',' || !(p = tz_rule_day(p + 1, &out->start)) || *p != ',' || !(p = tz_rule_day(p + 1, &out->end)))
    out->ok = false;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days since 1970-01-01 of the rule's day in year y. */
static int32_t rule_date(const rule_day *r, int y) {
  int32_t jan1;
  date_from_ymd(y, 1, 1, &jan1);
  if (r->kind == 'J') return jan1 + r->n - 1 + (leap(y) && r->n >= 60 ? 1 : 0);
  if (r->kind == 'D') return jan1 + r->n;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = r->m < 1 ? 1 : r->m > 12 ? 12 : r->m;
  int32_t first;
  date_from_ymd(y, m, 1, &first);
  int wd1 = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
  int day = 1 + ((r->d - wd1) % 7 + 7) % 7 + (r->w - 1) * 7;
  int last = mdays[m - 1] + (m == 2 && leap(y));
  while (day > last) day -= 7;
  return first + day - 1;
}

static int32_t posix_offset(const posix_tz *z, int64_t utc) {
  if (!z->has_dst) return z->std_east;
  int32_t days = (int32_t)((utc + z->std_east) / 86400 - ((utc + z->std_east) % 86400 < 0));
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  int64_t start = (int64_t)rule_date(&z->start, y) * 86400 + z->start.time - z->std_east;
  int64_t end = (int64_t)rule_date(&z->end, y) * 86400 + z->end.time - z->dst_east;
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? z->dst_east : z->std_east;
}

/* ---- TZif files --------------------------------------------------------- */

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

static void zone_free(zone *z) {
  if (!z) return;
  free(z->name), free(z->trans), free(z->idx), free(z->type_off), free(z);
}

static zone *zone_parse(const unsigned char *b, size_t n, const char *name) {
  if (n < 44 || memcmp(b, "TZif", 4) != 0 || b[4] < '2') return NULL;
  /* skip the version-1 block: its counts are in its own header */
  uint32_t c1[6];
  for (int i = 0; i < 6; i++) c1[i] = be32(b + 20 + 4 * i);
  size_t skip = 44 + (size_t)c1[3] * 5 + (size_t)c1[4] * 6 + c1[5] + (size_t)c1[2] * 8 + c1[1] + c1[0];
  if (skip + 44 > n || memcmp(b + skip, "TZif", 4) != 0) return NULL;
  const unsigned char *h = b + skip;
  uint32_t isut = be32(h + 20), isstd = be32(h + 24), leaps = be32(h + 28), timecnt = be32(h + 32),
           typecnt = be32(h + 36), charcnt = be32(h + 40);
  if (typecnt == 0 || typecnt > 256 || timecnt > 100000) return NULL;
  size_t need = 44 + (size_t)timecnt * 9 + (size_t)typecnt * 6 + charcnt + (size_t)leaps * 12 + isstd + isut;
  if (skip + need > n) return NULL;
  zone *z = calloc(1, sizeof *z);
  if (!z) return NULL;
  z->name = strdup(name);
  z->ntrans = timecnt;
  z->ntypes = typecnt;
  z->trans = malloc(timecnt * sizeof *z->trans + 1);
  z->idx = malloc(timecnt + 1);
  z->type_off = malloc(typecnt * sizeof *z->type_off);
  if (!z->name || !z->trans || !z->idx || !z->type_off) { zone_free(z); return NULL; }
  const unsigned char *p = h + 44;
  for (uint32_t i = 0; i < timecnt; i++) z->trans[i] = be64(p + 8 * i);
  p += (size_t)timecnt * 8;
  for (uint32_t i = 0; i < timecnt; i++) {
    z->idx[i] = p[i];
    if (p[i] >= typecnt) { zone_free(z); return NULL; }
  }
  p += timecnt;
  z->first_off = (int32_t)be32(p);
  bool first_set = false;
  for (uint32_t i = 0; i < typecnt; i++) {
    z->type_off[i] = (int32_t)be32(p + 6 * i);
    if (!first_set && !p[6 * i + 4]) z->first_off = z->type_off[i], first_set = true; /* first standard type */
  }
  const unsigned char *foot = h + need;
  if (foot < b + n && *foot == '\n') {
    const unsigned char *e = memchr(foot + 1, '\n', (size_t)(b + n - foot - 1));
    if (e && e - foot - 1 < 128) {
      char s[130];
      memcpy(s, foot + 1, (size_t)(e - foot - 1));
      s[e - foot - 1] = 0;
      parse_posix(s, &z->rule);
    }
  }
  return z;
}

static bool zone_name_ok(const char *s) {
  if (!*s || *s == '/' || strlen(s) > 100) return false;
  for (const char *p = s; *p; p++) {
    bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '+' || *p == '/';
    if (!ok) return false;
    if (*p == '/' && (p[1] == '/' || p[1] == 0)) return false;
  }
  return !strstr(s, "..");
}

static zone *zone_read(const char *name, const char **err) {
  const char *dir = getenv("TZDIR");
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
  FILE *f = fopen(path, "rb");
  if (!f) { *err = "no such zone in the tz database (tzdata): names look like \"Europe/London\" or \"UTC\""; return NULL; }
  unsigned char *buf = malloc(1 << 20);
  size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
  fclose(f);
  zone *z = buf ? zone_parse(buf, n, name) : NULL;
  free(buf);
  if (!z) *err = "the zone's file is not a TZif file of version 2 or later";
  return z;
}

bool tz_offset(const char *name, int64_t utc, int32_t *east, const char **err) {
  if (!zone_name_ok(name)) {
    *err = "not a zone name: names look like \"Europe/London\" or \"UTC\"";
    return false;
  }
  pthread_mutex_lock(&zones_lock);
  zone *z = zones;
  while (z && strcmp(z->name, name) != 0) z = z->next;
  if (!z && (z = zone_read(name, err))) {
    z->next = zones;
    zones = z;
  }
  pthread_mutex_unlock(&zones_lock);
  if (!z) return false;
  /* a zone, once listed, is never changed or freed: read it unlocked */
  if (z->ntrans == 0 || utc < z->trans[0]) {
    *east = z->ntrans == 0 && z->rule.ok ? posix_offset(&z->rule, utc) : z->first_off;
    return true;
  }
  if (utc >= z->trans[z->ntrans - 1] && z->rule.ok) {
    *east = posix_offset(&z->rule, utc);
    return true;
  }
  size_t lo = 0, hi = z->ntrans - 1; /* the last transition at or before utc */
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    if (z->trans[mid] <= utc) lo = mid;
    else hi = mid - 1;
  }
  *east = z->type_off[z->idx[lo]];
  return true;
}

bool tz_local_to_utc(const char *name, int64_t local, int64_t *utc, const char **err) {
  /* the offset at local-as-if-UTC, then again at the instant it gives: in a
   * gap or an overlap this settles on one of the two readings */
  int32_t e1, e2;
  if (!tz_offset(name, local, &e1, err)) return false;
  if (!tz_offset(name, local - e1, &e2, err)) return false;
  *utc = local - e2;
  return true;
}
