/* Tests for the rows of a typed CSV load (core/value.c record_packed,
 * row_get) and the 8-byte numbers they hold (core/number.h dec_pack64):
 * a row gives back, field by field, the very values it was made of --
 * the same bits, so 1.50 stays 1.50 -- whether a number fits in 8 bytes
 * or is boxed, with percentages, units and nulls.  Printed as TAP
 * version 13. */
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

static bool same_bits(dec a, dec b) { return a.w[0] == b.w[0] && a.w[1] == b.w[1]; }

/* xorshift64*: the same numbers on every run */
static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void) {
  rnd_state ^= rnd_state >> 12, rnd_state ^= rnd_state << 25, rnd_state ^= rnd_state >> 27;
  return rnd_state * 2685821657736338717ull;
}

static vtype *ty(tkind k, const unit_t *u) {
  vtype *t = gc_alloc(sizeof *t);
  t->kind = k, t->unit = u;
  return t;
}

int main(void) {
  gc_init();

  /* dec_pack64: exact for what fits, refused for what does not */
  const char *fits[] = {"0", "-0.00", "1.50", "1432606.75", "-44", "0.10", "562949953421311",
                        "5.62949953421311E-6000", "1E+6000", "20928", "3.5"};
  bool all = true;
  for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++) {
    uint64_t w;
    dec d = D(fits[i]);
    if (!dec_pack64(d, &w) || !same_bits(dec_unpack64(w), d)) {
      all = false;
      printf("# %s did not pack to the same bits\n", fits[i]);
    }
  }
  ok(all, "numbers with a coefficient below 2^49 pack to 8 bytes and back bit for bit");
  const char *big[] = {"562949953421312", "79228162514264337593543950335.0", "0.3333333333333333333333333333333333",
                       "-9999999999999999999999999999999999"};
  all = true;
  for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
    uint64_t w;
    if (dec_pack64(D(big[i]), &w)) {
      all = false;
      printf("# %s packed\n", big[i]);
    }
  }
  ok(all, "a coefficient of 2^49 or more is refused");
  dec odd = {{1, 0x6C00000000000000ull}}; /* steering bits 11: the other encoding */
  uint64_t w;
  ok(!dec_pack64(odd, &w), "the large-coefficient encoding is refused");
  /* random finite numbers: packed ones come back exact, and refusals are
   * exactly the ones that do not fit */
  int wrong = 0;
  for (int i = 0; i < 200000; i++) {
    dec d = {{rnd() >> (rnd() % 64), rnd()}};
    if ((d.w[1] >> 61 & 3) == 3) continue;
    bool fit = !(d.w[1] & DEC_PACK_LOW) && d.w[0] <= DEC_PACK_LOW;
    if (i % 2) d.w[1] &= ~DEC_PACK_LOW, fit = d.w[0] <= DEC_PACK_LOW; /* half with a short coefficient */
    bool packed = dec_pack64(d, &w);
    if (packed != fit || (packed && !same_bits(dec_unpack64(w), d))) wrong++;
  }
  ok(wrong == 0, "200,000 random numbers: packed exactly when they fit, and back bit for bit");

  /* rows: every kind of field, numbers small and boxed */
  unit_reg *reg = unit_reg_new();
  const unit_t *gbp = unit_from_def(unit_lookup(reg, "GBP"));
  const char *names[] = {"id", "supplier", "price", "insured", "score", "due", "share", "note"};
  vtype *row = ty(T_RECORD, NULL);
  const vtype *ftypes[] = {ty(T_NUMBER, NULL), ty(T_TEXT, NULL), ty(T_UNIT, gbp),    ty(T_BOOL, NULL),
                              ty(T_NUMBER, NULL), ty(T_DATE, NULL), ty(T_PERCENT, NULL), ty(T_TEXT, NULL)};
  row->nfields = 8, row->fnames = names, row->ftypes = ftypes;
  const rowfmt *fmt = rowfmt_for(row);
  ok(fmt && fmt->size == 8 + 7 * 8, "a row is its flags then 8 bytes a field but a bool's");
  int32_t day;
  date_parse("2026-12-06", 10, &day);
  value rows[][8] = {
      {v_num(D("1")), v_cstr("S000001"), v_qty(D("1432606.75"), gbp), v_bool(true), v_num(D("1.50")),
       v_date(day), v_pct(D("0.35")), v_cstr("")},
      {v_num(D("79228162514264337593543950335")), v_cstr("Beta plc"), v_qty(D("-0.3333333333333333333333333333333333"), gbp),
       v_bool(false), v_num(D("-0.00")), v_null, v_pct(D("12345678901234567890.5")), v_null},
      {v_null, v_null, v_null, v_null, v_null, v_null, v_null, v_null},
  };
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
    record *r = record_packed(fmt, names, rows[k]);
    bool same = r && r->n == 8 && r->fmt == fmt;
    for (size_t i = 0; same && i < 8; i++) {
      value got = rec_get(r, i), want = rows[k][i];
      same = got.tag == want.tag && value_equal(got, want) && got.unit == want.unit && got.pct == want.pct &&
             (got.tag != V_NUM || same_bits(got.as.num, want.as.num));
      if (!same) printf("# row %zu field %zu: got %s, want %s\n", k, i, value_display(got, false),
                        value_display(want, false));
    }
    char what[80];
    snprintf(what, sizeof what, "packed row %zu gives back each value, bit for bit", k + 1);
    ok(same, what);
  }
  value wrong_unit[8] = {v_num(D("1")), v_cstr("x"), v_num(D("5")), v_bool(true), v_num(D("1")), v_date(day),
                         v_pct(D("0.1")), v_cstr("")};
  ok(record_packed(fmt, names, wrong_unit) == NULL, "a value not of its field's kind or unit is not packed");

  /* the record header: 40 bytes, the values after it, an ordinary
   * record's keys after its values, the indicator flag beside n */
  ok(sizeof(record) == 40, "a record's header is 40 bytes");
  bool kept = true;
  for (size_t k = 0; k <= 9; k++) {
    record *o = record_new(k);
    for (size_t i = 0; i < k; i++) o->keys[i] = names[i % 8], o->vals[i] = v_int((int64_t)i * 7);
    o->indicator = true;
    o->line = UINT32_MAX;
    kept = kept && o->n == k && o->indicator && o->line == UINT32_MAX;
    for (size_t i = 0; i < k; i++)
      kept = kept && o->keys[i] == names[i % 8] && value_equal(rec_get(o, i), v_int((int64_t)i * 7));
    o->indicator = false;
    kept = kept && o->n == k && !o->indicator;
  }
  ok(kept, "an ordinary record keeps its keys, values, line and flag apart");
  record *base = record_packed(fmt, names, rows[0]);
  const char *vkeys[] = {"id", "supplier", "price", "insured", "score", "due", "share", "note", "quality", "sv"};
  record *view = record_view(base, 10, vkeys);
  view->vals[0] = v_pct(D("0.5")), view->vals[1] = v_qty(D("12.5"), gbp);
  record *view2 = record_view(view, 11, (const char *[]){"id", "supplier", "price", "insured", "score", "due",
                                                          "share", "note", "quality", "sv", "total"});
  view2->vals[0] = v_num(D("75.96"));
  bool through = view2->n == 11 && view2->base == view && value_equal(rec_get(view2, 2), rows[0][2]) &&
                 value_equal(rec_get(view2, 8), v_pct(D("0.5"))) && value_equal(rec_get(view2, 9), v_qty(D("12.5"), gbp)) &&
                 value_equal(rec_get(view2, 10), v_num(D("75.96")));
  const value *every = record_values(view2);
  for (size_t i = 0; i < 8; i++) through = through && value_equal(every[i], rows[0][i]);
  ok(through, "a view of a view of a packed row reads every field through rec_get");

  return tap_done();
}
