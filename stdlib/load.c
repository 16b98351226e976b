/* Data in: load(path[, Type]) and from_json(text) (SPEC 5, 9).
 *
 * - Files are read whole (at most LOAD_MAX_BYTES) into GC memory, checked
 *   to be UTF-8 without NUL bytes, then parsed by format (extension).
 * - CSV (RFC 4180) and JSON (RFC 8259) parsers are small hand-written state
 *   machines.  Jansson 2.14 has no decode-numbers-as-text flag, so JSON is
 *   parsed here: numbers go from their text straight to dec_parse.
 * - Against a `type`, conversion errors are collected (every bad cell, up
 *   to MAX_ERR_LINES listed) and raised as one error whose message has one
 *   line per bad cell.  Nothing is half-loaded.
 *
 * Cell conversion (SPEC 9), after trimming spaces and tabs around the cell:
 *   ""                                     null
 *   true false yes no   (any case)         bool
 *   12.5%  -3 %                            percentage (0.125)
 *   £1,200.50  £1200.50  -£5  £-5  € $     money (GBP, EUR, USD)
 *   1100  -3.5  1,200  2.5e3               number
 *   anything else                          text (the raw cell, untrimmed)
 * Thousands separators must group by three (1,200 and 1,200,000.5; 1,20 is
 * text) and exclude an exponent.  Untyped, a number with a leading zero
 * ("007", "01234": codes, not amounts) stays text; against a number or
 * unit type it is read as a number.  Against a unit type, a bare number
 * takes the field's unit, and "£1,000", "1000 GBP" or "3 weeks" are
 * accepted when the currency / unit is the field's own (any other is an
 * error: no conversion happens on load).
 *
 * CSV details: the header's names are trimmed and must be non-empty and
 * unique; blank lines (empty or only spaces) are skipped; a cell whose
 * first non-blank character is '"' is quoted (spaces around the quotes are
 * ignored); a CRLF inside a quoted cell becomes LF; a bare '"' inside an
 * unquoted cell is kept as is.  Against a record type the columns must be
 * exactly its fields (missing or extra columns are errors, listed together)
 * and records take the type's field order.  JSON against a type: an absent
 * optional field is null, an absent required one or an unknown one is an
 * error; a JSON number in a unit field takes the unit; a JSON string in a
 * number, bool, date or unit field is read like a CSV cell; the JSON
 * output form {"amount": 3, "unit": "week"} is accepted for a unit field.
 * Paths in JSON messages index lists from 1, as SVL does: bids[2].price. */
#define _POSIX_C_SOURCE 200809L
#include "stdlib/load.h"
#include "eval/eval.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/gc.h"

#define LOAD_MAX_BYTES ((size_t)256 << 20) /* 256 MiB */
#define MAX_ERR_LINES 100                  /* bad cells listed in one error */
#define JSON_MAX_DEPTH 512
#define GOT_MAX 60                         /* bytes of a bad cell shown */

/* ---- small helpers ----------------------------------------------------- */

_Noreturn static void too_big(vm *v, loc at) {
  vm_error_kind(v, DIAG_LIMIT, at, "E0805 load: data too large");
}

/* Make room for one more element at index len of a GC vector. */
static void *vec_room(vm *v, loc at, void *p, size_t *cap, size_t len, size_t elem,
                      bool atomic) {
  if (len < *cap) return p;
  size_t nc = *cap ? *cap : 16;
  while (nc <= len) {
    if (nc > SIZE_MAX / 2) too_big(v, at);
    nc *= 2;
  }
  if (nc > SIZE_MAX / elem) too_big(v, at);
  void *q = atomic ? svl_alloc_atomic(nc * elem) : svl_alloc(nc * elem);
  if (len) memcpy(q, p, len * elem);
  *cap = nc;
  return q;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void trim(const char **s, size_t *n) {
  while (*n && is_blank(**s)) (*s)++, (*n)--;
  while (*n && is_blank((*s)[*n - 1])) (*n)--;
}

static bool ieq(const char *s, size_t n, const char *word) {
  size_t k = strlen(word);
  if (n != k) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

/* Offset of the first byte that is not valid UTF-8 (or is NUL), or n. */
static size_t utf8_check(const char *s, size_t n, bool *nul) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  *nul = false;
  while (i < n) {
    if (n - i >= 8) { /* eight ASCII bytes, none of them NUL, at a time */
      uint64_t w;
      memcpy(&w, u + i, 8);
      const uint64_t high = 0x8080808080808080ull, ones = 0x0101010101010101ull;
      if (!(w & high) && !((w - ones) & ~w & high)) {
        i += 8;
        continue;
      }
    }
    if (u[i] == 0) {
      *nul = true;
      return i;
    }
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    int k = utf8_valid_seq(u + i, n - i);
    if (k == 0) return i;
    i += (size_t)k;
  }
  return n;
}

/* 1-based line and column (code points) of byte offset off. */
static void line_col(const char *s, size_t off, size_t *line, size_t *col) {
  size_t l = 1, start = 0;
  for (size_t i = 0; i < off; i++)
    if (s[i] == '\n') l++, start = i + 1;
  *line = l;
  *col = utf8_count(s + start, off - start) + 1;
}

/* A quoted, length-limited copy of s for messages: "TBC", "a long te…". */
static void put_got(sbuf *b, const char *s, size_t n) {
  if (n <= GOT_MAX) {
    sb_quote(b, s, n);
    return;
  }
  size_t k = GOT_MAX;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--; /* char boundary */
  sbuf t;
  sb_init(&t);
  sb_quote(&t, s, k);
  sb_putn(b, t.s, t.len - 1); /* drop the closing quote */
  sb_puts(b, "\xE2\x80\xA6\"");
}

/* ---- error lists -------------------------------------------------------- */

typedef struct {
  sbuf b;       /* listed lines, '\n'-separated */
  sbuf discard; /* lines beyond MAX_ERR_LINES */
  size_t count;
  bool malformed; /* a row of the wrong shape: the file, not the data, is bad */
} errlist;

static void errs_init(errlist *e) {
  sb_init(&e->b);
  sb_init(&e->discard);
  e->count = 0;
  e->malformed = false;
}

/* The buffer to write the next error line into. */
static sbuf *errs_line(errlist *e) {
  e->count++;
  if (e->count > MAX_ERR_LINES) {
    sb_init(&e->discard);
    return &e->discard;
  }
  if (e->b.len) sb_putc(&e->b, '\n');
  return &e->b;
}

static void errs_raise(vm *v, loc at, errlist *e) {
  if (e->count == 0) return;
  if (e->count > MAX_ERR_LINES)
    sb_printf(&e->b, "\n\xE2\x80\xA6 and %zu more", e->count - MAX_ERR_LINES);
  vm_error(v, at, e->malformed ? "E0701 %s" : "E0703 %s", e->b.s);
}

/* ---- types in messages -------------------------------------------------- */

static bool unit_single(const unit_t *u) {
  return u && u != UNIT_TOO_COMPLEX && u->n == 1 && u->f[0].exp == 1;
}

static void type_desc(sbuf *b, const svl_type *t) {
  if (!t) {
    sb_puts(b, "any");
    return;
  }
  switch (t->kind) {
  case T_ANY: sb_puts(b, "any"); break;
  case T_NUMBER: sb_puts(b, "number"); break;
  case T_TEXT: sb_puts(b, "text"); break;
  case T_BOOL: sb_puts(b, "bool (true/false, yes/no, Y/N)"); break;
  case T_DATE: sb_puts(b, "date (YYYY-MM-DD)"); break;
  case T_UNIT:
    if (unit_single(t->unit)) {
      const unit_def *d = t->unit->f[0].def;
      sb_puts(b, d->plural ? d->plural : d->name);
    } else if (t->unit) {
      sb_puts(b, unit_name(t->unit));
    } else {
      sb_puts(b, "number");
    }
    break;
  case T_LIST:
    sb_putc(b, '[');
    type_desc(b, t->elem);
    sb_putc(b, ']');
    break;
  case T_RECORD: sb_puts(b, t->name ? t->name : "a record"); break;
  case T_INT: sb_puts(b, "a whole number"); break;
  case T_PERCENT: sb_puts(b, t->fraction ? "a fraction (0.35 for 35%)" : "a percentage (35%)"); break;
  case T_ENUM: type_enum_desc(b, t); break;
  case T_QUANTITY: sb_puts(b, "a quantity with its unit (8 FTE)"); break;
  default: sb_puts(b, "?"); break;
  }
}

static const char *type_str(const svl_type *t) {
  sbuf b;
  sb_init(&b);
  type_desc(&b, t);
  return b.s;
}

/* ---- cells -------------------------------------------------------------- */

typedef enum { C_EMPTY, C_BOOL, C_NUM, C_PCT, C_MONEY, C_QTY, C_TEXT, C_BADNUM } ckind;

static const char *const money_codes[3] = {"GBP", "EUR", "USD"};

typedef struct {
  ckind k;
  bool b;             /* C_BOOL */
  dec num;            /* C_NUM C_PCT C_MONEY C_QTY */
  int cur;            /* C_MONEY: index into money_codes */
  const char *word;   /* C_QTY: the unit word */
  size_t wlen;
  dec_status st;      /* C_BADNUM: DEC_INEXACT or DEC_OVERFLOW */
  const char *ts;     /* the trimmed cell */
  size_t tn;
} cell;

/* The whole of s[0..n) as a number: 1 ok, 0 not a number, 2 a number
 * decimal128 cannot hold exactly (*st). */
static int parse_plain(const char *s, size_t n, bool allow_sign, bool lead_zero_ok,
                       dec *out, dec_status *st) {
  size_t i = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    if (!allow_sign) return 0;
    i++;
  }
  size_t ndig = 0, gl = 0;
  bool commas = false;
  char first = 0;
  bool unders = false;
  while (i < n) {
    if (is_digit(s[i])) {
      if (ndig == 0) first = s[i];
      ndig++, gl++, i++;
    } else if (s[i] == '_' && lead_zero_ok && !commas && gl && i + 1 < n && is_digit(s[i + 1])) {
      /* a typed cell may group digits as SVL literals do: £1_200 */
      unders = true;
      i++;
    } else if (s[i] == ',' && !unders) {
      if (gl == 0 || gl > 3 || (commas && gl != 3)) return 0;
      commas = true;
      gl = 0;
      i++;
    } else {
      break;
    }
  }
  if (ndig == 0 || (commas && gl != 3)) return 0;
  if (!lead_zero_ok && ndig > 1 && first == '0') return 0;
  if (i < n && s[i] == '.') {
    size_t fs = ++i;
    while (i < n && is_digit(s[i])) i++;
    if (i == fs) return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    if (commas) return 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t es = i;
    while (i < n && is_digit(s[i])) i++;
    if (i == es) return 0;
  }
  if (i != n) return 0;
  char stack[128];
  char *buf = n < sizeof stack ? stack : svl_alloc_atomic(n + 1);
  size_t k = 0;
  for (size_t j = 0; j < n; j++)
    if (s[j] != ',' && s[j] != '_') buf[k++] = s[j];
  dec_status r = dec_parse(buf, k, out);
  if (r == DEC_OK) return 1;
  if (r == DEC_SYNTAX) return 0;
  *st = r;
  return 2;
}

static bool word_char(unsigned char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80 ||
         (!first && is_digit((char)c));
}

static void classify(const char *s, size_t n, bool typed, cell *c) {
  memset(c, 0, sizeof *c);
  trim(&s, &n);
  c->ts = s;
  c->tn = n;
  c->k = C_TEXT;
  if (n == 0) {
    c->k = C_EMPTY;
    return;
  }
  if (ieq(s, n, "true") || ieq(s, n, "yes")) {
    c->k = C_BOOL;
    c->b = true;
    return;
  }
  if (ieq(s, n, "false") || ieq(s, n, "no")) {
    c->k = C_BOOL;
    c->b = false;
    return;
  }
  int r;
  /* percentage */
  if (s[n - 1] == '%') {
    size_t m = n - 1;
    while (m && is_blank(s[m - 1])) m--;
    r = parse_plain(s, m, true, typed, &c->num, &c->st);
    if (r == 2) c->k = C_BADNUM;
    if (r == 1) {
      dec_status st = dec_div(c->num, dec_from_int(100), &c->num);
      if (st == DEC_OK) c->k = C_PCT;
      else c->k = C_BADNUM, c->st = st;
    }
    return;
  }
  /* money: [sign] symbol [sign] number */
  size_t i = 0;
  char sign = 0;
  if (s[i] == '+' || s[i] == '-') sign = s[i++];
  int cur = -1;
  if (i < n && s[i] == '$') cur = 2, i += 1;
  else if (n - i >= 2 && memcmp(s + i, "\xC2\xA3", 2) == 0) cur = 0, i += 2;
  else if (n - i >= 3 && memcmp(s + i, "\xE2\x82\xAC", 3) == 0) cur = 1, i += 3;
  if (cur >= 0) {
    while (i < n && is_blank(s[i])) i++;
    if (!sign && i < n && (s[i] == '+' || s[i] == '-')) sign = s[i++];
    /* a typed money cell takes every money literal SVL does: £12k, £2.15m,
     * £3bn (any case, as spreadsheets export them) */
    size_t end = n;
    int scale = 0;
    if (typed && end - i > 2 && ieq(s + end - 2, 2, "bn")) scale = 9, end -= 2;
    else if (typed && end - i > 1 && (s[end - 1] | 0x20) == 'k') scale = 3, end--;
    else if (typed && end - i > 1 && (s[end - 1] | 0x20) == 'm') scale = 6, end--;
    r = parse_plain(s + i, end - i, false, typed, &c->num, &c->st);
    if (r == 1 && scale) {
      dec_status st = dec_mul(c->num, dec_from_int(scale == 3 ? 1000 : scale == 6 ? 1000000 : 1000000000), &c->num);
      if (st != DEC_OK) r = 2, c->st = st;
    }
    if (r == 2) c->k = C_BADNUM;
    if (r == 1) {
      c->k = C_MONEY;
      c->cur = cur;
      if (sign == '-') c->num = dec_neg(c->num);
    }
    return;
  }
  /* plain number */
  r = parse_plain(s, n, true, typed, &c->num, &c->st);
  if (r) {
    c->k = r == 1 ? C_NUM : C_BADNUM;
    return;
  }
  /* number and unit word: "3 weeks", "1200 GBP" */
  size_t j = n;
  while (j > 0 && !is_blank(s[j - 1])) j--;
  if (j == 0) return;
  for (size_t k = j; k < n; k++)
    if (!word_char((unsigned char)s[k], k == j)) return;
  size_t m = j;
  while (m > 0 && is_blank(s[m - 1])) m--;
  r = parse_plain(s, m, true, true, &c->num, &c->st);
  if (r == 2) c->k = C_BADNUM;
  if (r == 1) {
    c->k = C_QTY;
    c->word = s + j;
    c->wlen = n - j;
  }
}

#define TEXT_CACHE 64     /* recent short texts of one load, by hash */
#define TEXT_CACHE_LEN 24 /* longest text worth sharing */

typedef struct {
  vm *v;
  loc at;
  unit_reg *reg;
  const unit_t *money[3];
  value texts[TEXT_CACHE];
} conv_ctx;

static void ctx_init(conv_ctx *x, vm *v, loc at) {
  memset(x->texts, 0, sizeof x->texts); /* V_NULL: no text yet */
  x->v = v;
  x->at = at;
  x->reg = vm_units(v);
  for (int i = 0; i < 3; i++) x->money[i] = unit_from_def(unit_lookup(x->reg, money_codes[i]));
}

/* Why dec_parse refused a well-formed number. */
static const char *why_inexact(const char *s, size_t n, dec_status st) {
  if (st == DEC_OVERFLOW) return "is too large for a decimal number";
  size_t sig = 0, zeros = 0;
  bool lead = true;
  for (size_t i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
    if (!is_digit(s[i])) continue;
    if (lead && s[i] == '0') continue;
    lead = false;
    if (s[i] == '0') zeros++;
    else sig += zeros + 1, zeros = 0;
  }
  if (sig > 34) return "has more than 34 significant digits and cannot be held exactly";
  return "is too small to be held exactly";
}

static void bad_number(sbuf *why, const cell *c) {
  sb_puts(why, "the number ");
  put_got(why, c->ts, c->tn);
  sb_putc(why, ' ');
  sb_puts(why, why_inexact(c->ts, c->tn, c->st));
}

/* A text cell.  Short texts repeat down a column (grades, "yes", a
 * region): equal ones share one text object, which is immutable, instead
 * of an allocation per cell. */
static value cell_text(conv_ctx *x, const char *raw, size_t n) {
  if (n > TEXT_CACHE_LEN) return v_text(raw, n);
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)raw[i]) * 16777619u;
  value *e = &x->texts[h % TEXT_CACHE];
  if (e->tag == V_TEXT && e->as.text->len == n && memcmp(e->as.text->s, raw, n) == 0) return *e;
  *e = v_text(raw, n);
  return *e;
}

/* Untyped conversion of a cell (or a JSON text against `any`). */
static bool conv_untyped(conv_ctx *x, const char *raw, size_t n, const cell *c, value *out,
                         sbuf *why) {
  switch (c->k) {
  case C_EMPTY: *out = v_null; return true;
  case C_BOOL: *out = v_bool(c->b); return true;
  case C_NUM: *out = v_num(c->num); return true;
  case C_PCT: *out = v_pct(c->num); return true;
  case C_MONEY:
    if (x->money[c->cur]) {
      *out = v_qty(c->num, x->money[c->cur]);
      return true;
    }
    break;
  case C_BADNUM: bad_number(why, c); return false;
  default: break;
  }
  *out = cell_text(x, raw, n);
  return true;
}

/* Is the unit word / currency the field's own unit? */
static bool same_def(const unit_def *d, const unit_t *u) {
  if (!d || !unit_single(u)) return false;
  const unit_def *e = u->f[0].def;
  return d == e || strcmp(d->name, e->name) == 0;
}

/* The common cells, converted without classify: a non-blank text for a
 * text column, bare digits with an optional fraction ("1432606.75", "44")
 * for a number, an unpadded yes/no/true/false for a bool.  classify would
 * find exactly the same value; anything else (signs, commas, exponents,
 * spaces, a number dec_parse refuses) is left to conv_cell's full path.
 * Inline, as loading a CSV calls it for every cell. */
__attribute__((always_inline)) static inline bool conv_fast(conv_ctx *x, const char *raw,
                                                            size_t n, const svl_type *t,
                                                            value *out) {
  bool any = !t || t->kind == T_ANY;
  if (t && t->kind == T_TEXT) {
    /* a text column needs no number parsed: only whether it is empty */
    const char *ts = raw;
    size_t tn = n;
    if (!n || is_blank(raw[0])) trim(&ts, &tn);
    if (tn) {
      *out = cell_text(x, raw, n);
      return true;
    }
  }
  if (n && is_digit(raw[0]) && (any || t->kind == T_NUMBER || t->kind == T_UNIT)) {
    uint64_t coef = 0; /* all the digits as one integer, while they fit */
    size_t i = 0;
    for (; i < n && is_digit(raw[i]); i++) coef = coef * 10 + (uint64_t)(raw[i] - '0');
    bool plain = !any || i == 1 || raw[0] != '0'; /* untyped "007" is text */
    size_t fs = i;
    if (i < n && raw[i] == '.') {
      fs = ++i;
      for (; i < n && is_digit(raw[i]); i++) coef = coef * 10 + (uint64_t)(raw[i] - '0');
      plain = plain && i > fs;
    }
    dec d;
    if (plain && i == n &&
        ((n <= 19 && dec_from_digits(false, coef, -(int64_t)(n - fs), &d)) ||
         dec_parse(raw, n, &d) == DEC_OK)) {
      *out = !any && t->kind == T_UNIT && t->unit ? v_qty(d, t->unit) : v_num(d);
      return true;
    }
  }
  if ((any || t->kind == T_BOOL) && n >= 2 && n <= 5) {
    if (ieq(raw, n, "yes") || ieq(raw, n, "true")) {
      *out = v_bool(true);
      return true;
    }
    if (ieq(raw, n, "no") || ieq(raw, n, "false")) {
      *out = v_bool(false);
      return true;
    }
  }
  return false;
}

/* Convert one text cell to type t.  On failure, writes the reason
 * ("expected GBP, got \"TBC\"") to why. */
static bool conv_cell(conv_ctx *x, const char *raw, size_t n, const svl_type *t, value *out,
                      sbuf *why) {
  bool any = !t || t->kind == T_ANY;
  cell c;
  if (conv_fast(x, raw, n, t, out)) return true;
  classify(raw, n, !any, &c);
  if (any) return conv_untyped(x, raw, n, &c, out, why);
  if (c.k == C_EMPTY) {
    if (t->opt) {
      *out = v_null;
      return true;
    }
    sb_puts(why, "missing value, expected ");
    type_desc(why, t);
    return false;
  }
  if (c.k == C_BADNUM && t->kind != T_TEXT) {
    bad_number(why, &c);
    return false;
  }
  switch (t->kind) {
  case T_TEXT: *out = cell_text(x, raw, n); return true;
  case T_NUMBER:
    if (c.k == C_NUM) *out = v_num(c.num);
    else if (c.k == C_PCT) *out = v_pct(c.num);
    else break;
    return true;
  case T_BOOL:
    if (c.k == C_TEXT && c.tn == 1 && ((c.ts[0] | 0x20) == 'y' || (c.ts[0] | 0x20) == 'n')) {
      *out = v_bool((c.ts[0] | 0x20) == 'y'); /* Y/N, as forms export them */
      return true;
    }
    if (c.k != C_BOOL) break;
    *out = v_bool(c.b);
    return true;
  case T_QUANTITY: {
    /* a quantity in the unit its cell names: 8 FTE, 52 weeks, £12k */
    const unit_def *d = c.k == C_MONEY ? unit_lookup(x->reg, money_codes[c.cur])
                      : c.k == C_QTY ? unit_lookup(x->reg, svl_strndup(c.word, c.wlen)) : NULL;
    if (d) {
      *out = v_qty(c.num, unit_from_def(d));
      return true;
    }
    if (c.k == C_NUM) {
      sb_puts(why, "expected a quantity with its unit, got ");
      put_got(why, raw, n);
      sb_puts(why, ": write the unit after the number (8 FTE, 52 weeks, 3 years)");
      return false;
    }
    if (c.k == C_QTY) {
      sb_puts(why, "unknown unit in ");
      put_got(why, raw, n);
      sb_puts(why, ": declare it in the rule file (unit NAME)");
      return false;
    }
    break;
  }
  case T_DATE: {
    int32_t days;
    if (!date_parse(c.ts, c.tn, &days)) break;
    *out = v_date(days);
    return true;
  }
  case T_INT:
    if (c.k != C_NUM || !dec_is_int(c.num)) break;
    *out = v_num(c.num);
    return true;
  case T_PERCENT:
    /* 0 is 0% under either reading, as in arithmetic (eval/percent.c) */
    if (c.k == C_PCT || (c.k == C_NUM && (t->fraction || dec_is_zero(c.num)))) {
      *out = v_pct(c.num);
      return true;
    }
    if (c.k != C_NUM) break;
    /* a bare 1 meant as 1% would silently be 100%: say what to write */
    sb_puts(why, "expected a percentage, got ");
    put_got(why, raw, n);
    sb_puts(why, ": write ");
    sb_putn(why, c.ts, c.tn);
    sb_puts(why, "% if it means ");
    sb_putn(why, c.ts, c.tn);
    sb_puts(why, " per cent, or declare the column 'percent from fraction' if the data holds fractions (0.35 for 35%)");
    return false;
  case T_ENUM: {
    value m = t->nvals && t->vals[0].tag == V_TEXT ? cell_text(x, c.ts, c.tn)
            : c.k == C_NUM ? v_num(c.num) : v_null;
    if (m.tag == V_NULL || !type_enum_has(t, m)) break;
    *out = m;
    return true;
  }
  case T_UNIT: {
    const unit_t *u = t->unit;
    if (c.k == C_NUM) {
      *out = u ? v_qty(c.num, u) : v_num(c.num);
      return true;
    }
    const unit_def *d = NULL;
    if (c.k == C_MONEY) d = unit_lookup(x->reg, money_codes[c.cur]);
    if (c.k == C_QTY) d = unit_lookup(x->reg, svl_strndup(c.word, c.wlen));
    if (!same_def(d, u)) break;
    *out = v_qty(c.num, u);
    return true;
  }
  default: break;
  }
  sb_puts(why, "expected ");
  type_desc(why, t);
  sb_puts(why, ", got ");
  put_got(why, raw, n);
  return false;
}

/* ---- reading files ------------------------------------------------------ */

_Noreturn static void io_fail(vm *v, loc at, const char *shown, const char *full, int e) {
  if (strcmp(shown, full) == 0)
    vm_error_kind(v, DIAG_IO, at, "E0901 cannot read '%s': %s", shown, read_error(e));
  vm_error_kind(v, DIAG_IO, at, "E0901 cannot read '%s' (%s): %s", shown, full, read_error(e));
}

static char *read_data_file(vm *v, loc at, const char *shown, const char *full, size_t *len_out) {
  FILE *f = open_regular(full);
  if (!f) io_fail(v, at, shown, full, errno);
  struct stat st;
  size_t cap = 65536;
  if (fstat(fileno(f), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      fclose(f);
      io_fail(v, at, shown, full, EISDIR);
    }
    if (S_ISREG(st.st_mode)) {
      if (st.st_size < 0 || (uintmax_t)st.st_size > LOAD_MAX_BYTES) {
        fclose(f);
        vm_error_kind(v, DIAG_LIMIT, at, "E0805 cannot load '%s': the file is over the %zu MiB limit",
                      shown, LOAD_MAX_BYTES >> 20);
      }
      cap = (size_t)st.st_size + 1;
    }
  }
  char *buf = svl_alloc_atomic(cap);
  size_t len = 0;
  for (;;) {
    if (len == cap - 1) { /* full: at the end, or must grow */
      int ch = fgetc(f);
      if (ch == EOF) {
        if (ferror(f)) {
          int e = errno;
          fclose(f);
          io_fail(v, at, shown, full, e);
        }
        break;
      }
      ungetc(ch, f);
      if (cap - 1 >= LOAD_MAX_BYTES) {
        fclose(f);
        vm_error_kind(v, DIAG_LIMIT, at, "E0805 cannot load '%s': the file is over the %zu MiB limit",
                      shown, LOAD_MAX_BYTES >> 20);
      }
      size_t nc = cap - 1 < 32768 ? 65536 + 1 : (cap - 1) * 2 + 1;
      if (nc - 1 > LOAD_MAX_BYTES) nc = LOAD_MAX_BYTES + 1;
      char *nb = svl_alloc_atomic(nc);
      memcpy(nb, buf, len);
      buf = nb;
      cap = nc;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) {
        int e = errno;
        fclose(f);
        io_fail(v, at, shown, full, e ? e : EIO);
      }
      break;
    }
  }
  fclose(f);
  buf[len] = 0;
  *len_out = len;
  return buf;
}

/* ---- duplicate names ---------------------------------------------------- */

typedef struct {
  const char *s;
  size_t i;
} named;

static int cmp_named(const void *a, const void *b) {
  const named *x = a, *y = b;
  int c = strcmp(x->s, y->s);
  if (c) return c;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* Index of a name that repeats an earlier one (and that one's index), or
 * false when all are distinct. */
static bool find_dup(vm *v, loc at, const char *const *names, size_t n, size_t *dup,
                     size_t *orig) {
  if (n < 2) return false;
  if (n <= 16) {
    for (size_t i = 1; i < n; i++)
      for (size_t j = 0; j < i; j++)
        if (strcmp(names[i], names[j]) == 0) {
          *dup = i;
          *orig = j;
          return true;
        }
    return false;
  }
  if (n > SIZE_MAX / sizeof(named)) too_big(v, at);
  named *a = svl_alloc(n * sizeof(named));
  for (size_t i = 0; i < n; i++) a[i].s = names[i], a[i].i = i;
  qsort(a, n, sizeof(named), cmp_named);
  bool found = false;
  for (size_t k = 1; k < n; k++)
    if (strcmp(a[k].s, a[k - 1].s) == 0 && (!found || a[k].i < *dup)) {
      *dup = a[k].i;
      *orig = a[k - 1].i;
      found = true;
    }
  return found;
}

/* ---- CSV ---------------------------------------------------------------- */

typedef struct {
  const char *p; /* into the file, or into csvp.out when unescaped */
  size_t len;
} span;

typedef struct {
  vm *v;
  loc at;
  const char *name;
  const char *s;   /* s[n] is NUL and there is no NUL before it */
  size_t n, p;
  size_t line;     /* current physical line, 1-based */
  char *out;       /* unescaped quoted cells of the current row */
  size_t outlen;
  span *cells;
  size_t ncells, cap;
} csvp;

/* Bytes that end an unquoted cell, or a run of plain bytes in a quoted
 * one; NUL is the end of the file (csvp.s). */
static const unsigned char cell_stop[256] = {[0] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1};
static const unsigned char quoted_stop[256] = {[0] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1};

/* Read the next record; false at the end of the file.  *row_line is the
 * line it starts on.  Blank lines (nothing or only spaces) are skipped.
 * An unquoted cell is a span of the file itself; a quoted one is
 * unescaped into c->out. */
static bool csv_row(csvp *c, size_t *row_line) {
  const unsigned char *s = (const unsigned char *)c->s;
  size_t n = c->n;
  for (;;) {
    size_t j = c->p;
    while (j < n && is_blank((char)s[j])) j++;
    if (j >= n) return false;
    if (s[j] == '\n' || s[j] == '\r') {
      j += (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n') ? 2 : 1;
      c->p = j;
      c->line++;
      continue;
    }
    break;
  }
  *row_line = c->line;
  c->ncells = 0;
  c->outlen = 0;
  size_t p = c->p;
  for (;;) {
    size_t q = p;
    while (is_blank((char)s[q])) q++;
    span cell;
    if (s[q] == '"') { /* quoted cell */
      size_t open_line = c->line;
      char *o = c->out + c->outlen;
      size_t k = 0;
      p = q + 1;
      for (;;) {
        size_t r = p;
        while (!quoted_stop[s[r]]) r++;
        memcpy(o + k, s + p, r - p);
        k += r - p;
        p = r;
        if (p >= n)
          vm_error(c->v, c->at, "E0701 %s:%zu: a quoted cell is never closed (missing '\"')",
                   c->name, open_line);
        unsigned char ch = s[p];
        if (ch == '"') {
          if (s[p + 1] == '"') {
            o[k++] = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        if (ch == '\r' && s[p + 1] == '\n') { /* CRLF -> LF */
          p++;
          continue;
        }
        if (ch == '\n') c->line++;
        o[k++] = (char)ch;
        p++;
      }
      cell = (span){o, k};
      c->outlen += k;
      while (is_blank((char)s[p])) p++;
      if (p < n && s[p] != ',' && s[p] != '\n' && s[p] != '\r')
        vm_error(c->v, c->at,
                 "E0701 %s:%zu: unexpected text after a closing quote "
                 "(inside a quoted cell, write a quote as \"\")",
                 c->name, c->line);
    } else {
      while (!cell_stop[s[q]]) q++;
      cell = (span){c->s + p, q - p};
      p = q;
    }
    if (c->ncells == c->cap)
      c->cells = vec_room(c->v, c->at, c->cells, &c->cap, c->ncells, sizeof(span), true);
    c->cells[c->ncells++] = cell;
    if (p >= n) {
      c->p = p;
      return true;
    }
    unsigned char ch = s[p++];
    if (ch == ',') continue;
    if (ch == '\r' && p < n && s[p] == '\n') p++;
    c->p = p;
    c->line++;
    return true;
  }
}

static bool csv_field_ok(const svl_type *t) {
  return !t || (t->kind != T_LIST && t->kind != T_RECORD);
}

/* Every row will be a live record: grow the heap once for all of them
 * rather than letting the collector run again and again while it fills
 * with records that all survive (100,000 bids: five collections that
 * freed nothing).  An estimate from the line count, at most 8 bytes per
 * byte of the file and never past the VM's heap limit; only a hint. */
static void reserve_rows(vm *v, const char *s, size_t n, size_t row_bytes) {
  size_t lines = 0;
  for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))); p++) lines++;
  size_t need = lines * (sizeof(record) + row_bytes + 2 * sizeof(value));
  if (need / 8 > n) need = n * 8;
  if (v->cfg.max_heap) {
    size_t used = svl_gc_heap_bytes();
    size_t room = v->cfg.max_heap > used ? v->cfg.max_heap - used : 0;
    if (need > room / 2) need = room / 2;
  }
  if (need > ((size_t)1 << 20)) svl_gc_reserve(need);
}

static value load_csv(vm *v, loc at, const char *name, const char *s, size_t n,
                      const svl_type *type) {
  const svl_type *rt = NULL;
  if (type) {
    if (type->kind == T_RECORD) rt = type;
    else if (type->kind == T_LIST && type->elem && type->elem->kind == T_RECORD) rt = type->elem;
    else
      vm_error(v, at,
               "E0704 load: a CSV file is a list of records, so it needs a record type "
               "(like Bid or [Bid]), not %s",
               type_str(type));
    for (int f = 0; f < rt->nfields; f++)
      if (!csv_field_ok(rt->ftypes[f]))
        vm_error(v, at, "E0704 load: field '%s' of %s is %s, which a CSV column cannot hold",
                 rt->fnames[f], type_str(rt), type_str(rt->ftypes[f]));
  }

  csvp c = {.v = v, .at = at, .name = name, .s = s, .n = n, .line = 1};
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) c.p = 3;
  bool nul;
  size_t bad = utf8_check(s, n, &nul);
  if (bad < n) {
    size_t line, col;
    line_col(s, bad, &line, &col);
    if (nul) vm_error(v, at, "E0701 %s:%zu: the file contains a NUL byte (is it really CSV?)", name, line);
    vm_error(v, at, "E0701 %s:%zu: invalid UTF-8 (is the file saved as UTF-8?)", name, line);
  }
  c.out = svl_alloc_atomic(n + 1);

  size_t row_line;
  if (!csv_row(&c, &row_line)) vm_error(v, at, "E0701 %s: the file is empty (a CSV file needs a header row)", name);
  size_t ncols = c.ncells;
  const char **hdr = svl_alloc(ncols * sizeof(char *));
  for (size_t i = 0; i < ncols; i++) {
    const char *h = c.cells[i].p;
    size_t hn = c.cells[i].len;
    trim(&h, &hn);
    if (hn == 0) vm_error(v, at, "E0701 %s:%zu: column %zu of the header has no name", name, row_line, i + 1);
    hdr[i] = svl_strndup(h, hn);
  }
  size_t dup, orig;
  if (find_dup(v, at, hdr, ncols, &dup, &orig))
    vm_error(v, at, "E0701 %s:%zu: column '%s' appears twice in the header (columns %zu and %zu)", name,
             row_line, hdr[dup], orig + 1, dup + 1);

  errlist errs;
  errs_init(&errs);
  size_t nf = ncols;
  size_t *map = NULL;
  const char **keys = hdr;
  if (rt) {
    nf = (size_t)(rt->nfields > 0 ? rt->nfields : 0);
    map = svl_alloc_atomic((nf ? nf : 1) * sizeof(size_t));
    keys = rt->fnames;
    bool *used = svl_alloc_atomic(ncols ? ncols : 1);
    for (size_t f = 0; f < nf; f++) {
      map[f] = SIZE_MAX;
      for (size_t i = 0; i < ncols; i++)
        if (strcmp(hdr[i], rt->fnames[f]) == 0) {
          map[f] = i;
          used[i] = true;
          break;
        }
      if (map[f] == SIZE_MAX)
        sb_printf(errs_line(&errs), "%s:%zu: missing column '%s' (a field of %s)", name, row_line,
                  rt->fnames[f], type_str(rt));
    }
    for (size_t i = 0; i < ncols; i++)
      if (!used[i])
        sb_printf(errs_line(&errs), "%s:%zu: column '%s' is not a field of %s", name, row_line, hdr[i],
                  type_str(rt));
    errs_raise(v, at, &errs);
  }

  conv_ctx x;
  ctx_init(&x, v, at);
  value *rows = NULL;
  size_t nrows = 0, rcap = 0;

  sbuf why;
  sb_init(&why);
  /* typed rows are packed by their type (core/value.h rowfmt); a row
   * whose values do not fit (none should) stays an ordinary record */
  const rowfmt *fmt = rt ? rowfmt_for(rt) : NULL;
  value *cells = fmt ? svl_alloc((nf ? nf : 1) * sizeof(value)) : NULL;
  reserve_rows(v, s, n, fmt ? fmt->size : (nf ? nf : 1) * sizeof(value));
  datasrc *ds = svl_alloc(sizeof *ds);
  ds->file = name, ds->cols = hdr, ds->ncols = ncols;
  while (csv_row(&c, &row_line)) {
    if (c.ncells != ncols) {
      errs.malformed = true;
      sb_printf(errs_line(&errs), "%s:%zu: %zu cell%s, but the header has %zu column%s", name,
                row_line, c.ncells, c.ncells == 1 ? "" : "s", ncols, ncols == 1 ? "" : "s");
      continue;
    }
    record *r = fmt ? NULL : record_new_shared(nf, keys); /* every row has the header's names */
    value *out = fmt ? cells : r->vals;
    bool ok = true;
    for (size_t f = 0; f < nf; f++) {
      size_t i = map ? map[f] : f;
      const char *cs = c.cells[i].p;
      size_t cn = c.cells[i].len;
      const svl_type *ft = rt ? rt->ftypes[f] : NULL;
      if (conv_fast(&x, cs, cn, ft, &out[f])) continue;
      if (!conv_cell(&x, cs, cn, ft, &out[f], &why)) {
        sb_printf(errs_line(&errs), "%s:%zu: column '%s': %s", name, row_line, hdr[i], why.s);
        sb_init(&why); /* only a failed cell writes to it */
        ok = false;
      }
    }
    if (!ok || errs.count) continue;
    if (fmt && !(r = record_packed(fmt, keys, cells))) {
      r = record_new_shared(nf, keys);
      memcpy(r->vals, cells, nf * sizeof(value));
    }
    r->src = ds;
    r->line = row_line > UINT32_MAX ? UINT32_MAX : (uint32_t)row_line;
    rows = vec_room(v, at, rows, &rcap, nrows, sizeof(value), false);
    rows[nrows++] = v_rec(r);
  }
  errs_raise(v, at, &errs);
  list *l = list_new(nrows);
  if (nrows) memcpy(l->items, rows, nrows * sizeof(value));
  return v_list(l);
}

/* ---- JSON --------------------------------------------------------------- */

typedef struct {
  vm *v;
  loc at;
  const char *name; /* file name as written, or NULL for from_json */
  const char *s;
  size_t n, p;
  int depth;
  sbuf str;         /* the last string read */
  const datasrc *src; /* a file's: its objects keep it and their line */
  size_t lc_off, lc_line; /* line_at's cursor: objects open in file order */
} jparser;

/* The 1-based line of offset off >= every earlier call's. */
static uint32_t line_at(jparser *j, size_t off) {
  const char *p = j->s + j->lc_off, *end = j->s + off;
  while ((p = memchr(p, '\n', (size_t)(end - p)))) p++, j->lc_line++;
  j->lc_off = off;
  return j->lc_line > UINT32_MAX ? UINT32_MAX : (uint32_t)j->lc_line;
}

__attribute__((format(printf, 3, 4))) _Noreturn static void jfail(jparser *j, size_t off,
                                                                   const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t line, col;
  line_col(j->s, off, &line, &col);
  if (j->name) vm_error(j->v, j->at, "E0702 %s:%zu:%zu: %s", j->name, line, col, msg);
  vm_error(j->v, j->at, "E0702 from_json: line %zu, column %zu: %s", line, col, msg);
}

static void jws(jparser *j) {
  while (j->p < j->n) {
    char c = j->s[j->p];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    j->p++;
  }
}

/* The character at p, for messages: 'x' or the end. */
static const char *jchar(jparser *j, size_t p) {
  if (p >= j->n) return "the end of the text";
  unsigned char c = (unsigned char)j->s[p];
  if (c < 0x20 || c == 0x7F) {
    char buf[32];
    snprintf(buf, sizeof buf, "character U+%04X", c);
    return svl_strdup(buf);
  }
  int k = c < 0x80 ? 1 : utf8_valid_seq((const unsigned char *)j->s + p, j->n - p);
  if (k <= 0) k = 1;
  sbuf b;
  sb_init(&b);
  sb_putc(&b, '\'');
  sb_putn(&b, j->s + p, (size_t)k);
  sb_putc(&b, '\'');
  return b.s;
}

static value jvalue(jparser *j);

static int hex4(const char *s, size_t avail) {
  if (avail < 4) return -1;
  int v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

static void put_utf8(sbuf *b, uint32_t cp) {
  char u[4];
  size_t k;
  if (cp < 0x80) u[0] = (char)cp, k = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    u[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
  else
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
  sb_putn(b, u, k);
}

/* A string at p (which is '"'), into j->str. */
static void jstring(jparser *j) {
  size_t start = j->p++;
  j->str.len = 0;
  if (j->str.s) j->str.s[0] = 0;
  for (;;) {
    size_t run = j->p;
    while (j->p < j->n) {
      unsigned char c = (unsigned char)j->s[j->p];
      if (c == '"' || c == '\\' || c < 0x20) break;
      j->p++;
    }
    if (j->p > run) sb_putn(&j->str, j->s + run, j->p - run);
    if (j->p >= j->n) jfail(j, start, "a string is never closed (missing '\"')");
    unsigned char c = (unsigned char)j->s[j->p];
    if (c == '"') {
      j->p++;
      if (!j->str.s) sb_putn(&j->str, "", 0);
      return;
    }
    if (c < 0x20) {
      if (c == '\n') jfail(j, start, "a string runs past the end of its line (missing '\"'?)");
      jfail(j, j->p, "control character U+%04X inside a string (write it as an escape)", c);
    }
    size_t esc = j->p++;
    if (j->p >= j->n) jfail(j, start, "a string is never closed (missing '\"')");
    char e = j->s[j->p++];
    switch (e) {
    case '"': sb_putc(&j->str, '"'); break;
    case '\\': sb_putc(&j->str, '\\'); break;
    case '/': sb_putc(&j->str, '/'); break;
    case 'b': sb_putc(&j->str, '\b'); break;
    case 'f': sb_putc(&j->str, '\f'); break;
    case 'n': sb_putc(&j->str, '\n'); break;
    case 'r': sb_putc(&j->str, '\r'); break;
    case 't': sb_putc(&j->str, '\t'); break;
    case 'u': {
      int cp = hex4(j->s + j->p, j->n - j->p);
      if (cp < 0) jfail(j, esc, "invalid \\u escape (it needs four hex digits)");
      j->p += 4;
      uint32_t u = (uint32_t)cp;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        int lo = -1;
        if (j->n - j->p >= 6 && j->s[j->p] == '\\' && j->s[j->p + 1] == 'u')
          lo = hex4(j->s + j->p + 2, j->n - j->p - 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
          jfail(j, esc, "unpaired surrogate \\u%04X (not a Unicode character)", (unsigned)cp);
        j->p += 6;
        u = 0x10000 + (((uint32_t)cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        jfail(j, esc, "unpaired surrogate \\u%04X (not a Unicode character)", (unsigned)cp);
      } else if (cp == 0) {
        jfail(j, esc, "\\u0000 (a NUL character) is not allowed in SVL texts");
      }
      put_utf8(&j->str, u);
      break;
    }
    default:
      if (e > ' ' && e < 0x7F) jfail(j, esc, "invalid escape \\%c in a string", e);
      jfail(j, esc, "invalid escape: a backslash before %s", jchar(j, j->p - 1));
    }
  }
}

static value jnumber(jparser *j) {
  size_t start = j->p;
  const char *s = j->s;
  size_t n = j->n;
  if (j->p < n && s[j->p] == '-') j->p++;
  if (j->p < n && s[j->p] == '0') {
    j->p++;
    if (j->p < n && is_digit(s[j->p])) jfail(j, start, "invalid number: a leading zero");
  } else if (j->p < n && is_digit(s[j->p])) {
    while (j->p < n && is_digit(s[j->p])) j->p++;
  } else {
    jfail(j, j->p, "invalid number: expected a digit, found %s", jchar(j, j->p));
  }
  if (j->p < n && s[j->p] == '.') {
    j->p++;
    if (j->p >= n || !is_digit(s[j->p]))
      jfail(j, j->p, "invalid number: expected a digit after '.', found %s", jchar(j, j->p));
    while (j->p < n && is_digit(s[j->p])) j->p++;
  }
  if (j->p < n && (s[j->p] == 'e' || s[j->p] == 'E')) {
    j->p++;
    if (j->p < n && (s[j->p] == '+' || s[j->p] == '-')) j->p++;
    if (j->p >= n || !is_digit(s[j->p]))
      jfail(j, j->p, "invalid number: expected a digit in the exponent, found %s", jchar(j, j->p));
    while (j->p < n && is_digit(s[j->p])) j->p++;
  }
  dec d;
  dec_status st = dec_parse(s + start, j->p - start, &d);
  if (st == DEC_OK) return v_num(d);
  sbuf b;
  sb_init(&b);
  size_t len = j->p - start;
  sb_putn(&b, s + start, len > GOT_MAX ? GOT_MAX : len);
  if (len > GOT_MAX) sb_puts(&b, "\xE2\x80\xA6");
  jfail(j, start, "the number %s %s", b.s, why_inexact(s + start, len, st));
}

static void jdepth(jparser *j, size_t at) {
  if (++j->depth > JSON_MAX_DEPTH)
    jfail(j, at, "arrays and objects are nested more than %d deep", JSON_MAX_DEPTH);
}

static value jarray(jparser *j) {
  size_t open = j->p++;
  jdepth(j, open);
  value *items = NULL;
  size_t len = 0, cap = 0;
  jws(j);
  if (j->p < j->n && j->s[j->p] == ']') {
    j->p++;
  } else {
    for (;;) {
      value x = jvalue(j);
      items = vec_room(j->v, j->at, items, &cap, len, sizeof(value), false);
      items[len++] = x;
      jws(j);
      if (j->p < j->n && j->s[j->p] == ',') {
        j->p++;
        jws(j);
        if (j->p < j->n && j->s[j->p] == ']') jfail(j, j->p, "a comma before ']' (remove it)");
        continue;
      }
      if (j->p < j->n && j->s[j->p] == ']') {
        j->p++;
        break;
      }
      if (j->p >= j->n) jfail(j, open, "this array is never closed (missing ']')");
      jfail(j, j->p, "expected ',' or ']' after an array item, found %s", jchar(j, j->p));
    }
  }
  j->depth--;
  list *l = list_new(len);
  if (len) memcpy(l->items, items, len * sizeof(value));
  return v_list(l);
}

static value jobject(jparser *j) {
  size_t open = j->p++;
  jdepth(j, open);
  uint32_t line = j->src ? line_at(j, open) : 0;
  const char **keys = NULL;
  value *vals = NULL;
  size_t *offs = NULL;
  size_t len = 0, kcap = 0, vcap = 0, ocap = 0;
  jws(j);
  if (j->p < j->n && j->s[j->p] == '}') {
    j->p++;
  } else {
    for (;;) {
      if (j->p >= j->n) jfail(j, open, "this object is never closed (missing '}')");
      if (j->s[j->p] == '\'') jfail(j, j->p, "JSON keys use double quotes, not '");
      if (j->s[j->p] != '"')
        jfail(j, j->p, "expected a key in double quotes, found %s", jchar(j, j->p));
      size_t koff = j->p;
      jstring(j);
      const char *key = svl_strndup(j->str.s, j->str.len);
      jws(j);
      if (j->p >= j->n || j->s[j->p] != ':')
        jfail(j, j->p, "expected ':' after a key, found %s", jchar(j, j->p));
      j->p++;
      value x = jvalue(j);
      keys = vec_room(j->v, j->at, keys, &kcap, len, sizeof(char *), false);
      vals = vec_room(j->v, j->at, vals, &vcap, len, sizeof(value), false);
      offs = vec_room(j->v, j->at, offs, &ocap, len, sizeof(size_t), true);
      keys[len] = key;
      vals[len] = x;
      offs[len] = koff;
      len++;
      jws(j);
      if (j->p < j->n && j->s[j->p] == ',') {
        j->p++;
        jws(j);
        if (j->p < j->n && j->s[j->p] == '}') jfail(j, j->p, "a comma before '}' (remove it)");
        continue;
      }
      if (j->p < j->n && j->s[j->p] == '}') {
        j->p++;
        break;
      }
      if (j->p >= j->n) jfail(j, open, "this object is never closed (missing '}')");
      jfail(j, j->p, "expected ',' or '}' after a value, found %s", jchar(j, j->p));
    }
  }
  j->depth--;
  size_t dup, orig;
  if (find_dup(j->v, j->at, keys, len, &dup, &orig)) {
    sbuf b;
    sb_init(&b);
    put_got(&b, keys[dup], strlen(keys[dup]));
    jfail(j, offs[dup], "duplicate key %s in an object", b.s);
  }
  record *r = record_new(len);
  for (size_t i = 0; i < len; i++) r->keys[i] = keys[i], r->vals[i] = vals[i];
  r->src = j->src;
  r->line = line;
  return v_rec(r);
}

static value jvalue(jparser *j) {
  jws(j);
  if (j->p >= j->n) jfail(j, j->p, "unexpected end of the text: expected a value");
  char c = j->s[j->p];
  switch (c) {
  case '{': return jobject(j);
  case '[': return jarray(j);
  case '"':
    jstring(j);
    return v_text(j->str.s, j->str.len);
  default: break;
  }
  if (c == '-' || is_digit(c)) return jnumber(j);
  static const struct {
    const char *w;
    size_t n;
    int k;
  } lits[] = {{"true", 4, 1}, {"false", 5, 0}, {"null", 4, -1}};
  for (size_t i = 0; i < 3; i++) {
    if (j->n - j->p >= lits[i].n && memcmp(j->s + j->p, lits[i].w, lits[i].n) == 0) {
      size_t e = j->p + lits[i].n;
      if (e < j->n && word_char((unsigned char)j->s[e], false)) break;
      j->p = e;
      return lits[i].k < 0 ? v_null : v_bool(lits[i].k == 1);
    }
  }
  if (c == '\'') jfail(j, j->p, "JSON strings use double quotes, not '");
  jfail(j, j->p, "expected a value, found %s", jchar(j, j->p));
}

static value parse_json(vm *v, loc at, const char *name, const char *s, size_t n) {
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
  jparser j = {.v = v, .at = at, .name = name, .s = s, .n = n, .lc_line = 1};
  if (name) {
    datasrc *ds = svl_alloc(sizeof *ds);
    ds->file = name;
    j.src = ds;
  }
  sb_init(&j.str);
  bool nul;
  size_t bad = utf8_check(s, n, &nul);
  if (bad < n) jfail(&j, bad, nul ? "NUL byte in the text" : "invalid UTF-8");
  jws(&j);
  if (j.p >= n) jfail(&j, j.p, "the JSON text is empty");
  value x = jvalue(&j);
  jws(&j);
  if (j.p < n) jfail(&j, j.p, "unexpected %s after the JSON value", jchar(&j, j.p));
  return x;
}

value svl_from_json_text(vm *v, loc at, const char *src, size_t n) {
  return parse_json(v, at, NULL, src, n);
}

/* ---- JSON against a type ------------------------------------------------ */

typedef struct {
  conv_ctx x;
  const char *name;
  errlist errs;
  sbuf path;
} jconv;

static void json_got(sbuf *b, value x) {
  switch (x.tag) {
  case V_NULL: sb_puts(b, "null"); break;
  case V_BOOL: sb_puts(b, x.b ? "true" : "false"); break;
  case V_NUM: {
    char buf[DEC_BUFSZ];
    size_t k = dec_format(x.as.num, buf, sizeof buf);
    sb_putn(b, buf, k > GOT_MAX ? GOT_MAX : k);
    if (k > GOT_MAX) sb_puts(b, "\xE2\x80\xA6");
    break;
  }
  case V_TEXT: put_got(b, x.as.text->s, x.as.text->len); break;
  case V_LIST:
  case V_RECORD: sb_puts(b, value_short(x)); break;
  default: sb_puts(b, value_type_name(x)); break;
  }
}

static sbuf *jc_err(jconv *c) {
  sbuf *b = errs_line(&c->errs);
  sb_printf(b, "%s: ", c->name);
  if (c->path.len) sb_printf(b, "%s: ", c->path.s);
  return b;
}

static void jc_expected(jconv *c, value x, const svl_type *t) {
  sbuf *b = jc_err(c);
  sb_puts(b, "expected ");
  type_desc(b, t);
  sb_puts(b, ", got ");
  json_got(b, x);
}

static bool ident_like(const char *k) {
  if (!word_char((unsigned char)*k, true) || (unsigned char)*k >= 0x80) return false;
  for (const char *p = k + 1; *p; p++)
    if (!word_char((unsigned char)*p, false) || (unsigned char)*p >= 0x80) return false;
  return true;
}

static void path_key(sbuf *p, const char *k) {
  if (ident_like(k)) {
    if (p->len) sb_putc(p, '.');
    sb_puts(p, k);
  } else {
    sb_putc(p, '[');
    put_got(p, k, strlen(k));
    sb_putc(p, ']');
  }
}

static void path_cut(sbuf *p, size_t len) {
  p->len = len;
  if (p->s) p->s[len] = 0;
}

/* A JSON text where the type wants a number, date, bool, quantity...: read
 * as a CSV cell would be, or x itself with the reason noted. */
static value jconv_text(jconv *c, value x, const svl_type *t) {
  value out;
  sbuf why;
  sb_init(&why);
  if (conv_cell(&c->x, x.as.text->s, x.as.text->len, t, &out, &why)) return out;
  sb_puts(jc_err(c), why.s);
  return x;
}

/* An OCDS Value where the type wants money: its amount in that currency.
 * A null currency, another currency or a non-number amount is noted with
 * the JSON path (docs/ocds.md, "Values"); never a conversion. */
static value jconv_ocds_value(jconv *c, value x, const svl_type *t) {
  value a = rec_get(x.as.rec, (size_t)record_find(x.as.rec, "currency")), amt = v_null;
  long k = record_find(x.as.rec, "amount");
  if (k >= 0) amt = rec_get(x.as.rec, (size_t)k);
  const char *want = unit_name(t->unit);
  if (amt.tag != V_NUM || amt.unit || amt.pct)
    sb_printf(jc_err(c), "expected %s, got a Value whose amount is %s", want, amt.tag == V_NULL ? "null" : value_display(amt, false));
  else if (a.tag != V_TEXT)
    sb_printf(jc_err(c), "expected %s, got a Value of %s with no currency (currency is %s)", want, value_display(amt, false),
              a.tag == V_NULL ? "null" : value_display(a, false));
  else if (strcmp(a.as.text->s, want) != 0)
    sb_printf(jc_err(c), "expected %s, got a Value in %s (%s %s): currencies are never converted implicitly", want,
              a.as.text->s, value_display(amt, false), a.as.text->s);
  else
    return v_qty(amt.as.num, t->unit);
  return x;
}

static value jconv_value(jconv *c, value x, const svl_type *t) {
  if (!t || t->kind == T_ANY) return x;
  if (x.tag == V_NULL) {
    if (t->opt) return x;
    jc_expected(c, x, t);
    return x;
  }
  switch (t->kind) {
  case T_TEXT:
    if (x.tag == V_TEXT) return x;
    break;
  case T_QUANTITY:
    if (x.tag == V_NUM && x.unit) return x;
    /* fall through */
  case T_INT:
  case T_PERCENT:
  case T_ENUM:
    if (x.tag == V_TEXT && !(t->kind == T_ENUM && t->nvals && t->vals[0].tag == V_TEXT)) return jconv_text(c, x, t);
    if (t->kind == T_INT && x.tag == V_NUM && !x.unit && dec_is_int(x.as.num)) return x;
    if (t->kind == T_PERCENT && x.tag == V_NUM && !x.unit && (t->fraction || dec_is_zero(x.as.num))) return v_pct(x.as.num);
    if (t->kind == T_PERCENT && x.tag == V_NUM && !x.unit) {
      /* a JSON number in a percent field: 1 meant as 1% would be 100% */
      const char *d = value_display(x, false);
      sb_printf(jc_err(c), "expected a percentage, got %s: write \"%s%%\" if it means %s per cent, or declare the field 'percent from fraction' if the data holds fractions (0.35 for 35%%)",
                d, d, d);
      return x;
    }
    if (t->kind == T_ENUM && type_enum_has(t, x)) return x;
    break;
  case T_NUMBER:
  case T_BOOL:
  case T_DATE:
  case T_UNIT:
    if (x.tag == V_TEXT) return jconv_text(c, x, t);
    if (t->kind == T_NUMBER && x.tag == V_NUM && !x.unit) return x;
    if (t->kind == T_BOOL && x.tag == V_BOOL) return x;
    if (t->kind == T_UNIT && x.tag == V_NUM && !x.unit)
      return t->unit ? v_qty(x.as.num, t->unit) : x;
    if (t->kind == T_UNIT && x.tag == V_RECORD && x.as.rec->n == 2) {
      /* the JSON output form {"amount": 3, "unit": "week"} */
      long a = record_find(x.as.rec, "amount"), u = record_find(x.as.rec, "unit");
      if (a >= 0 && u >= 0 && rec_get(x.as.rec, a).tag == V_NUM && !rec_get(x.as.rec, a).unit &&
          rec_get(x.as.rec, u).tag == V_TEXT && t->unit) {
        const char *un = rec_get(x.as.rec, u).as.text->s;
        if (strcmp(un, unit_name(t->unit)) == 0 ||
            same_def(unit_lookup(c->x.reg, un), t->unit))
          return v_qty(rec_get(x.as.rec, a).as.num, t->unit);
      }
    }
    if (t->kind == T_UNIT && x.tag == V_RECORD && unit_is_money(t->unit) && record_find(x.as.rec, "currency") >= 0)
      return jconv_ocds_value(c, x, t); /* an OCDS Value {amount, currency} */
    break;
  case T_LIST:
    if (x.tag == V_LIST) {
      const list *l = x.as.list;
      list *o = list_new(l->n);
      size_t mark = c->path.len;
      for (size_t i = 0; i < l->n; i++) {
        sb_printf(&c->path, "[%zu]", i + 1);
        o->items[i] = jconv_value(c, l->items[i], t->elem);
        path_cut(&c->path, mark);
      }
      return v_list(o);
    }
    break;
  case T_RECORD:
    if (x.tag == V_RECORD) {
      const record *r = x.as.rec;
      size_t nf = (size_t)(t->nfields > 0 ? t->nfields : 0);
      /* every record of one type shares its names (eval/eval.c field_of) */
      record *o = record_new_shared(nf, t->fnames);
      o->src = rec_src(r), o->line = r->line;
      size_t mark = c->path.len;
      for (size_t f = 0; f < nf; f++) {
        long k = record_find(r, t->fnames[f]);
        if (k < 0) {
          o->vals[f] = v_null;
          if (t->ftypes[f] && t->ftypes[f]->opt) continue;
          sb_printf(jc_err(c), "missing field '%s' of %s", t->fnames[f], type_str(t));
          continue;
        }
        path_key(&c->path, t->fnames[f]);
        o->vals[f] = jconv_value(c, rec_get(r, k), t->ftypes[f]);
        path_cut(&c->path, mark);
      }
      for (size_t i = 0; i < r->n; i++) {
        bool known = false;
        for (size_t f = 0; f < nf && !known; f++) known = strcmp(r->keys[i], t->fnames[f]) == 0;
        if (known) continue;
        path_key(&c->path, r->keys[i]);
        sb_printf(jc_err(c), "unexpected field (not a field of %s)", type_str(t));
        path_cut(&c->path, mark);
      }
      return v_rec(o);
    }
    break;
  default: break;
  }
  jc_expected(c, x, t);
  return x;
}

/* ---- load --------------------------------------------------------------- */

static bool ext_is(const char *path, const char *ext) {
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash + 1 : path, '.');
  if (!dot || dot == (slash ? slash + 1 : path)) return false;
  return ieq(dot, strlen(dot), ext);
}

value svl_load(vm *v, loc at, const char *path, const svl_type *type) {
  if (!vm_allowed(v, PERM_FILES)) vm_error(v, at, "E0902 load needs file access, which the host has not granted");
  if (!path || !*path) vm_error(v, at, "E0704 load: the path is empty");
  bool csv = ext_is(path, ".csv"), json = ext_is(path, ".json");
  if (!csv && !json)
    vm_error(v, at, "E0704 load: cannot tell the format of '%s': supported formats are .csv and .json",
             path);
  const char *full = vm_path(v, at, path);
  size_t n;
  const char *s = read_data_file(v, at, path, full, &n);
  vm_note_file(v, full, s, n);
  if (csv) return load_csv(v, at, path, s, n, type);
  value x = parse_json(v, at, path, s, n);
  if (!type) return x;
  jconv c;
  ctx_init(&c.x, v, at);
  c.name = path;
  errs_init(&c.errs);
  sb_init(&c.path);
  x = jconv_value(&c, x, type);
  errs_raise(v, at, &c.errs);
  return x;
}

/* ---- builtins ------------------------------------------------------------ */

static const svl_type *type_arg(vm *v, loc at, value t) {
  if (t.tag == V_TYPE && t.as.type) return t.as.type;
  if (t.tag == V_LIST && t.as.list->n == 1 && t.as.list->items[0].tag == V_TYPE &&
      t.as.list->items[0].as.type) {
    svl_type *l = svl_alloc(sizeof(svl_type));
    l->kind = T_LIST;
    l->elem = t.as.list->items[0].as.type;
    return l;
  }
  vm_error(v, at, "E0704 load: the second argument must be a type, like Bid or [Bid], not %s",
           value_type_name(t));
}

static value bi_load(vm *v, int nargs, value *args, loc at) {
  const text *p = vm_want_text(v, at, args[0], "path");
  if (strlen(p->s) != p->len) vm_error(v, at, "E0704 load: the path contains a NUL character");
  const svl_type *t = nargs > 1 ? type_arg(v, at, args[1]) : NULL;
  return svl_load(v, at, p->s, t);
}

static value bi_from_json(vm *v, int nargs, value *args, loc at) {
  (void)nargs;
  const text *t = vm_want_text(v, at, args[0], "text");
  return svl_from_json_text(v, at, t->s, t->len);
}

const builtin svl_data_builtins[] = {
    {"load", 1, 2, bi_load, "path, type"},
    {"from_json", 1, 1, bi_from_json, "text"},
};
const int svl_data_builtins_count = (int)(sizeof svl_data_builtins / sizeof svl_data_builtins[0]);
