/* The floor for the 'sroi' workload: the same appraisal hand-written in C on
 * Intel's decimal128 library, the numbers SVL uses, with nothing but the
 * work itself (make bench compiles it: cc -O2 sroi_floor.c libbidgcc000.a).
 * Powers are carried from year to year by one product each, as a C
 * programmer writes a loop over the years.  Prints what sroi.svl prints,
 * the decimals in decimal128's own notation (+40562E-3), which the runner
 * reads as the exact decimals they are. */
#define DECIMAL_CALL_BY_REFERENCE 0
#define DECIMAL_GLOBAL_ROUNDING 0
#define DECIMAL_GLOBAL_EXCEPTION_FLAGS 0
#include <bid_conf.h>
#include <bid_functions.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef BID_UINT128 dec;
static _IDEC_flags fl;
#define D(s) bid128_from_string((char *)(s), BID_ROUNDING_TO_NEAREST, &fl)
#define ADD(a, b) bid128_add(a, b, BID_ROUNDING_TO_NEAREST, &fl)
#define SUB(a, b) bid128_sub(a, b, BID_ROUNDING_TO_NEAREST, &fl)
#define MUL(a, b) bid128_mul(a, b, BID_ROUNDING_TO_NEAREST, &fl)
#define DIV(a, b) bid128_div(a, b, BID_ROUNDING_TO_NEAREST, &fl)
#define LT(a, b) bid128_quiet_less(a, b, &fl)
#define GT(a, b) bid128_quiet_greater(a, b, &fl)

typedef struct { int id; char name[16]; dec pv, npv, ratio; } result;

static int by_ratio(const void *x, const void *y) {
  const result *a = x, *b = y;
  if (GT(a->ratio, b->ratio)) return -1;
  if (LT(a->ratio, b->ratio)) return 1;
  return a->id - b->id;
}

/* "12.5%" as the fraction 0.125 */
static dec percent(char *s, dec hundred) {
  s[strlen(s) - 1] = 0;
  return DIV(D(s), hundred);
}

static void print_rounded(const char *label, dec x, const char *unit) {
  char buf[64];
  bid128_to_string(buf, bid128_quantize(x, D(unit), BID_ROUNDING_TIES_AWAY, &fl), &fl);
  printf("%s%s", label, buf);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  FILE *f = fopen(argv[1], "r");
  if (!f) return 1;
  char line[512];
  dec one = D("1"), hundred = D("100"), zero = D("0");
  dec growth = ADD(one, D("0.035")); /* 1 + the discount rate */
  size_t n = 0, cap = 1 << 14;
  result *rs = malloc(cap * sizeof *rs);
  if (!rs || !fgets(line, sizeof line, f)) return 1;
  while (fgets(line, sizeof line, f)) {
    char *c[8];
    int k = 0;
    for (char *p = strtok(line, ",\n"); p && k < 8; p = strtok(NULL, ",\n")) c[k++] = p;
    if (k < 8) continue;
    if (n == cap && !(rs = realloc(rs, (cap *= 2) * sizeof *rs))) return 1;
    result *r = &rs[n++];
    r->id = atoi(c[0]);
    snprintf(r->name, sizeof r->name, "%s", c[1]);
    dec investment = D(c[2]);
    dec impact = MUL(MUL(MUL(D(c[3]), SUB(one, percent(c[4], hundred))), SUB(one, percent(c[5], hundred))),
                     SUB(one, percent(c[6], hundred)));
    dec keep = SUB(one, percent(c[7], hundred));
    dec kept = one, discount = one, pv = zero;
    for (int t = 1; t <= 10; t++) {
      discount = MUL(discount, growth);
      pv = ADD(pv, DIV(MUL(impact, kept), discount));
      kept = MUL(kept, keep);
    }
    r->pv = pv;
    r->npv = SUB(pv, investment);
    r->ratio = DIV(pv, investment);
  }
  fclose(f);
  dec pv = zero, npv = zero;
  size_t positive = 0;
  for (size_t i = 0; i < n; i++) {
    pv = ADD(pv, rs[i].pv);
    npv = ADD(npv, rs[i].npv);
    positive += GT(rs[i].npv, zero);
  }
  qsort(rs, n, sizeof *rs, by_ratio);
  printf("programmes %zu\n", n);
  for (size_t i = 0; i < 5 && i < n; i++) {
    printf("%s ", rs[i].name);
    print_rounded("", rs[i].ratio, "0.0001");
    putchar('\n');
  }
  print_rounded("pv ", pv, "0.01");
  print_rounded(" npv ", npv, "0.01");
  printf(" positive %zu\n", positive);
  return 0;
}
