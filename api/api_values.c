/* Building and reading values from the host (include/svl.h, "Values").
 *
 * Numbers cross the boundary as exact decimal text, never as a C double:
 * "1200.50" in, "1200.5" out.  Anything that allocates runs under the
 * protected boundary (api_protect), so an exhausted heap comes back as an
 * error instead of a NULL the code would trip over.  Wrong kinds and bad
 * input are usage errors (SVL_ERR_USAGE) that say what was expected. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/gc.h"

/* ---- kinds ---- */

PUBLIC svl_kind svl_kind_of(svl_vm *v, svl_value *h) {
  value x;
  if (!v || !api_value(v, h, "svl_kind_of", &x)) return SVL_KIND_NONE;
  switch ((vtag)x.tag) {
  case V_NULL: return SVL_KIND_NULL;
  case V_BOOL: return SVL_KIND_BOOL;
  case V_NUM: return SVL_KIND_NUMBER;
  case V_TEXT: return SVL_KIND_TEXT;
  case V_DATE: return SVL_KIND_DATE;
  case V_DATETIME: return SVL_KIND_DATETIME;
  case V_LIST: return SVL_KIND_LIST;
  case V_RANGE: return SVL_KIND_RANGE;
  case V_RECORD: return SVL_KIND_RECORD;
  case V_FUNC: case V_BUILTIN: case V_TABLE: return SVL_KIND_FUNCTION;
  case V_VERDICT: return SVL_KIND_VERDICT;
  case V_TYPE: return SVL_KIND_TYPE;
  case V_MODULE: return SVL_KIND_MODULE;
  case V_STREAM: return SVL_KIND_STREAM;
  }
  return SVL_KIND_NONE;
}

/* ---- building ---- */

/* One protected construction: `make` fills `out` (it may raise). */
typedef struct build {
  value (*make)(svl_vm *, struct build *);
  value out;
  /* inputs */
  dec num;
  const unit_t *unit;
  size_t n;
  const char *const *keys;
  const value *vals;
  const record *rec;
} build;

static void run_build(svl_vm *v, void *p) {
  build *b = p;
  b->out = b->make(v, b);
}

static svl_value *built(svl_vm *v, build *b) {
  if (api_protect(v, run_build, b) != SVL_OK) return NULL;
  return api_handle(v, b->out);
}

static bool parse_dec(svl_vm *v, const char *api, const char *s, dec *d) {
  if (!s) { api_usage(v, "%s: no number", api); return false; }
  dec_status st = dec_parse(s, strlen(s), d);
  if (st == DEC_OK) return true;
  api_usage(v, st == DEC_INEXACT ? "%s: '%.60s' has more digits than a decimal128 holds exactly"
               : st == DEC_OVERFLOW ? "%s: '%.60s' is beyond decimal128's range"
               : "%s: '%.60s' is not a decimal number (write 1200.50, -3 or 2.5e6)", api, s);
  return false;
}

PUBLIC svl_value *svl_int(svl_vm *v, int64_t i) {
  if (!v) return NULL;
  return api_handle(v, v_int(i));
}

PUBLIC svl_value *svl_percent(svl_vm *v, const char *percent) {
  dec d, r;
  if (!v || !parse_dec(v, "svl_percent", percent, &d)) return NULL;
  if (dec_div(d, dec_from_int(100), &r) != DEC_OK) { api_usage(v, "svl_percent: '%.60s' is out of range", percent); return NULL; }
  return api_handle(v, v_pct(r));
}

/* A unit expression as unit_name writes it: NAME, NAME^N, A*B, A/B, with
 * singular or plural names and the currency signs £ € $. */
static bool parse_unit(svl_vm *v, const char *s, const unit_t **out, dec *scale) {
  const unit_t *u = NULL;
  *scale = dec_from_int(1);
  int op = '*';
  const char *p = s;
  for (;;) {
    const char *e = p;
    while (*e && *e != '*' && *e != '/' && *e != '^') e++;
    if (e == p) goto bad;
    char name[128];
    size_t n = (size_t)(e - p);
    if (n >= sizeof name) goto bad;
    memcpy(name, p, n);
    name[n] = 0;
    const char *canon = !strcmp(name, "£") ? "GBP" : !strcmp(name, "€") ? "EUR" : !strcmp(name, "$") ? "USD" : name;
    const unit_def *d = unit_lookup(v->units, canon);
    if (!d) {
      api_usage(v, "svl_quantity: unknown unit '%s' (GBP, EUR, USD, hour, day, week, year and the units the loaded "
                   "program declares)", name);
      return false;
    }
    long exp = 1;
    if (*e == '^') {
      char *end;
      exp = strtol(e + 1, &end, 10);
      if (end == e + 1 || exp == 0 || exp > UNIT_MAX_EXP || exp < -UNIT_MAX_EXP) goto bad;
      e = end;
    }
    const unit_t *f = unit_pow(unit_from_def(d), (int)exp);
    dec k;
    const unit_t *r = op == '*' ? unit_mul(u, f, &k) : unit_div(u, f, &k);
    if (r == UNIT_TOO_COMPLEX || dec_mul(*scale, k, scale) != DEC_OK) {
      api_usage(v, "svl_quantity: unit '%.80s' is too complex", s);
      return false;
    }
    u = r;
    if (!*e) break;
    if (*e != '*' && *e != '/') goto bad;
    op = *e;
    p = e + 1;
  }
  *out = u;
  return true;
bad:
  api_usage(v, "svl_quantity: cannot read the unit '%.80s' (write GBP, hours, GBP/hour or FTE*hour)", s);
  return false;
}

static value make_qty(svl_vm *v, build *b) {
  (void)v;
  return v_qty(b->num, b->unit);
}

PUBLIC svl_value *svl_quantity(svl_vm *v, const char *amount, const char *unit) {
  build b = {.make = make_qty};
  dec scale;
  if (!v || !parse_dec(v, "svl_quantity", amount, &b.num)) return NULL;
  if (!unit || !*unit) { api_usage(v, "svl_quantity: no unit (use svl_number for a plain number)"); return NULL; }
  if (!parse_unit(v, unit, &b.unit, &scale)) return NULL;
  if (dec_mul(b.num, scale, &b.num) != DEC_OK) { api_usage(v, "svl_quantity: amount out of range"); return NULL; }
  return built(v, &b);
}

PUBLIC svl_value *svl_date(svl_vm *v, int year, int month, int day) {
  int32_t days;
  if (!v) return NULL;
  if (!date_from_ymd(year, month, day, &days)) {
    api_usage(v, "svl_date: %04d-%02d-%02d is not a date between 0001-01-01 and 9999-12-31", year, month, day);
    return NULL;
  }
  return api_handle(v, v_date(days));
}

PUBLIC svl_value *svl_date_iso(svl_vm *v, const char *iso) {
  int32_t days;
  if (!v) return NULL;
  if (!iso || !date_parse(iso, strlen(iso), &days)) {
    api_usage(v, "svl_date_iso: '%.40s' is not a date written YYYY-MM-DD", iso ? iso : "(null)");
    return NULL;
  }
  return api_handle(v, v_date(days));
}

/* Gather handles into values; false with a usage error naming the item. */
static value *gather(svl_vm *v, const char *api, size_t n, svl_value *const *hs) {
  if (n && !hs) { api_usage(v, "%s: no items", api); return NULL; }
  if (n > ((size_t)1 << 28)) { api_usage(v, "%s: too many items", api); return NULL; }
  value *xs = gc_alloc((n ? n : 1) * sizeof(value));
  if (!xs) { api_usage(v, "%s: out of memory", api); return NULL; }
  for (size_t i = 0; i < n; i++)
    if (!api_value(v, hs[i], api, &xs[i])) {
      api_usage(v, "%s: item %zu: %s", api, i, v->err.msg);
      return NULL;
    }
  return xs;
}

static value make_list(svl_vm *v, build *b) {
  (void)v;
  list *l = list_new(b->n);
  if (b->n) memcpy(l->items, b->vals, b->n * sizeof(value));
  return v_list(l);
}

PUBLIC svl_value *svl_list(svl_vm *v, size_t n, svl_value *const *items) {
  if (!v) return NULL;
  build b = {.make = make_list, .n = n};
  if (!(b.vals = gather(v, "svl_list", n, items))) return NULL;
  return built(v, &b);
}

static value make_record(svl_vm *v, build *b) {
  (void)v;
  record *r = record_new(b->n);
  for (size_t i = 0; i < b->n; i++) {
    r->keys[i] = gc_strdup(b->keys[i]);
    r->vals[i] = b->vals[i];
  }
  return v_rec(r);
}

static bool valid_key(const char *k) {
  if (!k || !*k) return false;
  size_t n = strlen(k);
  for (size_t i = 0; i < n;) {
    int len = utf8_valid_seq((const unsigned char *)k + i, n - i);
    if (!len) return false;
    i += (size_t)len;
  }
  return true;
}

PUBLIC svl_value *svl_record(svl_vm *v, size_t n, const char *const *keys, svl_value *const *values) {
  if (!v) return NULL;
  if (n && !keys) { api_usage(v, "svl_record: no field names"); return NULL; }
  for (size_t i = 0; i < n; i++) {
    if (!valid_key(keys[i])) { api_usage(v, "svl_record: field %zu has no name, or one that is not UTF-8", i); return NULL; }
    for (size_t j = 0; j < i; j++)
      if (!strcmp(keys[i], keys[j])) { api_usage(v, "svl_record: field '%s' given twice", keys[i]); return NULL; }
  }
  build b = {.make = make_record, .n = n, .keys = keys};
  if (!(b.vals = gather(v, "svl_record", n, values))) return NULL;
  return built(v, &b);
}

static value make_with(svl_vm *v, build *b) {
  (void)v;
  const record *x = b->rec;
  long k = record_find(x, b->keys[0]);
  record *r = record_new(x->n + (k < 0));
  r->src = rec_src(x), r->line = x->line; /* a loaded row stays traceable */
  for (size_t i = 0; i < x->n; i++) {
    r->keys[i] = x->keys[i];
    r->vals[i] = rec_get(x, i);
  }
  if (k < 0) {
    r->keys[x->n] = gc_strdup(b->keys[0]);
    r->vals[x->n] = b->vals[0];
  } else {
    r->vals[k] = b->vals[0];
  }
  /* an indicator stays one only through SVL's own `with`, which checks it */
  return v_rec(r);
}

PUBLIC svl_value *svl_with(svl_vm *v, svl_value *rec, const char *key, svl_value *val) {
  value r, x;
  if (!v || !api_value(v, rec, "svl_with", &r) || !api_value(v, val, "svl_with", &x)) return NULL;
  if (r.tag != V_RECORD) { api_usage(v, "svl_with: expected a record, got %s", value_type_name(r)); return NULL; }
  if (!valid_key(key)) { api_usage(v, "svl_with: no field name"); return NULL; }
  const char *keys[1] = {key};
  build b = {.make = make_with, .rec = r.as.rec, .keys = keys, .vals = &x};
  return built(v, &b);
}

/* ---- reading ---- */

static svl_status want(svl_vm *v, const char *api, svl_value *h, int tag, const char *what, value *x) {
  if (!v) return SVL_ERR_USAGE;
  if (!api_value(v, h, api, x)) return SVL_ERR_USAGE;
  if (tag >= 0 && x->tag != tag) return api_usage(v, "%s: expected %s, got %s", api, what, value_type_name(*x));
  return SVL_OK;
}

PUBLIC svl_status svl_to_bool(svl_vm *v, svl_value *h, int *out) {
  value x;
  svl_status st = want(v, "svl_to_bool", h, -1, NULL, &x);
  if (st != SVL_OK) return st;
  bool b;
  if (!value_truthy_ok(x, &b)) return api_usage(v, "svl_to_bool: expected a bool or a verdict, got %s", value_type_name(x));
  if (out) *out = b;
  return SVL_OK;
}

PUBLIC svl_status svl_to_number(svl_vm *v, svl_value *h, const char **text) {
  value x;
  svl_status st = want(v, "svl_to_number", h, V_NUM, "a number", &x);
  if (st != SVL_OK) return st;
  if (!h->num) {
    char buf[DEC_BUFSZ];
    dec_format(x.as.num, buf, sizeof buf);
    h->num = gc_strdup(buf);
  }
  if (text) *text = h->num;
  return SVL_OK;
}

PUBLIC svl_status svl_to_decimal(svl_vm *v, svl_value *h, int *negative, uint64_t *hi, uint64_t *lo, int *exponent) {
  value x;
  svl_status st = want(v, "svl_to_decimal", h, V_NUM, "a number", &x);
  if (st != SVL_OK) return st;
  bool neg;
  unsigned __int128 c;
  int ex;
  if (!dec_parts(x.as.num, &neg, &c, &ex)) return api_usage(v, "svl_to_decimal: not a finite number");
  if (negative) *negative = neg;
  if (hi) *hi = (uint64_t)(c >> 64);
  if (lo) *lo = (uint64_t)c;
  if (exponent) *exponent = ex;
  return SVL_OK;
}

PUBLIC svl_status svl_to_int(svl_vm *v, svl_value *h, int64_t *out) {
  value x;
  svl_status st = want(v, "svl_to_int", h, V_NUM, "a number", &x);
  if (st != SVL_OK) return st;
  int64_t i;
  if (!dec_to_int(x.as.num, &i)) return api_usage(v, "svl_to_int: %s is not a whole number in range", value_display(x, true));
  if (out) *out = i;
  return SVL_OK;
}

PUBLIC svl_status svl_to_unit(svl_vm *v, svl_value *h, const char **unit) {
  value x;
  svl_status st = want(v, "svl_to_unit", h, V_NUM, "a number", &x);
  if (st != SVL_OK) return st;
  if (!h->unit) h->unit = x.unit ? unit_name(x.unit) : "";
  if (unit) *unit = h->unit;
  return SVL_OK;
}

PUBLIC int svl_is_percent(svl_vm *v, svl_value *h) {
  value x;
  return v && api_value(v, h, "svl_is_percent", &x) && x.tag == V_NUM && x.pct;
}

PUBLIC svl_status svl_to_text(svl_vm *v, svl_value *h, const char **utf8, size_t *len) {
  value x;
  svl_status st = want(v, "svl_to_text", h, V_TEXT, "a text", &x);
  if (st != SVL_OK) return st;
  if (utf8) *utf8 = x.as.text->s;
  if (len) *len = x.as.text->len;
  return SVL_OK;
}

PUBLIC svl_status svl_to_date(svl_vm *v, svl_value *h, int *year, int *month, int *day) {
  value x;
  svl_status st = want(v, "svl_to_date", h, V_DATE, "a date", &x);
  if (st != SVL_OK) return st;
  int y, m, d;
  date_to_ymd(x.days, &y, &m, &d);
  if (year) *year = y;
  if (month) *month = m;
  if (day) *day = d;
  return SVL_OK;
}

PUBLIC svl_status svl_length(svl_vm *v, svl_value *h, size_t *n) {
  value x;
  svl_status st = want(v, "svl_length", h, -1, NULL, &x);
  if (st != SVL_OK) return st;
  size_t k;
  if (x.tag == V_LIST) k = x.as.list->n;
  else if (x.tag == V_RECORD) k = x.as.rec->n;
  else return api_usage(v, "svl_length: expected a list or a record, got %s", value_type_name(x));
  if (n) *n = k;
  return SVL_OK;
}

PUBLIC svl_status svl_item(svl_vm *v, svl_value *h, size_t index, svl_value **out) {
  value x;
  if (out) *out = NULL;
  svl_status st = want(v, "svl_item", h, V_LIST, "a list", &x);
  if (st != SVL_OK) return st;
  if (!out) return api_usage(v, "svl_item: no place for the result");
  if (index >= x.as.list->n)
    return api_usage(v, "svl_item: index %zu is past the end of a list of %zu (indexes start at 0)", index, x.as.list->n);
  *out = api_handle(v, x.as.list->items[index]);
  return *out ? SVL_OK : api_usage(v, "svl_item: out of memory");
}

static svl_status want_record(svl_vm *v, const char *api, svl_value *h, size_t index, value *x) {
  svl_status st = want(v, api, h, V_RECORD, "a record", x);
  if (st != SVL_OK) return st;
  if (index >= x->as.rec->n)
    return api_usage(v, "%s: index %zu is past the last of %zu fields (indexes start at 0)", api, index, (size_t)x->as.rec->n);
  return SVL_OK;
}

PUBLIC svl_status svl_field_name(svl_vm *v, svl_value *h, size_t index, const char **name) {
  value x;
  svl_status st = want_record(v, "svl_field_name", h, index, &x);
  if (st != SVL_OK) return st;
  if (name) *name = x.as.rec->keys[index];
  return SVL_OK;
}

PUBLIC svl_status svl_field_at(svl_vm *v, svl_value *h, size_t index, svl_value **out) {
  value x;
  if (out) *out = NULL;
  svl_status st = want_record(v, "svl_field_at", h, index, &x);
  if (st != SVL_OK) return st;
  if (!out) return api_usage(v, "svl_field_at: no place for the result");
  *out = api_handle(v, rec_get(x.as.rec, index));
  return *out ? SVL_OK : api_usage(v, "svl_field_at: out of memory");
}

static svl_status missing(svl_vm *v, const char *name, const char *const *cands, int n, const char *what) {
  const char *best = diag_nearest(name, cands, n);
  if (best) return api_usage(v, "svl_field: no field '%s' in this %s (did you mean '%s'?)", name, what, best);
  return api_usage(v, "svl_field: no field '%s' in this %s", name, what);
}

PUBLIC svl_status svl_field(svl_vm *v, svl_value *h, const char *name, svl_value **out) {
  value x, r;
  if (out) *out = NULL;
  svl_status st = want(v, "svl_field", h, -1, NULL, &x);
  if (st != SVL_OK) return st;
  if (!name || !out) return api_usage(v, "svl_field: no field name or no place for the result");
  switch (x.tag) {
  case V_RECORD: {
    long k = record_find(x.as.rec, name);
    if (k < 0) return missing(v, name, x.as.rec->keys, (int)x.as.rec->n, x.as.rec->indicator ? "indicator" : "record");
    r = rec_get(x.as.rec, k);
    break;
  }
  case V_VERDICT: {
    static const char *const fields[] = {"passed", "reasons", "warnings"};
    if (!strcmp(name, "passed")) r = v_bool(x.as.verdict->passed);
    else if (!strcmp(name, "reasons")) r = v_list(x.as.verdict->reasons);
    else if (!strcmp(name, "warnings")) r = v_list(x.as.verdict->warnings);
    else return missing(v, name, fields, 3, "verdict");
    break;
  }
  case V_MODULE: {
    const globals *g = x.as.module->g;
    int k = globals_find(g, name);
    if (k < 0 || !g->ready[k]) return missing(v, name, g->names, g->n, "module");
    r = g->vals[k];
    break;
  }
  default:
    return api_usage(v, "svl_field: expected a record, verdict or module, got %s", value_type_name(x));
  }
  *out = api_handle(v, r);
  return *out ? SVL_OK : api_usage(v, "svl_field: out of memory");
}

/* ---- JSON out ---- */

PUBLIC char *svl_to_json(svl_vm *v, svl_value *h) { return svl_format_value(v, h, SVL_FORMAT_JSON); }
