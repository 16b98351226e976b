/* REPL completion: what could come next at the end of a line. */
#include <string.h>

#include "eval.h"
#include "gc.h"

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

/* The record that `a.b.c` names, from globals and their fields only: no
 * evaluation happens while the user is typing. */
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
  while (i < n && s[i] == '.') {
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
  cands c = {out, max, 0, svl_strndup(text + w, len - w), len - w};
  if (w > 0 && text[w - 1] == '.') {
    size_t b = w - 1;
    while (b > 0 && (ident(text[b - 1]) || text[b - 1] == '.')) b--;
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
  const char **bn = svl_alloc((size_t)(nb + 1) * sizeof *bn);
  builtin_names(bn, nb);
  for (int i = 0; i < nb; i++) offer(&c, bn[i]);
  return c.n;
}
