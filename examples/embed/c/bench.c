/* What a call into SVL costs a host: a small scoring function called N
 * times, (1) through the value API — build a record of the bid, call with
 * a named argument, read the score as exact text — and (2) through JSON
 * text, in and out, as hosts that only pass JSON strings do.
 *
 *   bench [N]        (default 100000; docs/embedding.md has the figures)
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <svl.h>

static const char *rules =
    "fn score(bid, lowest: GBP) = round(60 * lowest / bid.price, 2) + bid.quality * 40%\n";

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void report(const char *what, long n, long long ns, const char *last) {
  if (ns < 1) ns = 1;
  printf("%s: %ld calls in %lld ms: %lld calls/s, %lld ns a call (last score %s)\n", what, n, ns / 1000000,
         (long long)n * 1000000000LL / ns, ns / n, last);
}

static int fail(svl_vm *vm) {
  fputs(svl_last_error(vm)->rendered, stderr);
  return 1;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
  if (n < 1) n = 1;
  svl_vm *vm = svl_new(NULL);
  svl_value *score, *lowest, *json_lowest;
  if (svl_load_string(vm, "bench.svl", rules, SVL_NTS) != SVL_OK || svl_get(vm, "score", &score) != SVL_OK)
    return fail(vm);
  lowest = svl_quantity(vm, "90000", "GBP");
  json_lowest = svl_quantity(vm, "90000", "GBP");
  const char *names[] = {"lowest"};
  const char *keys[] = {"supplier", "price", "quality"};
  char price[32], digits[64] = "";

  long long t0 = now_ns();
  for (long i = 0; i < n; i++) {
    snprintf(price, sizeof price, "%ld.50", 90000 + i % 5000);
    svl_value *vals[3] = {svl_text(vm, "Acme Ltd", SVL_NTS), svl_quantity(vm, price, "GBP"), svl_int(vm, 70)};
    svl_value *bid = svl_record(vm, 3, keys, vals), *r = NULL;
    const char *s;
    if (!bid || svl_call_named(vm, score, 1, &bid, 1, names, &lowest, &r) != SVL_OK) return fail(vm);
    if (svl_to_number(vm, r, &s) != SVL_OK) return fail(vm);
    snprintf(digits, sizeof digits, "%s", s);
    for (int k = 0; k < 3; k++) svl_release(vm, vals[k]);
    svl_release(vm, bid);
    svl_release(vm, r);
  }
  report("value API", n, now_ns() - t0, digits);

  char json[160];
  t0 = now_ns();
  for (long i = 0; i < n; i++) {
    snprintf(json, sizeof json, "{\"supplier\": \"Acme Ltd\", \"price\": %ld.50, \"quality\": 70}", 90000 + i % 5000);
    svl_value *bid = NULL, *r = NULL, *priced = NULL, *price_v = NULL, *p = NULL;
    /* JSON has no units: the host adds GBP to the price, as it must */
    if (svl_from_json(vm, json, SVL_NTS, &bid) != SVL_OK || svl_field(vm, bid, "price", &p) != SVL_OK)
      return fail(vm);
    const char *amount;
    svl_to_number(vm, p, &amount);
    price_v = svl_quantity(vm, amount, "GBP");
    priced = svl_with(vm, bid, "price", price_v);
    if (!priced || svl_call_named(vm, score, 1, &priced, 1, names, &json_lowest, &r) != SVL_OK) return fail(vm);
    char *out = svl_to_json(vm, r);
    if (!out) return fail(vm);
    snprintf(digits, sizeof digits, "%s", out);
    free(out);
    svl_release(vm, bid);
    svl_release(vm, p);
    svl_release(vm, price_v);
    svl_release(vm, priced);
    svl_release(vm, r);
  }
  report("JSON in and out", n, now_ns() - t0, digits);
  svl_free(vm);
  return 0;
}
