/* Unit tests for core/number.c, printed as TAP version 13.
 * Build: cc -std=c17 -I. tests/unit/test_number.c core/number.c \
 *        /usr/lib/x86_64-linux-gnu/libbidgcc000.a */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bid_conf.h>
#include <bid_functions.h>

#include "core/number.h"
#include "tap.h"


static const char *fmt(dec x) {
  static char buf[DEC_BUFSZ];
  dec_format(x, buf, sizeof buf);
  return buf;
}

/* Parses a literal the test knows to be valid; a failure shows up as a
 * mismatch in whatever the test checks next. */
static dec D(const char *s) {
  dec x = dec_from_int(-999);
  if (dec_parse(s, strlen(s), &x) != DEC_OK) printf("# bad literal %s\n", s);
  return x;
}

static void is_str(const char *got, const char *want, const char *desc) {
  bool same = strcmp(got, want) == 0;
  if (!same) printf("# got '%.200s' want '%.200s'\n", got, want);
  ok(same, desc);
}

static void parses(const char *lit, dec_status want, const char *shown) {
  char desc[160];
  dec x = dec_from_int(0);
  dec_status st = dec_parse(lit, strlen(lit), &x);
  snprintf(desc, sizeof desc, "parse \"%.60s\" -> %s", lit,
           shown ? shown : "error");
  if (st != want) printf("# status %d want %d\n", (int)st, (int)want);
  if (shown && st == DEC_OK) is_str(fmt(x), shown, desc);
  else ok(st == want, desc);
}

typedef dec_status (*binop)(dec, dec, dec *);

static void op2(binop f, const char *a, const char *b, dec_status want,
                const char *result, const char *desc) {
  dec r = dec_from_int(-12345);
  dec_status st = f(D(a), D(b), &r);
  if (st != want) printf("# status %d want %d\n", (int)st, (int)want);
  if (want == DEC_OK && st == DEC_OK) is_str(fmt(r), result, desc);
  else ok(st == want, desc);
}

typedef dec_status (*unop)(dec, dec *);

static void op1(unop f, const char *a, dec_status want, const char *result,
                const char *desc) {
  dec r = dec_from_int(-12345);
  dec_status st = f(D(a), &r);
  if (st != want) printf("# status %d want %d\n", (int)st, (int)want);
  if (want == DEC_OK && st == DEC_OK) is_str(fmt(r), result, desc);
  else ok(st == want, desc);
}

/* |got - want| <= 1e-31 * |want|: at least 31 significant digits. */
static void close_to(dec got, const char *want, const char *desc) {
  dec w = D(want), diff, tol;
  bool good = dec_sub(got, w, &diff) == DEC_OK &&
              dec_mul(dec_abs(w), D("1e-31"), &tol) == DEC_OK &&
              dec_cmp(dec_abs(diff), tol) <= 0;
  if (!good) printf("# got %s want %s\n", fmt(got), want);
  ok(good, desc);
}

static void approx1(unop f, const char *a, const char *want,
                    const char *desc) {
  dec r = dec_from_int(0);
  dec_status st = f(D(a), &r);
  if (st != DEC_OK) printf("# status %d\n", (int)st);
  close_to(r, want, desc);
}

static void rounds(const char *a, int places, dec_rounding m,
                   dec_status want, const char *result, const char *desc) {
  dec r = dec_from_int(-12345);
  dec_status st = dec_round(D(a), places, m, &r);
  if (st != want) printf("# status %d want %d\n", (int)st, (int)want);
  if (want == DEC_OK && st == DEC_OK) is_str(fmt(r), result, desc);
  else ok(st == want, desc);
}

static void fixed(const char *a, int places, bool group, const char *want) {
  char buf[DEC_BUFSZ], desc[120];
  dec_format_fixed(D(a), places, group, buf, sizeof buf);
  snprintf(desc, sizeof desc, "format_fixed(%s, %d, %s) = %s", a, places,
           group ? "group" : "plain", want);
  is_str(buf, want, desc);
}

/* Expected text of a literal, in a buffer distinct from fmt's. */
static const char *E(const char *lit) {
  static char buf[DEC_BUFSZ];
  dec_format(D(lit), buf, sizeof buf);
  return buf;
}

/* "1" followed by n zeros, or "0." n-1 zeros "1" when frac. */
static const char *ones(int n, bool frac) {
  static char buf[DEC_BUFSZ];
  size_t k = 0;
  if (frac) {
    buf[k++] = '0', buf[k++] = '.';
    for (int i = 1; i < n; i++) buf[k++] = '0';
    buf[k++] = '1';
  } else {
    buf[k++] = '1';
    for (int i = 0; i < n; i++) buf[k++] = '0';
  }
  buf[k] = '\0';
  return buf;
}

static double seconds(clock_t t0) {
  return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

static void test_parse(void) {
  parses("0", DEC_OK, "0");
  parses("-0", DEC_OK, "0");
  parses("-0.000", DEC_OK, "0");
  parses("2.50", DEC_OK, "2.5");
  parses("1e6", DEC_OK, "1000000");
  parses("1E-3", DEC_OK, "0.001");
  parses("+7", DEC_OK, "7");
  parses("-12.5e+1", DEC_OK, "-125");
  parses("007", DEC_OK, "7");
  parses("2432902008176640000", DEC_OK, "2432902008176640000");
  parses("1234567890123456789012345678901234", DEC_OK,
         "1234567890123456789012345678901234");
  parses("12345678901234567890123456789012345", DEC_INEXACT, NULL);
  parses("0.12345678901234567890123456789012345", DEC_INEXACT, NULL);
  /* Trailing zeros beyond 34 digits are exact, so they are accepted. */
  parses("1.000000000000000000000000000000000000000", DEC_OK, "1");
  parses("12345678901234567890123456789012340", DEC_OK,
         "12345678901234567890123456789012340");
  parses("1.", DEC_SYNTAX, NULL);
  parses(".5", DEC_SYNTAX, NULL);
  parses("", DEC_SYNTAX, NULL);
  parses("-", DEC_SYNTAX, NULL);
  parses("+", DEC_SYNTAX, NULL);
  parses("1e", DEC_SYNTAX, NULL);
  parses("1e+", DEC_SYNTAX, NULL);
  parses("e5", DEC_SYNTAX, NULL);
  parses("1x", DEC_SYNTAX, NULL);
  parses("1_000", DEC_SYNTAX, NULL);
  parses(" 1", DEC_SYNTAX, NULL);
  parses("1 ", DEC_SYNTAX, NULL);
  parses("1.2.3", DEC_SYNTAX, NULL);
  parses("--1", DEC_SYNTAX, NULL);
  parses("inf", DEC_SYNTAX, NULL);
  parses("NaN", DEC_SYNTAX, NULL);
  parses("0x10", DEC_SYNTAX, NULL);
  parses("1e999999999", DEC_OVERFLOW, NULL);
  parses("1e99999999999999999999999999", DEC_OVERFLOW, NULL);
  parses("-1e999999999", DEC_OVERFLOW, NULL);
  parses("1e-999999999", DEC_INEXACT, NULL);
  parses("0e999999999", DEC_OK, "0");
  parses("1e6145", DEC_OVERFLOW, NULL);
  parses("10e6144", DEC_OVERFLOW, NULL);
  parses("1e-6177", DEC_INEXACT, NULL);
  parses("0.0000001e-6169", DEC_OK, ones(6176, true));
  parses("1e6144", DEC_OK, ones(6144, false));

  dec x = dec_from_int(0);
  ok(dec_parse("12345", 3, &x) == DEC_OK && strcmp(fmt(x), "123") == 0,
     "parse reads only len bytes (not NUL-terminated)");
  ok(dec_parse("1.", 1, &x) == DEC_OK && strcmp(fmt(x), "1") == 0,
     "parse of a prefix stops before the '.'");
  ok(dec_parse(NULL, 0, &x) == DEC_SYNTAX, "parse of empty (NULL, 0)");

  /* Hostile: 5,000-digit literals must be rejected quickly and safely. */
  enum { N = 5000 };
  char *lit = malloc(N + 8);
  for (int i = 0; i < N; i++) lit[i] = (char)('1' + i % 9);
  clock_t t0 = clock();
  ok(dec_parse(lit, N, &x) == DEC_INEXACT, "5000-digit literal -> INEXACT");
  lit[N] = 'x';
  ok(dec_parse(lit, N + 1, &x) == DEC_SYNTAX,
     "5000-digit literal with junk -> SYNTAX");
  memset(lit, '0', N);
  lit[N] = '7';
  ok(dec_parse(lit, N + 1, &x) == DEC_OK && strcmp(fmt(x), "7") == 0,
     "5000 leading zeros are not significant");
  lit[0] = '1';
  lit[N] = '0';
  ok(dec_parse(lit, N + 1, &x) == DEC_OK && dec_eq(x, D("1e5000")),
     "1 then 5000 zeros is exact");
  lit[1] = '.';
  lit[N] = '1';
  ok(dec_parse(lit, N + 1, &x) == DEC_INEXACT,
     "1.000...0001 (5000 digits) -> INEXACT");
  lit[0] = '0';
  ok(dec_parse(lit, N + 1, &x) == DEC_OK && dec_eq(x, D("1e-4999")),
     "0.000...0001 (5000 digits) is exact");
  ok(seconds(t0) < 1.0, "hostile literals parse quickly");
  free(lit);
}

static void test_format(void) {
  char buf[DEC_BUFSZ];
  dec r;
  dec_add(D("0.1"), D("0.2"), &r);
  is_str(fmt(r), "0.3", "0.1 + 0.2 prints 0.3");
  ok(dec_eq(r, D("0.3")), "0.1 + 0.2 == 0.3");
  dec_div(dec_from_int(1), dec_from_int(3), &r);
  is_str(fmt(r), "0.3333333333333333333333333333333333", "1/3");
  dec_div(dec_from_int(2), dec_from_int(3), &r);
  is_str(fmt(r), "0.6666666666666666666666666666666667", "2/3 rounds half-even");
  is_str(fmt(D("2.50")), "2.5", "2.50 prints 2.5");
  is_str(fmt(D("1e6")), "1000000", "1e6 prints 1000000");
  is_str(fmt(dec_from_int(0)), "0", "0 prints 0");
  is_str(fmt(dec_neg(dec_from_int(0))), "0", "neg(0) prints 0");
  ok(!dec_is_neg(dec_neg(dec_from_int(0))), "neg(0) is not negative");
  is_str(fmt(dec_from_int(INT64_MIN)), "-9223372036854775808", "INT64_MIN");
  is_str(fmt(D("-0.05")), "-0.05", "-0.05");
  is_str(fmt(D("1.5e-10")), "0.00000000015", "small number without exponent");
  is_str(fmt(D("1e6000")), ones(6000, false), "1e6000 prints all digits");

  size_t n = dec_format(D("9.999999999999999999999999999999999e6144"), buf,
                        sizeof buf);
  ok(n == 6145 && strlen(buf) == n, "largest value: 6145 digits");
  n = dec_format(D("-1.234567890123456789012345678901234e-6143"), buf,
                 sizeof buf);
  ok(n == 6179 && strlen(buf) == n && buf[n - 1] == '4',
     "smallest-exponent value: -0. + 6176 digits fits");
  n = dec_format_fixed(D("-9.999999999999999999999999999999999e6144"), 2,
                       true, buf, sizeof buf);
  ok(n == 1 + 6145 + 2048 + 3 && strlen(buf) == n &&
         strncmp(buf, "-9,999,999,999,999,999,999,999,999,999,999,999,000,000", 54) == 0 &&
         strcmp(buf + n - 10, "000,000.00") == 0,
     "grouped largest value fits DEC_BUFSZ");

  char small[4];
  n = dec_format(dec_from_int(123456), small, sizeof small);
  ok(n == 3 && strcmp(small, "123") == 0, "short buffer truncates safely");
  small[0] = 'z';
  n = dec_format(dec_from_int(5), small, 0);
  ok(n == 0 && small[0] == 'z', "cap 0 writes nothing");

  clock_t t0 = clock();
  n = dec_format_fixed(D("1.5"), INT_MAX, false, buf, sizeof buf);
  ok(n == sizeof buf - 1 && strncmp(buf, "1.5000", 6) == 0 &&
         seconds(t0) < 1.0,
     "huge min_places fills the buffer and stops");
  n = dec_format_fixed(D("1.5"), -3, false, buf, sizeof buf);
  ok(n == 3 && strcmp(buf, "1.5") == 0, "negative min_places acts as 0");

  fixed("1234.5", 2, true, "1,234.50");
  fixed("-30", 2, true, "-30.00");
  fixed("0.125", 2, true, "0.125");
  fixed("1200000", 2, true, "1,200,000.00");
  fixed("0", 2, true, "0.00");
  fixed("-0.5", 2, true, "-0.50");
  fixed("999", 2, true, "999.00");
  fixed("1000", 2, true, "1,000.00");
  fixed("100000", 0, true, "100,000");
  fixed("-1234567.891", 2, true, "-1,234,567.891");
  fixed("1234.5", 2, false, "1234.50");
  fixed("1234.5", 0, true, "1,234.5");
  fixed("1e-5", 2, true, "0.00001");
}

static void test_arith(void) {
  op2(dec_add, "1.5", "2.25", DEC_OK, "3.75", "add");
  op2(dec_sub, "1", "1.000", DEC_OK, "0", "sub to zero");
  op2(dec_sub, "-1", "-1", DEC_OK, "0", "sub gives 0, never -0");
  op2(dec_mul, "-1", "0", DEC_OK, "0", "-1 * 0 prints 0");
  op2(dec_mul, "1.1", "1.1", DEC_OK, "1.21", "mul exact");
  op2(dec_div, "10", "4", DEC_OK, "2.5", "div exact");
  op2(dec_div, "1", "0", DEC_DIV_ZERO, NULL, "1/0 -> DIV_ZERO");
  op2(dec_div, "0", "0", DEC_DIV_ZERO, NULL, "0/0 -> DIV_ZERO");
  op2(dec_div, "-5", "0.000", DEC_DIV_ZERO, NULL, "-5/0.000 -> DIV_ZERO");
  op2(dec_mul, "9e6144", "10", DEC_OVERFLOW, NULL, "mul overflow");
  op2(dec_add, "9e6144", "9e6144", DEC_OVERFLOW, NULL, "add overflow");
  op2(dec_sub, "-9e6144", "9e6144", DEC_OVERFLOW, NULL, "sub overflow");
  op2(dec_div, "1e6000", "1e-1000", DEC_OVERFLOW, NULL, "div overflow");
  op2(dec_mul, "1e-6000", "1e-6000", DEC_OK, "0", "underflow rounds to 0");

  dec f = dec_from_int(1), r;
  for (int i = 2; i <= 20; i++) dec_mul(f, dec_from_int(i), &f);
  is_str(fmt(f), "2432902008176640000", "20! prints in full");
  int64_t v = 0;
  ok(dec_to_int(f, &v) && v == 2432902008176640000, "20! to int64");
  ok(dec_mul(f, D("1e100"), &r) == DEC_OK && dec_is_int(r), "20!*1e100 int");

  op2(dec_mod, "-12", "5", DEC_OK, "3", "-12 mod 5 = 3");
  op2(dec_mod, "12", "-5", DEC_OK, "-3", "12 mod -5 = -3");
  op2(dec_mod, "-12", "-5", DEC_OK, "-2", "-12 mod -5 = -2");
  op2(dec_mod, "7", "3", DEC_OK, "1", "7 mod 3 = 1");
  op2(dec_mod, "7.5", "2", DEC_OK, "1.5", "7.5 mod 2 = 1.5");
  op2(dec_mod, "-7.5", "2", DEC_OK, "0.5", "-7.5 mod 2 = 0.5");
  op2(dec_mod, "-6", "3", DEC_OK, "0", "-6 mod 3 = 0 (not -0)");
  op2(dec_mod, "0.3", "0.1", DEC_OK, "0", "0.3 mod 0.1 = 0 exactly");
  op2(dec_mod, "1e6000", "7", DEC_OK, "1", "1e6000 mod 7 exact");
  op2(dec_mod, "1", "0", DEC_DIV_ZERO, NULL, "mod by zero -> DIV_ZERO");
  op2(dec_mod, "0", "0", DEC_DIV_ZERO, NULL, "0 mod 0 -> DIV_ZERO");
}

static void test_pow(void) {
  op2(dec_pow, "2", "10", DEC_OK, "1024", "2^10");
  op2(dec_pow, "2", "-2", DEC_OK, "0.25", "2^-2");
  op2(dec_pow, "2", "-2.00", DEC_OK, "0.25", "2^-2.00 (integral exponent)");
  op2(dec_pow, "0", "0", DEC_OK, "1", "0^0 = 1");
  op2(dec_pow, "0", "5", DEC_OK, "0", "0^5 = 0");
  op2(dec_pow, "0", "-1", DEC_DIV_ZERO, NULL, "0^-1 -> DIV_ZERO");
  op2(dec_pow, "0", "-0.5", DEC_DIV_ZERO, NULL, "0^-0.5 -> DIV_ZERO");
  op2(dec_pow, "0", "0.5", DEC_OK, "0", "0^0.5 = 0");
  op2(dec_pow, "-2", "3", DEC_OK, "-8", "(-2)^3");
  op2(dec_pow, "-2", "-3", DEC_OK, "-0.125", "(-2)^-3");
  op2(dec_pow, "1.1", "2", DEC_OK, "1.21", "1.1^2 exact");
  op2(dec_pow, "10", "6144", DEC_OK, ones(6144, false), "10^6144");
  op2(dec_pow, "10", "6145", DEC_OVERFLOW, NULL, "10^6145 -> OVERFLOW");
  op2(dec_pow, "10", "-6176", DEC_OK, ones(6176, true), "10^-6176 exact");
  op2(dec_pow, "0.1", "-6144", DEC_OK, ones(6144, false), "0.1^-6144");
  op2(dec_pow, "3", "100", DEC_OK, "515377520732011331036461129765621300000000000000",
      "3^100 correctly rounded");
  op2(dec_pow, "1.05", "30", DEC_OK, "4.321942375150662009157288198886473",
      "1.05^30 correctly rounded");
  op2(dec_pow, "1.05", "30", DEC_OK, "4.321942375150662009157288198886473",
      "1.05^30 again (from the table of recent powers)");
  op2(dec_pow, "1.05", "29", DEC_OK, "4.116135595381582865864083998939498",
      "1.05^29 beside it in the table");
  op2(dec_pow, "0.849", "9", DEC_OK, "0.229176040708311523147997649", "0.849^9 exact by plain products");
  op2(dec_pow, "1.035", "10", DEC_OK, "1.410598760621122182512197265625", "1.035^10 exact by plain products");
  op2(dec_pow, "7", "-5", DEC_OK, "0.00005949901826619860772297257095257928",
      "7^-5 correctly rounded");
  op2(dec_pow, "1.0000001", "100000000", DEC_OK,
      "22026.4547815773066364694281246363", "1.0000001^1e8 accurate");
  op2(dec_pow, "-1", "1000000001", DEC_OK, "-1", "(-1)^1000000001");
  op2(dec_pow, "-1", "1e40", DEC_OK, "1", "(-1)^1e40 (beyond int64)");
  op2(dec_pow, "-1", "1000000000000000000000000000000001", DEC_OK, "-1",
      "(-1)^(odd beyond int64)");
  op2(dec_pow, "0.5", "1e40", DEC_OK, "0", "0.5^1e40 underflows to 0");
  op2(dec_pow, "2", "-1000000000", DEC_OK, "0", "2^-1e9 underflows to 0");
  op2(dec_pow, "4", "0.5", DEC_OK, "2", "4^0.5 = 2");
  op2(dec_pow, "-8", "0.5", DEC_INVALID, NULL, "(-8)^0.5 -> INVALID");
  op2(dec_pow, "10", "1e10", DEC_OVERFLOW, NULL, "10^1e10 -> OVERFLOW");
  op2(dec_pow, "10", "100000.5", DEC_OVERFLOW, NULL, "10^100000.5 -> OVERFLOW");

  clock_t t0 = clock();
  op2(dec_pow, "2", "1e9", DEC_OVERFLOW, NULL, "2^1e9 -> OVERFLOW");
  op2(dec_pow, "1.000000000000000000000000000000001", "1e40", DEC_OVERFLOW,
      NULL, "(1+1e-33)^1e40 -> OVERFLOW");
  op2(dec_pow, "1.000000000000000000000000000000001", "1e20", DEC_OK,
      "1.000000000000100000000000005", "(1+1e-33)^1e20 stays finite");
  op2(dec_pow, "-1.000000000000000000000000000000001",
      "1000000000000000000000000000000001", DEC_OK,
      "-2.718281828459045235360287471352663", "(-(1+1e-33))^(1e33+1) ~ -e");
  op2(dec_pow, "0.999999999999999999", "9223372036854775807", DEC_OK,
      "0.00009870528796158429198641856018496836",
      "int64-max exponent near 1");
  op2(dec_pow, "-3", "1e6144", DEC_OVERFLOW, NULL, "(-3)^1e6144 -> OVERFLOW");
  ok(seconds(t0) < 1.0, "huge exponents return quickly");

  dec r = dec_from_int(0);
  dec_pow(D("2"), D("0.5"), &r);
  close_to(r, "1.414213562373095048801688724209698", "2^0.5 = sqrt 2");
  dec_pow(D("0.5"), D("1.5"), &r);
  close_to(r, "0.3535533905932737622004221810524245", "0.5^1.5");
  dec_pow(D("2"), D("-0.5"), &r);
  close_to(r, "0.7071067811865475244008443621048490", "2^-0.5");
}

static void test_transcendental(void) {
  approx1(dec_sqrt, "2", "1.414213562373095048801688724209698", "sqrt 2");
  op1(dec_sqrt, "2", DEC_OK, "1.414213562373095048801688724209698",
      "sqrt 2 correctly rounded");
  approx1(dec_sqrt, "10", "3.162277660168379331998893544432719", "sqrt 10");
  op1(dec_sqrt, "4", DEC_OK, "2", "sqrt 4 = 2");
  op1(dec_sqrt, "0.25", DEC_OK, "0.5", "sqrt 0.25 = 0.5");
  op1(dec_sqrt, "1e6", DEC_OK, "1000", "sqrt 1e6 = 1000");
  op1(dec_sqrt, "0", DEC_OK, "0", "sqrt 0 = 0");
  op1(dec_sqrt, "-1", DEC_INVALID, NULL, "sqrt -1 -> INVALID");
  op1(dec_sqrt, "1e-6176", DEC_OK, ones(3088, true), "sqrt of tiniest");
  dec r = dec_from_int(0);
  ok(dec_sqrt(D("4"), &r) == DEC_OK && dec_is_int(r), "sqrt 4 is integral");
  ok(dec_sqrt(D("9.999999999999999999999999999999999e6144"), &r) == DEC_OK,
     "sqrt of largest");

  approx1(dec_ln, "2", "0.6931471805599453094172321214581766", "ln 2");
  approx1(dec_exp, "1", "2.718281828459045235360287471352662", "exp 1");
  approx1(dec_log10, "2", "0.3010299956639811952137388947244930", "log10 2");
  approx1(dec_ln, "10", "2.302585092994045684017991454684364", "ln 10");
  approx1(dec_exp, "-1", "0.3678794411714423215955237701614609", "exp -1");
  approx1(dec_ln, "1.0000000001", "0.00000000009999999999500000000033333333330833",
          "ln near 1 keeps relative accuracy");
  op1(dec_ln, "1", DEC_OK, "0", "ln 1 = 0");
  op1(dec_exp, "0", DEC_OK, "1", "exp 0 = 1");
  op1(dec_log10, "1000", DEC_OK, "3", "log10 1000 = 3");
  op1(dec_log10, "0.01", DEC_OK, "-2", "log10 0.01 = -2");
  op1(dec_ln, "0", DEC_INVALID, NULL, "ln 0 -> INVALID");
  op1(dec_ln, "-1", DEC_INVALID, NULL, "ln -1 -> INVALID");
  op1(dec_log10, "0", DEC_INVALID, NULL, "log10 0 -> INVALID");
  op1(dec_log10, "-5", DEC_INVALID, NULL, "log10 -5 -> INVALID");
  op1(dec_exp, "1e6", DEC_OVERFLOW, NULL, "exp 1e6 -> OVERFLOW");
  op1(dec_exp, "14200", DEC_OVERFLOW, NULL, "exp 14200 -> OVERFLOW");
  op1(dec_exp, "-1e6", DEC_OK, "0", "exp -1e6 underflows to 0");
}

static void test_round(void) {
  rounds("2.5", 0, DEC_HALF_AWAY, DEC_OK, "3", "half-away 2.5 -> 3");
  rounds("-2.5", 0, DEC_HALF_AWAY, DEC_OK, "-3", "half-away -2.5 -> -3");
  rounds("1.005", 2, DEC_HALF_AWAY, DEC_OK, "1.01", "half-away 1.005 -> 1.01");
  rounds("83.333", 0, DEC_HALF_AWAY, DEC_OK, "83", "half-away 83.333 -> 83");
  rounds("2.5", 0, DEC_HALF_EVEN, DEC_OK, "2", "half-even 2.5 -> 2");
  rounds("3.5", 0, DEC_HALF_EVEN, DEC_OK, "4", "half-even 3.5 -> 4");
  rounds("1.001", 2, DEC_UP, DEC_OK, "1.01", "up 1.001 -> 1.01");
  rounds("-1.001", 2, DEC_UP, DEC_OK, "-1.01", "up -1.001 -> -1.01");
  rounds("1.009", 2, DEC_DOWN, DEC_OK, "1", "down 1.009 -> 1.00");
  rounds("-1.009", 2, DEC_DOWN, DEC_OK, "-1", "down -1.009 -> -1.00");
  rounds("-1.5", 0, DEC_FLOOR, DEC_OK, "-2", "floor -1.5 -> -2");
  rounds("-1.5", 0, DEC_CEIL, DEC_OK, "-1", "ceil -1.5 -> -1");
  rounds("1.5", 0, DEC_FLOOR, DEC_OK, "1", "floor 1.5 -> 1");
  rounds("1.2", 0, DEC_CEIL, DEC_OK, "2", "ceil 1.2 -> 2");
  rounds("-0.4", 0, DEC_HALF_EVEN, DEC_OK, "0", "-0.4 rounds to 0, not -0");
  rounds("1234", -2, DEC_HALF_EVEN, DEC_OK, "1200", "places -2");
  rounds("1250", -2, DEC_HALF_EVEN, DEC_OK, "1200", "half-even to hundreds");
  rounds("1250", -2, DEC_HALF_AWAY, DEC_OK, "1300", "half-away to hundreds");
  rounds("9.99", 1, DEC_HALF_AWAY, DEC_OK, "10", "carry into a new digit");
  rounds("123.456", 50, DEC_HALF_EVEN, DEC_OK, "123.456", "places 50 unchanged");
  rounds("0.3333333333333333333333333333333333", 50, DEC_HALF_AWAY, DEC_OK,
         "0.3333333333333333333333333333333333", "34 digits, places 50");
  rounds("1234567890123456789012345678901234", 50, DEC_UP, DEC_OK,
         "1234567890123456789012345678901234", "34-digit integer, places 50");
  rounds("1e6000", 2, DEC_HALF_EVEN, DEC_OK, ones(6000, false),
         "1e6000 to 2 places unchanged");
  rounds("5", INT_MAX, DEC_HALF_EVEN, DEC_OK, "5", "places INT_MAX");
  rounds("5", INT_MIN, DEC_HALF_EVEN, DEC_OK, "0", "places INT_MIN -> 0");
  rounds("5", INT_MIN, DEC_UP, DEC_OVERFLOW, NULL, "up to 10^2^31 overflows");
  rounds("9.5e6144", -6144, DEC_HALF_AWAY, DEC_OVERFLOW, NULL,
         "9.5e6144 half-away to 1e6144 units overflows");
  rounds("9.5e6144", -6144, DEC_DOWN, DEC_OK, E("9e6144"),
         "9.5e6144 down to 1e6144 units");
  rounds("4e6144", -6144, DEC_HALF_EVEN, DEC_OK, E("4e6144"),
         "4e6144 to 1e6144 units");
  rounds("1.5e6120", -6120, DEC_HALF_EVEN, DEC_OK, E("2e6120"),
         "round to a unit above 10^6111");
  rounds("-1.4e6120", -6120, DEC_FLOOR, DEC_OK, E("-2e6120"),
         "floor to a unit above 10^6111");
  rounds("1e-6176", -6120, DEC_UP, DEC_OK, E("1e6120"),
         "tiny value rounded up to a huge unit");
  rounds("1e-6176", -6120, DEC_HALF_EVEN, DEC_OK, "0",
         "tiny value rounded to nearest huge unit");
  rounds("0", -5, DEC_UP, DEC_OK, "0", "zero stays zero");
}

/* dec_mod and dec_to_int take integer fast paths for small coefficients;
 * they must give the library's own bits.  The references below are the
 * library-only versions, on random operands: small and 34-digit
 * coefficients, trailing zeros, exponents close and far, both signs. */
static uint64_t lib_rng = 88172645463325252ull;
static uint64_t lib_rnd(void) {
  lib_rng ^= lib_rng << 13;
  lib_rng ^= lib_rng >> 7;
  lib_rng ^= lib_rng << 17;
  return lib_rng;
}

static dec lib_operand(void) {
  char buf[80];
  int n = 0, nd = (int)(lib_rnd() % 4 ? 1 + lib_rnd() % 12 : 1 + lib_rnd() % 34);
  if (lib_rnd() % 2) buf[n++] = '-';
  for (int i = 0; i < nd; i++) buf[n++] = (char)('0' + (i == 0 && nd > 1 ? 1 + lib_rnd() % 9 : lib_rnd() % 10));
  n += snprintf(buf + n, sizeof buf - (size_t)n, "E%d", (int)(lib_rnd() % (lib_rnd() % 2 ? 7 : 50)) - 25);
  dec d = dec_from_int(7);
  dec_parse(buf, (size_t)n, &d);
  return d;
}

static void test_fast_paths_against_library(void) {
  int bad_mod = 0, bad_int = 0;
  for (int i = 0; i < 300000; i++) {
    dec a = lib_operand(), b = i % 7 ? lib_operand() : dec_from_int((int64_t)(lib_rnd() % 401) - 200);
    BID_UINT128 x, y, r;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    _IDEC_flags f = 0;
    dec got = dec_from_int(0), want = dec_from_int(0);
    dec_status st = dec_mod(a, b, &got), wst = DEC_DIV_ZERO;
    if (!bid128_isZero(y)) {
      r = bid128_fmod(x, y, &f);
      bool rn = bid128_isSigned(r) && !bid128_isZero(r), yn = bid128_isSigned(y);
      if (!bid128_isZero(r) && rn != yn) r = bid128_add(r, y, BID_ROUNDING_TO_NEAREST, &f);
      if (bid128_isZero(r)) r = bid128_abs(r);
      memcpy(&want, &r, sizeof want);
      wst = DEC_OK;
    }
    if (st != wst || (st == DEC_OK && memcmp(&got, &want, sizeof got))) bad_mod++;
    int64_t gi = 1, wi = 2;
    bool gok = dec_to_int(a, &gi), wok = false;
    f = 0;
    if (bid128_quiet_equal(bid128_round_integral_zero(x, &f), x, &f)) {
      f = 0;
      wi = bid128_to_int64_int(x, &f);
      wok = !(f & BID_INVALID_EXCEPTION);
    }
    if (gok != wok || (gok && gi != wi)) bad_int++;
  }
  ok(bad_mod == 0, "dec_mod gives the library's bits on 300,000 random pairs");
  ok(bad_int == 0, "dec_to_int agrees with the library on 300,000 random numbers");
  /* dec_cmp orders finite decimals itself (leading-digit position, then
   * 128-bit integers): the same order as the library's, on operands of
   * every size and exponent, zeros of every exponent, near-equal values */
  int bad_cmp = 0;
  for (int i = 0; i < 300000; i++) {
    dec a = lib_operand(), b;
    switch (i % 5) {
    case 0: b = a; break;
    case 1: dec_mul(a, dec_from_int(10), &b); dec_div(b, dec_from_int(10), &b); break; /* same value, other exponent */
    case 2: b = dec_from_int(0); if (i % 3 == 0) dec_parse("0E-20", 5, &b); break;
    default: b = lib_operand(); break;
    }
    BID_UINT128 x, y;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    _IDEC_flags f = 0;
    int want = bid128_quiet_equal(x, y, &f) ? 0 : bid128_quiet_less(x, y, &f) ? -1 : 1;
    if (dec_cmp(a, b) != want || dec_cmp(b, a) != -want) bad_cmp++;
  }
  ok(bad_cmp == 0, "dec_cmp orders 300,000 random pairs as the library does");
  /* dec_sort_key: the same order as dec_cmp, equal keys for equal values */
  int bad_key = 0, keyed = 0;
  for (int i = 0; i < 300000; i++) {
    dec a = lib_operand(), b;
    switch (i % 4) {
    case 0: b = a; break;
    case 1: dec_mul(a, dec_from_int(10), &b); dec_div(b, dec_from_int(10), &b); break;
    case 2: b = dec_neg(a); break;
    default: b = lib_operand(); break;
    }
    if (i % 50 == 0) b = dec_from_int(0);
    dec_key ka, kb;
    if (!dec_sort_key(a, &ka) || !dec_sort_key(b, &kb)) continue;
    keyed++;
    if (dec_key_cmp(&ka, &kb) != dec_cmp(a, b)) bad_key++;
  }
  ok(bad_key == 0 && keyed > 290000, "dec_sort_key orders 300,000 random pairs as dec_cmp does");
  /* dec_mul multiplies and rounds in integers (number.c mul_fast): the
   * library's bits on every pair, rounded or not, and every power */
  int bad_mul = 0, bad_pow = 0, bad_div = 0, bad_add = 0;
  for (int i = 0; i < 300000; i++) {
    dec a = lib_operand(), b = i % 3 ? lib_operand() : a;
    if (i % 40 == 0) {
      /* near the ends of the exponent range: overflow, underflow and
       * clamping stay the library's */
      char buf[64];
      int n = snprintf(buf, sizeof buf, "%llu%lluE%d", (unsigned long long)(lib_rnd() % 100000),
                       (unsigned long long)(lib_rnd() % 1000000000000ull), (int)(lib_rnd() % 400) + (i % 80 ? 5900 : -6300));
      dec_parse(buf, (size_t)n, &a);
    }
    BID_UINT128 x, y, r;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    _IDEC_flags f = 0;
    r = bid128_mul(x, y, BID_ROUNDING_TO_NEAREST, &f);
    if (bid128_isZero(r)) r = bid128_abs(r);
    dec got = dec_from_int(0), want;
    memcpy(&want, &r, sizeof want);
    dec_status st = dec_mul(a, b, &got);
    if (bid128_isFinite(r) ? st != DEC_OK || memcmp(&got, &want, sizeof got) : st == DEC_OK) {
      if (bad_mul++ < 3) {
        char s1[DEC_BUFSZ], s2[DEC_BUFSZ], s3[DEC_BUFSZ];
        dec_format(a, s1, sizeof s1), dec_format(b, s2, sizeof s2), dec_format(got, s3, sizeof s3);
        printf("# %s * %s: got %s want %s\n", s1, s2, s3, fmt(want));
      }
    }
    /* the sum and the difference */
    for (int sub = 0; sub < 2; sub++) {
      f = 0;
      r = sub ? bid128_sub(x, y, BID_ROUNDING_TO_NEAREST, &f) : bid128_add(x, y, BID_ROUNDING_TO_NEAREST, &f);
      if (bid128_isZero(r)) r = bid128_abs(r);
      memcpy(&want, &r, sizeof want);
      st = sub ? dec_sub(a, b, &got) : dec_add(a, b, &got);
      if (bid128_isFinite(r) ? st != DEC_OK || memcmp(&got, &want, sizeof got) : st == DEC_OK) {
        if (bad_add++ < 3) {
          char s1[DEC_BUFSZ], s2[DEC_BUFSZ], s3[DEC_BUFSZ];
          dec_format(a, s1, sizeof s1), dec_format(b, s2, sizeof s2), dec_format(got, s3, sizeof s3);
          printf("# %s %c %s: got %s want %s\n", s1, sub ? '-' : '+', s2, s3, fmt(want));
        }
      }
    }
    /* and the quotient */
    f = 0;
    if (!bid128_isZero(y)) {
      r = bid128_div(x, y, BID_ROUNDING_TO_NEAREST, &f);
      if (bid128_isZero(r)) r = bid128_abs(r);
      memcpy(&want, &r, sizeof want);
      st = dec_div(a, b, &got);
      if (bid128_isFinite(r) ? st != DEC_OK || memcmp(&got, &want, sizeof got) : st == DEC_OK) {
        if (bad_div++ < 3) {
          char s1[DEC_BUFSZ], s2[DEC_BUFSZ], s3[DEC_BUFSZ];
          dec_format(a, s1, sizeof s1), dec_format(b, s2, sizeof s2), dec_format(got, s3, sizeof s3);
          printf("# %s / %s: got %s want %s\n", s1, s2, s3, fmt(want));
        }
      }
      /* an exact quotient keeps the exponent nearest the preferred one */
      dec prod = dec_from_int(0);
      if (dec_mul(a, b, &prod) == DEC_OK) {
        memcpy(&x, &prod, sizeof x);
        f = 0;
        r = bid128_div(x, y, BID_ROUNDING_TO_NEAREST, &f);
        if (bid128_isZero(r)) r = bid128_abs(r);
        memcpy(&want, &r, sizeof want);
        st = dec_div(prod, b, &got);
        if (bid128_isFinite(r) ? st != DEC_OK || memcmp(&got, &want, sizeof got) : st == DEC_OK) bad_div++;
        memcpy(&x, &a, sizeof x);
      }
    }
    /* an exact power is the product of its factors, whatever the route */
    int n = 1 + (int)(lib_rnd() % 12);
    dec p = dec_from_int(1), q;
    bool exact = true;
    for (int k = 0; k < n && exact; k++) {
      memcpy(&x, &p, sizeof x);
      f = 0;
      r = bid128_mul(x, y, BID_ROUNDING_TO_NEAREST, &f);
      exact = !(f & BID_INEXACT_EXCEPTION) && bid128_isFinite(r);
      memcpy(&p, &r, sizeof p);
    }
    if (exact && !bid128_isZero(y)) {
      if (dec_pow(b, dec_from_int(n), &q) != DEC_OK || !dec_eq(q, p)) bad_pow++;
    }
  }
  ok(bad_mul == 0, "dec_mul gives the library's bits on 300,000 random pairs");
  ok(bad_add == 0, "dec_add and dec_sub give the library's bits on 300,000 random pairs");
  ok(bad_div == 0, "dec_div gives the library's bits on 600,000 random pairs, exact quotients among them");
  ok(bad_pow == 0, "exact powers equal the product of their factors");
}

static void test_compare(void) {
  ok(dec_eq(D("2.50"), D("2.5")), "2.50 == 2.5");
  ok(dec_cmp(D("2.50"), D("2.5")) == 0, "cmp 2.50 2.5 = 0");
  ok(dec_cmp(D("1"), D("2")) == -1, "cmp 1 2 = -1");
  ok(dec_cmp(D("-1"), D("-2")) == 1, "cmp -1 -2 = 1");
  ok(dec_cmp(D("0"), D("-0")) == 0, "cmp 0 -0 = 0");
  ok(dec_cmp(D("1e-6176"), D("0")) == 1, "cmp tiny 0 = 1");
  ok(!dec_eq(D("0.1"), D("0.10000000000000000000000000000001")),
     "close values differ");
  ok(dec_is_zero(D("0.000")), "is_zero 0.000");
  ok(!dec_is_zero(D("1e-6176")), "is_zero tiny false");
  ok(dec_is_neg(D("-1")), "is_neg -1");
  ok(!dec_is_neg(D("-0")), "is_neg -0 false");
  ok(!dec_is_neg(D("0")), "is_neg 0 false");
  ok(dec_is_int(D("2.0")), "is_int 2.0");
  ok(!dec_is_int(D("2.5")), "is_int 2.5 false");
  ok(dec_is_int(D("1e30")), "is_int 1e30");
  ok(!dec_is_int(D("1e-30")), "is_int 1e-30 false");
  ok(dec_is_int(D("0")), "is_int 0");
  int64_t v = 0;
  ok(dec_to_int(D("9223372036854775807"), &v) && v == INT64_MAX, "to_int max");
  ok(dec_to_int(D("-9223372036854775808"), &v) && v == INT64_MIN, "to_int min");
  ok(!dec_to_int(D("9223372036854775808"), &v), "to_int 2^63 fails");
  ok(!dec_to_int(D("2.5"), &v), "to_int 2.5 fails");
  ok(!dec_to_int(D("1e30"), &v), "to_int 1e30 fails");
  ok(dec_to_int(D("1e2"), &v) && v == 100, "to_int 1e2 = 100");
  ok(dec_to_int(D("-42.000"), &v) && v == -42, "to_int -42.000");
  is_str(fmt(dec_abs(D("-3.5"))), "3.5", "abs");
  is_str(fmt(dec_neg(D("3.5"))), "-3.5", "neg");
}

/* dec_from_digits must make exactly the bits dec_parse makes of the same
 * literal (loading a CSV takes one or the other by the cell's shape). */
static void test_from_digits(void) {
  unsigned seed = 12345;
  int bad = 0, fast = 0;
  for (int k = 0; k < 200000; k++) {
    seed = seed * 1103515245u + 12345u;
    unsigned r = seed >> 8;
    int nd = 1 + (int)(r % 19), frac = (int)((r >> 5) % (unsigned)(nd + 1));
    bool neg = (r >> 10) & 1;
    char ds[20], lit[64];
    uint64_t c = 0;
    for (int i = 0; i < nd; i++) {
      seed = seed * 1103515245u + 12345u;
      ds[i] = (char)('0' + ((seed >> 12) % 3 == 0 ? 0 : (seed >> 16) % 10)); /* zeros often */
      c = c * 10 + (uint64_t)(ds[i] - '0');
    }
    int ni = nd - frac; /* digits before the point; "0.5" when none */
    snprintf(lit, sizeof lit, "%s%.*s%s%.*s", neg ? "-" : "", ni ? ni : 1, ni ? ds : "0",
             frac ? "." : "", frac, ds + ni);
    dec a, b;
    bool got = dec_from_digits(neg, c, -(int64_t)frac, &a);
    dec_status st = dec_parse(lit, strlen(lit), &b);
    if (got) fast++;
    if (got && (st != DEC_OK || memcmp(&a, &b, sizeof a) != 0)) {
      if (bad++ < 5) printf("# %s differs\n", lit);
    }
  }
  ok(bad == 0 && fast > 190000, "dec_from_digits makes dec_parse's bits for 200,000 literals");
  static const struct {
    uint64_t c;
    int64_t ex;
    const char *lit;
  } edge[] = {{1, -6176, "1e-6176"},      {10, -6177, "10e-6177"}, {1, 6111, "1e6111"},
              {100, 6109, "100e6109"},    {0, 9999, "0e9999"},     {0, -3, "0.000"},
              {9999999999999999999ull, 0, "9999999999999999999"},
              {1234567890123456789ull, -18, "1.234567890123456789"}};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
    dec a, b;
    char desc[96];
    snprintf(desc, sizeof desc, "dec_from_digits of %s is dec_parse's", edge[i].lit);
    bool got = dec_from_digits(false, edge[i].c, edge[i].ex, &a);
    ok(got && dec_parse(edge[i].lit, strlen(edge[i].lit), &b) == DEC_OK &&
           memcmp(&a, &b, sizeof a) == 0,
       desc);
  }
  dec a;
  ok(!dec_from_digits(false, 1, -6177, &a), "dec_from_digits leaves 1e-6177 to dec_parse");
  ok(!dec_from_digits(false, 1, 6112, &a), "dec_from_digits leaves 1e6112 to dec_parse");
  ok(!dec_from_digits(false, 10000000000000000000ull, 0, &a),
     "dec_from_digits leaves 20 digits to dec_parse");
}

/* dec_parts is dec_format in parts: the text written back from the sign,
 * coefficient and exponent is dec_format's, for quotients (34 digits, the
 * coefficient past 2^64), products, sums, whole numbers and zeros. */
static void test_parts(void) {
  unsigned seed = 777;
  int bad = 0, wide = 0;
  for (int k = 0; k < 20000; k++) {
    seed = seed * 1103515245u + 12345u;
    dec a = dec_from_int((int64_t)(seed >> 4) - (1 << 27)), b = dec_from_int(1 + (int64_t)((seed >> 9) % 9973)), x;
    switch (k % 5) {
    case 0: dec_div(a, b, &x); break;
    case 1: dec_mul(a, b, &x); break;
    case 2: dec_div(b, dec_from_int(1000000), &x); break;
    case 3: dec_mul(a, dec_from_int(100000), &x); break;
    default: dec_sub(a, a, &x); break;
    }
    bool neg;
    unsigned __int128 c;
    int ex;
    char want[DEC_BUFSZ], dig[48], got[128];
    dec_format(x, want, sizeof want);
    if (!dec_parts(x, &neg, &c, &ex)) { bad++; continue; }
    if (c >> 64) wide++;
    int nd = 0;
    do dig[nd++] = (char)('0' + (int)(c % 10)); while ((c /= 10) != 0);
    int n = 0;
    if (neg) got[n++] = '-';
    if (ex >= 0) {
      while (nd) got[n++] = dig[--nd];
      for (int i = 0; i < ex; i++) got[n++] = '0';
    } else {
      int point = nd + ex; /* digits before the point */
      if (point <= 0) {
        got[n++] = '0', got[n++] = '.';
        for (int i = 0; i < -point; i++) got[n++] = '0';
        while (nd) got[n++] = dig[--nd];
      } else {
        while (nd) {
          got[n++] = dig[--nd];
          if (nd && nd == -ex) got[n++] = '.';
        }
      }
    }
    got[n] = '\0';
    if (strcmp(got, want) != 0 && bad++ < 5) printf("# dec_parts gives %s, dec_format %s\n", got, want);
  }
  ok(bad == 0 && wide > 1000, "dec_parts is dec_format in parts for 20,000 results");
}

/* dec_pow takes a short path for a whole exponent written with exponent 0
 * (a counter, a range item: (1 + 3.5%)^t) when the power is exact.  The
 * same exponent written as "t.0" goes the general way (int_pow), so the two
 * must give the same status and the same bits: coefficient, exponent
 * (trailing zeros), sign.  Where repeated products in the library are all
 * exact, they are a third, independent answer (not for a zero base, whose
 * powers are the plain 0 whatever its exponent). */
static bool same_pow(dec a, dec b1, dec b2, int *exact) {
  dec r1 = dec_from_int(-7), r2 = dec_from_int(-7);
  dec_status s1 = dec_pow(a, b1, &r1), s2 = dec_pow(a, b2, &r2);
  if (s1 != s2 || (s1 == DEC_OK && memcmp(&r1, &r2, sizeof r1))) return false;
  int64_t n;
  /* a zero base gives the plain 0 (or 1), whatever its exponent */
  if (dec_is_zero(a) || !dec_to_int(b1, &n) || n < 0 || n > 130) return true;
  BID_UINT128 x, p;
  memcpy(&x, &a, sizeof x);
  _IDEC_flags f = 0;
  p = bid128_from_int64(1);
  for (int64_t i = 0; i < n; i++) p = bid128_mul(p, x, BID_ROUNDING_TO_NEAREST, &f);
  if ((f & (BID_INEXACT_EXCEPTION | BID_OVERFLOW_EXCEPTION | BID_UNDERFLOW_EXCEPTION)) || !bid128_isFinite(p))
    return true;
  if (bid128_isZero(p)) p = bid128_abs(p);
  ++*exact;
  return s1 == DEC_OK && memcmp(&r1, &p, sizeof r1) == 0;
}

/* As the library reads the literal: trailing zeros kept (1.00 is 100E-2,
 * which dec_parse would store as 1). */
static dec raw(const char *s) {
  char buf[80];
  snprintf(buf, sizeof buf, "%s", s);
  _IDEC_flags f = 0;
  BID_UINT128 x = bid128_from_string(buf, BID_ROUNDING_TO_NEAREST, &f);
  dec d;
  memcpy(&d, &x, sizeof d);
  return d;
}

static void test_pow_small(void) {
  static const char *bases[] = {"0", "1", "-1", "2", "-2", "3", "-3", "7", "10", "-10", "0.1", "-0.1",
    "1.035", "0.849", "-0.849", "0.965", "1.5", "-1.5", "0.5", "99", "1000", "1E-6176", "-1E-6176",
    "1E6111", "1E-3000", "1E3000", "5E-100", "1.00", "100.0", "-2.50", "12345678901", "4294967295",
    "4294967296", "9999999999999999999", "18446744073709551615", "18446744073709551616",
    "3.402823669209384634633746074317682E-3", "9E6100", "9E-6100", "2E3072", "2E-3072"};
  int bad = 0, n = 0, exact = 0;
  for (size_t i = 0; i < sizeof bases / sizeof *bases; i++)
    for (int t = 0; t <= 130; t++) {
      char s1[40], s2[40];
      snprintf(s1, sizeof s1, "%d", t);
      snprintf(s2, sizeof s2, "%d.0", t);
      n++;
      if (!same_pow(raw(bases[i]), D(s1), raw(s2), &exact) && bad++ < 5)
        printf("# %s ^ %s differs between the short and the general path\n", bases[i], s1);
    }
  /* random small coefficients, both signs, exponents near and far */
  for (int i = 0; i < 40000; i++) {
    char sa[60], s1[40], s2[40];
    uint64_t c = lib_rnd() >> (lib_rnd() % 64);
    if (lib_rnd() % 4 == 0) c = c % 100000 * 1000; /* trailing zeros */
    int e = (int)(lib_rnd() % (lib_rnd() % 4 ? 9 : 400)) - (lib_rnd() % 4 ? 6 : 200);
    int t = (int)(lib_rnd() % (lib_rnd() % 8 ? 14 : 120));
    snprintf(sa, sizeof sa, "%s%lluE%d", lib_rnd() % 2 ? "-" : "", (unsigned long long)c, e);
    snprintf(s1, sizeof s1, "%d", t);
    snprintf(s2, sizeof s2, "%d.0", t);
    n++;
    if (!same_pow(raw(sa), D(s1), raw(s2), &exact) && bad++ < 5)
      printf("# %s ^ %s differs between the short and the general path\n", sa, s1);
  }
  printf("# %d powers, %d exact by repeated products\n", n, exact);
  ok(bad == 0 && exact > 15000, "dec_pow with a whole exponent: the short path gives the general path's bits");
  /* exponents the short path leaves alone: huge, negative, not plain */
  static const char *exps[][2] = {{"114", "114.0"}, {"1000", "1000.00"}, {"4294967296", "4294967296.0"},
    {"9223372036854775807", "9223372036854775807.0"}, {"18446744073709551615", "18446744073709551615.0"},
    {"-1", "-1.0"}, {"-3", "-3.0"}, {"0", "0E+3"}, {"2", "2.000"}};
  bad = 0;
  for (size_t i = 0; i < sizeof bases / sizeof *bases; i++)
    for (size_t j = 0; j < sizeof exps / sizeof *exps; j++)
      if (!same_pow(raw(bases[i]), D(exps[j][0]), raw(exps[j][1]), &exact) && bad++ < 5)
        printf("# %s ^ %s differs between two spellings of the exponent\n", bases[i], exps[j][0]);
  ok(bad == 0, "dec_pow: large, negative and zero exponents agree in every spelling");
  op2(dec_pow, "1.035", "10", DEC_OK, "1.410598760621122182512197265625", "1.035^10 by the short path");
  op2(dec_pow, "-0.5", "3", DEC_OK, "-0.125", "(-0.5)^3 keeps the sign");
  op2(dec_pow, "-0.5", "0", DEC_OK, "1", "(-0.5)^0 = 1");
  dec r = dec_from_int(0), want = raw("1.000000");
  ok(dec_pow(raw("1.00"), D("3"), &r) == DEC_OK && memcmp(&r, &want, sizeof r) == 0,
     "1.00^3 is 1.000000: the trailing zeros kept (coefficient 10^6, exponent -6)");
  op2(dec_pow, "10", "34", DEC_OK, "10000000000000000000000000000000000", "10^34 (coefficient 1)");
  op2(dec_pow, "1E6111", "2", DEC_OVERFLOW, NULL, "1E6111^2 -> OVERFLOW");
  op2(dec_pow, "1E-6176", "2", DEC_OK, "0", "1E-6176^2 underflows to 0");
}

/* Quotients of small coefficients, the short path of dec_div (exact with
 * up to four decimals past the preferred exponent: 210 / 4 = 52.5), and
 * their neighbours that take the long one: the library's bits for every
 * pair, exponents and signs mixed, at the edges of the exponent range too. */
static void test_small_quotients(void) {
  int bad = 0, n = 0;
  static const int exps[] = {0, -2, 3, -6176, 6111, -30};
  for (int64_t a = -300; a <= 3000; a += 7)
    for (int64_t b = 1; b <= 160; b++)
      for (int e = 0; e < 6; e++) {
        char sa[40], sb[40];
        snprintf(sa, sizeof sa, "%lldE%d", (long long)a, exps[e]);
        snprintf(sb, sizeof sb, "%lldE%d", (long long)(b * (e % 2 ? -1 : 1)), exps[(e + b) % 6]);
        dec x, y, got, want;
        if (dec_parse(sa, strlen(sa), &x) != DEC_OK || dec_parse(sb, strlen(sb), &y) != DEC_OK) continue;
        BID_UINT128 bx, by, r;
        _IDEC_flags f = 0;
        memcpy(&bx, &x, sizeof bx), memcpy(&by, &y, sizeof by);
        r = bid128_div(bx, by, BID_ROUNDING_TO_NEAREST, &f);
        if (bid128_isZero(r)) r = bid128_abs(r);
        memcpy(&want, &r, sizeof want);
        dec_status st = dec_div(x, y, &got);
        n++;
        if (bid128_isFinite(r) ? st != DEC_OK || memcmp(&got, &want, sizeof got) : st == DEC_OK)
          if (bad++ < 3) printf("# %s / %s differs from the library\n", sa, sb);
      }
  ok(bad == 0 && n > 100000, "dec_div of small coefficients is the library's quotient, bit for bit");
}

/* Quotients exactly half-way between two 34-digit numbers, where the
 * remainder decides alone (half: to even): x = 2^(a-b) * o over y = 2^a is
 * o * 5^b * 10^-b, 35 digits ending in 5 when o * 5^b has 35 digits.
 * Divisors of one limb (a < 64) and of two, the library's bits each time. */
static void test_div_ties(void) {
  int bad = 0, n = 0, up = 0, down = 0;
  for (int a = 20; a <= 110; a += 3)
    for (int b = 1; b <= 40 && b <= a; b++)
      for (int i = 0; i < 12; i++) {
        unsigned __int128 five = 1, lo, t;
        for (int k = 0; k < b; k++) five *= 5;
        /* o odd with 10^34 <= o * 5^b < 10^35 */
        unsigned __int128 e34 = (unsigned __int128)10000000000000000ull * 1000000000000000000ull;
        lo = (e34 + five - 1) / five;
        if (lo >> 100) continue;
        unsigned __int128 o = (lo + lib_rnd() % 2000000) | 1;
        t = o * five;
        if (t < e34 || t / 10 >= e34) continue;
        unsigned __int128 xc = o << (a - b), yc = (unsigned __int128)1 << a;
        if (xc >> 113 || yc >> 113) continue;
        char sx[64], sy[64];
        int px = 63, py = 63;
        sx[px] = sy[py] = 0;
        do sx[--px] = (char)('0' + (int)(xc % 10)); while ((xc /= 10) != 0);
        do sy[--py] = (char)('0' + (int)(yc % 10)); while ((yc /= 10) != 0);
        if (63 - px > 34 || 63 - py > 34) continue;
        dec x = D(sx + px), y = D(sy + py), got, want;
        BID_UINT128 bx, by, r;
        _IDEC_flags f = 0;
        memcpy(&bx, &x, sizeof bx), memcpy(&by, &y, sizeof by);
        r = bid128_div(bx, by, BID_ROUNDING_TO_NEAREST, &f);
        memcpy(&want, &r, sizeof want);
        n++;
        if (dec_div(x, y, &got) != DEC_OK || memcmp(&got, &want, sizeof got)) {
          if (bad++ < 3) printf("# %s / %s differs from the library\n", sx + px, sy + py);
        } else if (t / 10 % 2) up++;
        else down++;
      }
  printf("# %d ties: %d rounded up, %d down\n", n, up, down);
  ok(bad == 0 && up > 100 && down > 100, "dec_div: quotients half-way between two 34-digit numbers round to even, as the library");
}

int main(void) {
  printf("TAP version 13\n");
  test_parts();
  test_small_quotients();
  test_div_ties();
  test_parse();
  test_format();
  test_arith();
  test_pow();
  test_pow_small();
  test_transcendental();
  test_round();
  test_compare();
  test_fast_paths_against_library();
  test_from_digits();
  return tap_done();
}
