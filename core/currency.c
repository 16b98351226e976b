/* The ISO 4217 table (see currency.h): sorted by code, searched by
 * bisection, never changed, so any thread may read it. */
#include "core/currency.h"

#include <string.h>

static const currency_info table[] = {
#define CURRENCY(code, minor, name) {code, minor, name},
#include "core/currency_table.h"
#undef CURRENCY
};

enum { NCUR = (int)(sizeof table / sizeof table[0]) };

const currency_info *currency_find(const char *code) {
  if (!code || strlen(code) != 3) return NULL;
  int lo = 0, hi = NCUR - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(code, table[mid].code);
    if (c == 0) return &table[mid];
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return NULL;
}

int currency_count(void) { return NCUR; }
const currency_info *currency_at(int i) { return i >= 0 && i < NCUR ? &table[i] : NULL; }
