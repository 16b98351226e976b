/* libFuzzer harness: `svl fmt` (svl_format_source).  For any input the
 * parser accepts, the formatted text must parse to the same AST (kinds,
 * operators, names, literals and shape; positions aside) and formatting it
 * again must change nothing.  For input the parser rejects, the formatter
 * must reject it too.  The formatter's own token check failing
 * (SVL_ERR_RUNTIME) is a finding as well. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"
#include "lang/parse.h"
#include "core/gc.h"
#include "fuzz_common.h"

static bool same_str(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

static bool same(const node *x, const node *y) {
  if (!x || !y) return x == y;
  if (x->kind != y->kind || x->op != y->op || x->opt != y->opt || x->nkids != y->nkids) return false;
  if (!same_str(x->name, y->name) || !same_str(x->name2, y->name2)) return false;
  if (x->lit.tag != y->lit.tag || !same_str(value_display(x->lit, false), value_display(y->lit, false)))
    return false;
  if (!same(x->a, y->a) || !same(x->b, y->b) || !same(x->c, y->c)) return false;
  for (int i = 0; i < x->nkids; i++)
    if (!same(x->kids[i], y->kids[i])) return false;
  return true;
}

static node *parse(const char *text, size_t n) {
  diag err;
  memset(&err, 0, sizeof err);
  return parse_source(fuzz_source((const uint8_t *)text, n), &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  svl_vm *vm = svl_new(NULL);
  char *once = NULL, *twice = NULL;
  svl_status st = svl_format_source(vm, "fuzz.svl", (const char *)data, size, &once);
  node *before = parse((const char *)data, size);
  if (st == SVL_ERR_RUNTIME) abort(); /* the formatter caught itself changing the tokens */
  if (st != SVL_OK) {
    if (before && st == SVL_ERR_SYNTAX) abort(); /* the parser accepts what fmt rejects */
    svl_free(vm);
    fuzz_done();
    return 0;
  }
  if (!once) abort();
  size_t n = strlen(once);
  node *after = parse(once, n);
  if (before && (!after || !same(before, after))) abort();
  if (svl_format_source(vm, "fuzz.svl", once, n, &twice) != SVL_OK || strcmp(once, twice)) abort();
  free(once);
  free(twice);
  svl_free(vm);
  fuzz_done();
  return 0;
}
