/* Tests for core/value.c record_tagged: a record packed by what each
 * field holds gives back, field by field, exactly the values it was made
 * of -- every kind, including the boxed ones no JSON load makes (a date,
 * money, a percentage), which ocds.compiled can meet in typed releases.
 * Printed as TAP version 13. */
#include <stdio.h>
#include <string.h>

#include "core/gc.h"
#include "core/number.h"
#include "core/unit.h"
#include "core/value.h"
#include "tap.h"


static dec D(const char *s) {
  dec d = dec_from_int(0);
  if (dec_parse(s, strlen(s), &d) != DEC_OK) printf("# bad literal %s\n", s);
  return d;
}

int main(void) {
  gc_init();
  unit_reg *reg = unit_reg_new();
  const unit_t *gbp = unit_from_def(unit_lookup(reg, "GBP"));
  list *l = list_new(2);
  l->items[0] = v_int(1), l->items[1] = v_cstr("b");
  record *inner = record_new(1);
  inner->keys[0] = "x", inner->vals[0] = v_int(3);
  int32_t day;
  date_parse("2025-03-11", 10, &day);
  value vals[] = {v_null, v_bool(false), v_bool(true), v_cstr("NHS Wales"), v_list(l), v_rec(inner),
                  v_num(D("79228162514264337593543950335.0")), v_num(D("-0.001")), v_date(day),
                  v_qty(D("452000"), gbp), v_pct(D("0.35")), v_cstr("")};
  const char *keys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
  size_t n = sizeof vals / sizeof vals[0];
  for (size_t k = 0; k <= n; k++) { /* every length: the flags' padding */
    record *r = record_tagged(k, keys, vals);
    bool same = r->n == k;
    for (size_t i = 0; i < k && same; i++) {
      value got = rec_get(r, i);
      same = got.tag == vals[i].tag && value_equal(got, vals[i]) && got.unit == vals[i].unit &&
             got.pct == vals[i].pct && strcmp(value_display(got, false), value_display(vals[i], false)) == 0;
      if (!same) printf("# field %zu: got %s, want %s\n", i, value_display(got, false), value_display(vals[i], false));
    }
    char what[80];
    snprintf(what, sizeof what, "a packed record of %zu fields gives back each value", k);
    ok(same, what);
  }
  record *r = record_tagged(n, keys, vals);
  ok(value_equal(v_rec(r), v_rec(record_tagged(n, keys, vals))), "two packed records of equal values are equal");
  const value *all = record_values(r);
  bool same = true;
  for (size_t i = 0; i < n; i++) same = same && value_equal(all[i], vals[i]);
  ok(same, "record_values unpacks every field");
  ok(rec_get(record_view(r, n, keys), 6).tag == V_NUM, "a view of a packed record reads through it");
  /* a number kept in its slot (dec_pack64) or boxed comes back bit for
   * bit: 1.50 stays 1.50, and one too wide for 8 bytes is still exact */
  const char *nums[] = {"0", "1.50", "452000", "-0.001", "1E+300", "562949953421311", "562949953421312",
                        "79228162514264337593543950335.0", "0.0000000000000000000000000000001"};
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    value x = v_num(D(nums[i]));
    value got = rec_get(record_tagged(1, keys, &x), 0);
    char what[96];
    snprintf(what, sizeof what, "%s comes back bit for bit from a packed record", nums[i]);
    ok(got.tag == V_NUM && !got.unit && !got.pct && memcmp(&got.as.num, &x.as.num, sizeof x.as.num) == 0, what);
  }
  return tap_done();
}
