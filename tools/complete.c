/* REPL completion: what could come next at the end of a line. */
#include <string.h>

#include "eval/eval.h"
#include "core/gc.h"
#include "stdlib/builtins.h"

#define PUBLIC __attribute__((visibility("default")))

static const char *const keywords[] = {
  "and", "as", "assert", "else", "false", "fn", "for", "hit", "if", "import", "in", "indicator",
  "let", "mod", "not", "null", "or", "per", "print", "require", "rule", "table", "test", "then",
  "true", "type", "unit", "warn", "with",
};

static bool ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

typedef struct cands { const char **out; int max, n; const char *prefix; size_t plen; } cands;

static void offer(cands *c, const char *name) {
  if (strncmp(name, c->prefix, c->plen) != 0) return;
  for (int i = 0; i < c->n && i < c->max; i++)
    if (!strcmp(c->out[i], name)) return;
  if (c->n < c->max) c->out[c->n] = name;
  c->n++;
}

/* `[N]` or `[-N]` at s[*i]: the item of list x it names (indexed from 1,
 * from the end when negative). */
static bool index_step(const char *s, size_t n, size_t *i, value *x) {
  size_t j = *i + 1;
  bool neg = j < n && s[j] == '-';
  if (neg) j++;
  long k = 0;
  size_t d = j;
  while (j < n && s[j] >= '0' && s[j] <= '9' && k < 100000000) k = k * 10 + (s[j++] - '0');
  if (j == d || j >= n || s[j] != ']' || x->tag != V_LIST) return false;
  size_t len = x->as.list->n;
  if (k == 0 || (size_t)k > len) return false;
  *x = x->as.list->items[neg ? len - (size_t)k : (size_t)k - 1];
  *i = j + 1;
  return true;
}

/* The record that `a.b[2].c` names, from globals, their fields and list
 * items at literal indexes only: no evaluation happens while the user is
 * typing. */
static bool chain_value(svl_vm *v, const char *s, size_t n, value *out) {
  size_t i = 0, start = 0;
  while (i < n && ident(s[i])) i++;
  char name[128];
  if (i == 0 || i >= sizeof name) return false;
  memcpy(name, s, i);
  name[i] = 0;
  int k = globals_find(&v->host, name);
  if (k < 0 || !v->host.ready[k]) return false;
  value x = v->host.vals[k];
  while (i < n && (s[i] == '.' || s[i] == '[')) {
    if (s[i] == '[') {
      if (!index_step(s, n, &i, &x)) return false;
      continue;
    }
    start = ++i;
    while (i < n && ident(s[i])) i++;
    if (i == start || i - start >= sizeof name || x.tag != V_RECORD) return false;
    memcpy(name, s + start, i - start);
    name[i - start] = 0;
    long f = record_find(x.as.rec, name);
    if (f < 0) return false;
    x = rec_get(x.as.rec, f);
  }
  if (i != n) return false;
  *out = x;
  return true;
}

PUBLIC int svl_complete(svl_vm *v, const char *text, size_t len, const char **out, int max, size_t *word_start) {
  size_t w = len;
  while (w > 0 && ident(text[w - 1])) w--;
  if (word_start) *word_start = w;
  cands c = {out, max, 0, gc_strndup(text + w, len - w), len - w};
  if (w > 0 && text[w - 1] == '.') {
    size_t b = w - 1;
    for (;;) {
      if (b > 0 && (ident(text[b - 1]) || text[b - 1] == '.')) b--;
      else if (b > 0 && text[b - 1] == ']') {
        /* back over a literal index: grants[1]. and grants[-1]. */
        size_t o = b - 1;
        while (o > 0 && ((text[o - 1] >= '0' && text[o - 1] <= '9') || text[o - 1] == '-')) o--;
        if (o == 0 || text[o - 1] != '[') break;
        b = o - 1;
      } else break;
    }
    value x;
    if (chain_value(v, text + b, w - 1 - b, &x)) {
      if (x.tag == V_RECORD)
        for (size_t i = 0; i < x.as.rec->n; i++) offer(&c, x.as.rec->keys[i]);
      else if (x.tag == V_VERDICT) {
        offer(&c, "passed");
        offer(&c, "reasons");
        offer(&c, "warnings");
      } else if (x.tag == V_MODULE)
        for (int i = 0; i < x.as.module->g->n; i++) offer(&c, x.as.module->g->names[i]);
    }
    return c.n;
  }
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) offer(&c, keywords[i]);
  for (int i = 0; i < v->host.n; i++) offer(&c, v->host.names[i]);
  int nb = builtin_names(NULL, 0);
  const char **bn = gc_alloc((size_t)(nb + 1) * sizeof *bn);
  builtin_names(bn, nb);
  for (int i = 0; i < nb; i++) offer(&c, bn[i]);
  return c.n;
}
