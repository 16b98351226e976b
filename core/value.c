/* Value constructors, equality and the display and JSON forms (SPEC 3, 9). */
#include "core/value.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/gc.h"

const value v_null = {.tag = V_NULL};

value v_int(int64_t i) { return v_num(dec_from_int(i)); }

bool v_text_try(const char *s, size_t len, value *out) {
  text *t = gc_alloc_atomic_uncleared(sizeof(text) + len + 1);
  if (!t) return false;
  t->len = len;
  if (len) memcpy(t->s, s, len);
  t->s[len] = '\0';
  *out = (value){.tag = V_TEXT};
  out->as.text = t;
  return true;
}

value v_text(const char *s, size_t len) {
  value v = v_null; /* inside a protected call the allocation raises instead */
  v_text_try(s, len, &v);
  return v;
}

value v_cstr(const char *s) { return v_text(s, strlen(s)); }

list *list_new(size_t n) {
  if (n > ((size_t)1 << 40) / sizeof(value)) n = 0; /* callers bound n; never overflow */
  list *l = gc_alloc(sizeof(list) + n * sizeof(value));
  l->n = n;
  return l;
}

/* One allocation for the header, the keys and the values: records are the
 * most allocated objects (a row of a CSV, every `with`), and three
 * allocations each made the collector the biggest cost of loading bids. */
record *record_new(size_t n) {
  size_t k = n ? n : 1;
  record *r = gc_alloc(sizeof(record) + k * sizeof(value) + k * sizeof(char *));
  r->n = n;
  r->keys = (const char **)(void *)(r->vals + k);
  return r;
}

record *record_new_shared(size_t n, const char **keys) {
  record *r = gc_alloc(sizeof(record) + (n ? n : 1) * sizeof(value));
  r->n = n;
  r->keys = keys;
  return r;
}

record *record_view(const record *base, size_t n, const char **keys) {
  size_t k = n - base->n;
  record *r = gc_alloc(sizeof(record) + (k ? k : 1) * sizeof(value));
  r->n = n;
  r->keys = keys;
  r->base = base;
  r->src = rec_src(base);
  r->line = base->line;
  return r;
}

const rowfmt *rowfmt_for(const vtype *t) {
  if (!t || t->kind != T_RECORD || t->nfields <= 0) return NULL;
  size_t nf = (size_t)t->nfields;
  rowfmt *f = gc_alloc(sizeof *f + nf * sizeof f->f[0]);
  f->nf = nf;
  size_t off = (nf + 7) & ~(size_t)7; /* the flags, then 8-aligned payloads */
  for (size_t i = 0; i < nf; i++) {
    const vtype *ft = t->ftypes[i];
    struct rowfield *rf = &f->f[i];
    switch (ft ? ft->kind : T_ANY) {
    case T_NUMBER: case T_INT: case T_PERCENT: rf->kind = ROW_NUM; break;
    case T_ENUM: rf->kind = ft->nvals && ft->vals[0].tag == V_TEXT ? ROW_TEXT : ROW_NUM; break;
    case T_UNIT: rf->kind = ROW_NUM; rf->unit = ft->unit; break;
    case T_TEXT: rf->kind = ROW_TEXT; break;
    case T_BOOL: rf->kind = ROW_BOOL; break;
    case T_DATE: rf->kind = ROW_DATE; break;
    default: return NULL;
    }
    rf->off = (uint32_t)off;
    off += rf->kind == ROW_BOOL ? 0 : 8; /* a number packed (dec_pack64) or boxed, a text, a date */
  }
  f->size = off;
  return f;
}

record *record_packed(const rowfmt *fmt, const char **keys, const value *vals) {
  record *r = gc_alloc(sizeof(record) + (fmt->size ? fmt->size : 1));
  unsigned char *p = (unsigned char *)r->vals;
  for (size_t i = 0; i < fmt->nf; i++) {
    const struct rowfield *rf = &fmt->f[i];
    value x = vals[i];
    if (x.tag == V_NULL) {
      p[i] = ROW_NULL;
      continue;
    }
    switch (rf->kind) {
    case ROW_NUM:
      if (x.tag != V_NUM || x.unit != rf->unit || (x.pct && rf->unit)) return NULL;
      p[i] = x.pct ? ROW_PCT : 0;
      uint64_t w;
      if (!dec_pack64(x.as.num, &w)) { /* few numbers need 16 bytes: those are boxed */
        dec *d = gc_alloc_atomic_uncleared(sizeof *d);
        *d = x.as.num;
        p[i] |= ROW_BIG;
        w = (uint64_t)(uintptr_t)d;
      }
      memcpy(p + rf->off, &w, sizeof w);
      break;
    case ROW_TEXT:
      if (x.tag != V_TEXT) return NULL;
      memcpy(p + rf->off, &x.as.text, sizeof(x.as.text));
      break;
    case ROW_BOOL:
      if (x.tag != V_BOOL) return NULL;
      p[i] = x.b;
      break;
    case ROW_DATE:
      if (x.tag != V_DATE) return NULL;
      memcpy(p + rf->off, &x.days, sizeof x.days);
      break;
    }
  }
  r->n = fmt->nf;
  r->keys = keys;
  r->fmt = fmt;
  return r;
}

value row_get(const record *r, size_t i) {
  const struct rowfield *rf = &r->fmt->f[i];
  const unsigned char *p = (const unsigned char *)(const void *)r->vals;
  if (p[i] == ROW_NULL) return v_null;
  switch (rf->kind) {
  case ROW_NUM: {
    uint64_t w;
    memcpy(&w, p + rf->off, sizeof w);
    dec d = p[i] & ROW_BIG ? *(const dec *)(uintptr_t)w : dec_unpack64(w);
    return p[i] & ROW_PCT ? v_pct(d) : rf->unit ? v_qty(d, rf->unit) : v_num(d);
  }
  case ROW_TEXT: {
    value x = {.tag = V_TEXT};
    memcpy(&x.as.text, p + rf->off, sizeof x.as.text);
    return x;
  }
  case ROW_BOOL: return v_bool(p[i]);
  default: {
    int32_t days;
    memcpy(&days, p + rf->off, sizeof days);
    return v_date(days);
  }
  }
}

/* TAG_PACKED: a plain number in the slot itself (dec_pack64), as the rows
 * of a typed load keep theirs: a JSON file's numbers are mostly prices and
 * counts, and a box costs 32 bytes (16 and the collector's extra byte for
 * interior pointers).  Its high word holds the exponent's bits, far above
 * any heap address, so the collector does not take it for a pointer. */
enum { TAG_NULL, TAG_FALSE, TAG_TRUE, TAG_TEXT, TAG_LIST, TAG_REC, TAG_NUM, TAG_BOXED, TAG_PACKED };
const rowfmt rowfmt_tagged = {0, 0};

static size_t tagged_flags(size_t n) { return (n + 7) & ~(size_t)7; }

record *record_tagged(size_t n, const char **keys, const value *vals) {
  size_t fl = tagged_flags(n);
  record *r = gc_alloc(sizeof(record) + (n ? fl + n * sizeof(void *) : 1));
  unsigned char *p = (unsigned char *)r->vals;
  const void **slot = (const void **)(void *)(p + fl);
  for (size_t i = 0; i < n; i++) {
    value x = vals[i];
    switch (x.tag) {
    case V_NULL: p[i] = TAG_NULL; continue;
    case V_BOOL: p[i] = x.b ? TAG_TRUE : TAG_FALSE; continue;
    case V_TEXT: p[i] = TAG_TEXT, slot[i] = x.as.text; continue;
    case V_LIST: p[i] = TAG_LIST, slot[i] = x.as.list; continue;
    case V_RECORD: p[i] = TAG_REC, slot[i] = x.as.rec; continue;
    case V_NUM:
      if (!x.unit && !x.pct) {
        uint64_t w;
        if (dec_pack64(x.as.num, &w) && sizeof(void *) == sizeof w) {
          p[i] = TAG_PACKED, slot[i] = (const void *)(uintptr_t)w;
          continue;
        }
        dec *d = gc_alloc_atomic(sizeof *d);
        *d = x.as.num;
        p[i] = TAG_NUM, slot[i] = d;
        continue;
      }
      break;
    default: break;
    }
    value *b = gc_alloc(sizeof *b);
    *b = x;
    p[i] = TAG_BOXED, slot[i] = b;
  }
  r->n = n;
  r->keys = keys;
  r->fmt = &rowfmt_tagged;
  return r;
}

value tagged_get(const record *r, size_t i) {
  const unsigned char *p = (const unsigned char *)(const void *)r->vals;
  const void *s = ((const void *const *)(const void *)(p + tagged_flags(r->n)))[i];
  value x = {.tag = V_NULL};
  switch (p[i]) {
  case TAG_NULL: break;
  case TAG_FALSE: x.tag = V_BOOL; break;
  case TAG_TRUE: x.tag = V_BOOL, x.b = true; break;
  case TAG_TEXT: x.tag = V_TEXT, x.as.text = s; break;
  case TAG_LIST: x.tag = V_LIST, x.as.list = s; break;
  case TAG_REC: x.tag = V_RECORD, x.as.rec = s; break;
  case TAG_NUM: x.tag = V_NUM, x.as.num = *(const dec *)s; break;
  case TAG_PACKED: x.tag = V_NUM, x.as.num = dec_unpack64((uint64_t)(uintptr_t)s); break;
  default: x = *(const value *)s; break;
  }
  return x;
}

const value *record_values(const record *r) {
  if (!r->base && !r->fmt) return r->vals;
  value *out = gc_alloc((r->n ? r->n : 1) * sizeof(value));
  for (size_t i = 0; i < r->n; i++) out[i] = rec_get(r, i);
  return out;
}

long record_find(const record *r, const char *key) {
  /* Keys are often the very same string (a CSV header, a type's field
   * names); comparing the first byte skips most calls to strcmp. */
  for (size_t i = 0; i < r->n; i++) {
    const char *k = r->keys[i];
    if (k == key || (k[0] == key[0] && strcmp(k, key) == 0)) return (long)i;
  }
  return -1;
}

bool value_truthy_ok(value v, bool *out) {
  if (v.tag == V_BOOL) { *out = v.b; return true; }
  if (v.tag == V_VERDICT) { *out = v.as.verdict->passed; return true; }
  return false;
}

/* Both sides go to the finer unit, so the answer does not depend on the
 * order (14 days == 2 weeks and 2 weeks == 14 days). */
static bool to_unit(value x, const unit_t *u, dec *out) {
  if (unit_equal(x.unit, u) || (!x.unit && !u)) { *out = x.as.num; return true; }
  return unit_convert(x.as.num, x.unit, u, out) == DEC_OK;
}

static bool num_equal(value a, value b) {
  if (!unit_same_dim(a.unit, b.unit)) return false;
  const unit_t *u = unit_finer(a.unit, b.unit);
  dec x, y;
  return to_unit(a, u, &x) && to_unit(b, u, &y) && dec_eq(x, y);
}

_Thread_local const char *value_stack_floor;
_Thread_local void (*value_too_deep_hook)(int depth);

_Thread_local unsigned value_walk_count;
_Thread_local void (*value_walk_tick_hook)(void);

void value_walk_tick(void) {
  if (value_walk_tick_hook) value_walk_tick_hook();
}

void value_nesting_error(int depth) {
  if (value_too_deep_hook) value_too_deep_hook(depth);
}

static bool equal(value a, value b, int depth) {
  if (a.tag != b.tag) {
    /* a verdict equals the bool it stands for in a condition */
    return false;
  }
  switch (a.tag) {
  case V_NULL: return true;
  case V_BOOL: return a.b == b.b;
  case V_NUM: return num_equal(a, b);
  case V_TEXT: return a.as.text->len == b.as.text->len && memcmp(a.as.text->s, b.as.text->s, a.as.text->len) == 0;
  case V_DATE: return a.days == b.days;
  case V_DATETIME: return dt_cmp(&a.as.dt, &b.as.dt) == 0; /* the same instant, in any offset */
  case V_LIST:
    if (a.as.list->n != b.as.list->n) return false;
    if (a.as.list == b.as.list) return true;
    if (value_too_deep(depth)) { value_nesting_error(depth); return false; }
    for (size_t i = 0; i < a.as.list->n; i++)
      if (!equal(a.as.list->items[i], b.as.list->items[i], depth + 1)) return false;
    return true;
  case V_RANGE:
    return equal(a.as.range->lo, b.as.range->lo, depth + 1) && equal(a.as.range->hi, b.as.range->hi, depth + 1) &&
           a.as.range->lo_open == b.as.range->lo_open && a.as.range->hi_open == b.as.range->hi_open;
  case V_RECORD: {
    const record *x = a.as.rec, *y = b.as.rec;
    if (x->n != y->n) return false;
    if (x == y) return true;
    if (value_too_deep(depth)) { value_nesting_error(depth); return false; }
    for (size_t i = 0; i < x->n; i++) {
      long j = record_find(y, x->keys[i]);
      if (j < 0 || !equal(rec_get(x, i), rec_get(y, j), depth + 1)) return false;
    }
    return true;
  }
  case V_VERDICT:
    return a.as.verdict->passed == b.as.verdict->passed &&
           equal(v_list(a.as.verdict->reasons), v_list(b.as.verdict->reasons), depth + 1) &&
           equal(v_list(a.as.verdict->warnings), v_list(b.as.verdict->warnings), depth + 1);
  default: return a.as.fn == b.as.fn;
  }
}

bool value_equal(value a, value b) { return equal(a, b, 0); }

bool type_enum_has(const vtype *t, value x) {
  for (int i = 0; i < t->nvals; i++)
    if (value_equal(t->vals[i], x)) return true;
  return false;
}

void type_enum_desc(sbuf *b, const vtype *t) {
  sb_puts(b, t->name ? t->name : "one of");
  sb_puts(b, t->name ? " (" : " ");
  for (int i = 0; i < t->nvals; i++) {
    if (i) sb_puts(b, i == t->nvals - 1 ? " or " : ", ");
    sb_puts(b, value_display(t->vals[i], false));
  }
  if (t->name) sb_putc(b, ')');
}

const char *vtag_name(int tag) {
  static const char *names[] = {"null", "bool", "number", "text", "date", "list", "range",
                                "record", "function", "function", "verdict", "type", "module", "table",
                                "datetime", "stream"};
  return tag >= 0 && tag <= V_STREAM ? names[tag] : "value";
}

const char *value_type_name(value v) {
  if (v.tag == V_NUM) {
    if (v.unit) return unit_name(v.unit);
    return v.pct ? "percent" : "number";
  }
  if (v.tag == V_RECORD && v.as.rec->indicator) return "indicator";
  return vtag_name(v.tag);
}

/* ---- byte buffers ---- */

void sb_init(sbuf *b) { b->s = NULL; b->len = b->cap = 0; }

static void sb_grow(sbuf *b, size_t more) {
  if (b->len + more + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + more + 1) cap *= 2;
  char *s = gc_alloc_atomic(cap);
  if (b->len) memcpy(s, b->s, b->len);
  b->s = s;
  b->cap = cap;
}

void sb_putn(sbuf *b, const char *s, size_t n) {
  sb_grow(b, n);
  if (n) memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}
void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }

void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[256];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) { sb_putn(b, tmp, (size_t)n); return; }
  sb_grow(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void sb_quote(sbuf *b, const char *s, size_t n) {
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    switch (c) {
    case '"': sb_puts(b, "\\\""); break;
    case '\\': sb_puts(b, "\\\\"); break;
    case '\n': sb_puts(b, "\\n"); break;
    case '\t': sb_puts(b, "\\t"); break;
    case '{': sb_puts(b, "\\{"); break;
    case '}': sb_puts(b, "\\}"); break;
    default:
      if ((unsigned char)c < 0x20) sb_printf(b, "\\u{%X}", (unsigned)(unsigned char)c);
      else sb_putc(b, c);
    }
  }
  sb_putc(b, '"');
}

void sb_json_string(sbuf *b, const char *s, size_t n) {
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '"': sb_puts(b, "\\\""); break;
    case '\\': sb_puts(b, "\\\\"); break;
    case '\n': sb_puts(b, "\\n"); break;
    case '\t': sb_puts(b, "\\t"); break;
    case '\r': sb_puts(b, "\\r"); break;
    default:
      if (c < 0x20) sb_printf(b, "\\u%04x", c);
      else sb_putc(b, (char)c);
    }
  }
  sb_putc(b, '"');
}

/* ---- UTF-8 ---- */

size_t utf8_count(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
  return k;
}

int utf8_valid_seq(const unsigned char *s, size_t avail) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  int n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
  else return 0;
  if (avail < (size_t)n) return 0;
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  /* overlong forms, surrogates and beyond U+10FFFF are invalid */
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

/* ---- dates (days since 1970-01-01, proleptic Gregorian) ---- */

static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int month_days(int y, int m) {
  static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : md[m - 1];
}

bool date_from_ymd(int y, int m, int d, int32_t *days) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m)) return false;
  *days = (int32_t)days_from_civil(y, m, d);
  return true;
}

void date_to_ymd(int32_t days, int *yy, int *mm, int *dd) {
  int64_t z = (int64_t)days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *yy = (int)(y + (m <= 2));
  *mm = (int)m;
  *dd = (int)d;
}

/* The years date() accepts, 1 to 9999, so every date prints as YYYY-MM-DD. */
bool date_in_range(int64_t days) {
  int32_t lo, hi;
  date_from_ymd(1, 1, 1, &lo);
  date_from_ymd(9999, 12, 31, &hi);
  return days >= lo && days <= hi;
}

/* Calendar months: the day of the month is kept, clamped to the last day of
 * a shorter month (31 January + 1 month is 28 or 29 February).  Shared by
 * add_months and by `date + n months` in the evaluator. */
bool date_add_months(int32_t days, int64_t n, int32_t *out) {
  if (n > 200000 || n < -200000) return false;
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  int64_t total = (int64_t)y * 12 + (m - 1) + n;
  int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
  int nm = (int)(total - ny * 12) + 1;
  if (ny < 1 || ny > 9999) return false;
  int md = month_days((int)ny, nm);
  return date_from_ymd((int)ny, nm, d < md ? d : md, out);
}

bool date_parse(const char *s, size_t n, int32_t *days) {
  if (n != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  int idx[3][2] = {{0, 4}, {5, 7}, {8, 10}};
  for (int k = 0; k < 3; k++)
    for (int i = idx[k][0]; i < idx[k][1]; i++) {
      if (s[i] < '0' || s[i] > '9') return false;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  return date_from_ymd(v[0], v[1], v[2], days);
}

/* ---- display ---- */

/* Out of line: the buffer must not sit in every frame of a deep walk. */
__attribute__((noinline)) static void put_num(sbuf *b, value v) {
  if (v.unit) { sb_puts(b, unit_format_quantity(v.as.num, v.unit)); return; }
  char buf[DEC_BUFSZ];
  if (v.pct) {
    dec h;
    if (dec_mul(v.as.num, dec_from_int(100), &h) == DEC_OK) {
      dec_format(h, buf, sizeof buf);
      sb_puts(b, buf);
      sb_putc(b, '%');
      return;
    }
  }
  dec_format(v.as.num, buf, sizeof buf);
  sb_puts(b, buf);
}

static void put_date(sbuf *b, int32_t days) {
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  sb_printf(b, "%04d-%02d-%02d", y, m, d);
}

static void put_datetime(sbuf *b, const dtime *t) {
  char buf[48];
  dt_format(t, buf, sizeof buf);
  sb_puts(b, buf);
}

typedef struct { int max_items; int depth; } shortness;

static void display(sbuf *b, value v, bool raw, const shortness *sh, int depth) {
  switch (v.tag) {
  case V_NULL: sb_puts(b, "null"); break;
  case V_BOOL: sb_puts(b, v.b ? "true" : "false"); break;
  case V_NUM: put_num(b, v); break;
  case V_TEXT:
    if (raw) sb_putn(b, v.as.text->s, v.as.text->len);
    else sb_quote(b, v.as.text->s, v.as.text->len);
    break;
  case V_DATE:
    if (raw) put_date(b, v.days);
    else { sb_puts(b, "date(\""); put_date(b, v.days); sb_puts(b, "\")"); }
    break;
  case V_DATETIME:
    if (raw) put_datetime(b, &v.as.dt);
    else { sb_puts(b, "datetime(\""); put_datetime(b, &v.as.dt); sb_puts(b, "\")"); }
    break;
  case V_LIST: {
    const list *l = v.as.list;
    if (value_too_deep(depth)) { value_nesting_error(depth); sb_puts(b, "[…]"); break; }
    sb_putc(b, '[');
    for (size_t i = 0; i < l->n; i++) {
      if (i) sb_puts(b, ", ");
      if (sh && ((int)i >= sh->max_items || depth >= sh->depth)) { sb_puts(b, "…"); break; }
      display(b, l->items[i], false, sh, depth + 1);
    }
    sb_putc(b, ']');
    break;
  }
  case V_RANGE: {
    /* a table cell's half-open range shows its brackets: [0..10) */
    bool open = v.as.range->lo_open || v.as.range->hi_open;
    if (open) sb_putc(b, v.as.range->lo_open ? '(' : '[');
    display(b, v.as.range->lo, false, sh, depth + 1);
    sb_puts(b, "..");
    display(b, v.as.range->hi, false, sh, depth + 1);
    if (open) sb_putc(b, v.as.range->hi_open ? ')' : ']');
    break;
  }
  case V_RECORD: {
    const record *r = v.as.rec;
    if (value_too_deep(depth)) { value_nesting_error(depth); sb_puts(b, "{…}"); break; }
    sb_putc(b, '{');
    for (size_t i = 0; i < r->n; i++) {
      if (i) sb_puts(b, ", ");
      if (sh && ((int)i >= sh->max_items || depth >= sh->depth)) { sb_puts(b, "…"); break; }
      sb_printf(b, "%s: ", r->keys[i]);
      display(b, rec_get(r, i), false, sh, depth + 1);
    }
    sb_putc(b, '}');
    break;
  }
  case V_VERDICT:
    if (v.as.verdict->passed) sb_puts(b, "passed");
    else { sb_puts(b, "failed "); display(b, v_list(v.as.verdict->reasons), false, sh, depth + 1); }
    break;
  case V_TYPE: sb_printf(b, "<type %s>", v.as.type->name ? v.as.type->name : "?"); break;
  case V_MODULE: sb_puts(b, "<module>"); break;
  case V_STREAM: sb_printf(b, "<stream %s>", v.as.stream->desc); break;
  case V_BUILTIN: sb_printf(b, "<fn %s>", v.as.builtin->name); break;
  default: {
    const char *name = v.as.fn->name;
    if (name && strcmp(name, "fn") != 0) sb_printf(b, "<fn %s>", name);
    else sb_puts(b, "<fn>");
  }
  }
}

const char *value_display(value v, bool raw) {
  sbuf b;
  sb_init(&b);
  display(&b, v, raw, NULL, 0);
  return b.s ? b.s : "";
}

const char *value_short(value v) {
  sbuf b;
  sb_init(&b);
  shortness sh = {5, 2};
  display(&b, v, false, &sh, 0);
  return b.s ? b.s : "";
}

/* ---- JSON ---- */

__attribute__((noinline)) static void json_num(sbuf *b, value v) {
  char buf[DEC_BUFSZ];
  dec_format(v.as.num, buf, sizeof buf);
  if (v.unit) sb_printf(b, "{\"amount\": %s, \"unit\": ", buf), sb_json_string(b, unit_name(v.unit), strlen(unit_name(v.unit))), sb_putc(b, '}');
  else sb_puts(b, buf);
}

static void json(sbuf *b, value v, int depth) {
  if ((v.tag == V_LIST || v.tag == V_RECORD || v.tag == V_VERDICT) && value_too_deep(depth)) {
    value_nesting_error(depth);
    sb_puts(b, "null");
    return;
  }
  switch (v.tag) {
  case V_NULL: sb_puts(b, "null"); break;
  case V_BOOL: sb_puts(b, v.b ? "true" : "false"); break;
  case V_NUM: json_num(b, v); break;
  case V_TEXT: sb_json_string(b, v.as.text->s, v.as.text->len); break;
  case V_DATE: sb_putc(b, '"'); put_date(b, v.days); sb_putc(b, '"'); break;
  case V_DATETIME: sb_putc(b, '"'); put_datetime(b, &v.as.dt); sb_putc(b, '"'); break;
  case V_LIST:
    sb_putc(b, '[');
    for (size_t i = 0; i < v.as.list->n; i++) {
      if (i) sb_puts(b, ", ");
      json(b, v.as.list->items[i], depth + 1);
    }
    sb_putc(b, ']');
    break;
  case V_RANGE:
    sb_puts(b, "{\"from\": ");
    json(b, v.as.range->lo, depth + 1);
    sb_puts(b, ", \"to\": ");
    json(b, v.as.range->hi, depth + 1);
    sb_putc(b, '}');
    break;
  case V_RECORD:
    sb_putc(b, '{');
    for (size_t i = 0; i < v.as.rec->n; i++) {
      if (i) sb_puts(b, ", ");
      sb_json_string(b, v.as.rec->keys[i], strlen(v.as.rec->keys[i]));
      sb_puts(b, ": ");
      json(b, rec_get(v.as.rec, i), depth + 1);
    }
    sb_putc(b, '}');
    break;
  case V_VERDICT:
    sb_printf(b, "{\"passed\": %s, \"reasons\": ", v.as.verdict->passed ? "true" : "false");
    json(b, v_list(v.as.verdict->reasons), depth + 1);
    sb_puts(b, ", \"warnings\": ");
    json(b, v_list(v.as.verdict->warnings), depth + 1);
    sb_putc(b, '}');
    break;
  default: {
    const char *d = value_display(v, true);
    sb_json_string(b, d, strlen(d));
  }
  }
}

const char *value_json(value v) {
  sbuf b;
  sb_init(&b);
  json(&b, v, 0);
  return b.s ? b.s : "";
}

int builtin_param(const builtin *b, const char *name, const char **all, int cap, int *count) {
  int idx = -1, pos = 0;
  const char *p = b->params ? b->params : "";
  size_t len = strlen(name);
  while (*p) {
    while (*p == ' ' || *p == ',') p++;
    if (!*p) break;
    const char *e = p;
    while (*e && *e != ',' && *e != ' ' && *e != '=') e++;
    if (idx < 0 && (size_t)(e - p) == len && !strncmp(p, name, len)) idx = pos;
    if (pos < cap) all[pos] = gc_strndup(p, (size_t)(e - p));
    while (*e && *e != ',') e++;
    p = e;
    pos++;
  }
  if (count) *count = pos;
  return idx;
}
