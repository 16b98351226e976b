/* Units of measure and dimensional analysis (SPEC 3.2); see unit.h.
 *
 * All conversion arithmetic is decimal: a chain of scales is gathered as a
 * numerator and a denominator and divided once at the end, so integral
 * conversions (week -> day) stay exact and at most one rounding happens. */
#include "core/unit.h"

#include <stdio.h>
#include <string.h>

#include "core/currency.h"
#include "core/gc.h"

const unit_t unit_too_complex = {0};

/* unit_reg_new declares the three currencies first, so the built-in base
 * `minute` (time) is always base dimension 3 of every registry. */
enum { TIME_DIM = 3 };

#define STR_(x) #x
#define STR(x) STR_(x)

/* The cached d^1 lives beside the definition so unit_from_def needs neither
 * a registry nor an allocation: literals are evaluated often. */
typedef struct def_box {
  unit_def d; /* first member: a unit_def* from unit_declare is a def_box* */
  unit_t one;
} def_box;

struct unit_reg {
  def_box **defs;
  int n, cap;
  int nbases;
};

/* ---- exact scale ratios ------------------------------------------------ */

typedef struct {
  dec num, den;
  dec_status st;
} ratio;

static void ratio_init(ratio *r) {
  r->num = r->den = dec_from_int(1);
  r->st = DEC_OK;
}

/* r *= s^e for any sign of e; |e| is bounded by the exponent limits. */
static void ratio_mul(ratio *r, dec s, int e) {
  dec *t = e > 0 ? &r->num : &r->den;
  for (int k = e > 0 ? e : -e; k > 0 && r->st == DEC_OK; k--)
    r->st = dec_mul(*t, s, t);
}

static void ratio_unit(ratio *r, const unit_t *u, int sign) {
  for (int i = 0; u && i < u->n; i++)
    ratio_mul(r, u->f[i].def->scale, sign * u->f[i].exp);
}

static dec_status ratio_value(const ratio *r, dec *out) {
  if (r->st != DEC_OK) return r->st;
  if (dec_eq(r->den, dec_from_int(1))) {
    *out = r->num;
    return DEC_OK;
  }
  return dec_div(r->num, r->den, out);
}

/* ---- registry ---------------------------------------------------------- */

static const char *errf(const char *fmt, const char *arg) {
  int len = snprintf(NULL, 0, fmt, arg);
  char *s = len < 0 ? NULL : gc_alloc_atomic((size_t)len + 1);
  if (!s) return "unit declaration failed";
  snprintf(s, (size_t)len + 1, fmt, arg);
  return s;
}

static bool name_taken(const unit_reg *r, const char *name) {
  return unit_lookup(r, name) != NULL;
}

static const unit_def *declare(unit_reg *r, const char *name,
                               const char *plural, const char *symbol,
                               bool money, dec factor, const unit_t *of,
                               const char **err) {
  const char *dummy;
  if (!err) err = &dummy;
  if (!r || !name || !*name) {
    *err = "a unit needs a name";
    return NULL;
  }
  if (!plural || !*plural) plural = name;
  if (name_taken(r, name)) {
    *err = errf("unit '%s' is already declared", name);
    return NULL;
  }
  if (strcmp(plural, name) != 0 && name_taken(r, plural)) {
    *err = errf("unit '%s' is already declared", plural);
    return NULL;
  }
  if (of == UNIT_TOO_COMPLEX) {
    *err = "unit definition is too complex";
    return NULL;
  }

  if (!of && r->nbases >= UNIT_MAX_BASES) {
    *err = "too many base units (the limit is " STR(UNIT_MAX_BASES) ")";
    return NULL;
  }

  def_box *b = gc_alloc(sizeof *b);
  if (!b) {
    *err = "out of memory declaring a unit";
    return NULL;
  }
  unit_def *d = &b->d;
  if (!of) {
    d->dim[r->nbases] = 1;
    d->scale = dec_from_int(1);
  } else {
    /* A zero or negative size would make later conversions divide by zero
     * or flip signs silently. */
    if (dec_cmp(factor, dec_from_int(0)) <= 0) {
      *err = errf("unit '%s' must be a positive multiple of its base", name);
      return NULL;
    }
    int dim[UNIT_MAX_BASES] = {0};
    for (int i = 0; i < of->n; i++)
      for (int k = 0; k < UNIT_MAX_BASES; k++)
        dim[k] += of->f[i].def->dim[k] * of->f[i].exp;
    for (int k = 0; k < UNIT_MAX_BASES; k++) {
      if (dim[k] > UNIT_MAX_EXP || dim[k] < -UNIT_MAX_EXP) {
        *err = errf("unit '%s' has too large a power", name);
        return NULL;
      }
      d->dim[k] = (signed char)dim[k];
    }
    ratio q;
    ratio_init(&q);
    ratio_mul(&q, factor, 1);
    ratio_unit(&q, of, 1);
    if (ratio_value(&q, &d->scale) != DEC_OK) {
      *err = errf("unit '%s' is out of range", name);
      return NULL;
    }
  }

  if (r->n == r->cap) {
    int cap = r->cap ? r->cap * 2 : 16;
    def_box **nd = gc_realloc(r->defs, (size_t)cap * sizeof *nd);
    if (!nd) {
      *err = "out of memory declaring a unit";
      return NULL;
    }
    r->defs = nd;
    r->cap = cap;
  }
  d->name = gc_strdup(name);
  d->plural = plural == name ? d->name : gc_strdup(plural);
  d->symbol = symbol;
  d->money = money;
  d->minor = 2;
  d->index = r->n;
  b->one.n = 1;
  b->one.f[0].def = d;
  b->one.f[0].exp = 1;
  if (!of) r->nbases++;
  r->defs[r->n++] = b;
  return d;
}

unit_reg *unit_reg_new(void) {
  unit_reg *r = gc_alloc(sizeof *r);
  if (!r) return NULL;
  const char *err;
  dec one = dec_from_int(1);
  declare(r, "GBP", NULL, "£", true, one, NULL, &err);
  declare(r, "EUR", NULL, "€", true, one, NULL, &err);
  declare(r, "USD", NULL, "$", true, one, NULL, &err);
  /* Time is counted in minutes so that every built-in time unit is a whole
   * number of the base: 90 minutes is exactly 1.5 hours.  A month is a
   * twelfth of the 365-day year (730 hours), so 12 months convert to exactly
   * 1 year and £18m / 36 months is a rate per month; adding months to a
   * date is calendar arithmetic instead (eval/eval.c). */
  const unit_def *minute = declare(r, "minute", "minutes", NULL, false, one, NULL, &err);
  const unit_def *hour = declare(r, "hour", "hours", NULL, false, dec_from_int(60),
                                 unit_from_def(minute), &err);
  const unit_def *day = declare(r, "day", "days", NULL, false, dec_from_int(24),
                                unit_from_def(hour), &err);
  declare(r, "week", "weeks", NULL, false, dec_from_int(7), unit_from_def(day), &err);
  declare(r, "year", "years", NULL, false, dec_from_int(365), unit_from_def(day), &err);
  declare(r, "month", "months", NULL, false, dec_from_int(730), unit_from_def(hour), &err);
  return r;
}

const unit_def *unit_declare(unit_reg *r, const char *name, const char *plural,
                             dec factor, const unit_t *of, const char **err) {
  /* `unit NOK` declares the currency: a base unit named by an ISO 4217
   * code is money (docs/ocds.md, "Currencies") */
  if (!of && (!plural || !strcmp(plural, name)) && currency_find(name) && !unit_lookup(r, name)) return unit_currency(r, name, err);
  return declare(r, name, plural, NULL, false, factor, of, err);
}

const unit_def *unit_currency(unit_reg *r, const char *code, const char **err) {
  const char *dummy;
  if (!err) err = &dummy;
  const currency_info *c = currency_find(code);
  if (!c) {
    *err = errf("'%s' is not an ISO 4217 currency code", code ? code : "");
    return NULL;
  }
  const unit_def *d = unit_lookup(r, code);
  if (d) {
    if (!d->money) *err = errf("'%s' is declared as a unit that is not money", code);
    return d->money ? d : NULL;
  }
  unit_def *nd = (unit_def *)declare(r, c->code, NULL, NULL, true, dec_from_int(1), NULL, err);
  if (nd) nd->minor = (signed char)(c->minor < 0 ? 0 : c->minor);
  return nd;
}

const unit_def *unit_lookup(const unit_reg *r, const char *name) {
  if (!r || !name) return NULL;
  for (int i = 0; i < r->n; i++) {
    const unit_def *d = &r->defs[i]->d;
    if (strcmp(d->name, name) == 0 || strcmp(d->plural, name) == 0 ||
        (d->symbol && strcmp(d->symbol, name) == 0))
      return d;
  }
  return NULL;
}

const unit_t *unit_from_def(const unit_def *d) {
  return d ? &((const def_box *)d)->one : NULL;
}

/* ---- algebra ----------------------------------------------------------- */

static bool same_def_dim(const unit_def *a, const unit_def *b) {
  return memcmp(a->dim, b->dim, sizeof a->dim) == 0;
}

/* Builds the result from a scratch list: drops cancelled factors, enforces
 * the limits, and reuses the cached d^1 for single-definition results. */
static const unit_t *finish(const unit_factor *f, int n) {
  unit_t u = {0};
  for (int i = 0; i < n; i++) {
    if (f[i].exp == 0) continue;
    if (u.n == UNIT_MAX_FACTORS || f[i].exp > UNIT_MAX_EXP ||
        f[i].exp < -UNIT_MAX_EXP)
      return UNIT_TOO_COMPLEX;
    u.f[u.n++] = f[i];
  }
  if (u.n == 0) return NULL;
  if (u.n == 1 && u.f[0].exp == 1) return unit_from_def(u.f[0].def);
  unit_t *p = gc_alloc(sizeof *p);
  if (!p) return UNIT_TOO_COMPLEX;
  *p = u;
  return p;
}

static const unit_t *combine_ratio(const unit_t *a, const unit_t *b, int sign, ratio *rr) {
  ratio_init(rr);
  if (a == UNIT_TOO_COMPLEX || b == UNIT_TOO_COMPLEX) return UNIT_TOO_COMPLEX;

  unit_factor f[2 * UNIT_MAX_FACTORS];
  int n = 0;
  if (a) {
    memcpy(f, a->f, (size_t)a->n * sizeof *f);
    n = a->n;
  }
  ratio r;
  ratio_init(&r);
  for (int i = 0; b && i < b->n; i++) {
    const unit_def *d = b->f[i].def;
    int e = sign * b->f[i].exp;
    int j = -1;
    for (int k = 0; k < n && j < 0; k++)
      if (f[k].def == d) j = k;
    for (int k = 0; k < n && j < 0; k++)
      if (same_def_dim(f[k].def, d)) j = k;
    if (j >= 0) {
      if (f[j].def != d) { /* d^e == f[j].def^e * (d/f[j].def)^e */
        ratio_mul(&r, d->scale, e);
        ratio_mul(&r, f[j].def->scale, -e);
      }
      f[j].exp += e;
      continue;
    }
    int p = n;
    while (p > 0 && f[p - 1].def->index > d->index) p--;
    memmove(f + p + 1, f + p, (size_t)(n - p) * sizeof *f);
    f[p].def = d;
    f[p].exp = e;
    n++;
  }
  const unit_t *u = finish(f, n);
  *rr = r;
  if (u == UNIT_TOO_COMPLEX) return u;
  if (r.st != DEC_OK) return UNIT_TOO_COMPLEX;
  return u;
}

static const unit_t *combine(const unit_t *a, const unit_t *b, int sign, dec *scale) {
  dec dummy;
  if (!scale) scale = &dummy;
  *scale = dec_from_int(1);
  ratio r;
  const unit_t *u = combine_ratio(a, b, sign, &r);
  if (u == UNIT_TOO_COMPLEX) return u;
  if (ratio_value(&r, scale) != DEC_OK) {
    *scale = dec_from_int(1);
    return UNIT_TOO_COMPLEX;
  }
  return u;
}

const unit_t *unit_mul_ratio(const unit_t *a, const unit_t *b, int sign, dec *num, dec *den) {
  ratio r;
  const unit_t *u = combine_ratio(a, b, sign < 0 ? -1 : 1, &r);
  *num = r.num;
  *den = r.den;
  return u;
}

dec_status unit_convert(dec x, const unit_t *from, const unit_t *to, dec *out) {
  if (from == UNIT_TOO_COMPLEX || to == UNIT_TOO_COMPLEX || !unit_same_dim(from, to)) return DEC_INVALID;
  ratio r;
  ratio_init(&r);
  ratio_unit(&r, from, 1);
  ratio_unit(&r, to, -1);
  if (r.st != DEC_OK) return r.st;
  /* multiply first, divide once: 14 days as weeks is 14 × 24 / 168 = 2 exactly */
  dec t;
  dec_status st = dec_mul(x, r.num, &t);
  if (st != DEC_OK) return st;
  if (dec_eq(r.den, dec_from_int(1))) { *out = t; return DEC_OK; }
  return dec_div(t, r.den, out);
}

const unit_t *unit_mul(const unit_t *a, const unit_t *b, dec *scale) {
  return combine(a, b, 1, scale);
}

const unit_t *unit_div(const unit_t *a, const unit_t *b, dec *scale) {
  return combine(a, b, -1, scale);
}

const unit_t *unit_pow(const unit_t *a, int n) {
  if (!a || a == UNIT_TOO_COMPLEX) return a;
  if (n == 0) return NULL;
  if (n > UNIT_MAX_EXP || n < -UNIT_MAX_EXP) return UNIT_TOO_COMPLEX;
  unit_factor f[UNIT_MAX_FACTORS];
  for (int i = 0; i < a->n; i++) {
    f[i] = a->f[i];
    f[i].exp *= n; /* both bounded by 100: no int overflow */
  }
  return finish(f, a->n);
}

static void total_dim(const unit_t *u, int dim[UNIT_MAX_BASES]) {
  memset(dim, 0, UNIT_MAX_BASES * sizeof *dim);
  for (int i = 0; u && i < u->n; i++)
    for (int k = 0; k < UNIT_MAX_BASES; k++)
      dim[k] += u->f[i].def->dim[k] * u->f[i].exp;
}

bool unit_same_dim(const unit_t *a, const unit_t *b) {
  if (a == b) return true;
  int da[UNIT_MAX_BASES], db[UNIT_MAX_BASES];
  total_dim(a, da);
  total_dim(b, db);
  return memcmp(da, db, sizeof da) == 0;
}

bool unit_equal(const unit_t *a, const unit_t *b) {
  if (a == b) return true;
  if (!a || !b || a->n != b->n) return false;
  for (int i = 0; i < a->n; i++)
    if (a->f[i].def != b->f[i].def || a->f[i].exp != b->f[i].exp) return false;
  return true;
}

dec_status unit_factor_between(const unit_t *from, const unit_t *to, dec *k) {
  *k = dec_from_int(1);
  if (from == UNIT_TOO_COMPLEX || to == UNIT_TOO_COMPLEX ||
      !unit_same_dim(from, to))
    return DEC_INVALID;
  ratio r;
  ratio_init(&r);
  ratio_unit(&r, from, 1);
  ratio_unit(&r, to, -1);
  dec_status st = ratio_value(&r, k);
  if (st != DEC_OK) *k = dec_from_int(1);
  return st;
}

const unit_t *unit_finer(const unit_t *a, const unit_t *b) {
  if (a == b) return a;
  ratio r;
  ratio_init(&r);
  ratio_unit(&r, a, 1);
  ratio_unit(&r, b, -1);
  /* Comparing numerator and denominator avoids rounding a ratio like 1/7. */
  if (r.st != DEC_OK) return a;
  return dec_cmp(r.num, r.den) > 0 ? b : a;
}

bool unit_is_money(const unit_t *u) {
  return u && u->n == 1 && u->f[0].exp == 1 && u->f[0].def->money;
}

/* ---- text -------------------------------------------------------------- */

typedef struct {
  char *s;
  size_t n, cap;
  bool failed;
} sbuf;

static void sb_put(sbuf *b, const char *t) {
  size_t len = strlen(t);
  if (b->failed) return;
  if (b->n + len + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (b->n + len + 1 > cap) cap *= 2;
    char *s = b->s ? gc_realloc(b->s, cap) : gc_alloc_atomic(cap);
    if (!s) {
      b->failed = true;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  memcpy(b->s + b->n, t, len + 1);
  b->n += len;
}

static const char *sb_text(sbuf *b) {
  if (b->failed || !b->s) return "";
  return b->s;
}

/* Pure time units (hour, day, user minutes...) read best last: "FTE*hour",
 * "kg/hour^2". */
static bool is_time(const unit_def *d) {
  for (int k = 0; k < UNIT_MAX_BASES; k++)
    if ((k == TIME_DIM) != (d->dim[k] != 0)) return false;
  return true;
}

static void put_factor(sbuf *b, const unit_factor *f, bool plural) {
  sb_put(b, plural ? f->def->plural : f->def->name);
  int e = f->exp < 0 ? -f->exp : f->exp;
  if (e != 1) {
    char num[16];
    snprintf(num, sizeof num, "^%d", e);
    sb_put(b, num);
  }
}

/* Writes u's name leaving out `skip`; `plural` spells the last numerator
 * factor in the plural ("FTE*hours"); `lone_one` writes "1/hour" rather
 * than "/hour" when nothing is above the line. */
static void put_name(sbuf *b, const unit_t *u, const unit_def *skip,
                     bool plural, bool lone_one) {
  const unit_factor *up[UNIT_MAX_FACTORS], *down[UNIT_MAX_FACTORS];
  int nu = 0, nd = 0;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < u->n; i++) {
      const unit_factor *f = &u->f[i];
      if (f->def == skip || is_time(f->def) != (pass == 1)) continue;
      if (f->exp > 0)
        up[nu++] = f;
      else
        down[nd++] = f;
    }
  for (int i = 0; i < nu; i++) {
    if (i) sb_put(b, "*");
    put_factor(b, up[i], plural && i == nu - 1);
  }
  if (nu == 0 && lone_one) sb_put(b, "1");
  if (nd == 0) return;
  sb_put(b, nd > 1 ? "/(" : "/");
  for (int i = 0; i < nd; i++) {
    if (i) sb_put(b, "*");
    put_factor(b, down[i], false);
  }
  if (nd > 1) sb_put(b, ")");
}

const char *unit_name(const unit_t *u) {
  sbuf b = {0};
  if (u) put_name(&b, u, NULL, false, true);
  const char *s = sb_text(&b);
  return *s ? s : gc_strdup("");
}

/* The currency of a money amount or a money rate (£/hour, £/FTE): exactly
 * one currency to the first power with everything else below the line. */
static const unit_def *money_of(const unit_t *u) {
  const unit_def *m = NULL;
  for (int i = 0; u && i < u->n; i++) {
    const unit_factor *f = &u->f[i];
    if (f->def->money && f->exp == 1 && !m)
      m = f->def;
    else if (f->exp > 0)
      return NULL;
  }
  return m;
}

const char *unit_format_quantity(dec magnitude, const unit_t *u) {
  char digits[DEC_BUFSZ];
  sbuf b = {0};
  const unit_def *m = money_of(u);
  if (m) {
    if (dec_is_neg(magnitude)) sb_put(&b, "-");
    sb_put(&b, m->symbol ? m->symbol : m->name);
    if (!m->symbol) sb_put(&b, " ");
    dec_format_fixed(dec_abs(magnitude), m->minor, true, digits, sizeof digits);
    sb_put(&b, digits);
    put_name(&b, u, m, false, false);
    return sb_text(&b);
  }
  dec_format(magnitude, digits, sizeof digits);
  sb_put(&b, digits);
  if (u && u->n > 0) {
    bool above = false;
    for (int i = 0; i < u->n; i++) above |= u->f[i].exp > 0;
    if (above) sb_put(&b, " "); /* "3/hour" for a pure rate */
    put_name(&b, u, NULL, !dec_eq(magnitude, dec_from_int(1)), false);
  }
  return sb_text(&b);
}

bool unit_same_declaration(const unit_def *ex, const char *plural, dec factor, const unit_t *of) {
  if (plural && strcmp(plural, ex->plural) != 0) return false;
  /* `unit NOK` again (in an import) is the same currency; GBP is built in */
  if (ex->money) return !of && !ex->symbol;
  int nonzero = 0;
  for (int k = 0; k < UNIT_MAX_BASES; k++) nonzero += ex->dim[k] != 0;
  if (!of) { /* a base unit: one dimension to the power 1, size 1 */
    int one = 0;
    for (int k = 0; k < UNIT_MAX_BASES; k++) one += ex->dim[k] == 1;
    return nonzero == 1 && one == 1 && dec_eq(ex->scale, dec_from_int(1));
  }
  if (of == UNIT_TOO_COMPLEX) return false;
  int dim[UNIT_MAX_BASES];
  total_dim(of, dim);
  for (int k = 0; k < UNIT_MAX_BASES; k++)
    if (dim[k] != ex->dim[k]) return false;
  ratio r;
  ratio_init(&r);
  ratio_unit(&r, of, 1);
  dec want;
  if (ratio_value(&r, &want) != DEC_OK || dec_mul(want, factor, &want) != DEC_OK) return false;
  return dec_eq(want, ex->scale);
}

