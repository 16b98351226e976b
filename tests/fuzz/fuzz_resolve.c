/* libFuzzer harness: name resolution (lang/resolve.h) on whatever the
 * parser accepts — scopes, arity, units, types, tables, duplicates — and
 * then svl check's analyses (lang/check.h: table gaps and overlaps, unit
 * mismatches, unused names) on whatever resolves. */
#include <stdint.h>
#include <string.h>

#include "lang/check.h"
#include "lang/parse.h"
#include "lang/resolve.h"
#include "core/gc.h"
#include "core/unit.h"
#include "stdlib/builtins.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gc_init();
  source *s = fuzz_source(data, size);
  diag err;
  memset(&err, 0, sizeof err);
  node *prog = parse_source(s, &err);
  if (!prog) {
    fuzz_done();
    return 0;
  }
  globals *g = gc_alloc(sizeof *g);
  unit_reg *units = unit_reg_new();
  /* twice: once as a file, once as REPL input where redefinition replaces */
  for (int repl = 0; repl < 2; repl++) {
    memset(&err, 0, sizeof err);
    resolver_opts o = {.repl = repl, .builtins = &stdlib_builtins};
    if (!resolve_program(prog, g, units, o, &err)) {
      fuzz_check_diag(&err, s);
      break;
    }
    if (!repl) {
      findings f = {0};
      check_program(prog, &f);
      for (int i = 0; i < f.n; i++) fuzz_check_diag(&f.items[i].d, s);
      (void)findings_text(&f);
      (void)findings_json(&f);
    }
    prog = parse_source(s, &err);
    if (!prog) abort(); /* parsed once, must parse again */
    g = gc_alloc(sizeof *g);
    units = unit_reg_new();
  }
  fuzz_done();
  return 0;
}
