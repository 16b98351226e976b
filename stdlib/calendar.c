/* Calendar builtins: the day of the week, whole calendar months between
 * two dates, and working-day arithmetic against a calendar of holidays
 * (docs/stdlib/prelude.md "Dates", docs/stdlib/calendar.md).
 *
 * A calendar is a list of holiday dates, or a record
 *   {name, first_year, last_year, holidays: [dates]}
 * as stdlib/calendar.svl builds from the GOV.UK bank holiday data.  With a
 * record, every day the arithmetic passes through must lie in the years
 * the data covers: outside them the answer would be a guess (a bank
 * holiday not yet announced), so it is an error naming the years known. */
#include "stdlib/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "core/gc.h"

#define BUILTIN(name) static value name(vm *v, int nargs, value *args, loc at)

/* Working-day arithmetic steps one day at a time; this bounds a step count
 * far beyond any calendar's data (about 27 years of days). */
#define MAX_STEPS 10000

typedef struct {
  const char *name;     /* "england-and-wales", or NULL for a plain list */
  int first, last;      /* years covered; 0 when unbounded */
  int32_t *days;        /* holidays, sorted */
  size_t n;
} calendar;

static int32_t want_day(vm *v, loc at, const char *fname, value x) {
  if (x.tag != V_DATE) vm_error(v, at, "E0402 %s expects a date, got %s", fname, value_type_name(x));
  return x.days;
}

static int64_t want_int(vm *v, loc at, const char *fname, const char *what, value x) {
  int64_t i;
  if (x.tag != V_NUM || x.unit || x.pct || !dec_to_int(x.as.num, &i))
    vm_error(v, at, "E0407 %s expects a whole number for %s, got %s", fname, what,
             x.tag == V_NUM ? value_display(x, false) : value_type_name(x));
  return i;
}

static int cmp_day(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static calendar want_calendar(vm *v, loc at, const char *fname, value x) {
  calendar c = {NULL, 0, 0, NULL, 0};
  value hol = x;
  if (x.tag == V_RECORD) {
    const record *r = x.as.rec;
    long i = record_find(r, "holidays");
    if (i < 0)
      vm_error_hint(v, at, "use a calendar of the calendar module, e.g. calendar.england_and_wales",
                    "E0407 %s: the calendar record has no 'holidays'", fname);
    hol = rec_get(r, i);
    long nm = record_find(r, "name"), fy = record_find(r, "first_year"), ly = record_find(r, "last_year");
    if (nm >= 0 && rec_get(r, nm).tag == V_TEXT) c.name = rec_get(r, nm).as.text->s;
    if ((fy >= 0) != (ly >= 0))
      vm_error(v, at, "E0407 %s: a calendar gives both first_year and last_year, or neither", fname);
    if (fy >= 0) {
      c.first = (int)want_int(v, at, fname, "first_year", rec_get(r, fy));
      c.last = (int)want_int(v, at, fname, "last_year", rec_get(r, ly));
    }
  }
  if (hol.tag != V_LIST)
    vm_error_hint(v, at, "a calendar is a list of holiday dates or a calendar record, e.g. calendar.england_and_wales",
                  "E0402 %s expects a calendar, got %s", fname, value_type_name(hol));
  const list *l = hol.as.list;
  c.days = gc_alloc_atomic((l->n ? l->n : 1) * sizeof *c.days); /* raises on exhaustion */
  for (size_t i = 0; i < l->n; i++) {
    value h = l->items[i];
    if (h.tag != V_DATE)
      vm_error(v, at, "E0402 %s: holiday %zu of the calendar is %s, not a date", fname, i + 1,
               h.tag == V_NUM || h.tag == V_TEXT ? value_display(h, false) : value_type_name(h));
    c.days[i] = h.days;
  }
  c.n = l->n;
  qsort(c.days, c.n, sizeof *c.days, cmp_day);
  return c;
}

/* Monday 1 .. Sunday 7 (ISO 8601); day 0 (1970-01-01) was a Thursday. */
static int iso_weekday(int32_t d) {
  int r = (int)(((int64_t)d + 3) % 7);
  return (r < 0 ? r + 7 : r) + 1;
}

/* Stops with the years the calendar knows when `d` is outside them. */
static void covered(vm *v, loc at, const char *fname, const calendar *c, int32_t d) {
  if (!c->first) return;
  int y, m, dd;
  date_to_ymd(d, &y, &m, &dd);
  if (y < c->first || y > c->last)
    vm_error_hint(v, at, "give the holidays of that year in your own calendar, or choose dates the data covers",
                  "E0407 %s: no bank holidays are known for %d in calendar %s (its data covers %d to %d), so "
                  "whether %04d-%02d-%02d is a working day is unknown",
                  fname, y, c->name ? c->name : "(unnamed)", c->first, c->last, y, m, dd);
}

/* A Saturday or Sunday is never a working day, whatever the year; only a
 * weekday needs the year's holidays. */
static bool working(vm *v, loc at, const char *fname, const calendar *c, int32_t d) {
  if (iso_weekday(d) >= 6) return false;
  covered(v, at, fname, c, d);
  return !bsearch(&d, c->days, c->n, sizeof *c->days, cmp_day);
}

BUILTIN(c_weekday) {
  (void)nargs;
  return v_int(iso_weekday(want_day(v, at, "weekday", args[0])));
}

BUILTIN(c_is_working_day) {
  (void)nargs;
  int32_t d = want_day(v, at, "is_working_day", args[0]);
  calendar c = want_calendar(v, at, "is_working_day", args[1]);
  return v_bool(working(v, at, "is_working_day", &c, d));
}

/* The n-th working day after d (before it for a negative n); d itself is
 * not counted, and n = 0 gives d. */
BUILTIN(c_add_working_days) {
  (void)nargs;
  int32_t d = want_day(v, at, "add_working_days", args[0]);
  int64_t n = want_int(v, at, "add_working_days", "n", args[1]);
  calendar c = want_calendar(v, at, "add_working_days", args[2]);
  if (n > MAX_STEPS || n < -MAX_STEPS)
    vm_error(v, at, "E0407 add_working_days: %lld working days is beyond any calendar (at most %d)", (long long)n, MAX_STEPS);
  int step = n < 0 ? -1 : 1;
  int64_t day = d;
  for (int64_t left = n < 0 ? -n : n; left > 0;) {
    day += step;
    if (!date_in_range(day)) vm_error(v, at, "E0407 add_working_days: the date would fall outside the years 1 to 9999");
    if (working(v, at, "add_working_days", &c, (int32_t)day)) left--;
  }
  return v_date((int32_t)day);
}

/* Working days after `from` up to and including `to` (negative when `to`
 * is earlier), the convention of days_between. */
BUILTIN(c_working_days_between) {
  (void)nargs;
  int32_t from = want_day(v, at, "working_days_between", args[0]);
  int32_t to = want_day(v, at, "working_days_between", args[1]);
  calendar c = want_calendar(v, at, "working_days_between", args[2]);
  int32_t lo = from < to ? from : to, hi = from < to ? to : from;
  if ((int64_t)hi - lo > (int64_t)MAX_STEPS * 2)
    vm_error(v, at, "E0407 working_days_between: the dates are more than %d days apart", MAX_STEPS * 2);
  int64_t count = 0;
  for (int32_t day = lo + 1; day <= hi; day++) count += working(v, at, "working_days_between", &c, day);
  return v_int(from <= to ? count : -count);
}

/* Whole calendar months from `from` to `to`: the largest k with
 * add_months(from, k) <= to (negative, symmetrically, when to < from). */
BUILTIN(c_months_between) {
  (void)nargs;
  int32_t from = want_day(v, at, "months_between", args[0]);
  int32_t to = want_day(v, at, "months_between", args[1]);
  int y1, m1, d1, y2, m2, d2;
  date_to_ymd(from, &y1, &m1, &d1);
  date_to_ymd(to, &y2, &m2, &d2);
  int64_t k = ((int64_t)y2 - y1) * 12 + (m2 - m1);
  int32_t t;
  /* the estimate is off by at most one month either way */
  if (to >= from) {
    while (k > 0 && (!date_add_months(from, k, &t) || t > to)) k--;
  } else {
    while (k < 0 && (!date_add_months(from, k, &t) || t < to)) k++;
  }
  return v_int(k);
}

const builtin calendar_builtins[] = {
    {"weekday", 1, 1, c_weekday, "d"},
    {"months_between", 2, 2, c_months_between, "from, to"},
    {"is_working_day", 2, 2, c_is_working_day, "d, calendar"},
    {"add_working_days", 3, 3, c_add_working_days, "d, n, calendar"},
    {"working_days_between", 3, 3, c_working_days_between, "from, to, calendar"},
};

const int calendar_builtins_count = BUILTIN_COUNT(calendar_builtins);
