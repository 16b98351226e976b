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

bool vm_pct_mixed(value a, value b) {
  if (a.pct == b.pct || a.tag != V_NUM || b.tag != V_NUM || a.unit || b.unit) return false;
  return !dec_is_zero(a.pct ? b.as.num : a.as.num);
}

/* x * 100 as written: 0.6 -> "60" (a percentage's own number). */
static const char *hundred(value x) {
  dec h;
  if (dec_mul(x.as.num, dec_from_int(100), &h) != DEC_OK) return value_display(x, false);
  return value_display(v_num(h), false);
}

const char *pct_mix_what(int op, bool pct_first) {
  switch (op) {
  case OP_ADD: return "add a number and a percent";
  case OP_SUB: return pct_first ? "subtract a number from a percent" : "subtract a percent from a number";
  case OP_MOD: return "take mod of a number and a percent";
  default: return "compare a number with a percent";
  }
}

const char *pct_mix_hint(int op, value n, value p) {
  const char *ns = svl_strdup(value_display(n, false)), *ps = svl_strdup(value_display(p, false));
  const char *frac = value_display(v_num(p.as.num), false);
  char hint[400];
  if (op == OP_ADD || op == OP_SUB || op == OP_MOD)
    snprintf(hint, sizeof hint, "write %s%% if %s is a percentage, or %s%% if it is a fraction (1 is 100%%); %s as number is %s",
             ns, ns, hundred(n), ps, frac);
  else
    snprintf(hint, sizeof hint, "write %s%% or compare with %s (if %s is a score out of 100); %s as number is %s", ns,
             hundred(p), ns, ps, frac);
  return svl_strdup(hint);
}

_Noreturn void vm_pct_mix(vm *v, loc at, int op, value a, value b) {
  static const char *sym[] = {"+", "-", "*", "/", "mod", "^", "==", "!=", "<", "<=", ">", ">="};
  vm_error_hint(v, at, pct_mix_hint(op, a.pct ? b : a, a.pct ? a : b), "E0410 cannot %s: %s %s %s",
                pct_mix_what(op, a.pct), value_display(a, false), op >= 0 && op <= OP_GE ? sym[op] : "and",
                value_display(b, false));
}
