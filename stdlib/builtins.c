/* The registry of builtin functions: the prelude, data loading and the
 * few builtins that live beside the evaluator. */
#include <string.h>

#include "stdlib/builtins.h"
#include "stdlib/datetime.h"
#include "stdlib/calendar.h"
#include "stdlib/load.h"
#include "stdlib/ocds.h"
#include "stdlib/lookup.h"

static value b_value(vm *v, int n, value *a, loc at) {
  (void)n;
  return indicator_value(v, at, a[0], a[1]);
}

/* error(message): stop with a runtime error of the rule author's own words,
 * e.g. for data the rules cannot handle (an unexpected currency). */
static value b_error(vm *v, int n, value *a, loc at) {
  (void)n;
  vm_error(v, at, "E0606 %s", a[0].tag == V_TEXT ? a[0].as.text->s : value_display(a[0], true));
}

static const builtin core[] = {
  {"value", 2, 2, b_value, "indicator, quantity"},
  {"error", 1, 1, b_error, "message"},
};

static const struct { const builtin *b; const int *n; int fixed; } sets[] = {
  {core, NULL, (int)(sizeof core / sizeof core[0])},
  {prelude_builtins, &prelude_builtins_count, 0},
  {data_builtins, &data_builtins_count, 0},
  {lookup_builtins, &lookup_builtins_count, 0},
  {datetime_builtins, &datetime_builtins_count, 0},
  {calendar_builtins, &calendar_builtins_count, 0},
  {ocds_builtins, &ocds_builtins_count, 0},
};

#define NSETS (int)(sizeof sets / sizeof sets[0])

const builtin *builtin_find(const char *name) {
  for (int s = 0; s < NSETS; s++) {
    int n = sets[s].n ? *sets[s].n : sets[s].fixed;
    for (int i = 0; i < n; i++)
      if (strcmp(sets[s].b[i].name, name) == 0) return &sets[s].b[i];
  }
  return NULL;
}

int builtin_names(const char **out, int cap) {
  int k = 0;
  for (int s = 0; s < NSETS; s++) {
    int n = sets[s].n ? *sets[s].n : sets[s].fixed;
    for (int i = 0; i < n; i++, k++)
      if (out && k < cap) out[k] = sets[s].b[i].name;
  }
  return k;
}

const builtin_set stdlib_builtins = {builtin_find, builtin_names, prelude_borrows};
