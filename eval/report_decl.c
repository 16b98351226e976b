/* The `report` declaration (docs/report.md): when the evaluator meets
 * `report { ... }`, its fields are checked here (unknown names, wrong
 * kinds of value, a missing title or ranking), so a mistake is an error
 * of `svl run` and `svl check`, not only of `svl report`.  The page
 * itself is drawn by tools/report.c. */
#include <string.h>

#include "core/gc.h"
#include "eval/report_decl.h"

/* kinds: t text, d date, L list of records, f callable, F callable or list
 * of callables, r record of plain numbers, R record of texts */
static const struct { const char *name, *kinds, *what; } fields[NF] = {
  {"title", "t", "a text"},
  {"contract", "t", "a text"},
  {"date", "td", "a date or a text"},
  {"decision", "t", "a text"},
  {"bids", "L", "a list of records (every bid received)"},
  {"name", "f", "a function of a bid giving its name"},
  {"gates", "F", "a rule, or a list of rules, applied to each bid"},
  {"ranking", "L", "a list of records (the bids in competition, best first)"},
  {"total", "f", "a function of a bid giving its total"},
  {"weights", "r", "a record of criterion: weight"},
  {"scores", "f", "a function of a bid giving its record of criterion scores"},
  {"abnormally_low", "L", "a list of records (the abnormally-low-tender screen)"},
  {"sensitivity", "L", "a list of records (scoring.sensitivity's result)"},
  {"social_value", "f", "a function of a bid giving the list of its social value lines"},
  {"explain", "f", "a function of a bid whose evaluation is explained"},
  {"labels", "R", "a record of criterion: label text"},
  {"tie_break", "t", "a text naming the tie-break rule"},
  {"not_ranked", "f", "a function of a bid giving why it is not ranked (a text, or null)"},
  {"moderation", "L", "a list of records (moderation.moderate's result)"},
  {"methodology", "F", "a function, or a list of functions, rules and tables whose source the methodology quotes"},
  {"reasons", "f", "a function of a bid giving its record of criterion: reason (a text or a list of texts)"},
  {"standstill", "tf", "a text, or a function of a bid giving one (the standstill and challenge text of the assessment summaries)"},
  {"clarifications", "L", "a list of records (the clarification log: bid, question, ...)"},
  {"declarations", "L", "a list of records (declarations of interest: person, interest, ...)"},
  {"sign_off", "L", "a list of records (the panel's sign-off lines: name, role, ...)"},
  {"sign_off_statement", "t", "a text (what the panel signs to, above the sign_off lines)"},
};

bool report_records(value x) {
  if (x.tag != V_LIST) return false;
  for (size_t i = 0; i < x.as.list->n; i++)
    if (x.as.list->items[i].tag != V_RECORD) return false;
  return true;
}

bool report_plain_number(value x) { return x.tag == V_NUM && !x.unit; }

static bool kind_ok(char k, value x) {
  switch (k) {
  case 't': return x.tag == V_TEXT;
  case 'd': return x.tag == V_DATE;
  case 'L': return report_records(x);
  case 'f': return vm_callable(x);
  case 'F':
    if (vm_callable(x)) return true;
    if (x.tag != V_LIST) return false;
    for (size_t i = 0; i < x.as.list->n; i++)
      if (!vm_callable(x.as.list->items[i])) return false;
    return true;
  case 'R':
    if (x.tag != V_RECORD) return false;
    for (size_t i = 0; i < x.as.rec->n; i++)
      if (rec_get(x.as.rec, i).tag != V_TEXT) return false;
    return true;
  case 'r':
    if (x.tag != V_RECORD || x.as.rec->n == 0) return false;
    for (size_t i = 0; i < x.as.rec->n; i++)
      if (!report_plain_number(rec_get(x.as.rec, i))) return false;
    return true;
  default: return false;
  }
}

int report_field_id(const char *name) {
  for (int i = 0; i < NF; i++)
    if (!strcmp(fields[i].name, name)) return i;
  return -1;
}

value report_check(vm *v, const node *d, value rec) {
  const record *r = rec.as.rec;
  for (size_t i = 0; i < r->n; i++) {
    loc at = d->a->kids[i]->at;
    int id = report_field_id(r->keys[i]);
    if (id < 0) {
      const char *names[NF];
      for (int k = 0; k < NF; k++) names[k] = fields[k].name;
      const char *best = diag_nearest(r->keys[i], names, NF);
      sbuf h;
      sb_init(&h);
      if (best) sb_printf(&h, "did you mean '%s'? ", best);
      sb_puts(&h, "a report has title, contract, date, decision, bids, name, gates, ranking, total, weights, scores, "
                  "abnormally_low, sensitivity, social_value, explain, labels, tie_break, not_ranked, moderation, methodology, "
                  "reasons, standstill, clarifications, declarations, sign_off and sign_off_statement (docs/report.md)");
      vm_error_hint(v, at, h.s, "E0409 report: unknown field '%s'", r->keys[i]);
    }
    /* null is "not given", so a field can be switched off */
    if (rec_get(r, i).tag == V_NULL) continue;
    bool ok = false;
    for (const char *k = fields[id].kinds; *k; k++) ok = ok || kind_ok(*k, rec_get(r, i));
    if (!ok)
      vm_error(v, at, "E0409 report: '%s' must be %s, got %s", r->keys[i], fields[id].what, value_type_name(rec_get(r, i)));
  }
  /* the statement is printed above the lines that sign it: without them it
   * would silently not appear */
  long st = record_find(r, fields[F_SIGN_OFF_STATEMENT].name), so = record_find(r, fields[F_SIGN_OFF].name);
  if (st >= 0 && rec_get(r, st).tag != V_NULL && (so < 0 || rec_get(r, so).tag == V_NULL))
    vm_error_hint(v, d->a->kids[st]->at, "give sign_off too: the list of who signs (name, role)",
                  "E0409 report: 'sign_off_statement' is the sentence above the sign_off lines, and there are none");
  static const fid required[] = {F_TITLE, F_RANKING};
  for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
    long i = record_find(r, fields[required[k]].name);
    if (i < 0 || rec_get(r, i).tag == V_NULL)
      vm_error_hint(v, d->at, "every report has a title and a ranking (the bids in competition, best first)",
                    "E0409 report: no '%s'", fields[required[k]].name);
  }
  return rec;
}
