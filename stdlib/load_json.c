/* Data in, part two: JSON (RFC 8259) into values, and JSON values checked
 * and converted against a `type` (stdlib/load.c has the overview).  The
 * parser works on a buffer that holds whole values: a file, a text, or
 * one item of a stream (load_file.c). */
#define _POSIX_C_SOURCE 200809L
#include "stdlib/load_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/gc.h"

/* ---- JSON --------------------------------------------------------------- */

/* The 1-based line of offset off >= every earlier call's. */
static uint32_t line_at(jparser *j, size_t off) {
  const char *p = j->s + j->lc_off, *end = j->s + off;
  while ((p = memchr(p, '\n', (size_t)(end - p)))) p++, j->lc_line++;
  j->lc_off = off;
  return j->lc_line > UINT32_MAX ? UINT32_MAX : (uint32_t)j->lc_line;
}

_Noreturn void ld_json_fail(jparser *j, size_t off, const char *fmt, ...) {
  if (j->win) longjmp(j->win->fail, 1); /* the caller parses the file whole, which says it */
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t line, col;
  ld_line_col(j->s, off, &line, &col);
  if (line == 1) col += j->col_base - 1;
  line += j->line_base - 1;
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
    return gc_strdup(buf);
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
    if (j->p >= j->n) ld_json_fail(j, start, "a string is never closed (missing '\"')");
    unsigned char c = (unsigned char)j->s[j->p];
    if (c == '"') {
      j->p++;
      if (!j->str.s) sb_putn(&j->str, "", 0);
      return;
    }
    if (c < 0x20) {
      if (c == '\n') ld_json_fail(j, start, "a string runs past the end of its line (missing '\"'?)");
      ld_json_fail(j, j->p, "control character U+%04X inside a string (write it as an escape)", c);
    }
    size_t esc = j->p++;
    if (j->p >= j->n) ld_json_fail(j, start, "a string is never closed (missing '\"')");
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
      if (cp < 0) ld_json_fail(j, esc, "invalid \\u escape (it needs four hex digits)");
      j->p += 4;
      uint32_t u = (uint32_t)cp;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        int lo = -1;
        if (j->n - j->p >= 6 && j->s[j->p] == '\\' && j->s[j->p + 1] == 'u')
          lo = hex4(j->s + j->p + 2, j->n - j->p - 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
          ld_json_fail(j, esc, "unpaired surrogate \\u%04X (not a Unicode character)", (unsigned)cp);
        j->p += 6;
        u = 0x10000 + (((uint32_t)cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        ld_json_fail(j, esc, "unpaired surrogate \\u%04X (not a Unicode character)", (unsigned)cp);
      } else if (cp == 0) {
        ld_json_fail(j, esc, "\\u0000 (a NUL character) is not allowed in SVL texts");
      }
      put_utf8(&j->str, u);
      break;
    }
    default:
      if (e > ' ' && e < 0x7F) ld_json_fail(j, esc, "invalid escape \\%c in a string", e);
      ld_json_fail(j, esc, "invalid escape: a backslash before %s", jchar(j, j->p - 1));
    }
  }
}

/* Room for one more entry in the open-addressing table tab of *cap
 * slots holding n entries of size bytes, each empty while its first field
 * (a pointer) is NULL: the table, made or doubled at half full (every
 * entry placed again by hash(entry)); NULL when it is at max slots and
 * half full, and the entry is not kept. */
static void *jtable_room(void *tab, size_t *cap, size_t n, size_t max, size_t size, size_t (*hash)(const void *)) {
  if (tab && 2 * (n + 1) <= *cap) return tab;
  if (tab && *cap >= max) return NULL;
  size_t nc = tab ? *cap * 2 : 256;
  char *nt = gc_alloc(nc * size);
  for (size_t i = 0; tab && i < *cap; i++) {
    const char *e = (const char *)tab + i * size;
    void *first;
    memcpy(&first, e, sizeof first);
    if (!first) continue;
    size_t k = hash(e) & (nc - 1);
    for (;; k = (k + 1) & (nc - 1)) {
      memcpy(&first, nt + k * size, sizeof first);
      if (!first) break;
    }
    memcpy(nt + k * size, e, size);
  }
  *cap = nc;
  return nt;
}

static size_t jtext_hash(const void *e) {
  const text *t = *(const text *const *)e;
  return gc_hash(t->s, t->len);
}
static size_t jkey_hash(const void *e) { return ((const jkey *)e)->h; }
static size_t jshape_h(const void *e) { return ((const jshape *)e)->h; }

jcache *ld_json_cache(bool whole) {
  jcache *c = gc_alloc(sizeof *c);
  c->tables = true;
  if (whole) c->tset = jtable_room(NULL, &c->tcap, 0, 0, sizeof *c->tset, jtext_hash);
  else c->texts = gc_alloc(JSON_TEXTS * sizeof(value));
  return c;
}

/* The string just read as a text, shared with an equal one (a load's) or
 * an equal recent short one (a stream pass's). */
static value jtext(jparser *j) {
  const char *s = j->str.s;
  size_t n = j->str.len;
  jcache *c = j->cache;
  if (c && c->tset && n <= JSON_SHARE_LEN) {
    unsigned h = gc_hash(s, n);
    size_t i = h & (c->tcap - 1);
    for (; c->tset[i]; i = (i + 1) & (c->tcap - 1))
      if (c->tset[i]->len == n && memcmp(c->tset[i]->s, s, n) == 0) return (value){.tag = V_TEXT, .as.text = c->tset[i]};
    value x = v_text(s, n);
    void *t = jtable_room(c->tset, &c->tcap, c->ntexts, 2 * JSON_LOAD_TEXTS, sizeof *c->tset, jtext_hash);
    if (t) {
      c->tset = t;
      for (i = h & (c->tcap - 1); c->tset[i];) i = (i + 1) & (c->tcap - 1);
      c->tset[i] = x.as.text;
      c->ntexts++;
    }
    return x;
  }
  if (!c || !c->texts || n > JSON_TEXT_LEN) return v_text(s, n);
  value *e = &c->texts[gc_hash(s, n) % JSON_TEXTS];
  if (e->tag == V_TEXT && e->as.text->len == n && memcmp(e->as.text->s, s, n) == 0) return *e;
  *e = v_text(s, n);
  return *e;
}

/* The key just read, one copy per distinct key of the load. */
static const char *jkey_intern(jparser *j) {
  const char *s = j->str.s;
  size_t n = j->str.len;
  jcache *c = j->cache;
  if (!c || !c->tables || n > JSON_TEXT_LEN) return gc_strndup(s, n);
  unsigned h = gc_hash(s, n);
  size_t i = 0;
  for (i = h & (c->kcap - 1); c->keys && c->keys[i].s; i = (i + 1) & (c->kcap - 1))
    if (c->keys[i].h == h && c->keys[i].len == n && memcmp(c->keys[i].s, s, n) == 0) return c->keys[i].s;
  const char *k = gc_strndup(s, n);
  void *t = jtable_room(c->keys, &c->kcap, c->nkeys, 2 * JSON_KEYS, sizeof *c->keys, jkey_hash);
  if (t) {
    c->keys = t;
    for (i = h & (c->kcap - 1); c->keys[i].s;) i = (i + 1) & (c->kcap - 1);
    c->keys[i] = (jkey){k, n, h};
    c->nkeys++;
  }
  return k;
}

/* The shared key array of an object with keys ks[0..n) (checked for
 * duplicates before), or NULL when this key set is new. */
static const char **jshape_find(jcache *c, const char **ks, size_t n, size_t h) {
  for (size_t i = h & (c->scap - 1); c->shapes && c->shapes[i].keys; i = (i + 1) & (c->scap - 1))
    if (c->shapes[i].h == h && c->shapes[i].n == n && memcmp(c->shapes[i].keys, ks, n * sizeof *ks) == 0)
      return c->shapes[i].keys;
  return NULL;
}

static void jshape_add(jcache *c, const char **ks, size_t n, size_t h) {
  void *t = jtable_room(c->shapes, &c->scap, c->nshapes, 2 * JSON_SHAPES, sizeof *c->shapes, jshape_h);
  if (!t) return;
  c->shapes = t;
  size_t i = h & (c->scap - 1);
  while (c->shapes[i].keys) i = (i + 1) & (c->scap - 1);
  c->shapes[i] = (jshape){ks, n, h};
  c->nshapes++;
}

static size_t jshape_hash(const char **ks, size_t n) {
  size_t h = n * 0x9E3779B97F4A7C15u;
  for (size_t i = 0; i < n; i++) h = (h ^ (size_t)(uintptr_t)ks[i]) * 0x100000001B3u;
  return h ^ (h >> 29);
}

static value jnumber(jparser *j) {
  size_t start = j->p;
  const char *s = j->s;
  size_t n = j->n;
  if (j->p < n && s[j->p] == '-') j->p++;
  if (j->p < n && s[j->p] == '0') {
    j->p++;
    if (j->p < n && ld_is_digit(s[j->p])) ld_json_fail(j, start, "invalid number: a leading zero");
  } else if (j->p < n && ld_is_digit(s[j->p])) {
    while (j->p < n && ld_is_digit(s[j->p])) j->p++;
  } else {
    ld_json_fail(j, j->p, "invalid number: expected a digit, found %s", jchar(j, j->p));
  }
  if (j->p < n && s[j->p] == '.') {
    j->p++;
    if (j->p >= n || !ld_is_digit(s[j->p]))
      ld_json_fail(j, j->p, "invalid number: expected a digit after '.', found %s", jchar(j, j->p));
    while (j->p < n && ld_is_digit(s[j->p])) j->p++;
  }
  if (j->p < n && (s[j->p] == 'e' || s[j->p] == 'E')) {
    j->p++;
    if (j->p < n && (s[j->p] == '+' || s[j->p] == '-')) j->p++;
    if (j->p >= n || !ld_is_digit(s[j->p]))
      ld_json_fail(j, j->p, "invalid number: expected a digit in the exponent, found %s", jchar(j, j->p));
    while (j->p < n && ld_is_digit(s[j->p])) j->p++;
  }
  dec d;
  dec_status st = dec_parse(s + start, j->p - start, &d);
  if (st == DEC_OK) return v_num(d);
  sbuf b;
  sb_init(&b);
  size_t len = j->p - start;
  sb_putn(&b, s + start, len > GOT_MAX ? GOT_MAX : len);
  if (len > GOT_MAX) sb_puts(&b, "\xE2\x80\xA6");
  ld_json_fail(j, start, "the number %s %s", b.s, ld_why_inexact(s + start, len, st));
}

static void jdepth(jparser *j, size_t at) {
  if (++j->depth > JSON_MAX_DEPTH)
    ld_json_fail(j, at, "arrays and objects are nested more than %d deep", JSON_MAX_DEPTH);
}

/* The scratch stacks of a parser without a cache (from_json): its own. */
static jcache *jscratch(jparser *j) {
  if (!j->cache) j->cache = gc_alloc(sizeof *j->cache);
  return j->cache;
}

static void jpush_val(jparser *j, value x) {
  jcache *c = j->cache;
  c->vals = ld_vec_room(j->v, j->at, c->vals, &c->vcap, c->nvals, sizeof(value), false);
  c->vals[c->nvals++] = x;
}

/* After an array item or an object's value: true when a comma says more
 * follows, false when `close` ends the container (opened at `open`). */
static bool jmore(jparser *j, size_t open, char close, const char *kind, const char *item) {
  jws(j);
  if (j->p < j->n && j->s[j->p] == ',') {
    j->p++;
    jws(j);
    if (j->p < j->n && j->s[j->p] == close) ld_json_fail(j, j->p, "a comma before '%c' (remove it)", close);
    return true;
  }
  if (j->p < j->n && j->s[j->p] == close) {
    j->p++;
    return false;
  }
  if (j->p >= j->n) ld_json_fail(j, open, "this %s is never closed (missing '%c')", kind, close);
  ld_json_fail(j, j->p, "expected ',' or '%c' after %s, found %s", close, item, jchar(j, j->p));
}

static value jarray(jparser *j) {
  size_t open = j->p++;
  jdepth(j, open);
  jcache *c = jscratch(j);
  size_t base = c->nvals;
  jws(j);
  if (j->p < j->n && j->s[j->p] == ']') {
    j->p++;
  } else {
    for (;;) {
      value x = jvalue(j);
      jpush_val(j, x);
      if (!jmore(j, open, ']', "array", "an array item")) break;
    }
  }
  j->depth--;
  size_t len = c->nvals - base;
  list *l = list_new(len);
  if (len) memcpy(l->items, c->vals + base, len * sizeof(value));
  c->nvals = base;
  return v_list(l);
}

static value jobject(jparser *j) {
  size_t open = j->p++;
  jdepth(j, open);
  uint32_t line = j->src ? line_at(j, open) : 0;
  jcache *c = jscratch(j);
  size_t vbase = c->nvals, kbase = c->nnames;
  jws(j);
  if (j->p < j->n && j->s[j->p] == '}') {
    j->p++;
  } else {
    for (;;) {
      if (j->p >= j->n) ld_json_fail(j, open, "this object is never closed (missing '}')");
      if (j->s[j->p] == '\'') ld_json_fail(j, j->p, "JSON keys use double quotes, not '");
      if (j->s[j->p] != '"')
        ld_json_fail(j, j->p, "expected a key in double quotes, found %s", jchar(j, j->p));
      size_t koff = j->p;
      jstring(j);
      const char *key = jkey_intern(j);
      /* the key and where it starts, on the stacks before the value's items */
      c->names = ld_vec_room(j->v, j->at, c->names, &c->ncap, c->nnames, sizeof(char *), false);
      c->offs = ld_vec_room(j->v, j->at, c->offs, &c->ocap, c->nnames, sizeof(size_t), true);
      c->names[c->nnames] = key;
      c->offs[c->nnames++] = koff;
      jws(j);
      if (j->p >= j->n || j->s[j->p] != ':')
        ld_json_fail(j, j->p, "expected ':' after a key, found %s", jchar(j, j->p));
      j->p++;
      value x = jvalue(j);
      jpush_val(j, x);
      if (!jmore(j, open, '}', "object", "a value")) break;
    }
  }
  j->depth--;
  size_t len = c->nnames - kbase;
  /* no key pushed yet (a first object that is empty): names may be NULL */
  const char **ks = len ? c->names + kbase : NULL, **shared = NULL;
  size_t h = 0;
  if (len && c->tables) {
    h = jshape_hash(ks, len);
    shared = jshape_find(c, ks, len, h);
  }
  if (!shared && len) {
    size_t dup, orig;
    if (ld_find_dup(j->v, j->at, ks, len, &dup, &orig)) {
      sbuf b;
      sb_init(&b);
      ld_put_got(&b, ks[dup], strlen(ks[dup]));
      ld_json_fail(j, c->offs[kbase + dup], "duplicate key %s in an object", b.s);
    }
    const char **own = gc_alloc(len * sizeof *own);
    memcpy(own, ks, len * sizeof *own);
    if (c->tables) jshape_add(c, own, len, h);
    shared = own;
  }
  record *r = len ? record_tagged(len, shared, c->vals + vbase) : record_new(0);
  c->nvals = vbase;
  c->nnames = kbase;
  r->src = j->src;
  r->line = line;
  return v_rec(r);
}

static void jfit(jparser *j);

static value jvalue(jparser *j) {
  if (j->win) jfit(j);
  jws(j);
  if (j->p >= j->n) ld_json_fail(j, j->p, "unexpected end of the text: expected a value");
  char c = j->s[j->p];
  switch (c) {
  case '{': return jobject(j);
  case '[': return jarray(j);
  case '"':
    jstring(j);
    return jtext(j);
  default: break;
  }
  if (c == '-' || ld_is_digit(c)) return jnumber(j);
  static const struct {
    const char *w;
    size_t n;
    int k;
  } lits[] = {{"true", 4, 1}, {"false", 5, 0}, {"null", 4, -1}};
  for (size_t i = 0; i < 3; i++) {
    if (j->n - j->p >= lits[i].n && memcmp(j->s + j->p, lits[i].w, lits[i].n) == 0) {
      size_t e = j->p + lits[i].n;
      if (e < j->n && ld_word_char((unsigned char)j->s[e], false)) break;
      j->p = e;
      return lits[i].k < 0 ? v_null : v_bool(lits[i].k == 1);
    }
  }
  if (c == '\'') ld_json_fail(j, j->p, "JSON strings use double quotes, not '");
  ld_json_fail(j, j->p, "expected a value, found %s", jchar(j, j->p));
}

/* ---- a file through a window (ld_parse_json_window) ----------------------
 *
 * load of a large JSON file need not hold its bytes (a 5 MB package's
 * were a fifth of the run's peak memory, docs/ocds.md "Benchmark").  The
 * parser above reads a buffer; here the buffer is a window on the file
 * that is moved on only at the start of a value (jfit), where nothing
 * before the value is needed again but the count of its lines.  jfit
 * makes the window hold the value whole -- or, for an array or object
 * larger than w->fit, its opening -- and what the parser reads after it
 * before the next value: blanks, closing brackets, a comma and the next
 * key with its ':'.  Should the parser still run out of window (a blank
 * run past it, say), it sees an error and the file is parsed whole, so
 * nothing but time depends on these lookaheads. */

/* Move the window on: the bytes before p go (their lines counted), and
 * the ones read are checked as UTF-8. */
static bool jw_more(jparser *j) {
  jwin *w = j->win;
  if (w->eof) return false;
  size_t keep = j->p;
  line_at(j, keep);
  j->lc_off = 0;
  bool more = w->more(j, keep);
  j->p = 0;
  j->fit_end = j->fit_end > keep ? j->fit_end - keep : 0;
  w->checked = w->checked > keep ? w->checked - keep : 0;
  w->eof = !more;
  size_t cut = j->n;
  if (more) { /* a character the next read may finish is checked then */
    size_t b = cut;
    while (b > w->checked && cut - b < 3 && ((unsigned char)j->s[b - 1] & 0xC0) == 0x80) b--;
    if (b > w->checked && (unsigned char)j->s[b - 1] >= 0xC0) cut = b - 1;
  }
  bool nul;
  if (ld_utf8_check(j->s + w->checked, cut - w->checked, &nul) < cut - w->checked) longjmp(w->fail, 1);
  w->checked = cut;
  return more;
}

/* The byte k bytes after p, read in as needed; -1 past the end of the file. */
static inline int jw_at(jparser *j, size_t k) {
  while (j->p + k >= j->n)
    if (!jw_more(j)) return -1;
  return (unsigned char)j->s[j->p + k];
}

static size_t jw_blanks(jparser *j, size_t k) {
  for (int c; (c = jw_at(j, k)) == ' ' || c == '\t' || c == '\n' || c == '\r';) k++;
  return k;
}

/* Past the string at k (its '"'): its closing quote, or the end of its line. */
static size_t jw_string_end(jparser *j, size_t k) {
  for (k++;;) {
    int c = jw_at(j, k);
    if (c < 0) return k;
    k++;
    if (c == '\\') {
      if (jw_at(j, k) >= 0) k++;
    } else if (c == '"' || c == '\n') {
      return k;
    }
  }
}

/* Past the value at k; 0 for an array or object longer than max.  Only
 * where it ends is found: the parser checks the rest. */
static size_t jw_value_end(jparser *j, size_t k, size_t max) {
  int c = jw_at(j, k);
  if (c == '"') return jw_string_end(j, k);
  if (c == '{' || c == '[') {
    size_t start = k;
    int depth = 0;
    for (;;) {
      if (k - start > max) return 0;
      c = jw_at(j, k);
      if (c < 0) return k;
      if (c == '"') {
        k = jw_string_end(j, k);
        continue;
      }
      k++;
      if (c == '{' || c == '[') depth++;
      else if ((c == '}' || c == ']') && --depth == 0) return k;
    }
  }
  while ((c = jw_at(j, k)) >= 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != ']' &&
         c != '}' && c != ':' && c != '"' && c != '[' && c != '{')
    k++;
  return k;
}

static void jfit(jparser *j) {
  if (j->p < j->fit_end) return; /* inside a value already held */
  size_t k = jw_blanks(j, 0);
  if (jw_at(j, k) < 0) return;
  size_t end = jw_value_end(j, k, j->win->fit);
  if (!end) { /* too large to hold: its opening, and a first key */
    k = jw_blanks(j, k + 1);
    if (jw_at(j, k) == '"') (void)jw_blanks(j, jw_string_end(j, k));
    return;
  }
  int c;
  for (k = end;; k++) {
    k = jw_blanks(j, k);
    if ((c = jw_at(j, k)) != '}' && c != ']') break;
  }
  if (c == ',') {
    k = jw_blanks(j, k + 1);
    if (jw_at(j, k) == '"') (void)jw_blanks(j, jw_string_end(j, k)); /* the next key, to its ':' */
  }
  j->fit_end = j->p + end;
}

void ld_json_init(jparser *j, vm *v, loc at, const char *name, const datasrc *src, const char *s,
                  size_t n, size_t line_base, size_t col_base) {
  *j = (jparser){.v = v, .at = at, .name = name, .src = src, .s = s, .n = n,
                 .lc_line = line_base, .line_base = line_base, .col_base = col_base};
  sb_init(&j->str);
  bool nul;
  size_t bad = ld_utf8_check(s, n, &nul);
  if (bad < n)
    ld_json_fail(j, bad, nul ? "NUL byte in the text"
                         : name ? "invalid UTF-8 (for Windows-1252 or Latin-1 data, say so: encoding: \"windows-1252\")"
                                : "invalid UTF-8");
  jws(j);
}

value ld_json_value(jparser *j) {
  /* a value a failed parse left open is not one of this one's */
  if (j->cache && j->depth == 0) j->cache->nvals = j->cache->nnames = 0;
  value x = jvalue(j);
  jws(j);
  return x;
}

/* A sequence (JSON Lines, or values one after another, as ocdskit and
 * bulk downloads write them): each value in turn, into one list. */
static value json_seq(jparser *j, value first, bool have_first) {
  value *items = NULL;
  size_t len = 0, cap = 0;
  if (have_first) {
    items = ld_vec_room(j->v, j->at, items, &cap, len, sizeof(value), false);
    items[len++] = first;
  }
  while (j->p < j->n) {
    value x = ld_json_value(j);
    items = ld_vec_room(j->v, j->at, items, &cap, len, sizeof(value), false);
    items[len++] = x;
  }
  list *l = list_new(len);
  if (len) memcpy(l->items, items, len * sizeof(value));
  return v_list(l);
}

typedef struct {
  jparser *j;
  bool seq;
  value x;
  bool whole; /* through a window: parse the file whole instead */
} jwhole;

static void parse_whole(vm *v, void *ctx) {
  (void)v;
  jwhole *w = ctx;
  jparser *j = w->j;
  if (w->seq) {
    w->x = json_seq(j, v_null, false);
    return;
  }
  if (j->p >= j->n) ld_json_fail(j, j->p, "the JSON text is empty");
  value x = ld_json_value(j);
  if (j->p < j->n && j->name && (j->s[j->p] == '{' || j->s[j->p] == '[')) {
    w->x = json_seq(j, x, true);
    return;
  }
  if (j->src) ((datasrc *)j->src)->seq = false;
  if (j->p < j->n) ld_json_fail(j, j->p, "unexpected %s after the JSON value", jchar(j, j->p));
  w->x = x;
}

value ld_parse_json(vm *v, loc at, const char *name, const char *s, size_t n, bool seq, datasrc **dsp) {
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
  datasrc *ds = NULL;
  if (name) {
    ds = gc_alloc(sizeof *ds);
    ds->file = name;
  }
  if (dsp) *dsp = ds;
  jparser j;
  ld_json_init(&j, v, at, name, ds, s, n, 1, 1);
  if (ds) ds->seq = true; /* until a single value says otherwise */
  jwhole w = {&j, seq, v_null, false};
  if (!name) {
    parse_whole(v, &w);
    return w.x;
  }
  j.cache = ld_json_cache(true);
  /* A file's values all stay live, and parsing makes no garbage: the
   * collector is paused meanwhile rather than marking the growing tree
   * again and again to free nothing (a tenth of the x40 benchmark's CPU
   * time).  An error resumes it before going on up. */
  gc_pause(true);
  bool ok = vm_protect(v, parse_whole, &w);
  gc_pause(false);
  if (!ok) longjmp(*v->jmp, 1);
  return w.x;
}

static void parse_window(vm *v, void *ctx) {
  jwhole *w = ctx;
  jparser *j = w->j;
  if (setjmp(j->win->fail)) {
    w->whole = true;
    return;
  }
  if (jw_at(j, 0) == 0xEF && jw_at(j, 1) == 0xBB && jw_at(j, 2) == 0xBF) j->p = 3;
  j->p += jw_blanks(j, 0);
  parse_whole(v, w);
  /* the window ended before the file did: not the whole file was read */
  if (jw_at(j, jw_blanks(j, 0)) >= 0) w->whole = true;
}

int ld_parse_json_window(vm *v, loc at, const char *name, jwin *win, bool seq, value *out, datasrc **dsp) {
  datasrc *ds = gc_alloc(sizeof *ds);
  ds->file = name;
  ds->seq = true; /* until a single value says otherwise */
  *dsp = ds;
  jparser j = {.v = v, .at = at, .name = name, .src = ds, .s = "", .lc_line = 1, .line_base = 1, .col_base = 1,
               .win = win};
  sb_init(&j.str);
  j.cache = ld_json_cache(true);
  jwhole w = {&j, seq, v_null, false};
  gc_pause(true); /* as in ld_parse_json */
  bool ok = vm_protect(v, parse_window, &w);
  gc_pause(false);
  if (!ok) return JW_RAISED;
  if (w.whole) return JW_WHOLE;
  *out = w.x;
  return JW_OK;
}

value load_json_text(vm *v, loc at, const char *src, size_t n) {
  return ld_parse_json(v, at, NULL, src, n, false, NULL);
}

/* ---- JSON against a type ------------------------------------------------ */

typedef struct {
  conv_ctx x;
  const char *name;
  errlist *errs;
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
  case V_TEXT: ld_put_got(b, x.as.text->s, x.as.text->len); break;
  case V_LIST:
  case V_RECORD: sb_puts(b, value_short(x)); break;
  default: sb_puts(b, value_type_name(x)); break;
  }
}

static sbuf *jc_err(jconv *c) {
  sbuf *b = ld_errs_line(c->errs);
  sb_printf(b, "%s: ", c->name);
  if (c->path.len) sb_printf(b, "%s: ", c->path.s);
  return b;
}

static void jc_expected(jconv *c, value x, const vtype *t) {
  sbuf *b = jc_err(c);
  sb_puts(b, "expected ");
  ld_type_desc(b, t);
  sb_puts(b, ", got ");
  json_got(b, x);
}

static bool ident_like(const char *k) {
  if (!ld_word_char((unsigned char)*k, true) || (unsigned char)*k >= 0x80) return false;
  for (const char *p = k + 1; *p; p++)
    if (!ld_word_char((unsigned char)*p, false) || (unsigned char)*p >= 0x80) return false;
  return true;
}

static void path_key(sbuf *p, const char *k) {
  if (ident_like(k)) {
    if (p->len) sb_putc(p, '.');
    sb_puts(p, k);
  } else {
    sb_putc(p, '[');
    ld_put_got(p, k, strlen(k));
    sb_putc(p, ']');
  }
}

static void path_cut(sbuf *p, size_t len) {
  p->len = len;
  if (p->s) p->s[len] = 0;
}

/* A JSON text where the type wants a number, date, bool, quantity...: read
 * as a CSV cell would be, or x itself with the reason noted. */
static value jconv_text(jconv *c, value x, const vtype *t) {
  value out;
  sbuf why;
  sb_init(&why);
  if (ld_conv_cell(&c->x, x.as.text->s, x.as.text->len, t, &out, &why)) return out;
  sb_puts(jc_err(c), why.s);
  return x;
}

/* An OCDS Value where the type wants money: its amount in that currency.
 * A null currency, another currency or a non-number amount is noted with
 * the JSON path (docs/ocds.md, "Values"); never a conversion. */
static value jconv_ocds_value(jconv *c, value x, const vtype *t) {
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

static value jconv_value(jconv *c, value x, const vtype *t) {
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
            ld_same_def(unit_lookup(c->x.reg, un), t->unit))
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
          sb_printf(jc_err(c), "missing field '%s' of %s", t->fnames[f], ld_type_str(t));
          continue;
        }
        path_key(&c->path, t->fnames[f]);
        o->vals[f] = jconv_value(c, rec_get(r, k), t->ftypes[f]);
        path_cut(&c->path, mark);
      }
      for (size_t i = 0; i < r->n && !t->open; i++) {
        bool known = false;
        for (size_t f = 0; f < nf && !known; f++) known = strcmp(r->keys[i], t->fnames[f]) == 0;
        if (known) continue;
        path_key(&c->path, r->keys[i]);
        sb_printf(jc_err(c), "unexpected field (not a field of %s)", ld_type_str(t));
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

value ld_json_convert(vm *v, loc at, const char *name, const char *path, value x, const vtype *t, errlist *into) {
  if (!t) return x;
  jconv c;
  ld_ctx_init(&c.x, v, at);
  c.name = name;
  c.errs = into;
  if (!into) {
    c.errs = gc_alloc(sizeof *c.errs);
    ld_errs_init(c.errs);
  }
  sb_init(&c.path);
  if (path) sb_puts(&c.path, path);
  x = jconv_value(&c, x, t);
  if (!into) ld_errs_raise(v, at, c.errs);
  return x;
}
