/* Data in, part one: cells, their conversion to a type, and CSV (SPEC 5,
 * 9).  load_json.c parses JSON, load_file.c reads files (encodings, size
 * limit, JSON Lines, streams) and holds the builtins.
 *
 * - CSV (RFC 4180) and JSON (RFC 8259) parsers are small hand-written state
 *   machines.  Jansson 2.14 has no decode-numbers-as-text flag, so JSON is
 *   parsed here: numbers go from their text straight to dec_parse.
 * - Against a `type`, conversion errors are collected (every bad cell is
 *   counted, as many listed as fit ERR_LIST_BYTES, "… and 214 more (314
 *   in all)") and raised as one error whose message has one line per bad
 *   cell.  Nothing is half-loaded.
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
#include "stdlib/load_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/gc.h"

/* ---- small helpers ----------------------------------------------------- */

_Noreturn void ld_too_big(vm *v, loc at) {
  vm_error_kind(v, DIAG_LIMIT, at, "E0805 load: data too large");
}

/* Make room for one more element at index len of a GC vector. */
void *ld_vec_room(vm *v, loc at, void *p, size_t *cap, size_t len, size_t elem,
                      bool atomic) {
  if (len < *cap) return p;
  size_t nc = *cap ? *cap : 16;
  while (nc <= len) {
    if (nc > SIZE_MAX / 2) ld_too_big(v, at);
    nc *= 2;
  }
  if (nc > SIZE_MAX / elem) ld_too_big(v, at);
  void *q = atomic ? gc_alloc_atomic(nc * elem) : gc_alloc(nc * elem);
  if (len) memcpy(q, p, len * elem);
  *cap = nc;
  return q;
}


static void trim(const char **s, size_t *n) {
  while (*n && ld_is_blank(**s)) (*s)++, (*n)--;
  while (*n && ld_is_blank((*s)[*n - 1])) (*n)--;
}

bool ld_ieq(const char *s, size_t n, const char *word) {
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
size_t ld_utf8_check(const char *s, size_t n, bool *nul) {
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
void ld_line_col(const char *s, size_t off, size_t *line, size_t *col) {
  size_t l = 1, start = 0;
  for (size_t i = 0; i < off; i++)
    if (s[i] == '\n') l++, start = i + 1;
  *line = l;
  *col = utf8_count(s + start, off - start) + 1;
}

/* A quoted, length-limited copy of s for messages: "TBC", "a long te…". */
void ld_put_got(sbuf *b, const char *s, size_t n) {
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

void ld_errs_init(errlist *e) {
  memset(e, 0, sizeof *e);
  sb_init(&e->b);
  sb_init(&e->scratch);
}

/* List the line in scratch, or only count it once the list is full. */
static void errs_flush(errlist *e) {
  if (!e->scratch.len) return;
  sbuf *s = &e->scratch;
  if (s->len > ERR_LINE_MAX) { /* cut on a character boundary, and say so */
    size_t k = ERR_LINE_MAX;
    while (k > 0 && ((unsigned char)s->s[k] & 0xC0) == 0x80) k--;
    s->len = k;
    sb_puts(s, "\xE2\x80\xA6");
  }
  if (!e->full && e->b.len + 1 + s->len <= ERR_LIST_BYTES) {
    if (e->b.len) sb_putc(&e->b, '\n');
    sb_putn(&e->b, s->s, s->len);
    e->listed++;
  } else {
    e->full = true;
  }
  s->len = 0;
  if (s->s) s->s[0] = 0;
}

sbuf *ld_errs_line(errlist *e) {
  errs_flush(e);
  e->count++;
  return &e->scratch;
}

void ld_errs_raise(vm *v, loc at, errlist *e) {
  errs_flush(e);
  if (e->count == 0) return;
  if (e->count > e->listed)
    sb_printf(&e->b, "\n\xE2\x80\xA6 and %zu more (%zu in all)", e->count - e->listed, e->count);
  vm_error(v, at, e->malformed ? "E0701 %s" : "E0703 %s", e->b.s);
}

/* ---- types in messages -------------------------------------------------- */

bool ld_unit_single(const unit_t *u) {
  return u && u != UNIT_TOO_COMPLEX && u->n == 1 && u->f[0].exp == 1;
}

void ld_type_desc(sbuf *b, const vtype *t) {
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
    if (ld_unit_single(t->unit)) {
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
    ld_type_desc(b, t->elem);
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

const char *ld_type_str(const vtype *t) {
  sbuf b;
  sb_init(&b);
  ld_type_desc(&b, t);
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
    if (ld_is_digit(s[i])) {
      if (ndig == 0) first = s[i];
      ndig++, gl++, i++;
    } else if (s[i] == '_' && lead_zero_ok && !commas && gl && i + 1 < n && ld_is_digit(s[i + 1])) {
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
    while (i < n && ld_is_digit(s[i])) i++;
    if (i == fs) return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    if (commas) return 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t es = i;
    while (i < n && ld_is_digit(s[i])) i++;
    if (i == es) return 0;
  }
  if (i != n) return 0;
  char stack[128];
  char *buf = n < sizeof stack ? stack : gc_alloc_atomic(n + 1);
  size_t k = 0;
  for (size_t j = 0; j < n; j++)
    if (s[j] != ',' && s[j] != '_') buf[k++] = s[j];
  dec_status r = dec_parse(buf, k, out);
  if (r == DEC_OK) return 1;
  if (r == DEC_SYNTAX) return 0;
  *st = r;
  return 2;
}

bool ld_word_char(unsigned char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80 ||
         (!first && ld_is_digit((char)c));
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
  if (ld_ieq(s, n, "true") || ld_ieq(s, n, "yes")) {
    c->k = C_BOOL;
    c->b = true;
    return;
  }
  if (ld_ieq(s, n, "false") || ld_ieq(s, n, "no")) {
    c->k = C_BOOL;
    c->b = false;
    return;
  }
  int r;
  /* percentage */
  if (s[n - 1] == '%') {
    size_t m = n - 1;
    while (m && ld_is_blank(s[m - 1])) m--;
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
    while (i < n && ld_is_blank(s[i])) i++;
    if (!sign && i < n && (s[i] == '+' || s[i] == '-')) sign = s[i++];
    /* a typed money cell takes every money literal SVL does: £12k, £2.15m,
     * £3bn (any case, as spreadsheets export them) */
    size_t end = n;
    int scale = 0;
    if (typed && end - i > 2 && ld_ieq(s + end - 2, 2, "bn")) scale = 9, end -= 2;
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
  while (j > 0 && !ld_is_blank(s[j - 1])) j--;
  if (j == 0) return;
  for (size_t k = j; k < n; k++)
    if (!ld_word_char((unsigned char)s[k], k == j)) return;
  size_t m = j;
  while (m > 0 && ld_is_blank(s[m - 1])) m--;
  r = parse_plain(s, m, true, true, &c->num, &c->st);
  if (r == 2) c->k = C_BADNUM;
  if (r == 1) {
    c->k = C_QTY;
    c->word = s + j;
    c->wlen = n - j;
  }
}

void ld_ctx_init(conv_ctx *x, vm *v, loc at) {
  memset(x->texts, 0, sizeof x->texts); /* V_NULL: no text yet */
  x->v = v;
  x->at = at;
  x->reg = vm_units(v);
  for (int i = 0; i < 3; i++) x->money[i] = unit_from_def(unit_lookup(x->reg, money_codes[i]));
}

/* Why dec_parse refused a well-formed number. */
const char *ld_why_inexact(const char *s, size_t n, dec_status st) {
  if (st == DEC_OVERFLOW) return "is too large for a decimal number";
  size_t sig = 0, zeros = 0;
  bool lead = true;
  for (size_t i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
    if (!ld_is_digit(s[i])) continue;
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
  ld_put_got(why, c->ts, c->tn);
  sb_putc(why, ' ');
  sb_puts(why, ld_why_inexact(c->ts, c->tn, c->st));
}

/* A text cell.  Short texts repeat down a column (grades, "yes", a
 * region): equal ones share one text object, which is immutable, instead
 * of an allocation per cell. */
static value cell_text(conv_ctx *x, const char *raw, size_t n) {
  if (n > TEXT_CACHE_LEN) return v_text(raw, n);
  value *e = &x->texts[gc_hash(raw, n) % TEXT_CACHE];
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
bool ld_same_def(const unit_def *d, const unit_t *u) {
  if (!d || !ld_unit_single(u)) return false;
  const unit_def *e = u->f[0].def;
  return d == e || strcmp(d->name, e->name) == 0;
}

/* The common cells, converted without classify: a non-blank text for a
 * text column, bare digits with an optional fraction ("1432606.75", "44")
 * for a number, an unpadded yes/no/true/false for a bool.  classify would
 * find exactly the same value; anything else (signs, commas, exponents,
 * spaces, a number dec_parse refuses) is left to ld_conv_cell's full path.
 * Inline, as loading a CSV calls it for every cell. */
__attribute__((always_inline)) static inline bool conv_fast(conv_ctx *x, const char *raw,
                                                            size_t n, const vtype *t,
                                                            value *out) {
  bool any = !t || t->kind == T_ANY;
  if (t && t->kind == T_TEXT) {
    /* a text column needs no number parsed: only whether it is empty */
    const char *ts = raw;
    size_t tn = n;
    if (!n || ld_is_blank(raw[0])) trim(&ts, &tn);
    if (tn) {
      *out = cell_text(x, raw, n);
      return true;
    }
  }
  if (n && ld_is_digit(raw[0]) && (any || t->kind == T_NUMBER || t->kind == T_UNIT)) {
    uint64_t coef = 0; /* all the digits as one integer, while they fit */
    size_t i = 0;
    for (; i < n && ld_is_digit(raw[i]); i++) coef = coef * 10 + (uint64_t)(raw[i] - '0');
    bool plain = !any || i == 1 || raw[0] != '0'; /* untyped "007" is text */
    size_t fs = i;
    if (i < n && raw[i] == '.') {
      fs = ++i;
      for (; i < n && ld_is_digit(raw[i]); i++) coef = coef * 10 + (uint64_t)(raw[i] - '0');
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
    if (ld_ieq(raw, n, "yes") || ld_ieq(raw, n, "true")) {
      *out = v_bool(true);
      return true;
    }
    if (ld_ieq(raw, n, "no") || ld_ieq(raw, n, "false")) {
      *out = v_bool(false);
      return true;
    }
  }
  return false;
}

/* Convert one text cell to type t.  On failure, writes the reason
 * ("expected GBP, got \"TBC\"") to why. */
bool ld_conv_cell(conv_ctx *x, const char *raw, size_t n, const vtype *t, value *out,
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
    ld_type_desc(why, t);
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
                      : c.k == C_QTY ? unit_lookup(x->reg, gc_strndup(c.word, c.wlen)) : NULL;
    if (d) {
      *out = v_qty(c.num, unit_from_def(d));
      return true;
    }
    if (c.k == C_NUM) {
      sb_puts(why, "expected a quantity with its unit, got ");
      ld_put_got(why, raw, n);
      sb_puts(why, ": write the unit after the number (8 FTE, 52 weeks, 3 years)");
      return false;
    }
    if (c.k == C_QTY) {
      sb_puts(why, "unknown unit in ");
      ld_put_got(why, raw, n);
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
    ld_put_got(why, raw, n);
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
    if (c.k == C_QTY) d = unit_lookup(x->reg, gc_strndup(c.word, c.wlen));
    if (!ld_same_def(d, u)) break;
    *out = v_qty(c.num, u);
    return true;
  }
  default: break;
  }
  sb_puts(why, "expected ");
  ld_type_desc(why, t);
  sb_puts(why, ", got ");
  ld_put_got(why, raw, n);
  return false;
}

/* ---- parse_number, parse_percent --------------------------------------- */

/* "15-40%", "15 - 40 %", "15%-40%", "15–40%", "15 to 40%": two numbers
 * that make a range where one is expected (award criteria weights are
 * published so).  False when s is not one. */
static bool is_range(const char *s, size_t n, dec *lo, dec *hi) {
  for (size_t i = 1; i + 1 < n; i++) {
    size_t w = s[i] == '-' ? 1 : (n - i >= 3 && memcmp(s + i, "\xE2\x80\x93", 3) == 0) ? 3
             : (n - i >= 4 && memcmp(s + i, " to ", 4) == 0) ? 4 : 0;
    if (!w) continue;
    const char *a = s, *b = s + i + w;
    size_t an = i, bn = n - i - w;
    trim(&a, &an);
    trim(&b, &bn);
    if (an && a[an - 1] == '%') an--;
    if (bn && b[bn - 1] == '%') bn--;
    trim(&a, &an);
    trim(&b, &bn);
    dec_status st;
    if (parse_plain(a, an, false, true, lo, &st) == 1 && parse_plain(b, bn, false, true, hi, &st) == 1) return true;
  }
  return false;
}

bool ld_parse_text(const char *s, size_t n, bool pct, value *out, sbuf *why) {
  cell c;
  classify(s, n, true, &c);
  sb_putc(why, '"');
  sb_putn(why, c.ts, c.tn > GOT_MAX ? GOT_MAX : c.tn);
  sb_puts(why, c.tn > GOT_MAX ? "\xE2\x80\xA6\" " : "\" ");
  dec lo, hi;
  switch (c.k) {
  case C_EMPTY: sb_puts(why, "is empty"); return false;
  case C_PCT: *out = v_pct(c.num); return true;
  case C_NUM:
    if (!pct) {
      *out = v_num(c.num);
      return true;
    }
    if (dec_div(c.num, dec_from_int(100), &c.num) != DEC_OK) break;
    *out = v_pct(c.num); /* a bare number where a percentage is read: per cent */
    return true;
  case C_BADNUM: sb_puts(why, ld_why_inexact(c.ts, c.tn, c.st)); return false;
  case C_MONEY:
  case C_QTY: sb_printf(why, "is a quantity, not %s", pct ? "a percentage" : "a plain number"); return false;
  default:
    if (is_range(c.ts, c.tn, &lo, &hi)) {
      char a[DEC_BUFSZ], b[DEC_BUFSZ];
      dec_format(lo, a, sizeof a);
      dec_format(hi, b, sizeof b);
      if (pct) sb_printf(why, "is a range (%s%% to %s%%), not one percentage", a, b);
      else sb_printf(why, "is a range (%s to %s), not one number", a, b);
      return false;
    }
    break;
  }
  sb_printf(why, "is not %s", pct ? "a percentage" : "a number");
  return false;
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
bool ld_find_dup(vm *v, loc at, const char *const *names, size_t n, size_t *dup,
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
  if (n > SIZE_MAX / sizeof(named)) ld_too_big(v, at);
  named *a = gc_alloc(n * sizeof(named));
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
    while (j < n && ld_is_blank((char)s[j])) j++;
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
    while (ld_is_blank((char)s[q])) q++;
    span cell;
    if (s[q] == '"') { /* quoted cell */
      size_t open_line = c->line;
      /* the first quoted cell makes the buffer: a file without quotes
       * needs none, and an untouched 9 MB block still grew the heap
       * that later work then filled */
      if (!c->out) c->out = gc_alloc_atomic_uncleared(n + 1);
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
      while (ld_is_blank((char)s[p])) p++;
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
      c->cells = ld_vec_room(c->v, c->at, c->cells, &c->cap, c->ncells, sizeof(span), true);
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

static bool csv_field_ok(const vtype *t) {
  return !t || (t->kind != T_LIST && t->kind != T_RECORD);
}

/* Every row will be a live record: grow the heap once for all of them
 * rather than letting the collector run again and again while it fills
 * with records that all survive (100,000 bids: five collections that
 * freed nothing).  An estimate from the line count, at most 8 bytes per
 * byte of the file and never past the VM's heap limit; only a hint. */
static size_t reserve_rows(vm *v, const char *s, size_t n, size_t row_bytes) {
  size_t lines = 0;
  for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))); p++) lines++;
  size_t need = lines * (sizeof(record) + row_bytes + 2 * sizeof(value));
  if (need / 8 > n) need = n * 8;
  if (v->cfg.max_heap) {
    size_t used = gc_heap_bytes();
    size_t room = v->cfg.max_heap > used ? v->cfg.max_heap - used : 0;
    if (need > room / 2) need = room / 2;
  }
  if (need > ((size_t)1 << 20)) gc_reserve(need);
  return lines;
}

value ld_load_csv(vm *v, loc at, const char *name, const char *s, size_t n,
                      const vtype *type) {
  const vtype *rt = NULL;
  if (type) {
    if (type->kind == T_RECORD) rt = type;
    else if (type->kind == T_LIST && type->elem && type->elem->kind == T_RECORD) rt = type->elem;
    else
      vm_error(v, at,
               "E0704 load: a CSV file is a list of records, so it needs a record type "
               "(like Bid or [Bid]), not %s",
               ld_type_str(type));
    for (int f = 0; f < rt->nfields; f++)
      if (!csv_field_ok(rt->ftypes[f]))
        vm_error(v, at, "E0704 load: field '%s' of %s is %s, which a CSV column cannot hold",
                 rt->fnames[f], ld_type_str(rt), ld_type_str(rt->ftypes[f]));
  }

  csvp c = {.v = v, .at = at, .name = name, .s = s, .n = n, .line = 1};
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) c.p = 3;
  bool nul;
  size_t bad = ld_utf8_check(s, n, &nul);
  if (bad < n) {
    size_t line, col;
    ld_line_col(s, bad, &line, &col);
    if (nul) vm_error(v, at, "E0701 %s:%zu: the file contains a NUL byte (is it really CSV?)", name, line);
    vm_error(v, at, "E0701 %s:%zu: invalid UTF-8 (is the file saved as UTF-8? for Windows-1252 or Latin-1 data, "
                    "say so: encoding: \"windows-1252\")", name, line);
  }
  /* c.out, for the unescaped quoted cells of one row, is made by the
   * first quoted cell (csv_row) and written before it is read: not
   * cleared. */

  size_t row_line;
  if (!csv_row(&c, &row_line)) vm_error(v, at, "E0701 %s: the file is empty (a CSV file needs a header row)", name);
  size_t ncols = c.ncells;
  const char **hdr = gc_alloc(ncols * sizeof(char *));
  for (size_t i = 0; i < ncols; i++) {
    const char *h = c.cells[i].p;
    size_t hn = c.cells[i].len;
    trim(&h, &hn);
    if (hn == 0) vm_error(v, at, "E0701 %s:%zu: column %zu of the header has no name", name, row_line, i + 1);
    hdr[i] = gc_strndup(h, hn);
  }
  size_t dup, orig;
  if (ld_find_dup(v, at, hdr, ncols, &dup, &orig))
    vm_error(v, at, "E0701 %s:%zu: column '%s' appears twice in the header (columns %zu and %zu)", name,
             row_line, hdr[dup], orig + 1, dup + 1);

  errlist errs;
  ld_errs_init(&errs);
  size_t nf = ncols;
  size_t *map = NULL;
  const char **keys = hdr;
  if (rt) {
    nf = (size_t)(rt->nfields > 0 ? rt->nfields : 0);
    map = gc_alloc_atomic((nf ? nf : 1) * sizeof(size_t));
    keys = rt->fnames;
    bool *used = gc_alloc_atomic(ncols ? ncols : 1);
    for (size_t f = 0; f < nf; f++) {
      map[f] = SIZE_MAX;
      for (size_t i = 0; i < ncols; i++)
        if (strcmp(hdr[i], rt->fnames[f]) == 0) {
          map[f] = i;
          used[i] = true;
          break;
        }
      if (map[f] == SIZE_MAX)
        sb_printf(ld_errs_line(&errs), "%s:%zu: missing column '%s' (a field of %s)", name, row_line,
                  rt->fnames[f], ld_type_str(rt));
    }
    for (size_t i = 0; i < ncols && !rt->open; i++)
      if (!used[i])
        sb_printf(ld_errs_line(&errs), "%s:%zu: column '%s' is not a field of %s", name, row_line, hdr[i],
                  ld_type_str(rt));
    ld_errs_raise(v, at, &errs);
  }

  conv_ctx x;
  ld_ctx_init(&x, v, at);
  size_t nrows = 0;

  sbuf why;
  sb_init(&why);
  /* typed rows are packed by their type (core/value.h rowfmt); a row
   * whose values do not fit (none should) stays an ordinary record */
  const rowfmt *fmt = rt ? rowfmt_for(rt) : NULL;
  value *cells = fmt ? gc_alloc((nf ? nf : 1) * sizeof(value)) : NULL;
  /* The rows go straight into the list, made as long as the file has
   * lines (a row takes one at least, unless lines end in a lone CR):
   * doubling an array and copying it into the list touched three times
   * the list's pages. */
  size_t rcap = reserve_rows(v, s, n, fmt ? fmt->size : (nf ? nf : 1) * sizeof(value)) + 1;
  list *rows = list_new(rcap);
  datasrc *ds = gc_alloc(sizeof *ds);
  ds->file = name, ds->cols = hdr, ds->ncols = ncols;
  while (csv_row(&c, &row_line)) {
    if (c.ncells != ncols) {
      errs.malformed = true;
      sb_printf(ld_errs_line(&errs), "%s:%zu: %zu cell%s, but the header has %zu column%s", name,
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
      const vtype *ft = rt ? rt->ftypes[f] : NULL;
      if (conv_fast(&x, cs, cn, ft, &out[f])) continue;
      if (!ld_conv_cell(&x, cs, cn, ft, &out[f], &why)) {
        sb_printf(ld_errs_line(&errs), "%s:%zu: column '%s': %s", name, row_line, hdr[i], why.s);
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
    if (nrows == rcap) { /* lines ended by a lone CR */
      list *more = list_new(rcap * 2);
      memcpy(more->items, rows->items, nrows * sizeof(value));
      rows = more;
      rcap *= 2;
    }
    rows->items[nrows++] = v_rec(r);
  }
  ld_errs_raise(v, at, &errs);
  rows->n = nrows;
  return v_list(rows);
}
