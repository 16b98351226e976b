/* The registry of builtin functions: the prelude, data loading and the
 * few builtins that live beside the evaluator. */
#include <string.h>

#include "../runtime/vm.h"
#include "load.h"

static value b_value(vm *v, int n, value *a, loc at) {
  (void)n;
  return indicator_value(v, at, a[0], a[1]);
}

static const builtin core[] = {
  {"value", 2, 2, b_value, "indicator, quantity"},
};

static const struct { const builtin *b; const int *n; int fixed; } sets[] = {
  {core, NULL, (int)(sizeof core / sizeof core[0])},
  {svl_prelude, &svl_prelude_count, 0},
  {svl_data_builtins, &svl_data_builtins_count, 0},
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
