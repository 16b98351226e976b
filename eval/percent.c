/* Percent as its own kind of value (issue 15; docs/language.md §4).
 *
 * A percentage is a number with the pct flag: 60% holds 0.6.  Scaling
 * (percent x number, quantity x percent, / and ^) works on the fraction as
 * it always did.  What must not happen silently is adding, subtracting or
 * ordering a percentage with a plain number: `40 >= 60%` compared 40 with
 * 0.6, and a CSV deadweight of 1 meant as 1% was 100%.  Those operations
 * are errors that say what to write.  Zero is the one plain number that
 * mixes freely, since 0 and 0% are the same under either reading (a
 * fraction, or a count of per cents): `x >= 0`, `sum([])` and `0 + p` stay
 * valid.  lang/check.c reports the same mistakes before running, with the
 * same words. */
#include <stdio.h>

#include "lang/ast.h"
#include "core/gc.h"
#include "eval/vm.h"
#include "lang/percent_hint.h"

bool vm_pct_mixed(value a, value b) {
  if (a.pct == b.pct || a.tag != V_NUM || b.tag != V_NUM || a.unit || b.unit) return false;
  return !dec_is_zero(a.pct ? b.as.num : a.as.num);
}

_Noreturn void vm_pct_mix(vm *v, loc at, int op, value a, value b) {
  static const char *sym[] = {"+", "-", "*", "/", "mod", "^", "==", "!=", "<", "<=", ">", ">="};
  vm_error_hint(v, at, pct_mix_hint(op, a.pct ? b : a, a.pct ? a : b), "E0410 cannot %s: %s %s %s",
                pct_mix_what(op, a.pct), value_display(a, false), op >= 0 && op <= OP_GE ? sym[op] : "and",
                value_display(b, false));
}
