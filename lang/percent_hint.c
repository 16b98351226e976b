/* The words for a percentage mixed with a plain number (E0410): what the
 * operation was and what to write instead.  Shared by the checker
 * (lang/check.c, before running) and the evaluator (eval/percent.c, when
 * it happens), so both say the same thing. */
#include <stdio.h>

#include "core/gc.h"
#include "lang/ast.h"
#include "lang/percent_hint.h"

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
  const char *ns = gc_strdup(value_display(n, false)), *ps = gc_strdup(value_display(p, false));
  const char *frac = value_display(v_num(p.as.num), false);
  char hint[400];
  if (op == OP_ADD || op == OP_SUB || op == OP_MOD)
    snprintf(hint, sizeof hint, "write %s%% if %s is a percentage, or %s%% if it is a fraction (1 is 100%%); %s as number is %s",
             ns, ns, hundred(n), ps, frac);
  else
    snprintf(hint, sizeof hint, "write %s%% or compare with %s (if %s is a score out of 100); %s as number is %s", ns,
             hundred(p), ns, ps, frac);
  return gc_strdup(hint);
}
