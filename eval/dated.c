/* Effective dating at run time (docs/dating.md): the as-of date the host
 * gave, and the errors of dated tables named as validity periods rather
 * than rows and inputs. */
#include <string.h>

#include "eval/dated.h"
#include "core/gc.h"
#include "eval/vm.h"

int vm_as_of(vm *v, int32_t *d, const char **bad) {
  if (v->as_of_set == 1) {
    *d = v->as_of;
    return 1;
  }
  if (v->as_of_set == 2) {
    *bad = v->cfg.as_of;
    return -1;
  }
  return 0;
}

_Noreturn void dated_table_error(vm *v, const node *d, loc at, int ni, const value *ins, int r1, int r2) {
  int dc = dated_column(d);
  const char *on = dc >= 0 ? value_display(ins[dc], true) : "?";
  sbuf others;
  sb_init(&others);
  const node *hdr = d->a->kids[0]->a;
  for (int i = 0; i < ni; i++) {
    if (i == dc) continue;
    const node *h = hdr->kids[i]->kids[0]->b;
    sb_printf(&others, "%s%s%s", others.len ? ", " : "", h->kind == N_NAME ? h->name : "", h->kind == N_NAME ? " = " : "");
    sb_puts(&others, value_short(ins[i]));
  }
  if (r2)
    vm_error_hint(v, at, "validity periods must not overlap: end the earlier period the day before the later one starts (svl check finds this)",
                  "E0611 table %s: rows %d and %d are both in force on %s%s%s%s", d->name, r1, r2, on,
                  others.len ? " (" : "", others.len ? others.s : "", others.len ? ")" : "");
  if (others.len)
    vm_error_hint(v, at, "add a row for these inputs in the period, or apply the rules as of another date",
                  "E0610 table %s: no row in force on %s matches (%s)", d->name, on, others.s);
  vm_error_hint(v, at, "a dated table has values only for the periods its rows give: add a row for this date, or apply the rules as of a date in one",
                "E0610 table %s: no row is in force on %s", d->name, on);
}
