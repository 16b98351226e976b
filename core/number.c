/* Decimal numbers on top of Intel's BID decimal128 library (libbidgcc000:
 * arguments by value, rounding mode and status flags passed explicitly).
 *
 * Invariants kept by every public function:
 *  - no Inf or NaN is ever returned: each result is checked and turned into
 *    a dec_status instead;
 *  - a zero result is always +0, so "-0" never reaches callers that test the
 *    sign bit (dec_format would hide it anyway);
 *  - no binary floating point: Intel's sqrt needs libm's binary sqrt, so
 *    dec_sqrt is built from pow/division/fma instead, which also keeps the
 *    link line free of -lm. */
#include "core/number.h"

#include <bid_conf.h>
#include <bid_functions.h>
#include <string.h>

typedef BID_UINT128 B;

_Static_assert(sizeof(dec) == sizeof(B), "dec must match BID_UINT128");

#define RN BID_ROUNDING_TO_NEAREST
#define EMIN (-6176) /* smallest exponent of a decimal128 coefficient */
#define EMAX 6111    /* largest exponent of a decimal128 coefficient */
#define PREC 34

/* Fast paths (dec_add, dec_sub, dec_mul, dec_cmp) read the encoding
 * directly.  SMALL_COEFF: the common encoding of a finite decimal128 (not
 * the "11" steering form that huge coefficients, infinities and NaNs use)
 * with a coefficient below 2^64, so w[1] holds only sign and exponent and
 * w[0] the whole coefficient.  Whole numbers, money amounts and most
 * inputs are in this form. */
#if BID_HIGH_128W != 1
#error "the fast paths assume w[1] is the high word of a decimal128"
#endif
#define SMALL_COEFF(x) (((x).w[1] & 0x6000000000000000ull) != 0x6000000000000000ull && \
                        ((x).w[1] & 0x0001FFFFFFFFFFFFull) == 0)
#define EXP_BITS 0x7FFE000000000000ull
#define EXP_OF(x) ((int)(((x).w[1] & EXP_BITS) >> 49)) /* biased by 6176 */
#define BIAS 6176
#define EXP_TOP 12287 /* largest biased exponent */
#define TEN34 ((unsigned __int128)10000000000000000ull * 1000000000000000000ull)

static const uint64_t p10[20] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
  10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
  10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
  100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

/* A result of the fast paths: c below 10^34 (so the encoding is
 * canonical) and ex a biased exponent in range; never -0, as finish(). */
static dec pack(bool neg, int ex, unsigned __int128 c) {
  dec r;
  r.w[0] = (uint64_t)c;
  r.w[1] = ((uint64_t)(neg && c != 0) << 63) | ((uint64_t)ex << 49) | (uint64_t)(c >> 64);
  return r;
}

#define P19 ((unsigned __int128)10000000000000000000ull)
static const unsigned __int128 p10w[35] = {
  1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
  1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
  100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
  1000000000000000000ull, P19, P19 * 10, P19 * 100, P19 * 1000, P19 * 10000, P19 * 100000,
  P19 * 1000000, P19 * 10000000, P19 * 100000000, P19 * 1000000000, P19 * 10000000000ull,
  P19 * 100000000000ull, P19 * 1000000000000ull, P19 * 10000000000000ull,
  P19 * 100000000000000ull, P19 * 1000000000000000ull};


/* The coefficient and biased exponent of a finite decimal in the encoding
 * with the coefficient in the low 113 bits; false for infinities, NaNs,
 * the other encoding and non-canonical coefficients (>= 10^34, which mean
 * zero): those go to the library. */
static bool plain_coeff(dec a, unsigned __int128 *c, int *e) {
  if ((a.w[1] & 0x6000000000000000ull) == 0x6000000000000000ull) return false;
  *c = ((unsigned __int128)(a.w[1] & 0x0001FFFFFFFFFFFFull) << 64) | a.w[0];
  if (*c >= TEN34) return false;
  *e = EXP_OF(a);
  return true;
}

/* decimal digits of 0 < c < 10^34: from the bit length (log10 2 is about
 * 1233/4096), corrected by one comparison */
static int ndigits(unsigned __int128 c) {
  uint64_t hi = (uint64_t)(c >> 64);
  int bits = hi ? 128 - __builtin_clzll(hi) : 64 - __builtin_clzll((uint64_t)c);
  int d = (bits * 1233) >> 12;
  return d + (c >= p10w[d]);
}

static B to_b(dec x) {
  B b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static dec from_b(B b) {
  dec x;
  memcpy(&x, &b, sizeof x);
  return x;
}

static B b_int(int64_t i) { return bid128_from_int64(i); }

static bool b_zero(B x) {
  unsigned __int128 c;
  int e;
  if (plain_coeff(from_b(x), &c, &e)) return c == 0;
  return bid128_isZero(x) != 0;
}
static bool b_neg(B x) { return bid128_isSigned(x) && !bid128_isZero(x); }
static bool b_finite(B x) { return bid128_isFinite(x) != 0; }

/* Every result funnels through here so the "no Inf/NaN, no -0" invariants
 * hold in one place.  Callers detect division by zero beforehand, so an
 * infinity here can only mean the result left decimal128's range. */
static dec_status finish(B r, dec *out) {
  dec d = from_b(r);
  unsigned __int128 c;
  int e;
  if (plain_coeff(d, &c, &e)) { /* finite and canonical: only -0 to clear */
    if (c == 0) d.w[1] &= ~(1ull << 63);
    *out = d;
    return DEC_OK;
  }
  if (bid128_isNaN(r)) return DEC_INVALID;
  if (bid128_isInf(r)) return DEC_OVERFLOW;
  if (bid128_isZero(r)) r = bid128_abs(r);
  *out = from_b(r);
  return DEC_OK;
}

/* Writes "<sign><digits>E<exp>" for bid128_from_string; buf holds 64. */
static void build_literal(char *buf, bool neg, const char *dig, int nd,
                          int64_t ex) {
  char tmp[24];
  int n = 0, t = 0;
  if (neg) buf[n++] = '-';
  memcpy(buf + n, dig, (size_t)nd);
  n += nd;
  buf[n++] = 'E';
  if (ex < 0) buf[n++] = '-';
  uint64_t u = ex < 0 ? (uint64_t)0 - (uint64_t)ex : (uint64_t)ex;
  do tmp[t++] = (char)('0' + u % 10); while ((u /= 10) != 0);
  while (t) buf[n++] = tmp[--t];
  buf[n] = '\0';
}

static B b_pow10(int ex) {
  char buf[64];
  _IDEC_flags f = 0;
  build_literal(buf, false, "1", 1, ex);
  return bid128_from_string(buf, RN, &f);
}

/* Splits a finite x into sign, coefficient digits without trailing zeros
 * (exactly "0" for zero, which is never negative) and exponent.  Going
 * through bid128_to_string keeps us independent of the bit layout and of
 * non-canonical encodings, which the library already reads as zero. */
static bool unpack(B x, bool *neg, char dig[PREC + 8], int *nd, int *ex) {
  char s[80];
  _IDEC_flags f = 0;
  if (!b_finite(x)) return false;
  bid128_to_string(s, x, &f);
  const char *p = s;
  *neg = *p == '-';
  if (*p == '-' || *p == '+') p++;
  while (*p == '0') p++;
  int n = 0;
  while (*p >= '0' && *p <= '9' && n < PREC + 4) dig[n++] = *p++;
  while (*p >= '0' && *p <= '9') p++;
  int e = 0, es = 1;
  if (*p == 'E') p++;
  if (*p == '-' || *p == '+') es = *p++ == '-' ? -1 : 1;
  while (*p >= '0' && *p <= '9' && e < 100000) e = e * 10 + (*p++ - '0');
  e *= es;
  if (n == 0) {
    dig[0] = '0';
    *nd = 1;
    *ex = 0;
    *neg = false;
    return true;
  }
  for (; n > 1 && dig[n - 1] == '0'; n--) e++;
  *nd = n;
  *ex = e;
  return true;
}

bool dec_parts(dec x, bool *neg, unsigned __int128 *c, int *ex) {
  unsigned __int128 k;
  int e;
  if (plain_coeff(x, &k, &e)) { /* read from the encoding: no text */
    e -= BIAS;
    *neg = k != 0 && (x.w[1] >> 63);
    if (k == 0) e = 0;
    else if (k >> 64 == 0) {
      uint64_t s = (uint64_t)k;
      while (s % 10 == 0) s /= 10, e++;
      k = s;
    } else {
      while (k % 10 == 0) k /= 10, e++;
    }
    *c = k;
    *ex = e;
    return true;
  }
  char dig[PREC + 8];
  int nd;
  if (!unpack(to_b(x), neg, dig, &nd, ex)) return false;
  k = 0;
  for (int i = 0; i < nd; i++) k = k * 10 + (unsigned)(dig[i] - '0');
  *c = k;
  return true;
}

dec dec_from_int(int64_t i) { return from_b(b_int(i)); }

bool dec_to_int(dec x, int64_t *out) {
  /* A small coefficient: scale it by its exponent in 128 bits (callers
   * convert indexes, counts and table inputs all the time). */
  if (SMALL_COEFF(x)) {
    uint64_t c = x.w[0];
    int e = EXP_OF(x) - BIAS;
    bool neg = x.w[1] >> 63;
    unsigned __int128 v;
    if (c == 0) v = 0;
    else if (e >= 0) {
      if (e > 19) return false; /* at least 10^20 */
      v = (unsigned __int128)c * p10[e];
    } else {
      if (e < -19 || c % p10[-e]) return false; /* a fraction */
      v = c / p10[-e];
    }
    if (v > (unsigned __int128)INT64_MAX + neg) return false;
    *out = neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;
    return true;
  }
  if (!dec_is_int(x)) return false;
  _IDEC_flags f = 0;
  int64_t v = bid128_to_int64_int(to_b(x), &f);
  if (f & BID_INVALID_EXCEPTION) return false;
  *out = v;
  return true;
}

/* ---- parsing ---------------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The literal is validated and reduced to at most 34 significant digits and
 * a 64-bit exponent in one linear pass, so neither a 5,000-digit mantissa nor
 * an exponent like 1e999999999 costs more than reading it, and
 * bid128_from_string only ever sees a short canonical string.
 *
 * Trailing zeros are not "significant": 1.000...0 with 40 zeros, or 35
 * digits ending in 0, is accepted because it is exactly representable; only
 * a literal whose value would need rounding (more than 34 digits from the
 * first to the last non-zero digit, or below 1E-6176) is DEC_INEXACT. */
dec_status dec_parse(const char *s, size_t len, dec *out) {
  /* Keeps every digit count far from int64 overflow below. */
  if ((uint64_t)len > ((uint64_t)1 << 60)) return DEC_SYNTAX;
  size_t i = 0;
  bool neg = false;
  if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';

  char sig[PREC + 1];
  int64_t nsig = 0;     /* significant digits seen (after leading zeros) */
  int64_t last_nz = -1; /* index of the last non-zero significant digit */
  int64_t frac = 0;     /* digits after the point */
  for (int part = 0; part < 2; part++) {
    size_t start = i;
    for (; i < len && is_digit(s[i]); i++) {
      if (part) frac++;
      if (nsig == 0 && s[i] == '0') continue;
      if (nsig < PREC) sig[nsig] = s[i];
      if (s[i] != '0') last_nz = nsig;
      nsig++;
    }
    if (i == start) return DEC_SYNTAX; /* "", ".5", "1." */
    if (part == 0) {
      if (i < len && s[i] == '.') i++;
      else break;
    }
  }

  int64_t ex = 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    size_t start = i;
    for (; i < len && is_digit(s[i]); i++)
      if (ex < 1000000000) ex = ex * 10 + (s[i] - '0'); /* saturate */
    if (i == start) return DEC_SYNTAX;
    if (eneg) ex = -ex;
  }
  if (i != len) return DEC_SYNTAX;

  if (last_nz < 0) { /* any spelling of zero, whatever its exponent */
    *out = from_b(b_int(0));
    return DEC_OK;
  }
  int64_t nd = last_nz + 1;
  if (nd > PREC) return DEC_INEXACT;
  int64_t q = ex - frac + (nsig - nd); /* exponent of the stripped digits */
  if (q < EMIN) return DEC_INEXACT;    /* would underflow, i.e. round */
  if (q + nd - 1 > EMAX + PREC - 1) return DEC_OVERFLOW;

  if (nd <= 19 && q + BIAS >= 0 && q + BIAS <= EXP_TOP) {
    /* What bid128_from_string makes of these digits and exponent, built
     * directly: loading a CSV parses every cell. */
    uint64_t c = 0;
    for (int64_t k = 0; k < nd; k++) c = c * 10 + (uint64_t)(sig[k] - '0');
    *out = pack(neg, (int)(q + BIAS), c);
    return DEC_OK;
  }
  char lit[64];
  _IDEC_flags f = 0;
  build_literal(lit, neg, sig, (int)nd, q);
  B r = bid128_from_string(lit, RN, &f);
  if (f & BID_INEXACT_EXCEPTION) return DEC_INEXACT;
  return finish(r, out);
}

bool dec_from_digits(bool neg, uint64_t c, int64_t ex, dec *out) {
  if (c >= p10[19] || ex < -100000 || ex > 100000) return false;
  if (c == 0) { /* as dec_parse: any zero is the plain, unsigned 0 */
    *out = from_b(b_int(0));
    return true;
  }
  while (c % 10 == 0) c /= 10, ex++;
  if (ex + BIAS < 0 || ex + BIAS > EXP_TOP) return false;
  *out = pack(neg, (int)(ex + BIAS), c); /* dec_parse's short-literal path */
  return true;
}

/* ---- formatting ------------------------------------------------------- */

/* Output is truncated at cap - 1 bytes (always NUL-terminated when cap > 0)
 * and the returned length is what was actually written, so a caller that
 * passes a short buffer can never be sent past its end. */
typedef struct {
  char *buf;
  size_t cap, len;
} writer;

static void put(writer *w, char c) {
  if (w->len + 1 < w->cap) w->buf[w->len++] = c;
}

static size_t format(dec x, int min_places, bool group, char *buf,
                     size_t cap) {
  writer w = {buf, cap, 0};
  bool neg;
  char dig[PREC + 8];
  int nd, ex;
  if (min_places < 0) min_places = 0;
  if (!unpack(to_b(x), &neg, dig, &nd, &ex)) {
    /* Unreachable for values made by this module; stay printable anyway. */
    const char *t = bid128_isNaN(to_b(x)) ? "NaN"
                    : b_neg(to_b(x))      ? "-Infinity"
                                          : "Infinity";
    while (*t) put(&w, *t++);
  } else {
    if (neg) put(&w, '-');
    int intlen = nd + ex; /* digits before the point, if positive */
    if (intlen <= 0) {
      put(&w, '0');
    } else {
      for (int k = 0; k < intlen; k++) {
        if (group && k > 0 && (intlen - k) % 3 == 0) put(&w, ',');
        put(&w, k < nd ? dig[k] : '0');
      }
    }
    int fraclen = ex < 0 ? -ex : 0;
    int places = fraclen > min_places ? fraclen : min_places;
    if (places > 0) put(&w, '.');
    /* Bounded by the buffer too, so a huge min_places costs nothing. */
    for (int j = 0; j < places && w.len + 1 < w.cap; j++) {
      int pos = intlen + j; /* index into dig, negative for leading zeros */
      put(&w, pos >= 0 && pos < nd ? dig[pos] : '0');
    }
  }
  if (cap > 0) buf[w.len] = '\0';
  return w.len;
}

size_t dec_format(dec x, char *buf, size_t cap) {
  return format(x, 0, false, buf, cap);
}

size_t dec_format_fixed(dec x, int min_places, bool group, char *buf,
                        size_t cap) {
  return format(x, min_places, group, buf, cap);
}

/* ---- arithmetic ------------------------------------------------------- */

/* a + b (b negated for subtraction) when the sum is exact: small
 * coefficients, exponents at most 19 apart.  The coefficient with the larger
 * exponent is scaled to the smaller one in 128 bits (below 2^64 * 10^19, so
 * the sum cannot overflow); IEEE 754 gives an exact sum that smaller
 * exponent.  False when the sum would need rounding: the library then does
 * it. */
static inline __attribute__((always_inline)) bool add_fast(dec a, dec b, bool negate_b, dec *out) {
  if (!SMALL_COEFF(a) || !SMALL_COEFF(b)) return false;
  int ea = EXP_OF(a), eb = EXP_OF(b);
  if (ea - eb > 19 || eb - ea > 19) return false;
  unsigned __int128 x = a.w[0], y = b.w[0], c;
  if (ea > eb) x *= p10[ea - eb];
  else if (eb > ea) y *= p10[eb - ea];
  bool na = a.w[1] >> 63, nb = (bool)(b.w[1] >> 63) != negate_b, neg;
  if (na == nb) c = x + y, neg = na;
  else if (x >= y) c = x - y, neg = na;
  else c = y - x, neg = nb;
  if (c >= TEN34) return false;
  *out = pack(neg, ea < eb ? ea : eb, c);
  return true;
}

/* (hi:lo) / d for hi < d, the quotient fitting 64 bits; the remainder to
 * *r.  One divq on x86-64, where the compiler would call __udivti3 for a
 * 128-bit quotient it cannot bound; the long divisions below are made of
 * these. */
static inline uint64_t udiv128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *r) {
#if defined(__x86_64__)
  uint64_t q, rem;
  __asm__("divq %[d]" : "=a"(q), "=d"(rem) : [d] "rm"(d), "a"(lo), "d"(hi) : "cc");
  *r = rem;
  return q;
#else
  unsigned __int128 n = (unsigned __int128)hi << 64 | lo;
  uint64_t q = (uint64_t)(n / d);
  *r = (uint64_t)(n - (unsigned __int128)q * d);
  return q;
#endif
}

/* c (35 to 39 digits) rounded half to even to 34 digits, *ex raised by the
 * digits dropped; sticky says digits below c were dropped already, and
 * *inexact says whether anything was.  The one rounding step of the
 * integer sum and product below. */
static unsigned __int128 round34(unsigned __int128 c, bool sticky, int *ex, bool *inexact) {
  int k = 1;
  while (k < 5 && c >= TEN34 * p10[k]) k++;
  uint64_t d = p10[k], half = d / 2, hi = (uint64_t)(c >> 64), rem;
  uint64_t lo = udiv128(hi % d, (uint64_t)c, d, &rem);
  unsigned __int128 q = (unsigned __int128)(hi / d) << 64 | lo;
  if (rem > half || (rem == half && (sticky || (q & 1)))) q++;
  *ex += k;
  if (q == TEN34) q /= 10, ++*ex;
  *inexact = rem != 0 || sticky;
  return q;
}

/* Sums of wide coefficients (34-digit present values, say): the operand
 * with the larger exponent is scaled to the other's, which is exact in
 * 128 bits while it has at most 38 digits; the exact sum (at most 39
 * digits) is then rounded half to even to 34, as IEEE 754 rounds the
 * exact sum.  False when the exponents are too far apart (the smaller
 * operand would only round the result: the library does that) or the
 * result leaves the exponent range. */
static bool add_wide(dec a, dec b, bool negate_b, dec *out) {
  unsigned __int128 x, y, c;
  int ea, eb;
  if (!plain_coeff(a, &x, &ea) || !plain_coeff(b, &y, &eb)) return false;
  bool na = a.w[1] >> 63, nb = (bool)(b.w[1] >> 63) != negate_b, neg;
  if (ea < eb) {
    unsigned __int128 t = x; x = y; y = t;
    int te = ea; ea = eb; eb = te;
    bool tn = na; na = nb; nb = tn;
  }
  int d = ea - eb;
  if (d && x) {
    if (d > 38 || ndigits(x) + d > 38) return false;
    for (int k = d; k > 0; k -= 19) x *= p10[k > 19 ? 19 : k];
  }
  if (na == nb) c = x + y, neg = na;
  else if (x >= y) c = x - y, neg = na;
  else c = y - x, neg = nb;
  int ex = eb;
  bool inexact;
  if (c >= TEN34) c = round34(c, false, &ex, &inexact);
  if (ex > EXP_TOP) return false;
  *out = pack(neg, ex, c);
  return true;
}

dec_status dec_add(dec a, dec b, dec *out) {
  if (add_fast(a, b, false, out)) return DEC_OK;
  if (add_wide(a, b, false, out)) return DEC_OK;
  _IDEC_flags f = 0;
  return finish(bid128_add(to_b(a), to_b(b), RN, &f), out);
}

dec_status dec_sub(dec a, dec b, dec *out) {
  if (add_fast(a, b, true, out)) return DEC_OK;
  if (add_wide(a, b, true, out)) return DEC_OK;
  _IDEC_flags f = 0;
  return finish(bid128_sub(to_b(a), to_b(b), RN, &f), out);
}


/* x[0..n) / d in place, limbs least significant first; returns the
 * remainder. */
static uint64_t div_limbs1(uint64_t *x, int n, uint64_t d) {
  uint64_t r = 0;
  for (int i = n - 1; i >= 0; i--) x[i] = udiv128(r, x[i], d, &r); /* r < d */
  return r;
}

/* x * y for x and y below 2^113 (coefficients), in four limbs, least
 * significant first.  The high parts are below 2^49, so no sum
 * overflows. */
static void mul113(unsigned __int128 x, unsigned __int128 y, uint64_t w[4]) {
  uint64_t x0 = (uint64_t)x, x1 = (uint64_t)(x >> 64), y0 = (uint64_t)y, y1 = (uint64_t)(y >> 64);
  unsigned __int128 q00 = (unsigned __int128)x0 * y0, q01 = (unsigned __int128)x0 * y1,
                    q10 = (unsigned __int128)x1 * y0, q11 = (unsigned __int128)x1 * y1;
  unsigned __int128 mid = (q00 >> 64) + (uint64_t)q01 + (uint64_t)q10;
  unsigned __int128 hi = (mid >> 64) + (q01 >> 64) + (q10 >> 64) + q11;
  w[0] = (uint64_t)q00, w[1] = (uint64_t)mid, w[2] = (uint64_t)hi, w[3] = (uint64_t)(hi >> 64);
}

/* The commonest product, in the fewest instructions: two coefficients
 * below 2^64 whose product has at most 34 digits. */
static inline bool mul_small(dec a, dec b, dec *out) {
  if (!SMALL_COEFF(a) || !SMALL_COEFF(b)) return false;
  int ex = EXP_OF(a) + EXP_OF(b) - BIAS;
  unsigned __int128 c = (unsigned __int128)a.w[0] * b.w[0];
  if (ex < 0 || ex > EXP_TOP || c >= TEN34) return false;
  *out = pack((a.w[1] ^ b.w[1]) >> 63, ex, c);
  return true;
}

/* The product of two finite decimals rounded to 34 digits, half to even,
 * as IEEE 754 and the library define it, in integer arithmetic: the full
 * product of the coefficients (at most 226 bits), divided down to 35
 * digits with a sticky bit for every digit dropped, then rounded on the
 * last digit.  libbid's bid128_mul takes ~450 instructions a call (it goes
 * through its fused multiply-add); this takes ~60 for products that fit,
 * ~150 for those that need rounding.  False, leaving the library to it,
 * when the result's exponent is out of the normal range (overflow,
 * underflow, clamping) or an operand is special.  *inexact says whether
 * digits were dropped. */
static bool mul_fast(dec a, dec b, dec *out, bool *inexact) {
  *inexact = false;
  if (mul_small(a, b, out)) return true;
  unsigned __int128 x, y;
  int ea, eb;
  if (!plain_coeff(a, &x, &ea) || !plain_coeff(b, &y, &eb)) return false;
  bool neg = (a.w[1] ^ b.w[1]) >> 63;
  int ex = ea + eb - BIAS;
  uint64_t w[4];
  mul113(x, y, w);
  int bits = w[3] ? 256 - __builtin_clzll(w[3]) : w[2] ? 192 - __builtin_clzll(w[2])
           : w[1] ? 128 - __builtin_clzll(w[1]) : 64 - (w[0] ? __builtin_clzll(w[0]) : 64);
  if (bits <= 113 && ((unsigned __int128)w[1] << 64 | w[0]) < TEN34) {
    if (ex < 0 || ex > EXP_TOP) return false;
    *out = pack(neg, ex, (unsigned __int128)w[1] << 64 | w[0]);
    return true;
  }
  /* At least as many digits as 2^(bits-1) has (1233/4096 is just under
   * log10 2), so dividing by 10^(low - 35) leaves 35 to 38 digits. */
  int low = (((bits - 1) * 1233) >> 12) + 1, drop = low - 35;
  bool sticky = false;
  ex += drop > 0 ? drop : 0;
  while (drop > 0) {
    int k = drop > 19 ? 19 : drop;
    sticky |= div_limbs1(w, 4, p10[k]) != 0;
    drop -= k;
  }
  /* 35 to 38 digits left */
  unsigned __int128 c = round34((unsigned __int128)w[1] << 64 | w[0], sticky, &ex, inexact);
  if (ex < 0 || ex > EXP_TOP) return false;
  *out = pack(neg, ex, c);
  return true;
}

dec_status dec_mul(dec a, dec b, dec *out) {
  bool inexact;
  if (mul_small(a, b, out) || mul_fast(a, b, out, &inexact)) return DEC_OK;
  _IDEC_flags f = 0;
  return finish(bid128_mul(to_b(a), to_b(b), RN, &f), out);
}


/* u[0..n) *= m, limbs least significant first; returns the new length */
static int mul_limbs(uint64_t *u, int n, uint64_t m) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < n; i++) {
    unsigned __int128 t = (unsigned __int128)u[i] * m + carry;
    u[i] = (uint64_t)t;
    carry = t >> 64;
  }
  if (carry) u[n++] = (uint64_t)carry;
  return n;
}

/* u[0..n) / v for a divisor of two limbs (Knuth's algorithm D, base
 * 2^64), when the quotient is below 2^128: it goes to *q, the remainder
 * to *rest.  u has room for one more limb.  That bound makes the higher
 * quotient digits zero (u << sh is below 2^128 times v << sh), so only
 * the two low ones are worked out. */
static void div_limbs2(uint64_t *u, int n, unsigned __int128 v, unsigned __int128 *q, unsigned __int128 *rest) {
  int sh = __builtin_clzll((uint64_t)(v >> 64));
  v <<= sh;
  uint64_t v1 = (uint64_t)(v >> 64), v0 = (uint64_t)v;
  u[n] = 0;
  if (sh) {
    for (int i = n; i > 0; i--) u[i] = u[i] << sh | u[i - 1] >> (64 - sh);
    u[0] <<= sh;
  }
  uint64_t qd[2] = {0};
  for (int j = n - 2 < 1 ? n - 2 : 1; j >= 0; j--) {
    uint64_t qhat; /* a digit: 64 x 64-bit products below */
    unsigned __int128 rhat;
    if (u[j + 2] >= v1) qhat = UINT64_MAX, rhat = (unsigned __int128)u[j + 1] + v1;
    else {
      uint64_t r;
      qhat = udiv128(u[j + 2], u[j + 1], v1, &r);
      rhat = r;
    }
    while (!(rhat >> 64) && (unsigned __int128)qhat * v0 > (rhat << 64 | u[j])) qhat--, rhat += v1;
    /* u[j..j+2] -= qhat * v */
    unsigned __int128 p0 = (unsigned __int128)qhat * v0, p1 = (unsigned __int128)qhat * v1 + (p0 >> 64);
    uint64_t s0 = (uint64_t)p0, s1 = (uint64_t)p1, s2 = (uint64_t)(p1 >> 64);
    uint64_t b0 = u[j] < s0;
    u[j] -= s0;
    uint64_t b1 = u[j + 1] < s1 || (u[j + 1] - s1 < b0);
    u[j + 1] -= s1 + b0;
    bool under = u[j + 2] < s2 || (u[j + 2] - s2 < b1);
    u[j + 2] -= s2 + b1;
    /* With a divisor of two limbs the test above already checks qhat
     * against the whole divisor, so this should not happen (random tests
     * never reach it); it is algorithm D's own step, kept as the guard. */
    if (under) { /* qhat was one too big: add v back */
      qhat--;
      unsigned __int128 t = (unsigned __int128)u[j] + v0;
      u[j] = (uint64_t)t;
      t = (unsigned __int128)u[j + 1] + v1 + (uint64_t)(t >> 64);
      u[j + 1] = (uint64_t)t;
      u[j + 2] += (uint64_t)(t >> 64);
    }
    qd[j] = qhat;
  }
  *q = (unsigned __int128)qd[1] << 64 | qd[0];
  *rest = ((unsigned __int128)u[1] << 64 | u[0]) >> sh; /* u[2] is 0 now */
}

/* The quotient rounded to 34 digits half to even, or exact at the
 * exponent closest to ea - eb, as IEEE 754 and the library define it:
 * the dividend's coefficient is scaled by 10^s so that the integer
 * quotient has exactly 34 digits, which the remainder then rounds (up
 * when it is more than half the divisor; to even at half).  libbid's
 * bid128_div takes ~750 instructions; sroi divides by a discount factor
 * for every year of every programme.  False for a zero dividend,
 * specials and exponents out of range. */
static bool div_fast(dec a, dec b, dec *out) {
  unsigned __int128 x, y, q, rest;
  int ea, eb;
  if (!plain_coeff(a, &x, &ea) || !plain_coeff(b, &y, &eb) || x == 0 || y == 0) return false;
  bool neg = (a.w[1] ^ b.w[1]) >> 63;
  if (x < 1000000000000000ull && !(y >> 64) && (uint64_t)x * 10000 % (uint64_t)y == 0) {
    /* a quotient of small coefficients with at most four decimals beyond
     * the preferred exponent (a mean: 210 / 4 = 52.5): exact, at the
     * exponent nearest the preferred one — the smallest k with x * 10^k a
     * multiple of y — which the path below reaches only after dropping
     * the zeros of a 34-digit quotient */
    uint64_t c = (uint64_t)x * 10000 / (uint64_t)y;
    int k = 4;
    while (k > 0 && c % 10 == 0) c /= 10, k--;
    int ex = ea - eb + BIAS - k;
    if (ex < 0 || ex > EXP_TOP) return false;
    *out = pack(neg, ex, c);
    return true;
  }
  /* x / y lies in [10^(e-1), 10^e): with d the difference in digits, e is
   * d + 1 when x reaches y * 10^d (both sides below 10^34, so exact), else
   * d; then x * 10^s / y, s = 34 - e, lies in [10^33, 10^34). */
  int d = ndigits(x) - ndigits(y);
  int s = 34 - d - (d >= 0 ? x >= y * p10w[d] : x * p10w[-d] >= y); /* 0 to 67 */
  uint64_t u[6];
  mul113(x, p10w[s < 34 ? s : 34], u); /* x * 10^s: below 10^68, four limbs */
  int n = 4;
  while (n > 1 && !u[n - 1]) n--;
  for (int k = s - 34; k > 0; k -= 19) n = mul_limbs(u, n, p10[k > 19 ? 19 : k]);
  if (!(y >> 64)) {
    rest = div_limbs1(u, n, (uint64_t)y);
    q = (unsigned __int128)u[1] << 64 | u[0];
  } else {
    div_limbs2(u, n, y, &q, &rest);
  }
  int ex = ea - eb + BIAS - s;
  if (rest > y - rest || (rest == y - rest && (q & 1))) { /* past half, or half and odd */
    if (++q == TEN34) q /= 10, ex++;
  } else if (rest == 0) { /* exact: the exponent nearest the preferred one */
    /* 2.4 / 100 has 32 zeros to drop: in steps of 16, 8, 4, 2, 1 */
    static const unsigned __int128 step[5] = {10000000000000000ull, 100000000ull, 10000, 100, 10};
    for (int i = 0, k = 16; i < 5; i++, k /= 2)
      while (ea - eb + BIAS - ex >= k && q % step[i] == 0) q /= step[i], ex += k;
  }
  if (ex < 0 || ex > EXP_TOP) return false;
  *out = pack(neg, ex, q);
  return true;
}

dec_status dec_div(dec a, dec b, dec *out) {
  if (b_zero(to_b(b))) return DEC_DIV_ZERO;
  if (div_fast(a, b, out)) return DEC_OK;
  _IDEC_flags f = 0;
  return finish(bid128_div(to_b(a), to_b(b), RN, &f), out);
}

/* fmod is exact (truncated remainder, sign of the dividend); shifting by the
 * divisor turns it into the floored remainder.  That shift is exact unless
 * the operands' exponents are far apart (e.g. 1E-40 mod -5), where the true
 * result needs more than 34 digits and is rounded like any other result.
 *
 * Small coefficients at most 19 orders of magnitude apart: fmod gives the
 * exact remainder at the smaller exponent, and the shift by the divisor is
 * exact too while the divisor's coefficient at that exponent has at most 34
 * digits; so integer arithmetic gives the same bits.  dec_mod does it in 64
 * bits, mod_wide in 128 (the driver of the table benchmark takes six mods
 * per evaluation). */
static __attribute__((noinline)) dec_status mod_wide(dec a, dec b, dec *out) {
  if (SMALL_COEFF(a) && SMALL_COEFF(b) && b.w[0] != 0) {
    int ea = EXP_OF(a), eb = EXP_OF(b);
    if (ea - eb <= 19 && eb - ea <= 19) {
      unsigned __int128 x = a.w[0], y = b.w[0];
      if (ea > eb) x *= p10[ea - eb];
      else y *= p10[eb - ea];
      if (y < TEN34) {
        bool na = a.w[1] >> 63, nb = b.w[1] >> 63, neg = na;
        unsigned __int128 r = x % y;
        if (r != 0 && na != nb) {
          r = y - r;
          neg = nb;
        }
        *out = pack(neg, ea < eb ? ea : eb, r);
        return DEC_OK;
      }
    }
  }
  B x = to_b(a), y = to_b(b);
  if (b_zero(y)) return DEC_DIV_ZERO;
  _IDEC_flags f = 0;
  B r = bid128_fmod(x, y, &f);
  if (b_finite(r) && !b_zero(r) && b_neg(r) != b_neg(y))
    r = bid128_add(r, y, RN, &f);
  return finish(r, out);
}

dec_status dec_mod(dec a, dec b, dec *out) {
  if (SMALL_COEFF(a) && SMALL_COEFF(b) && b.w[0] != 0) {
    int ea = EXP_OF(a), eb = EXP_OF(b);
    uint64_t x = a.w[0], y = b.w[0];
    if (ea >= eb ? ea - eb <= 19 && !__builtin_mul_overflow(x, p10[ea - eb], &x)
                 : eb - ea <= 19 && !__builtin_mul_overflow(y, p10[eb - ea], &y)) {
      bool na = a.w[1] >> 63, nb = b.w[1] >> 63, neg = na;
      uint64_t r = x % y;
      if (r != 0 && na != nb) {
        r = y - r;
        neg = nb;
      }
      *out = pack(neg, ea < eb ? ea : eb, r);
      return DEC_OK;
    }
  }
  return mod_wide(a, b, out);
}

/* Double-decimal (h + l, |l| <= ulp(h)/2) keeps ~60 digits through repeated
 * squaring, so integer powers stay exact whenever the result fits and are
 * correctly rounded in practice when it does not; plain decimal128 squaring
 * would lose about log2(n) digits' worth of ulps. */
typedef struct {
  B h, l;
} dd;

static dd dd_mul(dd x, dd y) {
  _IDEC_flags f = 0;
  B p = bid128_mul(x.h, y.h, RN, &f);
  /* The exact error of a 34x34-digit product fits in 34 digits. */
  B e = bid128_fma(x.h, y.h, bid128_negate(p), RN, &f);
  B c = bid128_add(bid128_mul(x.h, y.l, RN, &f), bid128_mul(x.l, y.h, RN, &f),
                   RN, &f);
  B t = bid128_add(e, c, RN, &f);
  dd r;
  r.h = bid128_add(p, t, RN, &f);
  r.l = bid128_sub(t, bid128_sub(r.h, p, RN, &f), RN, &f);
  return r;
}

typedef struct {
  dec a, r;
  int64_t n;
  dec_status st;
  bool used;
} pow_memo;
static _Thread_local pow_memo pow_memos[64];

static dec_status int_pow_dd(B a, int64_t n, dec *out);

/* a^n for n != 0, a != 0. */
static dec_status int_pow(B a, int64_t n, dec *out) {
  if (n > 0) {
    /* Most powers in rules are exact in 34 digits ((1 - 15.1%)^9 has 27):
     * plain multiplication, watching the inexact flag, gets them in a few
     * products, and an exact product is the same value and exponent the
     * double-decimal path below would give.  Only a rounded result (or an
     * overflow) needs that path. */
    dec r = dec_from_int(1), base = from_b(a);
    uint64_t u = (uint64_t)n;
    bool inexact = false;
    while (u && !inexact) {
      if (u & 1 && !mul_fast(r, base, &r, &inexact)) break;
      u >>= 1;
      if (u && !mul_fast(base, base, &base, &inexact)) break;
    }
    if (!u && !inexact) return finish(to_b(r), out);
  }
  /* The rounded powers that reach the slow path below are mostly the same
   * few again and again: discount factors (1 + 3.5%)^t for t = 1..years,
   * for every programme or bid.  A power is a pure function of (a, n), so
   * a small per-thread table of recent results is safe to consult. */
  dec ad = from_b(a);
  unsigned h = (unsigned)(((ad.w[0] ^ (ad.w[1] * 0x9E3779B97F4A7C15u)) + (uint64_t)n * 0xFF51AFD7ED558CCDu) >> 58);
  pow_memo *m = &pow_memos[h];
  if (m->used && m->n == n && m->a.w[0] == ad.w[0] && m->a.w[1] == ad.w[1]) {
    *out = m->r;
    return m->st;
  }
  dec_status st = int_pow_dd(a, n, out);
  m->used = true;
  m->a = ad;
  m->n = n;
  m->r = *out;
  m->st = st;
  return st;
}

static dec_status int_pow_dd(B a, int64_t n, dec *out) {
  _IDEC_flags f = 0;
  bool neg_exp = n < 0;
  dd base;
  if (neg_exp) {
    /* a^-n as (1/a)^n rather than 1/(a^n): identical when 1/a is exact
     * (2^-2 = 0.5^2), and it avoids overflow in a^n when 1/a^n is tiny
     * but representable (decimal128's range is asymmetric). */
    B one = b_int(1);
    base.h = bid128_div(one, a, RN, &f);
    B res = bid128_fma(bid128_negate(a), base.h, one, RN, &f);
    base.l = bid128_div(res, a, RN, &f);
  } else {
    base.h = a;
    base.l = b_int(0);
  }
  dd r = {b_int(1), b_int(0)};
  uint64_t u = neg_exp ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
  while (u) {
    if (u & 1) {
      r = dd_mul(r, base);
      if (!b_finite(r.h)) return DEC_OVERFLOW;
    }
    u >>= 1;
    if (u) {
      /* Squaring only when a higher bit still needs it, so an overflow here
       * means the result itself overflows: stop at once. */
      base = dd_mul(base, base);
      if (!b_finite(base.h)) return DEC_OVERFLOW;
    }
  }
  return finish(r.h, out);
}

/* a^n for a small coefficient and a whole exponent 1 <= n, when the power
 * is exact: the coefficient's n-th power (below 10^34) at n times the
 * exponent, which is what int_pow's exact products give (an exact product
 * is the exact coefficient at the sum of the exponents), in a few 128-bit
 * products instead of a call of mul_fast for each.  Every value the loop
 * makes is c^m for some m <= n (a square is taken only when a higher bit
 * of n still needs it), so with c below 2^bits and bits * n <= 113 none
 * can pass 2^113: no overflow, and one comparison with 10^34 at the end.
 * Beyond that bound (c^n may have more than 34 digits) int_pow decides. */
static bool pow_small(dec a, uint64_t n, dec *out) {
  uint64_t c = a.w[0];
  if (!SMALL_COEFF(a) || c == 0 || n > 113) return false;
  if ((uint64_t)(64 - __builtin_clzll(c)) * n > 113) return false;
  int64_t ex = (int64_t)(EXP_OF(a) - BIAS) * (int64_t)n + BIAS;
  if (ex < 0 || ex > EXP_TOP) return false;
  unsigned __int128 r = 1, base = c;
  bool neg = (a.w[1] >> 63) && (n & 1);
  for (;;) {
    if (n & 1) r *= base;
    n >>= 1;
    if (!n) break;
    base *= base;
  }
  if (r >= TEN34) return false;
  *out = pack(neg, (int)ex, r);
  return true;
}

dec_status dec_pow(dec a, dec b, dec *out) {
  /* (1 + 3.5%)^t: a small whole exponent written as an integer (exponent
   * 0, the form a counter or a range item has) and a small exact power */
  if (SMALL_COEFF(b) && EXP_OF(b) == BIAS && !(b.w[1] >> 63)) {
    if (b.w[0] == 0) { /* x^0 = 1, 0^0 too */
      *out = pack(false, BIAS, 1);
      return DEC_OK;
    }
    if (pow_small(a, b.w[0], out)) return DEC_OK;
  }
  B x = to_b(a), y = to_b(b);
  bool integral = dec_is_int(b);
  if (b_zero(y)) return finish(b_int(1), out); /* 0^0 = 1 too */
  if (b_zero(x)) return b_neg(y) ? DEC_DIV_ZERO : finish(b_int(0), out);
  int64_t n;
  if (integral && dec_to_int(b, &n)) return int_pow(x, n, out);
  if (!integral && b_neg(x)) return DEC_INVALID;
  /* Fractional exponents, and integers beyond int64 (where only values of
   * a within ~1e-18 of +-1 stay in range, e.g. (1+1e-33)^1e20): bid128_pow
   * evaluates exp(b * ln a) internally with extra precision, takes the sign
   * from b's parity, and measured against 80-digit references it is within
   * ~2 ulps. */
  _IDEC_flags f = 0;
  return finish(bid128_pow(x, y, RN, &f), out);
}

static B b_absdiff_sq(B c, B a) {
  _IDEC_flags f = 0;
  return bid128_abs(bid128_fma(c, c, bid128_negate(a), RN, &f));
}

dec_status dec_sqrt(dec a, dec *out) {
  B x = to_b(a);
  _IDEC_flags f = 0;
  if (b_neg(x)) return DEC_INVALID;
  if (b_zero(x)) return finish(b_int(0), out);
  /* Work on x / 10^2k, near 1, so the residuals below never underflow;
   * both scalings only move the exponent and are exact. */
  int k = bid128_ilogb(x, &f) / 2;
  x = bid128_scalbn(x, -2 * k, RN, &f);
  char half_s[] = "0.5";
  B half = bid128_from_string(half_s, RN, &f);
  B y = bid128_pow(x, half, RN, &f);
  /* One Newton step, written as a small correction (y + (x - y*y)/2y with
   * the residual from fma) because the textbook (y + x/y)/2 can lose a digit
   * when y + x/y crosses a power of ten ... */
  B res = bid128_fma(bid128_negate(y), y, x, RN, &f);
  y = bid128_add(y, bid128_div(bid128_mul(res, half, RN, &f), y, RN, &f), RN,
                 &f);
  /* ... and comparing exact residuals of the neighbours picks the nearest
   * 34-digit root, so perfect squares come out exact. */
  B best = y, bres = b_absdiff_sq(y, x);
  B cand[2] = {bid128_nextdown(y, &f), bid128_nextup(y, &f)};
  for (int i = 0; i < 2; i++) {
    B r = b_absdiff_sq(cand[i], x);
    if (bid128_quiet_less(r, bres, &f)) {
      best = cand[i];
      bres = r;
    }
  }
  return finish(bid128_scalbn(best, k, RN, &f), out);
}

dec_status dec_ln(dec a, dec *out) {
  B x = to_b(a);
  if (b_neg(x) || b_zero(x)) return DEC_INVALID;
  _IDEC_flags f = 0;
  return finish(bid128_log(x, RN, &f), out);
}

dec_status dec_log10(dec a, dec *out) {
  B x = to_b(a);
  if (b_neg(x) || b_zero(x)) return DEC_INVALID;
  _IDEC_flags f = 0;
  return finish(bid128_log10(x, RN, &f), out);
}

dec_status dec_exp(dec a, dec *out) {
  _IDEC_flags f = 0;
  return finish(bid128_exp(to_b(a), RN, &f), out);
}

dec dec_neg(dec a) {
  B x = to_b(a);
  return from_b(b_zero(x) ? bid128_abs(x) : bid128_negate(x));
}

dec dec_abs(dec a) { return from_b(bid128_abs(to_b(a))); }

static _IDEC_round bid_mode(dec_rounding mode, bool neg) {
  switch (mode) {
  case DEC_HALF_EVEN: return BID_ROUNDING_TO_NEAREST;
  case DEC_HALF_AWAY: return BID_ROUNDING_TIES_AWAY;
  case DEC_UP: return neg ? BID_ROUNDING_DOWN : BID_ROUNDING_UP;
  case DEC_DOWN: return BID_ROUNDING_TO_ZERO;
  case DEC_FLOOR: return BID_ROUNDING_DOWN;
  case DEC_CEIL: return BID_ROUNDING_UP;
  }
  return BID_ROUNDING_TO_NEAREST;
}

dec_status dec_round(dec a, int places, dec_rounding mode, dec *out) {
  B x = to_b(a);
  bool neg;
  char dig[PREC + 8];
  int nd, q;
  if (!unpack(x, &neg, dig, &nd, &q)) return finish(x, out);
  int64_t e = -(int64_t)places; /* exponent of the rounding unit */
  /* Already a multiple of 10^e (this covers every e below EMIN, and large
   * `places` on long numbers): nothing to round, and quantize would fail
   * trying to pad the coefficient past 34 digits. */
  if (q >= e) return finish(x, out);
  _IDEC_flags f = 0;
  _IDEC_round rm = bid_mode(mode, neg);
  if (e <= EMAX)
    return finish(bid128_quantize(x, b_pow10((int)e), rm, &f), out);

  /* A unit above 10^6111 cannot be a quantum, so scale x down, round to
   * 10^6111 and scale back (overflowing if the rounded value is too big).
   * Past 10^6146 every unit behaves alike, which bounds the shift. */
  if (e > EMAX + 40) e = EMAX + 40;
  int shift = (int)(e - EMAX);
  /* Rounding away from zero keeps a tiny x non-zero if the shift drops it
   * below EMIN, which is all the quantize step needs to know then. */
  B s = bid128_scalbn(x, -shift, neg ? BID_ROUNDING_DOWN : BID_ROUNDING_UP, &f);
  B r = bid128_quantize(s, b_pow10(EMAX), rm, &f);
  if (b_zero(r)) return finish(r, out);
  return finish(bid128_scalbn(r, shift, RN, &f), out);
}

/* ---- comparison ------------------------------------------------------- */

int dec_cmp(dec a, dec b) {
  /* Small coefficients whose exponents differ by at most 19: scale one to
   * the other's exponent in 128 bits (2^64 * 10^19 < 2^128) and compare
   * integers.  Tables and sorts over whole numbers and pence do this all
   * the time; literals like 10 are stored as 1E1, results as 10E0. */
  if (SMALL_COEFF(a) && SMALL_COEFF(b)) {
    int ea = EXP_OF(a), eb = EXP_OF(b);
    if (ea - eb <= 19 && eb - ea <= 19) {
      unsigned __int128 x = a.w[0], y = b.w[0];
      if (ea > eb) x *= p10[ea - eb];
      else y *= p10[eb - ea];
      bool na = a.w[1] >> 63, nb = b.w[1] >> 63;
      if (x == 0 && y == 0) return 0;
      if (na != nb) return na ? -1 : 1;
      int c = (x > y) - (x < y);
      return na ? -c : c;
    }
  }
  /* Any two finite decimals in the plain encoding: order by sign, then by
   * the position of the leading digit (exponent + digits - 1), and only
   * when that ties scale the one with fewer digits (at most 33 places, so
   * it stays below 10^34 < 2^113) and compare integers.  Sorting scores
   * (34-digit quotients) lands here rather than in two library calls. */
  unsigned __int128 x, y;
  int ea, eb;
  if (plain_coeff(a, &x, &ea) && plain_coeff(b, &y, &eb)) {
    bool na = a.w[1] >> 63, nb = b.w[1] >> 63;
    if (x == 0 || y == 0) {
      if (x == 0 && y == 0) return 0;
      if (x == 0) return nb ? 1 : -1;
      return na ? -1 : 1;
    }
    if (na != nb) return na ? -1 : 1;
    int da = ndigits(x), db = ndigits(y);
    int c;
    if (ea + da != eb + db) c = ea + da > eb + db ? 1 : -1;
    else {
      if (ea > eb) x *= p10w[ea - eb];
      else if (eb > ea) y *= p10w[eb - ea];
      c = (x > y) - (x < y);
    }
    return na ? -c : c;
  }
  _IDEC_flags f = 0;
  B bx = to_b(a), by = to_b(b);
  if (bid128_quiet_equal(bx, by, &f)) return 0;
  return bid128_quiet_less(bx, by, &f) ? -1 : 1;
}

/* Zero in the middle, positives above, negatives below; within a sign the
 * position of the leading digit (exponent + digits), then the coefficient
 * scaled to exactly 34 digits, both mirrored for negatives.  Equal values
 * written differently (2.50, 2.5) get the same key. */
bool dec_sort_key(dec a, dec_key *k) {
  unsigned __int128 c;
  int e;
  if (!plain_coeff(a, &c, &e)) return false;
  if (c == 0) {
    k->hi = (uint64_t)1 << 62;
    k->lo = 0;
    return true;
  }
  int d = ndigits(c);
  uint64_t lead = (uint64_t)(e + d); /* 1 .. EXP_TOP + 34 */
  c *= p10w[PREC - d];
  if (a.w[1] >> 63) {
    k->hi = ((uint64_t)1 << 32) - lead; /* below every zero and positive */
    k->lo = TEN34 - 1 - c;
  } else {
    k->hi = ((uint64_t)2 << 62) + lead;
    k->lo = c;
  }
  return true;
}

bool dec_eq(dec a, dec b) {
  _IDEC_flags f = 0;
  return bid128_quiet_equal(to_b(a), to_b(b), &f) != 0;
}

bool dec_is_zero(dec a) { return b_zero(to_b(a)); }

bool dec_is_neg(dec a) { return b_neg(to_b(a)); }

bool dec_is_int(dec a) {
  if (SMALL_COEFF(a)) {
    int e = EXP_OF(a) - BIAS;
    return e >= 0 || a.w[0] == 0 || (e >= -19 && a.w[0] % p10[-e] == 0);
  }
  B x = to_b(a);
  if (!b_finite(x)) return false;
  _IDEC_flags f = 0;
  return bid128_quiet_equal(bid128_round_integral_zero(x, &f), x, &f) != 0;
}
