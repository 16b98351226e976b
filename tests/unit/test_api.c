/* The embedding API (include/svl.h) from a host's point of view: values in
 * and out, calls with named arguments, natives, tests, explain, errors,
 * limits, interruption from a thread and a signal handler, permissions.
 * Uses nothing but svl.h.  TAP on stdout. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "api_tap.h"

static const char *program =
    "unit FTE\n"
    "let base = £100\n"
    "fn double(x) = x * 2\n"
    "fn add(a, b) = a + b\n"
    "fn price_points(price: GBP, lowest: GBP, max = 40) = max * lowest / price\n"
    "rule eligible(bid) {\n"
    "  require bid.turnover >= £1m, \"turnover below £1m\"\n"
    "  require bid.insured, \"not insured\"\n"
    "  warn bid.late, \"late\"\n"
    "}\n"
    "table grade(q: text) hit first {\n"
    "  | q      || points |\n"
    "  | \"good\" || 70     |\n"
    "  | -      || 0      |\n"
    "}\n"
    "type Bid = {supplier: text, price: GBP}\n"
    "fn spin(n) = [i for i in 1..n if i < 0]\n"
    "fn deep(n) = if n == 0 then 0 else 1 + deep(n - 1)\n"
    "fn grow(n) = [[i, i, i, i] for i in 1..n]\n"
    "fn big(n) = range(1, n)\n"
    "fn inner(x) = x / 0\n"
    "fn outer(x) = inner(x) + 1\n"
    "let demo = price_points(£125, £100)\n"
    "test \"passes\" { assert double(2) == 4 }\n"
    "test \"fails\" { assert double(2) == 5 }\n"
    "test \"errors\" { assert inner(1) == 1 }\n";

static svl_vm *vm_with(const svl_config *cfg) {
  svl_vm *vm = svl_new(cfg);
  if (!vm) {
    printf("Bail out! svl_new failed\n");
    exit(1);
  }
  return vm;
}

static svl_vm *loaded(const svl_config *cfg) {
  svl_vm *vm = vm_with(cfg);
  if (svl_load_string(vm, "rules.svl", program, SVL_NTS) != SVL_OK) {
    printf("Bail out! %s", svl_last_error(vm)->rendered);
    exit(1);
  }
  return vm;
}

/* The text form of v, checked against want; releases v. */
static void shows(svl_vm *vm, svl_value *v, svl_format f, const char *want, const char *desc) {
  char *s = v ? svl_format_value(vm, v, f) : NULL;
  tap_is(s, want, desc);
  free(s);
  svl_release(vm, v);
}

static svl_value *get(svl_vm *vm, const char *name) {
  svl_value *v = NULL;
  if (svl_get(vm, name, &v) != SVL_OK) printf("# svl_get %s: %s\n", name, svl_last_error(vm)->message);
  return v;
}

/* fn(args...) with one positional argument, shown as text. */
static svl_status call1(svl_vm *vm, const char *fn, svl_value *arg, svl_value **out) {
  svl_value *f = get(vm, fn);
  svl_status st = svl_call(vm, f, 1, &arg, out);
  svl_release(vm, f);
  return st;
}

/* ---- values ---- */

static void test_values(void) {
  svl_vm *vm = loaded(NULL);
  const char *s;
  size_t n;
  int64_t i64;
  int b, y, m, d;

  svl_value *x = svl_number(vm, "1200.50");
  tap_ok(svl_kind_of(vm, x) == SVL_KIND_NUMBER, "svl_number makes a number");
  tap_ok(svl_to_number(vm, x, &s) == SVL_OK && !strcmp(s, "1200.5"), "svl_to_number gives exact text");
  tap_is(svl_type_name(vm, x), "number", "its type is number");
  svl_release(vm, x);
  tap_ok(svl_number(vm, "1.2.3") == NULL, "svl_number refuses bad text");
  tap_error(vm, SVL_ERR_USAGE, NULL, "... as a usage error");
  tap_ok(svl_number(vm, "1.234567890123456789012345678901234567") == NULL, "svl_number refuses 37 digits (no rounding)");
  tap_ok(svl_number(vm, NULL) == NULL, "svl_number(NULL) is an error");

  svl_value *args[2] = {svl_number(vm, "0.1"), svl_number(vm, "0.2")}, *sum = NULL, *add = get(vm, "add");
  tap_ok(svl_call(vm, add, 2, args, &sum) == SVL_OK, "add(0.1, 0.2)");
  tap_ok(svl_to_number(vm, sum, &s) == SVL_OK && !strcmp(s, "0.3"), "0.1 + 0.2 is exactly 0.3 through the API");
  svl_release(vm, sum);
  svl_release(vm, add);
  svl_release(vm, args[0]);
  svl_release(vm, args[1]);

  /* svl_decimal is svl_number of the same value's text; svl_to_decimal
   * the parts of svl_to_number's text */
  static const struct { int neg; uint64_t digits; int ex; const char *text; } decs[] = {
      {0, 120050, -2, "1200.5"}, {1, 5, -4, "-0.0005"}, {0, 0, -3, "0"}, {1, 0, 0, "0"},
      {0, 1500, 3, "1500000"}, {0, UINT64_MAX, -10, "1844674407.3709551615"},
      {0, 10000000000000000000ull, -19, "1"}};
  for (size_t k = 0; k < sizeof decs / sizeof *decs; k++) {
    char desc[96];
    x = svl_decimal(vm, decs[k].neg, decs[k].digits, decs[k].ex);
    snprintf(desc, sizeof desc, "svl_decimal(%d, %" PRIu64 ", %d) is %s", decs[k].neg, decs[k].digits, decs[k].ex,
             decs[k].text);
    tap_ok(x && svl_to_number(vm, x, &s) == SVL_OK && !strcmp(s, decs[k].text), desc);
    svl_release(vm, x);
  }
  tap_ok(svl_decimal(vm, 0, 1, 7000) == NULL, "svl_decimal refuses 1E7000");
  tap_error(vm, SVL_ERR_USAGE, "decimal128's range", "... as a usage error");
  {
    static const struct { const char *text; int neg; uint64_t hi, lo; int ex; } parts[] = {
        {"1200.50", 0, 0, 120050 / 10, -1}, {"-0.0005", 1, 0, 5, -4}, {"0.000", 0, 0, 0, 0},
        {"-1.2e5", 1, 0, 12, 4}, {"1234567890123456789012345678901234", 0, 66926059427634ull, 16033479673939144690ull, 0}};
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
      int neg = -1, ex = 99;
      uint64_t hi = 1, lo = 1;
      char desc[96];
      x = svl_number(vm, parts[k].text);
      snprintf(desc, sizeof desc, "svl_to_decimal of %s", parts[k].text);
      tap_ok(svl_to_decimal(vm, x, &neg, &hi, &lo, &ex) == SVL_OK && neg == parts[k].neg && hi == parts[k].hi &&
                 lo == parts[k].lo && ex == parts[k].ex,
             desc);
      svl_release(vm, x);
    }
    x = svl_text(vm, "12", SVL_NTS);
    tap_ok(svl_to_decimal(vm, x, NULL, NULL, NULL, NULL) == SVL_ERR_USAGE, "svl_to_decimal refuses a text");
    svl_release(vm, x);
  }

  x = svl_int(vm, -42);
  tap_ok(svl_to_int(vm, x, &i64) == SVL_OK && i64 == -42, "svl_int / svl_to_int");
  svl_release(vm, x);
  x = svl_number(vm, "2.5");
  tap_ok(svl_to_int(vm, x, &i64) == SVL_ERR_USAGE, "svl_to_int refuses a fraction");
  svl_release(vm, x);

  x = svl_percent(vm, "12.5");
  tap_ok(svl_is_percent(vm, x) && svl_to_number(vm, x, &s) == SVL_OK && !strcmp(s, "0.125"), "svl_percent is the fraction");
  shows(vm, x, SVL_FORMAT_TEXT, "12.5%", "... and displays as a percentage");

  x = svl_quantity(vm, "1200.50", "GBP");
  tap_ok(svl_to_unit(vm, x, &s) == SVL_OK && !strcmp(s, "GBP"), "svl_quantity GBP has unit GBP");
  tap_is(svl_type_name(vm, x), "GBP", "... and type GBP");
  tap_ok(svl_to_number(vm, x, &s) == SVL_OK && !strcmp(s, "1200.5"), "... and magnitude 1200.5");
  shows(vm, x, SVL_FORMAT_TEXT, "£1,200.50", "... and displays as money");
  shows(vm, svl_quantity(vm, "15", "GBP/hour"), SVL_FORMAT_TEXT, "£15.00/hour", "a compound unit GBP/hour");
  shows(vm, svl_quantity(vm, "2", "weeks"), SVL_FORMAT_TEXT, "2 weeks", "a plural unit name");
  shows(vm, svl_quantity(vm, "12", "FTE"), SVL_FORMAT_TEXT, "12 FTE", "a unit the program declares");
  shows(vm, svl_quantity(vm, "3", "£"), SVL_FORMAT_TEXT, "£3.00", "the currency sign £");
  x = svl_quantity(vm, "2", "FTE*hour");
  tap_ok(svl_to_unit(vm, x, &s) == SVL_OK && !strcmp(s, "FTE*hour"), "a product of units reads back as written");
  svl_release(vm, x);
  tap_ok(svl_quantity(vm, "1", "parsec") == NULL, "an unknown unit is refused");
  tap_error(vm, SVL_ERR_USAGE, "unknown unit 'parsec'", "... naming the unit");
  tap_ok(svl_quantity(vm, "1", "GBP//hour") == NULL && svl_quantity(vm, "1", "") == NULL &&
             svl_quantity(vm, "1", "hour^0") == NULL && svl_quantity(vm, "x", "GBP") == NULL,
         "malformed units and amounts are refused");
  x = svl_number(vm, "3");
  tap_ok(svl_to_unit(vm, x, &s) == SVL_OK && !strcmp(s, ""), "a plain number has unit \"\"");
  svl_release(vm, x);

  x = svl_text(vm, "Acme £", SVL_NTS);
  tap_ok(svl_to_text(vm, x, &s, &n) == SVL_OK && !strcmp(s, "Acme £") && n == 7, "svl_text / svl_to_text (bytes)");
  shows(vm, x, SVL_FORMAT_REPL, "\"Acme £\"", "a text quoted in REPL form");
  tap_ok(svl_text(vm, "\xff", 1) == NULL, "invalid UTF-8 is refused");
  x = svl_text(vm, NULL, 0);
  tap_ok(svl_to_text(vm, x, &s, &n) == SVL_OK && n == 0, "an empty text from NULL, 0");
  svl_release(vm, x);

  x = svl_bool(vm, 7);
  tap_ok(svl_to_bool(vm, x, &b) == SVL_OK && b == 1, "svl_bool / svl_to_bool");
  tap_ok(svl_to_text(vm, x, &s, NULL) == SVL_ERR_USAGE, "svl_to_text of a bool is a usage error");
  tap_error(vm, SVL_ERR_USAGE, "expected a text, got bool", "... saying what it expected and got");
  svl_release(vm, x);
  x = svl_null(vm);
  tap_ok(svl_kind_of(vm, x) == SVL_KIND_NULL, "svl_null");
  svl_release(vm, x);

  x = svl_date(vm, 2026, 4, 1);
  tap_ok(svl_to_date(vm, x, &y, &m, &d) == SVL_OK && y == 2026 && m == 4 && d == 1, "svl_date / svl_to_date");
  shows(vm, x, SVL_FORMAT_TEXT, "2026-04-01", "a date's text form");
  tap_ok(svl_date(vm, 2026, 2, 30) == NULL, "an impossible date is refused");
  x = svl_date_iso(vm, "2024-02-29");
  tap_ok(svl_kind_of(vm, x) == SVL_KIND_DATE, "svl_date_iso");
  svl_release(vm, x);
  tap_ok(svl_date_iso(vm, "2026-4-1") == NULL, "a badly written date is refused");

  svl_value *items[3] = {svl_int(vm, 1), svl_text(vm, "two", SVL_NTS), svl_null(vm)};
  svl_value *list = svl_list(vm, 3, items);
  tap_ok(svl_length(vm, list, &n) == SVL_OK && n == 3, "svl_list of 3 / svl_length");
  svl_value *it = NULL;
  tap_ok(svl_item(vm, list, 1, &it) == SVL_OK && svl_kind_of(vm, it) == SVL_KIND_TEXT, "svl_item counts from 0");
  svl_release(vm, it);
  tap_ok(svl_item(vm, list, 3, &it) == SVL_ERR_USAGE && it == NULL, "svl_item past the end");
  shows(vm, list, SVL_FORMAT_REPL, "[1, \"two\", null]", "a list's display form");
  svl_value *empty = svl_list(vm, 0, NULL);
  tap_ok(svl_length(vm, empty, &n) == SVL_OK && n == 0, "an empty list");
  svl_release(vm, empty);
  items[2] = NULL;
  tap_ok(svl_list(vm, 3, items) == NULL, "a NULL item is refused");
  for (int k = 0; k < 2; k++) svl_release(vm, items[k]);

  const char *keys[2] = {"supplier", "price"};
  svl_value *vals[2] = {svl_text(vm, "Acme", SVL_NTS), svl_quantity(vm, "90", "GBP")};
  svl_value *rec = svl_record(vm, 2, keys, vals);
  tap_ok(svl_length(vm, rec, &n) == SVL_OK && n == 2, "svl_record of 2 fields");
  tap_ok(svl_field_name(vm, rec, 1, &s) == SVL_OK && !strcmp(s, "price"), "svl_field_name keeps the order");
  svl_value *f = NULL;
  tap_ok(svl_field_at(vm, rec, 0, &f) == SVL_OK && svl_kind_of(vm, f) == SVL_KIND_TEXT, "svl_field_at");
  svl_release(vm, f);
  tap_ok(svl_field(vm, rec, "price", &f) == SVL_OK && svl_to_unit(vm, f, &s) == SVL_OK && !strcmp(s, "GBP"),
         "svl_field by name");
  svl_release(vm, f);
  tap_ok(svl_field(vm, rec, "prise", &f) == SVL_ERR_USAGE, "a missing field");
  tap_error(vm, SVL_ERR_USAGE, "did you mean 'price'?", "... with a suggestion");
  svl_value *late = svl_bool(vm, 0);
  svl_value *rec2 = svl_with(vm, rec, "late", late);
  shows(vm, rec2, SVL_FORMAT_REPL, "{supplier: \"Acme\", price: £90.00, late: false}", "svl_with adds a field");
  rec2 = svl_with(vm, rec, "supplier", late);
  shows(vm, rec2, SVL_FORMAT_REPL, "{supplier: false, price: £90.00}", "svl_with replaces a field");
  svl_release(vm, late);
  /* a record made by SVL's `with` that only adds fields reads through
   * to the record it extends (core/value.h rec_get) */
  svl_value *view = NULL, *vf = NULL;
  tap_ok(svl_eval_line(vm, "[r with {late: true} for r in [{supplier: \"Acme\", price: £90}]][1]", SVL_NTS, &view) == SVL_OK,
         "a record made by with, from SVL");
  tap_ok(svl_field_at(vm, view, 1, &vf) == SVL_OK && svl_to_unit(vm, vf, &s) == SVL_OK && !strcmp(s, "GBP"),
         "... svl_field_at reads its base's field");
  svl_release(vm, vf);
  tap_ok(svl_field_at(vm, view, 2, &vf) == SVL_OK && svl_to_bool(vm, vf, &b) == SVL_OK && b, "... and its own");
  svl_release(vm, vf);
  rec2 = svl_with(vm, view, "price", late = svl_bool(vm, 0));
  shows(vm, rec2, SVL_FORMAT_REPL, "{supplier: \"Acme\", price: false, late: true}", "... svl_with on it");
  svl_release(vm, late);
  svl_release(vm, view);
  const char *dup_keys[2] = {"a", "a"};
  tap_ok(svl_record(vm, 2, dup_keys, vals) == NULL, "a repeated field name is refused");
  shows(vm, rec, SVL_FORMAT_JSON, "{\"supplier\": \"Acme\", \"price\": {\"amount\": 90, \"unit\": \"GBP\"}}",
        "svl_format_value JSON");
  svl_release(vm, vals[0]);
  svl_release(vm, vals[1]);

  svl_value *j = NULL;
  tap_ok(svl_from_json(vm, "{\"a\": 0.1, \"b\": [1, 2.50, \"x\"], \"c\": null}", SVL_NTS, &j) == SVL_OK,
         "svl_from_json");
  char *out = svl_to_json(vm, j);
  tap_is(out, "{\"a\": 0.1, \"b\": [1, 2.5, \"x\"], \"c\": null}", "JSON in and out, numbers exact");
  free(out);
  svl_release(vm, j);
  tap_ok(svl_from_json(vm, "[1, 2,]", SVL_NTS, &j) == SVL_ERR_RUNTIME && j == NULL, "bad JSON is an error");

  svl_value *fn = get(vm, "double"), *ty = get(vm, "Bid");
  tap_ok(svl_kind_of(vm, fn) == SVL_KIND_FUNCTION && svl_kind_of(vm, ty) == SVL_KIND_TYPE, "kinds of fn and type");
  svl_release(vm, fn);
  svl_release(vm, ty);
  svl_free(vm);
}

/* ---- calls, rules, tables, errors ---- */

static void test_calls(void) {
  svl_vm *vm = loaded(NULL);
  svl_value *pp = get(vm, "price_points"), *r = NULL;
  svl_value *price = svl_quantity(vm, "125", "GBP"), *lowest = svl_quantity(vm, "100", "GBP");
  const char *names[2] = {"lowest", "max"};
  svl_value *named[2] = {lowest, svl_int(vm, 50)};
  tap_ok(svl_call_named(vm, pp, 1, &price, 1, names, named, &r) == SVL_OK, "svl_call_named(price, lowest: ...)");
  shows(vm, r, SVL_FORMAT_TEXT, "32", "... the default fills max");
  tap_ok(svl_call_named(vm, pp, 1, &price, 2, names, named, &r) == SVL_OK, "two named arguments");
  shows(vm, r, SVL_FORMAT_TEXT, "40", "... max: 50 is used");
  svl_value *both[2] = {price, lowest};
  tap_ok(svl_call(vm, pp, 2, both, &r) == SVL_OK, "the same positionally");
  shows(vm, r, SVL_FORMAT_TEXT, "32", "... same result");
  const char *bad[1] = {"lowst"};
  tap_ok(svl_call_named(vm, pp, 1, &price, 1, bad, named, &r) == SVL_ERR_RUNTIME && r == NULL,
         "an unknown named argument is a runtime error");
  tap_error(vm, SVL_ERR_RUNTIME, "lowst", "... naming it");
  const char *twice[2] = {"lowest", "lowest"};
  tap_ok(svl_call_named(vm, pp, 1, &price, 2, twice, named, &r) == SVL_ERR_USAGE, "a name given twice");
  svl_value *txt = svl_text(vm, "cheap", SVL_NTS);
  svl_value *wrong[2] = {txt, lowest};
  tap_ok(svl_call(vm, pp, 2, wrong, &r) == SVL_ERR_RUNTIME, "a wrong type from the host is SVL's runtime error");
  tap_error(vm, SVL_ERR_RUNTIME, "expected GBP", "... with SVL's message");
  tap_ok(svl_call(vm, pp, 0, NULL, &r) == SVL_ERR_RUNTIME, "a missing argument");
  tap_ok(svl_call(vm, txt, 0, NULL, &r) == SVL_ERR_USAGE, "calling a text is a usage error");
  svl_release(vm, txt);

  svl_value *grade = get(vm, "grade"), *good = svl_text(vm, "good", SVL_NTS);
  tap_ok(svl_call(vm, grade, 1, &good, &r) == SVL_OK, "calling a decision table");
  shows(vm, r, SVL_FORMAT_TEXT, "70", "... the matching row");

  const char *bk[3] = {"turnover", "insured", "late"};
  svl_value *bv[3] = {svl_quantity(vm, "2", "GBP"), svl_bool(vm, 0), svl_bool(vm, 1)};
  svl_value *bid = svl_record(vm, 3, bk, bv), *verdict = NULL, *reasons = NULL, *reason = NULL, *warns = NULL;
  int passed = 1;
  size_t n = 0;
  const char *s;
  tap_ok(call1(vm, "eligible", bid, &verdict) == SVL_OK && svl_kind_of(vm, verdict) == SVL_KIND_VERDICT, "calling a rule gives a verdict");
  tap_ok(svl_to_bool(vm, verdict, &passed) == SVL_OK && passed == 0, "svl_to_bool of a verdict is .passed");
  tap_ok(svl_field(vm, verdict, "reasons", &reasons) == SVL_OK && svl_length(vm, reasons, &n) == SVL_OK && n == 2,
         "the verdict's reasons");
  tap_ok(svl_item(vm, reasons, 1, &reason) == SVL_OK && svl_to_text(vm, reason, &s, NULL) == SVL_OK &&
             !strcmp(s, "not insured"), "... in order, as texts");
  tap_ok(svl_field(vm, verdict, "warnings", &warns) == SVL_OK && svl_length(vm, warns, &n) == SVL_OK && n == 1,
         "the verdict's warnings");
  for (int k = 0; k < 3; k++) svl_release(vm, bv[k]);
  svl_release(vm, reason);
  svl_release(vm, reasons);
  svl_release(vm, warns);
  svl_release(vm, verdict);
  svl_release(vm, bid);

  svl_value *one = svl_int(vm, 1);
  tap_ok(call1(vm, "outer", one, &r) == SVL_ERR_RUNTIME, "a runtime error in a call");
  const svl_error *e = svl_last_error(vm);
  tap_ok(e->code && !strcmp(e->code, "E0501") && e->file && !strcmp(e->file, "rules.svl") && e->line == 21,
         "... with code, file and line");
  tap_ok(e->nframes >= 2 && !strcmp(e->frames[0].function, "inner") && !strcmp(e->frames[1].function, "outer") &&
             e->frames[0].line == 22, "... and the call stack, innermost first");
  tap_ok(strstr(e->rendered, "division by zero") && strstr(e->rendered, "^"), "... and a rendering with a caret");
  svl_value *d = get(vm, "double");
  tap_ok(svl_call(vm, d, 1, &one, &r) == SVL_OK, "the VM is usable after the error");
  shows(vm, r, SVL_FORMAT_TEXT, "2", "... and right");
  tap_error(vm, SVL_ERR_RUNTIME, "division by zero", "svl_last_error keeps the last failure");
  svl_release(vm, one);
  svl_release(vm, d);

  tap_ok(svl_get(vm, "dubble", &r) == SVL_ERR_USAGE, "svl_get of an unknown name");
  tap_error(vm, SVL_ERR_USAGE, "did you mean 'double'?", "... suggests the nearest");
  tap_ok(svl_has(vm, "demo") && !svl_has(vm, "nope"), "svl_has");

  for (int k = 0; k < 2; k++) svl_release(vm, named[k]);
  svl_release(vm, price);
  svl_release(vm, pp);
  svl_release(vm, grade);
  svl_release(vm, good);
  svl_free(vm);

  vm = vm_with(NULL);
  tap_ok(svl_last_error(vm)->status == SVL_OK, "a new VM has no error");
  tap_ok(svl_load_string(vm, "bad.svl", "let x = 1\nlet y = * 2\n", SVL_NTS) == SVL_ERR_SYNTAX, "a syntax error");
  e = svl_last_error(vm);
  tap_ok(e->line == 2 && e->file && !strcmp(e->file, "bad.svl"), "... located");
  tap_ok(svl_load_string(vm, "res.svl", "let x = pirce * 2\n", SVL_NTS) == SVL_ERR_RESOLVE, "an undefined name");
  tap_ok(svl_load_string(vm, "as.svl", "assert 1 == 2, \"no\"\n", SVL_NTS) == SVL_ERR_ASSERT, "a failed assert");
  tap_ok(svl_load_file(vm, "/nonexistent/rules.svl") == SVL_ERR_IO, "an unreadable file");
  tap_ok(svl_load_string(vm, "ok.svl", "let fine = 1\n", SVL_NTS) == SVL_OK, "loading works after errors");
  svl_free(vm);
}

/* ---- natives ---- */

static svl_value *n_twice(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  (void)nargs;
  (void)ud;
  const char *s;
  if (svl_to_number(vm, args[0], &s) != SVL_OK) return NULL;
  svl_value *f = NULL, *r = NULL;
  /* back into SVL: double is defined by the program */
  if (svl_get(vm, "double", &f) != SVL_OK || svl_call(vm, f, 1, args, &r) != SVL_OK) return NULL;
  return r;
}

static svl_value *n_scale(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  (void)nargs;
  (void)ud;
  int64_t a, b;
  if (svl_to_int(vm, args[0], &a) != SVL_OK || svl_to_int(vm, args[1], &b) != SVL_OK) return NULL;
  return svl_int(vm, a * b);
}

static svl_value *n_lookup(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  (void)nargs;
  (void)args;
  (void)ud;
  svl_error_set(vm, "no such key in the host's table");
  return NULL;
}

static svl_value *n_nothing(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  (void)vm;
  (void)nargs;
  (void)args;
  (void)ud;
  return NULL;
}

static svl_value *n_count(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  (void)args;
  int *calls = ud;
  ++*calls;
  return svl_int(vm, nargs);
}

static svl_value *n_apply(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  (void)nargs;
  (void)ud;
  svl_value *r = NULL;
  svl_call(vm, args[0], 1, &args[1], &r);
  return r; /* NULL passes the call's error on */
}

static svl_value *kept_arg, *kept_dup;
static svl_value *n_keep(svl_vm *vm, int nargs, svl_value *const *args, void *ud) {
  (void)nargs;
  (void)ud;
  kept_arg = args[0];
  kept_dup = svl_dup(vm, args[0]);
  return svl_null(vm);
}

static void test_natives(void) {
  int calls = 0;
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.max_steps = 100000;
  svl_vm *vm = vm_with(&cfg);
  tap_ok(svl_register(vm, "twice(x)", n_twice, 1, 1, NULL) == SVL_OK, "svl_register");
  tap_ok(svl_register(vm, "scale(x, factor)", n_scale, 2, 2, NULL) == SVL_OK, "svl_register with parameter names");
  tap_ok(svl_register(vm, "count_args", n_count, 0, -1, &calls) == SVL_OK, "svl_register of any number of arguments");
  svl_register(vm, "lookup", n_lookup, 1, 1, NULL);
  svl_register(vm, "nothing", n_nothing, 0, 0, NULL);
  svl_register(vm, "apply", n_apply, 2, 2, NULL);
  svl_register(vm, "keep", n_keep, 1, 1, NULL);
  tap_ok(svl_register(vm, "if", n_nothing, 0, 0, NULL) == SVL_ERR_USAGE && svl_register(vm, "2x", n_nothing, 0, 0, NULL) == SVL_ERR_USAGE &&
             svl_register(vm, "f(a,)", n_nothing, 1, 1, NULL) == SVL_ERR_USAGE &&
             svl_register(vm, "g(a, b)", n_nothing, 1, 1, NULL) == SVL_ERR_USAGE &&
             svl_register(vm, "h", NULL, 0, 0, NULL) == SVL_ERR_USAGE &&
             svl_register(vm, "k", n_nothing, 2, 1, NULL) == SVL_ERR_USAGE,
         "bad names, signatures, counts and NULL functions are refused");
  tap_ok(svl_load_string(vm, "n.svl",
                         "fn double(x) = x * 2\n"
                         "fn inc(n) = n + 1\n"
                         "fn spin(n) = [i for i in 1..n if i < 0]\n"
                         "let a = twice(21) + 1\n"
                         "let b = scale(factor: 3, x: 2)\n"
                         "let c = count_args(1, 2, 3)\n"
                         "let d = apply(inc, 4)\n"
                         "fn use_lookup(k) = lookup(k)\n"
                         "fn use_nothing() = nothing()\n",
                         SVL_NTS) == SVL_OK,
         "a program calls the natives");
  if (svl_last_error(vm)->status != SVL_OK) printf("# %s", svl_last_error(vm)->rendered);
  shows(vm, get(vm, "a"), SVL_FORMAT_TEXT, "43", "a native that calls back into SVL");
  shows(vm, get(vm, "b"), SVL_FORMAT_TEXT, "6", "a native with named arguments");
  shows(vm, get(vm, "c"), SVL_FORMAT_TEXT, "3", "a native receives every argument");
  tap_ok(calls == 1, "... and its user_data");
  shows(vm, get(vm, "d"), SVL_FORMAT_TEXT, "5", "a native that calls an SVL function it was given");

  svl_value *key = svl_text(vm, "zz", SVL_NTS), *r = NULL;
  tap_ok(call1(vm, "use_lookup", key, &r) == SVL_ERR_RUNTIME, "a native's svl_error_set is a runtime error");
  const svl_error *e = svl_last_error(vm);
  tap_ok(!strcmp(e->message, "no such key in the host's table") && e->line == 8 && e->column == 20 &&
             !strcmp(e->code, "E0606"), "... with the host's message, at the call, code E0606");
  tap_ok(e->nframes >= 1 && !strcmp(e->frames[0].function, "use_lookup"), "... and SVL's call stack");
  svl_release(vm, key);
  tap_ok(svl_load_string(vm, "n2.svl", "let e = twice(\"x\")\n", SVL_NTS) == SVL_ERR_RUNTIME,
         "a native passing on a failed API call");
  tap_error(vm, SVL_ERR_RUNTIME, "svl_to_number: expected a number, got text", "... keeps that call's message");
  tap_ok(svl_last_error(vm)->line == 1, "... placed at the native's call");
  svl_value *nf = get(vm, "use_nothing");
  tap_ok(svl_call(vm, nf, 0, NULL, &r) == SVL_ERR_RUNTIME, "a native returning NULL without a reason");
  tap_error(vm, SVL_ERR_RUNTIME, "returned no value", "... is still an error");
  svl_release(vm, nf);
  tap_ok(svl_load_string(vm, "n3.svl", "let f = scale(1)\n", SVL_NTS) == SVL_ERR_RESOLVE,
         "a wrong number of arguments to a native is found before running");
  tap_ok(svl_register(vm, "inc", n_nothing, 0, 0, NULL) == SVL_ERR_USAGE, "a name the program defines cannot be registered");

  /* a limit hit inside SVL code a native calls stays a limit */
  svl_value *spin = get(vm, "spin"), *big = svl_int(vm, 1000000000), *apply = get(vm, "apply");
  svl_value *aa[2] = {spin, big};
  tap_ok(svl_call(vm, apply, 2, aa, &r) == SVL_ERR_LIMIT, "a limit inside a native's callback reaches the host as a limit");
  svl_release(vm, spin);
  svl_release(vm, big);
  svl_release(vm, apply);

  svl_value *keep = get(vm, "keep"), *seven = svl_int(vm, 7);
  tap_ok(svl_call(vm, keep, 1, &seven, &r) == SVL_OK, "a native keeping handles");
  tap_ok(svl_kind_of(vm, kept_arg) == SVL_KIND_NONE, "its argument handles are released when it returns");
  tap_ok(svl_kind_of(vm, kept_dup) == SVL_KIND_NUMBER, "svl_dup keeps a value beyond the call");
  svl_release(vm, kept_dup);
  svl_release(vm, keep);
  svl_release(vm, seven);
  svl_release(vm, r);
  svl_free(vm);
}

/* ---- tests and explain ---- */

typedef struct buf { char s[8192]; size_t n; } buf;
static void capture(void *ud, const char *s, size_t n) {
  buf *b = ud;
  if (b->n + n < sizeof b->s) {
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
  }
}

static void test_tests_and_explain(void) {
  static buf tap;
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.report = capture;
  cfg.user_data = &tap;
  svl_vm *vm = loaded(&cfg);
  int count = 0, failed = 0;
  tap_is_int(svl_test_count(vm), 3, "svl_test_count");
  tap_ok(svl_run_tests(vm, 1, &count, &failed) == SVL_ERR_ASSERT && count == 3 && failed == 2,
         "svl_run_tests: 3 run, 2 failed");
  tap_ok(strstr(tap.s, "ok 1 - passes\n") && strstr(tap.s, "not ok 2 - fails\n") && strstr(tap.s, "not ok 3 - errors\n"),
         "... one TAP point each through the report callback");
  tap_ok(strstr(tap.s, "  expression: \"double(2) == 5\"") && strstr(tap.s, "  got: \"4\""), "... with YAML details");
  tap_ok(strstr(tap.s, "division by zero") != NULL, "... a runtime error fails only its test");

  char *tree = NULL;
  tap_ok(svl_explain(vm, "demo", SVL_FORMAT_TEXT, 0, &tree) == SVL_OK && tree && strstr(tree, "price_points("),
         "svl_explain of a let");
  free(tree);
  tap_ok(svl_explain(vm, "demo", SVL_FORMAT_JSON, 0, &tree) == SVL_OK && tree && tree[0] == '{' &&
             strstr(tree, "\"name\": \"price_points\""), "svl_explain as JSON");
  free(tree);
  svl_explain_options eo;
  svl_explain_options_init(&eo);
  tap_ok(svl_explain_expr(vm, "price_points(£125, £100)", &eo, &tree) == SVL_OK && tree && strstr(tree, "= 32"),
         "svl_explain_expr explains any expression");
  free(tree);
  eo.plain = 1;
  eo.format = SVL_FORMAT_JSON;
  tree = NULL;
  tap_ok(svl_explain_expr(vm, "price_points(£125, £100)", &eo, &tree) == SVL_ERR_USAGE && !tree,
         "... plain with JSON is a usage error");
  tap_ok(svl_explain_expr(vm, "price_pionts(£125, £100)", NULL, &tree) == SVL_ERR_RESOLVE &&
             strstr(svl_last_error(vm)->rendered, "did you mean 'price_points'"), "... an unknown name gets did you mean");
  svl_value *pp = get(vm, "price_points"), *r = NULL;
  svl_value *price = svl_quantity(vm, "125", "GBP"), *lowest = svl_quantity(vm, "100", "GBP");
  const char *names[1] = {"lowest"};
  tap_ok(svl_explain_call(vm, pp, 1, &price, 1, names, &lowest, SVL_FORMAT_TEXT, 0, &tree, &r) == SVL_OK && tree &&
             strstr(tree, "price_points(£125.00, £100.00, 40) = 32"), "svl_explain_call explains one call");
  free(tree);
  shows(vm, r, SVL_FORMAT_TEXT, "32", "... and gives its result");
  svl_value *txt = svl_text(vm, "x", SVL_NTS);
  tree = (char *)"unchanged";
  tap_ok(svl_explain_call(vm, pp, 1, &txt, 1, names, &lowest, SVL_FORMAT_TEXT, 0, &tree, NULL) == SVL_ERR_RUNTIME &&
             tree == NULL, "svl_explain_call of a failing call renders nothing");
  svl_release(vm, txt);
  svl_release(vm, price);
  svl_release(vm, lowest);
  svl_release(vm, pp);
  svl_free(vm);
}

/* ---- limits ---- */

static svl_status call_int(svl_vm *vm, const char *fn, long long n) {
  svl_value *arg = svl_int(vm, n), *r = NULL;
  svl_status st = call1(vm, fn, arg, &r);
  svl_release(vm, arg);
  svl_release(vm, r);
  return st;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile int stop_interrupting;
static void *interrupter(void *p) {
  svl_vm *vm = p;
  while (!stop_interrupting) {
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
    svl_interrupt(vm);
  }
  return NULL;
}

static svl_vm *alarm_vm;
static void on_alarm(int sig) {
  (void)sig;
  svl_interrupt(alarm_vm);
}

static void test_limits(void) {
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.max_steps = 20000;
  svl_vm *vm = loaded(&cfg);
  tap_ok(call_int(vm, "spin", 1000000000) == SVL_ERR_LIMIT, "the step limit");
  tap_error(vm, SVL_ERR_LIMIT, "step limit", "... says so");
  tap_ok(call_int(vm, "double", 2) == SVL_OK && call_int(vm, "spin", 100) == SVL_OK, "the VM is usable after it");
  svl_free(vm);

  svl_config_init(&cfg);
  cfg.max_depth = 50;
  vm = loaded(&cfg);
  tap_ok(call_int(vm, "deep", 100) == SVL_ERR_LIMIT, "the call depth limit");
  tap_error(vm, SVL_ERR_LIMIT, "call depth", "... says so");
  tap_ok(call_int(vm, "deep", 40) == SVL_OK, "the VM is usable after it");
  svl_free(vm);

  svl_config_init(&cfg);
  cfg.timeout_ms = 200;
  vm = loaded(&cfg);
  long long t0 = now_ms();
  tap_ok(call_int(vm, "spin", 1000000000000LL) == SVL_ERR_LIMIT, "the time limit");
  long long took = now_ms() - t0;
  tap_ok(took >= 150 && took < 10000, "... after about 200 ms");
  tap_error(vm, SVL_ERR_LIMIT, "time limit", "... says so");
  tap_ok(call_int(vm, "spin", 1000) == SVL_OK, "the VM is usable after it, with a fresh clock");
  svl_free(vm);

  svl_config_init(&cfg);
  cfg.max_heap = (size_t)48 << 20;
  vm = loaded(&cfg);
  tap_ok(call_int(vm, "grow", 5000000) == SVL_ERR_LIMIT, "the heap limit, step by step");
  tap_error(vm, SVL_ERR_LIMIT, "heap limit", "... says so");
  tap_ok(call_int(vm, "big", 9000000) == SVL_ERR_LIMIT, "the heap limit, one big allocation");
  tap_error(vm, SVL_ERR_LIMIT, "heap limit", "... stopped before asking for the memory");
  tap_ok(call_int(vm, "grow", 1000) == SVL_OK, "the VM is usable after it");
  svl_free(vm);

  /* interruption: another thread, then a signal handler; the timeout is
   * only a backstop so a broken svl_interrupt fails instead of hanging */
  svl_config_init(&cfg);
  cfg.timeout_ms = 20000;
  vm = loaded(&cfg);
  pthread_t th;
  stop_interrupting = 0;
  pthread_create(&th, NULL, interrupter, vm);
  svl_status st = call_int(vm, "spin", 1000000000000LL);
  stop_interrupting = 1;
  pthread_join(th, NULL);
  tap_ok(st == SVL_ERR_LIMIT, "svl_interrupt from another thread");
  tap_error(vm, SVL_ERR_LIMIT, "interrupted", "... says so");
  tap_ok(call_int(vm, "double", 3) == SVL_OK, "the VM is usable after it");

  alarm_vm = vm;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval tv = {{0, 100000}, {0, 100000}};
  setitimer(ITIMER_REAL, &tv, NULL);
  st = call_int(vm, "spin", 1000000000000LL);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  signal(SIGALRM, SIG_IGN); /* one may still be pending */
  tap_ok(st == SVL_ERR_LIMIT, "svl_interrupt from a signal handler");
  tap_error(vm, SVL_ERR_LIMIT, "interrupted", "... says so");
  tap_ok(call_int(vm, "double", 3) == SVL_OK, "the VM is usable after it");
  svl_interrupt(vm); /* with nothing running: dropped when the next call starts */
  tap_ok(call_int(vm, "spin", 100000) == SVL_OK, "an interrupt while idle does not stop the next call");
  svl_free(vm);
}

/* ---- permissions ---- */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static void test_sandbox(void) {
  char dir[] = "/tmp/svl_api_XXXXXX";
  if (!mkdtemp(dir)) {
    printf("Bail out! mkdtemp\n");
    exit(1);
  }
  char csv[128], mod[128], src[512];
  snprintf(csv, sizeof csv, "%s/data.csv", dir);
  snprintf(mod, sizeof mod, "%s/mod.svl", dir);
  write_file(csv, "name,price\nAcme,£90\n");
  write_file(mod, "let answer = 42\n");

  svl_vm *vm = vm_with(NULL);
  snprintf(src, sizeof src, "let d = load(\"%s\")\n", csv);
  tap_ok(svl_load_string(vm, "s.svl", src, SVL_NTS) == SVL_ERR_RUNTIME, "no permission: load() refused");
  tap_ok(!strcmp(svl_last_error(vm)->code, "E0902"), "... as E0902 permission not granted");
  snprintf(src, sizeof src, "import \"%s\" as m\n", mod);
  tap_ok(svl_load_string(vm, "s.svl", src, SVL_NTS) != SVL_OK && !strcmp(svl_last_error(vm)->code, "E0902"),
         "no permission: import of a file refused");
  tap_ok(svl_load_string(vm, "s.svl", "let t = today()\n", SVL_NTS) == SVL_ERR_RUNTIME &&
             !strcmp(svl_last_error(vm)->code, "E0902"), "no permission: today() refused");
  svl_value *data = NULL;
  tap_ok(svl_load_data(vm, csv, &data) == SVL_OK && svl_kind_of(vm, data) == SVL_KIND_LIST,
         "the host itself may still read data (svl_load_data)");
  /* rows the host loaded keep their file and line (provenance in errors),
   * through svl_with too */
  svl_value *row = NULL, *tbc = svl_text(vm, "TBC", SVL_NTS), *with = NULL;
  tap_ok(svl_item(vm, data, 0, &row) == SVL_OK && (with = svl_with(vm, row, "price", tbc)) &&
             svl_set_global(vm, "bids", data) == SVL_OK && svl_set_global(vm, "row", with) == SVL_OK,
         "loaded rows bound as globals");
  tap_ok(svl_load_string(vm, "p.svl", "let cheap = [b for b in bids if b.price < \"£100\"]\n", SVL_NTS) == SVL_ERR_RUNTIME &&
             strstr(svl_last_error(vm)->message, "data.csv:2 (name \"Acme\"), column price: cannot order") != NULL,
         "an error on a value of svl_load_data's rows names the file, row, column and cell");
  tap_ok(svl_load_string(vm, "q.svl", "let n = row.price * 2\n", SVL_NTS) == SVL_ERR_RUNTIME &&
             strstr(svl_last_error(vm)->message, "data.csv:2 (name \"Acme\"), column price: ") != NULL &&
             strstr(svl_last_error(vm)->message, "(cell \"TBC\")") != NULL,
         "... and on a row updated with svl_with");
  svl_release(vm, row);
  svl_release(vm, tbc);
  svl_release(vm, with);
  svl_release(vm, data);
  tap_ok(svl_load_file(vm, mod) == SVL_OK && svl_has(vm, "answer"), "... and rule files (svl_load_file)");
  svl_free(vm);

  svl_config cfg;
  svl_config_init(&cfg);
  cfg.permissions = SVL_ALLOW_FILES;
  vm = vm_with(&cfg);
  snprintf(src, sizeof src, "let d = load(\"%s\")\n", csv);
  tap_ok(svl_load_string(vm, "s.svl", src, SVL_NTS) == SVL_ERR_RUNTIME && !strcmp(svl_last_error(vm)->code, "E0902") &&
             strstr(svl_last_error(vm)->message, "outside the directories"),
         "SVL_ALLOW_FILES alone: a directory not in allow_read is refused");
  svl_free(vm);
  char allowed[128];
  snprintf(allowed, sizeof allowed, "%s/../%s", dir, strrchr(dir, '/') + 1); /* compared once resolved */
  const char *dirs[] = {allowed, NULL};
  cfg.allow_read = dirs;
  vm = vm_with(&cfg);
  allowed[0] = 0; /* svl_new copied the list */
  snprintf(src, sizeof src, "let d = load(\"%s\")\nimport \"%s\" as m\nlet a = m.answer\n", csv, mod);
  tap_ok(svl_load_string(vm, "s.svl", src, SVL_NTS) == SVL_OK, "SVL_ALLOW_FILES: load() and import work");
  shows(vm, get(vm, "a"), SVL_FORMAT_TEXT, "42", "... the module's value");
  svl_value *m = get(vm, "m"), *ans = NULL;
  tap_ok(svl_kind_of(vm, m) == SVL_KIND_MODULE && svl_field(vm, m, "answer", &ans) == SVL_OK, "svl_field reads a module's name");
  svl_release(vm, ans);
  svl_release(vm, m);
  tap_ok(svl_load_string(vm, "t.svl", "let t = today()\n", SVL_NTS) == SVL_ERR_RUNTIME, "... but not the clock");
  svl_free(vm);

  cfg.permissions = SVL_ALLOW_CLOCK;
  vm = vm_with(&cfg);
  tap_ok(svl_load_string(vm, "t.svl", "let t = today()\n", SVL_NTS) == SVL_OK, "SVL_ALLOW_CLOCK: today() works");
  svl_value *t = get(vm, "t");
  tap_ok(svl_kind_of(vm, t) == SVL_KIND_DATE, "... giving a date");
  svl_release(vm, t);
  svl_free(vm);

  /* the standard library needs no permission */
  const char *dirp = svl_stdlib_dir();
  char name[64] = "";
  snprintf(src, sizeof src, "%s/scoring.svl", dirp ? dirp : "");
  DIR *dd = dirp && access(src, R_OK) ? opendir(dirp) : NULL;
  if (dirp && !dd) strcpy(name, "scoring");
  for (struct dirent *de; dd && (de = readdir(dd));) {
    size_t len = strlen(de->d_name);
    if (len > 4 && len < sizeof name && !strcmp(de->d_name + len - 4, ".svl") && de->d_name[0] != '_') {
      memcpy(name, de->d_name, len - 4);
      name[len - 4] = 0;
      break;
    }
  }
  if (dd) closedir(dd);
  vm = vm_with(NULL);
  snprintf(src, sizeof src, "import %s\n", name);
  tap_ok(name[0] && svl_load_string(vm, "std.svl", src, SVL_NTS) == SVL_OK, "a stdlib module imports with no permission");
  if (svl_last_error(vm)->status) printf("# %s (stdlib %s)\n", svl_last_error(vm)->message, dirp ? dirp : "none");
  svl_free(vm);
  svl_config_init(&cfg);
  cfg.stdlib_path = NULL;
  vm = vm_with(&cfg);
  tap_ok(svl_load_string(vm, "std.svl", src, SVL_NTS) != SVL_OK, "... unless the host sets stdlib_path to NULL");
  svl_free(vm);

  unlink(csv);
  unlink(mod);
  rmdir(dir);
}

static void test_handles(void) {
  svl_vm *vm = vm_with(NULL);
  svl_value *x = svl_int(vm, 5), *d = svl_dup(vm, x);
  svl_release(vm, x);
  tap_ok(svl_kind_of(vm, x) == SVL_KIND_NONE, "a released handle has no kind");
  const char *s = NULL;
  tap_ok(svl_to_number(vm, x, &s) == SVL_ERR_USAGE && s == NULL, "reading a released handle is a usage error");
  tap_error(vm, SVL_ERR_USAGE, "released", "... that says so");
  svl_release(vm, x);
  tap_ok(svl_kind_of(vm, d) == SVL_KIND_NUMBER, "releasing twice is harmless; the dup lives on");
  svl_release(vm, d);
  svl_release(vm, NULL);
  tap_is(svl_type_name(vm, NULL), "none", "svl_type_name(NULL)");
  /* many handles: slots are reused, not leaked */
  for (int i = 0; i < 100000; i++) svl_release(vm, svl_int(vm, i));
  svl_free(vm);
  svl_free(NULL);
}

int main(void) {
  printf("TAP version 13\n");
  svl_config cfg;
  svl_config_init(&cfg);
  tap_ok(cfg.max_depth == 200 && cfg.stack_bytes == (size_t)4 << 20 && cfg.permissions == 0 && !cfg.max_steps &&
             cfg.stdlib_path == svl_stdlib_dir() && cfg.stdlib_path != NULL, "svl_config_init's defaults");
  test_values();
  test_calls();
  test_natives();
  test_tests_and_explain();
  test_limits();
  test_sandbox();
  test_handles();
  return tap_done();
}
