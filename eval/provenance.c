/* Data provenance in errors (docs/internals.md, "Data provenance").
 *
 * A loaded row (a record made by load) carries its file and line
 * (record.src, record.line); its values carry nothing.  What ties a value
 * back to its cell is cheap bookkeeping and work done only when an error
 * is raised:
 *
 * - every read of a field of a loaded row is noted in a ring of the last
 *   16 (prov_read, eval.h): a pointer and an index, no allocation;
 * - an error about operands (cannot order text and number, a quantity in
 *   the wrong unit...) names them with vm_blame before it is raised;
 * - prov_explain, on the error path only, looks each operand up: first in
 *   the ring, then (for a text, whose pointer identifies it) in the loaded
 *   rows reachable from the arguments of the calls under way.  A match
 *   names the file, row, column and cell.  Without one, the loaded row an
 *   active call was given names the record being worked on;
 * - an error raised inside an imported module (the stdlib, a module of
 *   the user's) is moved to the innermost call in the user's own file,
 *   with the module's line kept as a note. */
#include "eval/eval.h"

#include <string.h>

#include "core/gc.h"

void vm_note_read(vm *v, const record *r, size_t i) { prov_read(v, r, i); }

/* ---- JSON paths ---- */

static bool ident_key(const char *k) {
  if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_')) return false;
  for (k++; *k; k++)
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_'))
      return false;
  return true;
}

static void put_key(sbuf *b, const char *k) {
  if (ident_key(k)) {
    if (b->len) sb_putc(b, '.');
    sb_puts(b, k);
  } else {
    sb_putc(b, '[');
    sb_quote(b, k, strlen(k));
    sb_putc(b, ']');
  }
}

static void cut(sbuf *b, size_t len) {
  b->len = len;
  if (b->s) b->s[len] = 0;
}

/* The path from y down to record r (the same record, not an equal one),
 * written to b as SVL reads it: releases[3].tender, lists counted from 1.
 * The search runs only on the error path, bounded by *budget. */
static bool path_to(value y, const record *r, sbuf *b, int depth, long *budget) {
  if (--*budget < 0 || depth > MAX_NESTING) return false;
  size_t mark = b->len;
  if (y.tag == V_RECORD) {
    const record *s = y.as.rec;
    if (s == r) return true;
    for (size_t i = 0; i < s->n; i++) {
      value f = rec_get(s, i);
      if (f.tag != V_RECORD && f.tag != V_LIST) continue;
      put_key(b, s->keys[i]);
      if (path_to(f, r, b, depth + 1, budget)) return true;
      cut(b, mark);
    }
  } else if (y.tag == V_LIST) {
    const list *l = y.as.list;
    for (size_t i = 0; i < l->n; i++) {
      value f = l->items[i];
      if (f.tag != V_RECORD && f.tag != V_LIST) continue;
      sb_printf(b, "[%zu]", i + 1);
      if (path_to(f, r, b, depth + 1, budget)) return true;
      cut(b, mark);
    }
  }
  return false;
}

/* "packages.jsonl:3: " and the path of r in what its JSON load gave
 * (empty for the loaded value itself); false for a record not loaded
 * from JSON, or one the search does not find (a copy made by `with`). */
static bool json_place(const record *r, sbuf *where, sbuf *path) {
  const datasrc *ds = rec_src(r);
  if (!ds || ds->cols || ds->root.tag == V_NULL) return false;
  long budget = 2000000;
  sb_init(path);
  if (!path_to(ds->root, r, path, 0, &budget)) return false;
  if (ds->seq && path->len) { /* JSON Lines: the line names the item */
    size_t k = strcspn(path->s, "]") + 1;
    k += path->s[k] == '.';
    memmove(path->s, path->s + k, path->len - k + 1);
    path->len -= k;
  }
  if (ds->at) { /* an item streamed from a package: releases[3] first */
    sbuf full;
    sb_init(&full);
    sb_puts(&full, ds->at);
    if (path->len && path->s[0] != '[') sb_putc(&full, '.');
    if (path->len) sb_puts(&full, path->s);
    *path = full;
  }
  sb_init(where);
  sb_printf(where, "%s:%u: ", ds->file, (unsigned)r->line);
  return true;
}

void prov_field_error(vm *v, loc at, value obj, const char *name, const char *from) {
  sbuf where, path;
  if (obj.tag == V_RECORD) {
    const record *r = obj.as.rec;
    if (!json_place(r, &where, &path)) return;
    const char *best = diag_nearest(name, r->keys, (int)r->n);
    sbuf hint;
    sb_init(&hint);
    if (best) sb_printf(&hint, "did you mean '%s'?", best);
    if (!path.len) vm_error_hint(v, at, hint.s, "E0404 %sthe object has no field '%s'", where.s, name);
    vm_error_hint(v, at, hint.s, "E0404 %s%s has no field '%s'", where.s, path.s, name);
  }
  /* r.buyer.name with buyer null: the last field read is the null, when
   * it was read under the name the expression gives it */
  if (obj.tag != V_NULL || !from || !v->nreads) return;
  const struct prov_read *e = &v->reads[(v->nreads - 1) & 15];
  if (!e->r || e->field >= e->r->n || strcmp(e->r->keys[e->field], from) != 0 ||
      rec_get(e->r, e->field).tag != V_NULL || !json_place(e->r, &where, &path))
    return;
  put_key(&path, from);
  vm_error_hint(v, at, "use ?? to give a default", "E0403 %s%s is null: cannot read its field '%s'", where.s,
                path.s, name);
}

/* A null or a text among numbers is the likelier culprit: looked up first. */
void vm_blame(vm *v, value a, value b) {
  bool swap = (b.tag == V_TEXT && a.tag != V_TEXT && a.tag != V_NULL) || (b.tag == V_NULL && a.tag != V_NULL);
  v->blame[0] = swap ? b : a;
  v->blame[1] = swap ? a : b;
  v->nblame = 2;
}

/* The same value, not merely an equal one: a text by its pointer. */
static bool same_value(value a, value b) {
  if (a.tag != b.tag) return false;
  switch (a.tag) {
  case V_NULL: return true;
  case V_BOOL: return a.b == b.b;
  case V_DATE: return a.days == b.days;
  case V_DATETIME: return !memcmp(&a.as.dt, &b.as.dt, sizeof a.as.dt);
  case V_NUM: return a.unit == b.unit && a.pct == b.pct && !memcmp(&a.as.num, &b.as.num, sizeof a.as.num);
  case V_TEXT: return a.as.text == b.as.text;
  default: return a.as.list == b.as.list;
  }
}

static const char *const id_fields[] = {"supplier", "name", "id", "code", "title", "key"};

/* The field that names a record for a reader: supplier, else name, id... */
static void put_ident(sbuf *b, const record *r) {
  for (size_t k = 0; k < sizeof id_fields / sizeof id_fields[0]; k++) {
    long i = record_find(r, id_fields[k]);
    if (i < 0) continue;
    value x = rec_get(r, (size_t)i);
    if (x.tag != V_TEXT && x.tag != V_NUM) continue;
    sb_printf(b, " (%s %s)", id_fields[k], value_short(x));
    return;
  }
}

const char *prov_row(const record *r) {
  if (!rec_src(r)) return NULL;
  sbuf b;
  sb_init(&b);
  sb_printf(&b, "%s:%u", r->src->file, (unsigned)r->line);
  put_ident(&b, r);
  return b.s;
}

/* A field of a loaded row holding exactly x, among the rows reachable
 * from y (a row, a list of rows, a record of such), within *budget. */
static bool find_in(value y, value x, int depth, long *budget, const record **row, size_t *field) {
  if (*budget <= 0 || depth > 3) return false;
  if (y.tag == V_RECORD) {
    const record *r = y.as.rec;
    for (size_t i = 0; i < r->n && *budget > 0; i++, (*budget)--) {
      value f = rec_get(r, i);
      if (rec_src(r) && same_value(f, x)) {
        *row = r, *field = i;
        return true;
      }
      if ((f.tag == V_LIST || f.tag == V_RECORD) && find_in(f, x, depth + 1, budget, row, field)) return true;
    }
  } else if (y.tag == V_LIST) {
    const list *l = y.as.list;
    for (size_t i = 0; i < l->n && *budget > 0; i++, (*budget)--)
      if (find_in(l->items[i], x, depth + 1, budget, row, field)) return true;
  }
  return false;
}

static int nparams(const node *d) {
  return d && (d->kind == N_FN || d->kind == N_RULE || d->kind == N_LAMBDA) ? d->nkids : 0;
}

/* Where operand x was read: the ring first (most recent read first),
 * then, for a text, the rows the calls under way were given. */
static bool locate(vm *v, value x, const record **row, size_t *field) {
  for (unsigned k = 0; k < 16 && k < v->nreads; k++) {
    const struct prov_read *e = &v->reads[(v->nreads - 1 - k) & 15];
    if (e->r && e->field < e->r->n && same_value(rec_get(e->r, e->field), x)) {
      *row = e->r, *field = e->field;
      return true;
    }
  }
  if (x.tag != V_TEXT) return false;
  long budget = 1000000;
  for (int d = v->depth - 1; d >= 0; d--) {
    const diag_frame *fr = &v->stack[d];
    for (int i = 0; i < nparams(fr->decl) && fr->args; i++)
      if (find_in(fr->args[fr->decl->kids[i]->slot], x, 0, &budget, row, field)) return true;
  }
  return false;
}

/* A loaded row given to one of the calls under way, innermost first. */
static const record *working_on(vm *v) {
  for (int d = v->depth - 1; d >= 0; d--) {
    const diag_frame *fr = &v->stack[d];
    for (int i = 0; i < nparams(fr->decl) && fr->args; i++) {
      value a = fr->args[fr->decl->kids[i]->slot];
      if (a.tag == V_RECORD && rec_src(a.as.rec)) return a.as.rec;
    }
  }
  return NULL;
}

static bool imported(vm *v, const source *src);

/* The item the user's innermost comprehension is on, as a prefix: the
 * loaded row it is, else `for lot = 3: ` (a library error does not show
 * which item of the user's loop it was raised for). */
static void put_loop_item(vm *v, sbuf *b) {
  for (int k = (v->ncomps < VM_COMPS ? v->ncomps : VM_COMPS) - 1; k >= 0; k--) {
    const struct comp_ctx *c = &v->comps[k];
    if (!c->it || imported(v, c->n->at.src)) continue;
    value x = c->it->slots[c->n->slot];
    if (x.tag == V_RECORD && rec_src(x.as.rec)) {
      sb_printf(b, "%s: ", prov_row(x.as.rec));
    } else if (x.tag == V_RECORD) {
      size_t before = b->len;
      sb_printf(b, "for %s", c->n->name);
      put_ident(b, x.as.rec);
      if (b->len == before + 4 + strlen(c->n->name)) sb_puts(b, " = {…}");
      sb_puts(b, ": ");
    } else {
      sb_printf(b, "for %s = %s: ", c->n->name, value_short(x));
    }
    return;
  }
}

/* Is src the source of an imported module (not the user's own file)? */
static bool imported(vm *v, const source *src) {
  if (!src) return false;
  for (int i = 0; i < v->nmods; i++)
    if (v->mods[i]->src == src && v->mods[i] != v->main_mod) return true;
  return false;
}

/* The argument of call fr holding x: the one holding the row x was read
 * from (the row itself, or a list of rows), else the one that is x itself
 * when x is a text (a number may equal an unrelated argument). */
static const char *argument_with(const diag_frame *fr, value x, const record *row) {
  for (int i = 0; row && i < nparams(fr->decl) && fr->args; i++) {
    value a = fr->args[fr->decl->kids[i]->slot];
    if (a.tag == V_RECORD && a.as.rec == row) return fr->decl->kids[i]->name;
    if (a.tag == V_LIST)
      for (size_t k = 0; k < a.as.list->n && k < 100000; k++)
        if (a.as.list->items[k].tag == V_RECORD && a.as.list->items[k].as.rec == row)
          return fr->decl->kids[i]->name;
  }
  for (int i = 0; x.tag == V_TEXT && i < nparams(fr->decl) && fr->args; i++)
    if (same_value(fr->args[fr->decl->kids[i]->slot], x)) return fr->decl->kids[i]->name;
  return NULL;
}

/* Does the message already start at a place in row's file (a JSON path
 * error: "rel.json:4: releases[3]...")? */
static bool names_file(const char *msg, const record *row) {
  size_t k = strlen(row->src->file);
  return strncmp(msg, row->src->file, k) == 0 && msg[k] == ':';
}

void prov_explain(vm *v, bool check) {
  diag *e = &v->err;
  value x = v_null;
  const record *row = NULL;
  size_t field = 0;
  for (int k = 0; k < v->nblame && !row; k++)
    if (locate(v, v->blame[k], &row, &field)) x = v->blame[k];
  v->nblame = 0;
  /* a module's check of its arguments failed: the arguments are the
   * operands (the innermost call's, read from a row just now) */
  if (check && !row && v->depth > 0) {
    const diag_frame *fr = &v->stack[v->depth - 1];
    for (int i = 0; i < nparams(fr->decl) && fr->args && !row; i++) {
      value a = fr->args[fr->decl->kids[i]->slot];
      if (a.tag != V_LIST && a.tag != V_RECORD && locate(v, a, &row, &field)) x = a;
    }
  }
  sbuf b;
  sb_init(&b);
  const char *cell = NULL;
  if (row) {
    sb_printf(&b, "%s, column %s: ", prov_row(row), row->keys[field]);
    cell = value_short(x);
  } else if (v->lacks) {
    /* a missing field: the record without it, if it is a loaded row;
     * a record the rules built names no row */
    if (rec_src(v->lacks)) sb_printf(&b, "%s: ", prov_row(v->lacks));
  } else if ((row = working_on(v)) && !names_file(e->msg, row)) {
    sb_printf(&b, "%s: ", prov_row(row));
  }
  bool lib = imported(v, e->at.src);
  if (!b.len && lib) put_loop_item(v, &b);
  if (b.len) {
    /* bids.csv:3 (supplier "Beta plc"), column quality: MESSAGE (cell
     * "74 points"), the cell closing the message's first line */
    size_t first = strcspn(e->msg, "\n");
    sb_putn(&b, e->msg, first);
    if (cell) sb_printf(&b, " (cell %s)", cell);
    sb_puts(&b, e->msg + first);
    e->msg = b.s;
  }
  if (!lib) return;
  /* the innermost call made from outside the imported modules */
  int d = v->depth - 1;
  while (d >= 0 && imported(v, v->stack[d].at.src)) d--;
  if (d < 0 || !v->stack[d].at.src) return;
  const diag_frame *fr = &v->stack[d];
  sbuf n;
  sb_init(&n);
  int line, col;
  loc_line_col(e->at.src, e->at.start, &line, &col);
  size_t lb, le;
  loc_line_bounds(e->at.src, e->at.start, &lb, &le);
  while (lb < le && (e->at.src->text[lb] == ' ' || e->at.src->text[lb] == '\t')) lb++;
  sb_printf(&n, "raised in %s at %s:%d:%d: ", v->depth > 0 ? v->stack[v->depth - 1].name : fr->name,
            diag_short_path(e->at.src->name), line, col);
  size_t shown = 0;
  for (size_t i = lb; i < le; i++) {
    unsigned char ch = (unsigned char)e->at.src->text[i];
    if ((ch & 0xC0) != 0x80 && ++shown > 72) {
      sb_puts(&n, "…");
      break;
    }
    sb_putc(&n, ch < 0x20 || ch == 0x7f ? ' ' : (char)ch);
  }
  if (x.tag != V_NULL || row) {
    const char *arg = argument_with(fr, x, row);
    if (arg) sb_printf(&n, "\n  (the value came from argument '%s' of %s)", arg, fr->name);
  }
  e->note_at = e->at;
  e->note = n.s;
  e->at = fr->at;
}
