/* Decimal numbers: IEEE 754-2008 decimal128 through Intel's BID library.
 *
 * Every number in SVL is a `dec`.  No binary floating point is used anywhere
 * in this module: parsing, arithmetic and printing all stay in decimal, so
 * 0.1 + 0.2 == 0.3 and printed values carry no binary noise.
 *
 * Functions that can fail return a `dec_status` and write the result through
 * a pointer; the caller (the evaluator) turns a status into an SVL error with
 * a source location.  This module never prints, exits or allocates from the
 * GC: it is pure arithmetic, so it is trivially testable and fuzzable. */
#ifndef SVL_NUMBER_H
#define SVL_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { uint64_t w[2]; } dec; /* same layout as BID_UINT128 */

/* A number in 8 bytes, for values kept in bulk (the rows of a typed
 * load): exact, and only when the coefficient is below 2^49 in the common
 * encoding -- every price, count and measure a CSV usually holds.  The
 * word is the number's high word (sign and exponent bits as they are)
 * with the coefficient in its low 49 bits, so dec_unpack64 gives back the
 * very bits packed (1.50 stays 1.50, not 1.5).  False when x does not fit:
 * a coefficient of more bits, or the other encoding (steering bits 11). */
#define DEC_PACK_LOW ((((uint64_t)1) << 49) - 1)
static inline bool dec_pack64(dec x, uint64_t *out) {
  if ((x.w[1] & DEC_PACK_LOW) || (x.w[1] >> 61 & 3) == 3 || x.w[0] > DEC_PACK_LOW) return false;
  *out = x.w[1] | x.w[0];
  return true;
}
static inline dec dec_unpack64(uint64_t p) {
  dec x = {{p & DEC_PACK_LOW, p & ~DEC_PACK_LOW}};
  return x;
}

typedef enum {
  DEC_OK = 0,
  DEC_DIV_ZERO,   /* division (or mod) by zero */
  DEC_OVERFLOW,   /* result beyond decimal128's range */
  DEC_INVALID,    /* e.g. sqrt of a negative, ln of zero */
  DEC_INEXACT,    /* dec_parse: more digits than decimal128 holds */
  DEC_SYNTAX      /* dec_parse: not a number */
} dec_status;

/* Rounding modes for dec_round. */
typedef enum {
  DEC_HALF_EVEN,   /* banker's rounding */
  DEC_HALF_AWAY,   /* spreadsheets' ROUND: 2.5 -> 3, -2.5 -> -3 */
  DEC_UP,          /* away from zero */
  DEC_DOWN,        /* towards zero */
  DEC_FLOOR,       /* towards -infinity */
  DEC_CEIL         /* towards +infinity */
} dec_rounding;

dec dec_from_int(int64_t i);
/* Exact conversion to int64 when x is integral and in range; else false. */
bool dec_to_int(dec x, int64_t *out);
/* dec_to_int's commonest case inline: a positive whole number with
 * exponent 0 (what dec_from_int makes of a small int: an index, a range's
 * item), whose coefficient is the low word.  False says nothing: ask
 * dec_to_int. */
static inline bool dec_small_whole(dec x, int64_t *out) {
  if (x.w[1] != 0x3040000000000000ull || x.w[0] > (uint64_t)INT64_MAX) return false;
  *out = (int64_t)x.w[0];
  return true;
}

/* Parse a decimal literal: optional sign, digits with optional '.', optional
 * exponent (e/E, sign, digits).  Underscores are NOT accepted here (the
 * lexer strips them).  DEC_INEXACT when the value has more significant
 * digits than decimal128 holds exactly (we refuse to round silently);
 * DEC_OVERFLOW beyond range; DEC_SYNTAX for anything else.  `len` bytes of
 * `s` are read; s need not be NUL-terminated. */
dec_status dec_parse(const char *s, size_t len, dec *out);
/* Exactly what dec_parse makes of a literal whose digits, read as one
 * integer, are c (below 10^19) and whose value is c * 10^ex: the fast path
 * of loading numbers, which are mostly such literals.  false when dec_parse
 * would take its general path; the caller then calls dec_parse. */
bool dec_from_digits(bool neg, uint64_t c, int64_t ex, dec *out);

/* x as dec_format writes it, in parts: the sign, the coefficient without
 * trailing zeros (0 for zero, which is never negative) and the exponent,
 * x = (neg ? -1 : 1) * c * 10^ex.  False for an infinity or NaN. */
bool dec_parts(dec x, bool *neg, unsigned __int128 *c, int *ex);

/* Plain notation, never an exponent, no trailing fractional zeros, "-0"
 * printed as "0".  Writes a NUL-terminated string into buf (cap bytes) and
 * returns its length; DEC_BUFSZ is always enough. */
/* dec_format needs at most 6180 bytes ("-0." + 6176 digits + NUL); with
 * grouping, a 6145-digit integer part gains 2048 commas, so dec_format_fixed
 * needs 8196 + min_places bytes: enough for min_places <= 250. */
#define DEC_BUFSZ 8448
size_t dec_format(dec x, char *buf, size_t cap);
/* Like dec_format but with at least `min_places` decimals (money: 2) and,
 * when `group` is true, ',' thousands separators in the integer part.
 * The sign is written first ("-1,234.50"). */
size_t dec_format_fixed(dec x, int min_places, bool group, char *buf, size_t cap);

dec_status dec_add(dec a, dec b, dec *out);
dec_status dec_sub(dec a, dec b, dec *out);
dec_status dec_mul(dec a, dec b, dec *out);
dec_status dec_div(dec a, dec b, dec *out);
/* Floored modulo: the result takes the sign of the divisor (-12 mod 5 = 3). */
dec_status dec_mod(dec a, dec b, dec *out);
/* a ^ b: exact by repeated squaring when b is an integer (negative too);
 * otherwise exp(b * ln a), accurate to at least 30 significant digits. */
dec_status dec_pow(dec a, dec b, dec *out);
dec_status dec_sqrt(dec a, dec *out);
dec_status dec_ln(dec a, dec *out);
dec_status dec_exp(dec a, dec *out);
dec_status dec_log10(dec a, dec *out);

dec dec_neg(dec a);
dec dec_abs(dec a);
/* Round to `places` decimal places (may be negative: round to tens etc.). */
dec_status dec_round(dec a, int places, dec_rounding mode, dec *out);

int dec_cmp(dec a, dec b);       /* -1, 0, 1; numeric, so 2.50 == 2.5 */
/* A key that orders as dec_cmp does, compared as two unsigned integers
 * (hi first): for sorting many values by one precomputed key each.  False
 * for a value outside the common encoding (then use dec_cmp). */
typedef struct { uint64_t hi; unsigned __int128 lo; } dec_key;
bool dec_sort_key(dec a, dec_key *k);
static inline int dec_key_cmp(const dec_key *a, const dec_key *b) {
  if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
  return (a->lo > b->lo) - (a->lo < b->lo);
}
/* The same order in one 128-bit integer, for keys kept for many values
 * at once (sort_by's: 16 bytes a key instead of 32).  hi is below zero's
 * by a value's leading-digit exponent (1 .. 12,321) when it is negative,
 * above it by that much when positive: 15 bits for the sign and exponent,
 * and lo, below 10^34, takes the 113 under them. */
static inline unsigned __int128 dec_key_wide(const dec_key *k) {
  const uint64_t zero = (uint64_t)1 << 62, mid = (uint64_t)1 << 14;
  uint64_t rank = k->hi > zero ? mid + (k->hi - 2 * zero) : k->hi == zero ? mid : mid - (((uint64_t)1 << 32) - k->hi);
  return (unsigned __int128)rank << 113 | k->lo;
}
bool dec_eq(dec a, dec b);
bool dec_is_zero(dec a);
/* Exactly the canonical 1 that dec_from_int(1) makes (coefficient 1,
 * exponent 0); other encodings of one, like 1.0, answer false.  For fast
 * paths that may skip multiplying by one. */
static inline bool dec_is_one(dec a) { return a.w[1] == 0x3040000000000000ull && a.w[0] == 1; }
bool dec_is_neg(dec a);          /* strictly below zero */
bool dec_is_int(dec a);          /* integral value */

#endif
