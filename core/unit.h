/* Units of measure and dimensional analysis (SPEC 3.2).
 *
 * A *unit definition* (unit_def) is a named unit: `FTE`, `hour`, `GBP`.
 * Each is either a base unit (its own dimension) or derived from another
 * with a factor (`day = 24 hour`).  Every definition records its dimension
 * as a vector over base units and its scale relative to that base.
 *
 * A *unit* (unit_t) is what a quantity carries: a product of definitions
 * raised to non-zero integer powers, kept in a canonical order, e.g.
 * GBP^1 hour^-1 for `£15 per hour`.  NULL is the dimensionless unit (plain
 * numbers).  Units are immutable and allocated from the GC heap.
 *
 * Currencies are base units with no conversion between them: `£` is GBP,
 * `€` EUR, `$` USD.  Percent is NOT a unit (it is a display flag on plain
 * numbers, handled by the evaluator). */
#ifndef SVL_UNIT_H
#define SVL_UNIT_H

#include <stdbool.h>
#include "core/number.h"

#define UNIT_MAX_BASES 64  /* distinct base dimensions per registry */
#define UNIT_MAX_FACTORS 8 /* factors in one compound unit */

typedef struct unit_def {
  const char *name;    /* singular, as declared: "hour", "GBP", "tCO2e" */
  const char *plural;  /* "hours"; equal to name when none declared */
  const char *symbol;  /* "£" for GBP etc., else NULL */
  int index;           /* position in its registry */
  bool money;          /* GBP, EUR, USD and any ISO 4217 currency */
  signed char minor;   /* money: decimals shown at least (2; JPY 0, KWD 3) */
  signed char dim[UNIT_MAX_BASES]; /* exponent of each base dimension */
  dec scale;           /* size in base units: day = 86400 if base is second */
} unit_def;

typedef struct unit_factor {
  const unit_def *def;
  int exp;             /* non-zero */
} unit_factor;

typedef struct unit_t {
  int n;                               /* 1..UNIT_MAX_FACTORS */
  unit_factor f[UNIT_MAX_FACTORS];     /* sorted by def->index */
} unit_t;

typedef struct unit_reg unit_reg;

/* The largest |exponent| a unit may carry, in a factor or a dimension. */
#define UNIT_MAX_EXP 100

/* Returned by unit_mul, unit_div and unit_pow (NULL already means
 * dimensionless) when the result would need more than UNIT_MAX_FACTORS
 * factors, an exponent beyond UNIT_MAX_EXP, or a conversion factor out of
 * decimal128's range.  Callers must test `u == UNIT_TOO_COMPLEX` before
 * using a result; it has n == 0 and no factors. */
extern const unit_t unit_too_complex;
#define UNIT_TOO_COMPLEX (&unit_too_complex)

/* A registry with the built-ins: GBP (£), EUR (€), USD ($); minute(s),
 * hour(s) = 60 minutes, day(s) = 24 hours, week(s) = 7 days, year(s) =
 * 365 days, month(s) = 730 hours (a twelfth of a year). */
unit_reg *unit_reg_new(void);

/* Declare `unit NAME[, PLURAL] [= FACTOR OF]`.  `of` NULL declares a base
 * unit; otherwise the new unit is `factor` times `of` (which may itself be
 * compound: `unit kmh = 1 km/hour`).  Returns NULL and sets *err to a message (static
 * or GC text) when the name is taken or there are too many base units. */
const unit_def *unit_declare(unit_reg *r, const char *name, const char *plural,
                             dec factor, const unit_t *of, const char **err);
/* Would declaring (name, plural, factor, of) again give exactly `existing`?
 * A base unit matches a base unit; a derived one must have the same
 * dimension and size; a plural, when given, must be the same. */
bool unit_same_declaration(const unit_def *existing, const char *plural, dec factor, const unit_t *of);
/* The ISO 4217 currency `code` (NOK, MXN, PYG...): the registry's unit of
 * that name when it is a currency, else a new money base unit (with the
 * minor units of core/currency.h).  NULL with *err when the code is not
 * ISO 4217, when the name is taken by a unit that is not money, or when the
 * registry has no base dimension left.  Data names currencies at run time
 * (an OCDS Value's "currency"), so this may grow the registry then. */
const unit_def *unit_currency(unit_reg *r, const char *code, const char **err);
/* By singular or plural name; NULL when unknown. */
const unit_def *unit_lookup(const unit_reg *r, const char *name);

/* The one-factor unit for a definition (def^1). */
const unit_t *unit_from_def(const unit_def *d);

/* Product and quotient.  Factors of the same dimension with different
 * definitions are merged into the first one's definition (hour * day ->
 * hour^2), and *scale is set to the factor the magnitude must be
 * multiplied by to stay correct (1 when nothing was merged).  A result
 * with no factors left is NULL (dimensionless: £50 / £100 is 0.5). */
const unit_t *unit_mul(const unit_t *a, const unit_t *b, dec *scale);
const unit_t *unit_div(const unit_t *a, const unit_t *b, dec *scale);
const unit_t *unit_pow(const unit_t *a, int n); /* NULL stays NULL */
/* The same as unit_mul (sign 1) / unit_div (sign -1), with the scale as an
 * exact fraction num/den, so the caller can multiply first and divide once
 * (14 days × £300 per week is £600, not £600.0000…2). */
const unit_t *unit_mul_ratio(const unit_t *a, const unit_t *b, int sign, dec *num, dec *den);
/* x in unit `from`, converted to `to` (same dimension), multiplying first and
 * dividing once so that whole conversions stay exact. */
dec_status unit_convert(dec x, const unit_t *from, const unit_t *to, dec *out);

/* Same dimension (what + - < need); NULL == NULL is true. */
bool unit_same_dim(const unit_t *a, const unit_t *b);
bool unit_equal(const unit_t *a, const unit_t *b); /* identical factors */
/* Factor k with  x[from] * k == x[to].  Requires unit_same_dim.
 * Money of different currencies has different dimensions, so this never
 * converts currencies. */
dec_status unit_factor_between(const unit_t *from, const unit_t *to, dec *k);
/* For + and -: of two units of the same dimension, the finer one (smaller
 * scale): 1 week + 2 days is in days. */
const unit_t *unit_finer(const unit_t *a, const unit_t *b);

bool unit_is_money(const unit_t *u);  /* exactly one currency, power 1 */

/* Canonical name, singular: "GBP", "week", "GBP/hour", "FTE*hour", "kg/hour^2".
 * NULL unit gives "". Returned text is GC-allocated. */
const char *unit_name(const unit_t *u);

/* Display form of a quantity (SPEC 3.2):
 *   money        "£1,234.50", "-£30.00", "£0.125"  (sign, symbol, thousands
 *                separators, at least 2 decimals; EUR "€", USD "$");
 *                a currency without a symbol by its code and its minor
 *                units: "NOK 1,234.50", "PYG 1,500,000", "KWD 2.500"
 *   money/unit   "£15.00/hour"
 *   other        "40 hours", "1 hour", "2.5 tCO2e", "3 FTE/hour"
 *                (the plural spelling unless the magnitude is exactly 1;
 *                 "-0" prints as "0")
 * Returns GC-allocated text. */
const char *unit_format_quantity(dec magnitude, const unit_t *u);

#endif
