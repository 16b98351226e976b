/* Date-time builtins (docs/ocds.md, "Date-times"): datetime(), the
 * date-time forms of date(), in_zone() and seconds_between().  The kind
 * itself (parsing, printing, comparing) is core/datetime.c; named zones
 * are stdlib/tz.c. */
#include <string.h>

#include "stdlib/datetime.h"
#include "stdlib/tz.h"

#define BUILTIN(name) static value name(vm *v, int nargs, value *args, loc at)

static const char *const zone_hint =
    "a date-time's calendar day depends on the zone it is read in: write date(x, \"UTC\"), "
    "date(x, \"Europe/London\") (any tz database name), or date(x, \"offset\") for the day where it was published";

static const char *zone_arg(vm *v, loc at, const char *fname, value z) {
  if (z.tag != V_TEXT) vm_error(v, at, "E0402 %s expects a zone name as a text (\"Europe/London\"), got %s", fname, value_type_name(z));
  return z.as.text->s;
}

/* An offset in whole minutes, as RFC 3339 writes them: the few zones whose
 * local mean time (before about 1900) had seconds are floored, as Python does. */
static int16_t minutes_of(int32_t east) { return (int16_t)(east / 60 - (east % 60 < 0)); }

static int32_t offset_in(vm *v, loc at, const char *fname, const char *zone, int64_t utc) {
  int32_t east;
  const char *err;
  if (!tz_offset(zone, utc, &east, &err)) vm_error(v, at, "E0407 %s: zone \"%s\": %s", fname, zone, err);
  return east;
}

value datetime_parse(vm *v, loc at, const char *fname, value x, const char *zone) {
  if (x.tag == V_DATETIME) return x;
  if (x.tag != V_TEXT)
    vm_error(v, at, "E0402 %s expects a text like \"2025-03-11T11:41:13Z\", got %s", fname, value_type_name(x));
  dtime t;
  dt_status st = dt_parse(x.as.text->s, x.as.text->len, &t);
  if (st == DT_NO_OFFSET && zone) {
    /* a local wall-clock time: the zone says which instant it was */
    int64_t utc;
    const char *err;
    if (!tz_local_to_utc(zone, t.sec, &utc, &err)) vm_error(v, at, "E0407 %s: zone \"%s\": %s", fname, zone, err);
    int32_t east = (int32_t)(t.sec - utc);
    t.sec = utc;
    t.off = minutes_of(east);
    return v_datetime(t);
  }
  if (st == DT_NO_OFFSET)
    vm_error_hint(v, at, "give the zone its clock was in: datetime(x, \"Europe/London\")",
                  "E0407 %s: %s has no offset, so it is not one instant", fname, value_display(x, false));
  if (st != DT_OK)
    vm_error(v, at, "E0407 %s: %s is not an RFC 3339 date-time: %s", fname, value_display(x, false), dt_status_text(st));
  return v_datetime(t);
}

/* datetime(x[, zone]) */
BUILTIN(d_datetime) {
  const char *zone = nargs > 1 && args[1].tag != V_NULL ? zone_arg(v, at, "datetime", args[1]) : NULL;
  return datetime_parse(v, at, "datetime", args[0], zone);
}

/* A text that is a date-time rather than a date: "YYYY-MM-DDT..." */
static bool looks_timed(value x) {
  return x.tag == V_TEXT && x.as.text->len > 10 && strchr("Tt ", x.as.text->s[10]) && x.as.text->s[4] == '-';
}

bool datetime_date_of(vm *v, int nargs, value *args, loc at, value *out) {
  value x = args[0];
  bool zoned = nargs > 1 && args[1].tag != V_NULL;
  if (x.tag != V_DATETIME && !looks_timed(x) && !zoned) return false;
  if (x.tag == V_DATE) { *out = x; return true; } /* a plain date is in no zone */
  if (!zoned) {
    if (x.tag == V_TEXT) vm_error_hint(v, at, zone_hint, "E0407 date: %s is a date-time, not a date", value_display(x, false));
    vm_error_hint(v, at, zone_hint, "E0407 date of the date-time %s needs a zone", value_display(x, true));
  }
  const char *zone = zone_arg(v, at, "date", args[1]);
  dtime t = datetime_parse(v, at, "date", x, NULL).as.dt;
  int32_t east = !strcmp(zone, "offset") ? t.off * 60 : offset_in(v, at, "date", zone, t.sec);
  *out = v_date(dt_day_at(&t, east));
  return true;
}

/* in_zone(x, zone): the same instant, shown in the zone's offset then */
BUILTIN(d_in_zone) {
  (void)nargs;
  dtime t = datetime_parse(v, at, "in_zone", args[0], NULL).as.dt;
  const char *zone = zone_arg(v, at, "in_zone", args[1]);
  int32_t east = offset_in(v, at, "in_zone", zone, t.sec);
  t.off = minutes_of(east);
  t.z = !strcmp(zone, "UTC") && east == 0;
  return v_datetime(t);
}

/* seconds_between(from, to): exact, with the fraction */
BUILTIN(d_seconds_between) {
  (void)nargs;
  dtime a = datetime_parse(v, at, "seconds_between", args[0], NULL).as.dt;
  dtime b = datetime_parse(v, at, "seconds_between", args[1], NULL).as.dt;
  int64_t s = b.sec - a.sec;
  int32_t ns = b.nsec - a.nsec;
  dec whole = dec_from_int(s), frac, out;
  if (ns == 0) return v_num(whole);
  dec_div(dec_from_int(ns), dec_from_int(1000000000), &frac);
  dec_add(whole, frac, &out);
  return v_num(out);
}

const builtin datetime_builtins[] = {
    {"datetime", 1, 2, d_datetime, "x, zone"},
    {"in_zone", 2, 2, d_in_zone, "x, zone"},
    {"seconds_between", 2, 2, d_seconds_between, "from, to"},
};
const int datetime_builtins_count = BUILTIN_COUNT(datetime_builtins);
