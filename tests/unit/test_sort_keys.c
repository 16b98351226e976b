/* Tests for core/number.h dec_key_wide, sort_by's 16-byte keys: two
 * numbers' wide keys compare as dec_cmp compares the numbers, over the
 * whole exponent range, both signs, zero in its encodings, and equal
 * values written differently (2.50 and 2.5).  Printed as TAP version 13. */
#include <stdio.h>
#include <string.h>

#include "core/number.h"
#include "tap.h"


static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rnd_state ^= rnd_state >> 12, rnd_state ^= rnd_state << 25, rnd_state ^= rnd_state >> 27;
  return rnd_state * 2685821657736338717ull;
}

/* A number as text: a sign, 1 to 34 digits, an exponent anywhere in
 * decimal128's range; sometimes one of a few values near each other. */
static dec random_dec(void) {
  char s[80];
  int k = 0;
  if (rnd() % 2) s[k++] = '-';
  if (rnd() % 4 == 0) {
    static const char *near[] = {"0", "0.00", "1", "1.0", "2.5", "2.50", "0.1", "10", "1E+3", "1000", "9.999"};
    k += snprintf(s + k, sizeof s - (size_t)k, "%s", near[rnd() % (sizeof near / sizeof near[0])]);
  } else {
    int digits = 1 + (int)(rnd() % 34);
    for (int i = 0; i < digits; i++) s[k++] = (char)('0' + rnd() % 10);
    int range = rnd() % 3 ? 40 : 12000;
    k += snprintf(s + k, sizeof s - (size_t)k, "E%d", (int)(rnd() % (uint64_t)range) - range / 2);
  }
  dec d;
  if (dec_parse(s, (size_t)k, &d) != DEC_OK) d = dec_from_int((int64_t)(rnd() % 1000) - 500);
  return d;
}

static int sign(int c) { return (c > 0) - (c < 0); }

int main(void) {
  int wrong = 0, keyed = 0;
  for (int i = 0; i < 300000; i++) {
    dec a = random_dec(), b = rnd() % 8 ? random_dec() : a;
    dec_key ka, kb;
    if (!dec_sort_key(a, &ka) || !dec_sort_key(b, &kb)) continue;
    keyed++;
    unsigned __int128 wa = dec_key_wide(&ka), wb = dec_key_wide(&kb);
    if (sign((wa > wb) - (wa < wb)) != sign(dec_cmp(a, b))) wrong++;
  }
  ok(keyed > 250000 && wrong == 0, "300,000 random pairs: the wide keys order as dec_cmp does");
  const char *edge[] = {"-9.999999999999999999999999999999999E+6144", "-1E-6176", "0", "-0", "0E+6111", "1E-6176",
                        "9.999999999999999999999999999999999E+6144"};
  bool rising = true;
  for (size_t i = 0; i + 1 < sizeof edge / sizeof edge[0]; i++) {
    dec a, b;
    dec_key ka, kb;
    if (dec_parse(edge[i], strlen(edge[i]), &a) != DEC_OK || dec_parse(edge[i + 1], strlen(edge[i + 1]), &b) != DEC_OK ||
        !dec_sort_key(a, &ka) || !dec_sort_key(b, &kb)) {
      rising = false;
      printf("# %s or %s: no key\n", edge[i], edge[i + 1]);
      continue;
    }
    unsigned __int128 wa = dec_key_wide(&ka), wb = dec_key_wide(&kb);
    if (sign((wa > wb) - (wa < wb)) != sign(dec_cmp(a, b))) {
      rising = false;
      printf("# %s and %s out of order\n", edge[i], edge[i + 1]);
    }
  }
  ok(rising, "the ends of the range and the zeros keep their order");
  return tap_done();
}
