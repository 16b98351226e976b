/* Tests for core/unit.c (SPEC 3.2), printed as TAP version 13. */
#include <stdio.h>
#include <string.h>

#include "core/gc.h"
#include "core/number.h"
#include "core/unit.h"
#include "tap.h"


static void is_str(const char *got, const char *want, const char *what) {
  bool same = got && strcmp(got, want) == 0;
  ok(same, what);
  if (!same) printf("  ---\n  got: '%s'\n  want: '%s'\n  ...\n", got ? got : "(null)", want);
}

static dec D(const char *s) {
  dec d = dec_from_int(0);
  if (dec_parse(s, strlen(s), &d) != DEC_OK) printf("# bad literal %s\n", s);
  return d;
}

static bool dec_is(dec x, const char *want) { return dec_eq(x, D(want)); }

static const unit_t *U(const unit_reg *r, const char *name) {
  return unit_from_def(unit_lookup(r, name));
}

static void fmt(const char *mag, const unit_t *u, const char *want) {
  char what[128];
  snprintf(what, sizeof what, "display %s", want);
  is_str(unit_format_quantity(D(mag), u), want, what);
}

int main(void) {
  gc_init();
  printf("TAP version 13\n");

  unit_reg *r = unit_reg_new();
  const char *err = NULL;
  dec scale;

  /* built-ins and lookup */
  ok(r != NULL, "registry created");
  ok(unit_lookup(r, "GBP") && unit_lookup(r, "GBP")->money, "GBP is built in and money");
  ok(unit_lookup(r, "£") == unit_lookup(r, "GBP"), "£ finds GBP");
  ok(unit_lookup(r, "EUR") && unit_lookup(r, "USD"), "EUR and USD are built in");
  ok(unit_lookup(r, "hours") == unit_lookup(r, "hour"), "lookup by plural: hours");
  ok(unit_lookup(r, "days") && unit_lookup(r, "weeks") && unit_lookup(r, "years"),
     "days, weeks, years are built in");
  ok(unit_lookup(r, "fortnight") == NULL, "unknown unit is NULL");
  ok(dec_is(unit_lookup(r, "year")->scale, "525600"), "a year is 525600 minutes");
  ok(dec_is(unit_lookup(r, "hour")->scale, "60"), "an hour is 60 minutes");
  ok(dec_is(unit_lookup(r, "months")->scale, "43800"), "a month is 43800 minutes (730 hours)");

  /* declarations */
  const unit_def *fte = unit_declare(r, "FTE", NULL, dec_from_int(1), NULL, &err);
  ok(fte && strcmp(fte->plural, "FTE") == 0, "declare base unit FTE");
  const unit_def *ses = unit_declare(r, "session", "sessions", dec_from_int(1), NULL, &err);
  ok(ses && unit_lookup(r, "sessions") == ses, "declare with plural, lookup plural");
  const unit_def *kg = unit_declare(r, "kg", NULL, dec_from_int(1), NULL, &err);
  const unit_def *tonne =
      unit_declare(r, "tonne", "tonnes", dec_from_int(1000), unit_from_def(kg), &err);
  ok(tonne && dec_is(tonne->scale, "1000") && memcmp(tonne->dim, kg->dim, sizeof kg->dim) == 0,
     "tonne = 1000 kg");
  ok(unit_declare(r, "tCO2e", NULL, dec_from_int(1), NULL, &err) != NULL, "declare tCO2e");
  ok(unit_declare(r, "km", NULL, dec_from_int(1), NULL, &err) != NULL, "declare km");

  /* errors */
  err = NULL;
  ok(unit_declare(r, "hour", NULL, dec_from_int(1), NULL, &err) == NULL && err &&
         strstr(err, "hour"),
     "duplicate name is an error");
  err = NULL;
  ok(unit_declare(r, "sessions", NULL, dec_from_int(1), NULL, &err) == NULL && err,
     "a name taken as a plural is an error");
  err = NULL;
  ok(unit_declare(r, "shift", "days", dec_from_int(1), NULL, &err) == NULL && err,
     "a plural taken as a name is an error");
  err = NULL;
  ok(unit_declare(r, "nothing", NULL, dec_from_int(0), U(r, "kg"), &err) == NULL && err,
     "zero factor is an error");
  err = NULL;
  ok(unit_declare(r, "", NULL, dec_from_int(1), NULL, &err) == NULL && err,
     "empty name is an error");

  unit_reg *r2 = unit_reg_new();
  int declared = 0;
  const unit_def *last = NULL;
  for (int i = 0; i < UNIT_MAX_BASES + 5; i++) {
    char name[16];
    snprintf(name, sizeof name, "b%d", i);
    err = NULL;
    last = unit_declare(r2, name, NULL, dec_from_int(1), NULL, &err);
    if (!last) break;
    declared++;
  }
  ok(declared == UNIT_MAX_BASES - 4 && !last && err, "too many base units is an error");
  ok(unit_declare(r2, "derived", NULL, dec_from_int(2), U(r2, "b0"), &err) != NULL,
     "derived units still allowed at the base limit");

  /* same dimension, finer, factor */
  const unit_t *hour = U(r, "hour"), *day = U(r, "day"), *week = U(r, "week");
  const unit_t *gbp = U(r, "GBP"), *eur = U(r, "EUR"), *ftu = unit_from_def(fte);
  ok(unit_from_def(fte) == unit_from_def(fte), "unit_from_def caches");
  ok(unit_same_dim(week, day), "week and day share a dimension");
  ok(!unit_same_dim(gbp, eur), "GBP and EUR do not");
  ok(!unit_same_dim(gbp, hour), "GBP and hour do not");
  ok(unit_same_dim(NULL, NULL) && !unit_same_dim(NULL, gbp), "dimensionless");
  ok(unit_finer(week, day) == day && unit_finer(day, week) == day, "day is finer than week");
  dec k;
  ok(unit_factor_between(week, day, &k) == DEC_OK && dec_is(k, "7"), "week -> day is 7");
  ok(unit_factor_between(U(r, "year"), U(r, "month"), &k) == DEC_OK && dec_is(k, "12"),
     "year -> month is exactly 12");
  ok(unit_factor_between(U(r, "hour"), U(r, "minute"), &k) == DEC_OK && dec_is(k, "60"),
     "hour -> minute is 60");
  ok(unit_factor_between(U(r, "year"), day, &k) == DEC_OK && dec_is(k, "365"),
     "year -> day is 365");
  ok(unit_factor_between(U(r, "tonne"), U(r, "kg"), &k) == DEC_OK && dec_is(k, "1000"),
     "tonne -> kg is 1000");
  ok(unit_factor_between(gbp, eur, &k) != DEC_OK, "no currency conversion");

  /* products and quotients */
  const unit_t *per_fte = unit_div(gbp, ftu, &scale);
  ok(per_fte && dec_is(scale, "1"), "GBP / FTE");
  is_str(unit_name(per_fte), "GBP/FTE", "name GBP/FTE");
  const unit_t *u = unit_mul(ftu, per_fte, &scale);
  ok(unit_equal(u, gbp) && unit_is_money(u) && dec_is(scale, "1"), "FTE * GBP/FTE is GBP");
  ok(unit_div(gbp, gbp, &scale) == NULL && dec_is(scale, "1"), "GBP / GBP is dimensionless");
  u = unit_mul(hour, day, &scale);
  ok(dec_is(scale, "24"), "hour * day has scale 24");
  is_str(unit_name(u), "hour^2", "hour * day is hour^2");
  const unit_t *rate = unit_div(gbp, hour, &scale);
  u = unit_mul(rate, hour, &scale);
  ok(unit_equal(u, gbp) && dec_is(scale, "1"), "GBP/hour * hour is GBP");
  u = unit_mul(rate, day, &scale);
  ok(unit_equal(u, gbp) && dec_is(scale, "24"), "GBP/hour * day is GBP, scale 24");
  ok(unit_div(week, day, &scale) == NULL && dec_is(scale, "7"), "week / day is 7");
  ok(!unit_is_money(rate) && !unit_is_money(unit_pow(gbp, 2)), "rates and GBP^2 are not money");
  ok(unit_mul(NULL, NULL, &scale) == NULL && dec_is(scale, "1"), "NULL * NULL");
  ok(unit_equal(unit_mul(NULL, gbp, &scale), gbp), "NULL * GBP is GBP");

  /* names */
  is_str(unit_name(gbp), "GBP", "name GBP");
  is_str(unit_name(week), "week", "name week");
  is_str(unit_name(rate), "GBP/hour", "name GBP/hour");
  is_str(unit_name(unit_mul(ftu, hour, &scale)), "FTE*hour", "name FTE*hour");
  is_str(unit_name(unit_mul(hour, ftu, &scale)), "FTE*hour", "name hour*FTE is FTE*hour");
  is_str(unit_name(unit_div(U(r, "kg"), unit_pow(hour, 2), &scale)), "kg/hour^2",
         "name kg/hour^2");
  is_str(unit_name(unit_pow(hour, -1)), "1/hour", "name 1/hour");
  is_str(unit_name(unit_div(rate, ftu, &scale)), "GBP/(FTE*hour)", "name GBP/(FTE*hour)");
  is_str(unit_name(NULL), "", "name of dimensionless");

  /* powers and limits */
  ok(unit_pow(NULL, 3) == NULL && unit_pow(hour, 0) == NULL, "pow of NULL, pow 0");
  ok(unit_pow(hour, 1) == hour, "pow 1 is identity");
  ok(unit_pow(hour, 101) == UNIT_TOO_COMPLEX, "pow beyond 100 is too complex");
  ok(unit_mul(unit_pow(hour, 50), unit_pow(hour, 51), &scale) == UNIT_TOO_COMPLEX,
     "exponent beyond 100 by product is too complex");
  ok(unit_mul(UNIT_TOO_COMPLEX, hour, &scale) == UNIT_TOO_COMPLEX, "too complex propagates");
  const unit_t *big = NULL;
  for (int i = 0; i <= UNIT_MAX_FACTORS; i++) {
    char name[16];
    snprintf(name, sizeof name, "f%d", i);
    const unit_t *f = unit_from_def(unit_declare(r, name, NULL, dec_from_int(1), NULL, &err));
    big = unit_mul(big, f, &scale);
    if (i == UNIT_MAX_FACTORS - 1) ok(big && big->n == UNIT_MAX_FACTORS, "8 factors fit");
  }
  ok(big == UNIT_TOO_COMPLEX, "9 factors are too complex");
  const unit_def *h100 = unit_declare(r, "h100", NULL, dec_from_int(1), unit_pow(hour, 100), &err);
  ok(h100 != NULL, "a unit of hour^100");
  err = NULL;
  ok(unit_declare(r, "h101", NULL, dec_from_int(1),
                  unit_mul(unit_from_def(h100), hour, &scale), &err) == NULL && err,
     "a unit of hour^101 is an error");

  /* compound derived unit */
  const unit_def *kmh =
      unit_declare(r, "kmh", NULL, dec_from_int(1), unit_div(U(r, "km"), hour, &scale), &err);
  ok(kmh && unit_same_dim(unit_from_def(kmh), unit_div(U(r, "km"), hour, &scale)),
     "kmh = 1 km/hour has its dimension");
  const unit_t *kmd = unit_div(U(r, "km"), day, &scale);
  ok(unit_factor_between(unit_from_def(kmh), kmd, &k) == DEC_OK && dec_is(k, "24"),
     "kmh -> km/day is 24");

  /* display */
  fmt("1234.5", gbp, "£1,234.50");
  fmt("-30", gbp, "-£30.00");
  fmt("0.125", gbp, "£0.125");
  fmt("1200000", gbp, "£1,200,000.00");
  fmt("-0", gbp, "£0.00");
  fmt("5", eur, "€5.00");
  fmt("3.1", U(r, "USD"), "$3.10");
  fmt("15", rate, "£15.00/hour");
  fmt("30000", per_fte, "£30,000.00/FTE");
  fmt("40", hour, "40 hours");
  fmt("1", hour, "1 hour");
  fmt("1.00", hour, "1 hour");
  fmt("2.5", U(r, "tCO2e"), "2.5 tCO2e");
  fmt("0", week, "0 weeks");
  fmt("-0", week, "0 weeks");
  fmt("-1", hour, "-1 hours");
  fmt("3", unit_div(ftu, hour, &scale), "3 FTE/hour");
  fmt("3", unit_div(unit_from_def(ses), week, &scale), "3 sessions/week");
  fmt("3", unit_pow(hour, -1), "3/hour");
  fmt("42", NULL, "42");
  fmt("2", unit_pow(gbp, 2), "2 GBP^2");

  return tap_done();
}
