/* An expression as the plain narrative shows it: the author's formula
 * with the value of each name, field and call beside it, and an if
 * reduced to the branch it took:
 *   round(p 44.49 + q 28 + s 6.67, 2)
 *   since combine "multiplicative" == "multiplicative" is true: g £61,600.00 × (1 − dw 10%)
 * Values are found by evaluating the piece again, quietly, in the call's
 * frame (SVL is pure, so it is the value the call used). */
#include <string.h>

#include "tools/explain.h"
#include "core/gc.h"

/* The expression as written, on one line. */
static void src_text(sbuf *b, const node *n) {
  if (!n->at.src) return;
  const char *s = n->at.src->text;
  bool space = false;
  for (uint32_t i = n->at.start; i < n->at.end; i++) {
    if (s[i] == '\n' || ((s[i] == ' ' || s[i] == '\t') && space)) {
      space = true;
      continue;
    }
    if (space && i > n->at.start && b->len && b->s[b->len - 1] != ' ') sb_putc(b, ' ');
    space = s[i] == ' ';
    sb_putc(b, s[i]);
  }
}

static int prec(const node *n) {
  if (n->kind == N_AND || n->kind == N_OR) return 2;
  if (n->kind != N_BIN) return 9;
  switch (n->op) {
  case OP_ADD: case OP_SUB: return 4;
  case OP_MUL: case OP_DIV: case OP_MOD: return 5;
  case OP_POW: return 6;
  default: return 3;
  }
}

/* The value beside a name: plain values, and records by their identity. */
static void value_after(vm *v, sbuf *b, const node *n, frame *env) {
  value x;
  if (!eval_quiet(v, n, env, &x)) return;
  switch (x.tag) {
  case V_NUM: case V_TEXT: case V_BOOL: case V_DATE: case V_DATETIME: case V_NULL:
    sb_printf(b, " %s", explain_show(v, x));
    return;
  case V_RECORD: {
    const char *id = explain_ident(v, x);
    if (id) sb_printf(b, " (%s)", id);
    return;
  }
  case V_LIST:
    sb_printf(b, " (%zu item%s)", x.as.list->n, x.as.list->n == 1 ? "" : "s");
    return;
  case V_VERDICT:
    sb_puts(b, x.as.verdict->passed ? " (passed)" : " (failed)");
    return;
  default:
    return;
  }
}

static void operand(vm *v, sbuf *b, const node *n, frame *env, int outer) {
  bool paren = prec(n) < outer;
  if (paren) sb_putc(b, '(');
  explain_formula(v, b, n, env);
  if (paren) sb_putc(b, ')');
}

static value field_or_null(const record *r, const char *k) {
  long i = record_find(r, k);
  return i >= 0 ? rec_get(r, i) : v_null;
}

/* value(indicator, quantity): the proxy, its unit and its source. */
static bool indicator_call(vm *v, sbuf *b, const node *n, frame *env) {
  if (n->nkids != 2 || n->kids[0]->kind == N_NAMED) return false;
  value ind, q, r;
  if (!eval_quiet(v, n->kids[0], env, &ind) || ind.tag != V_RECORD || !ind.as.rec->indicator) return false;
  if (!eval_quiet(v, n->kids[1], env, &q) || !eval_quiet(v, n, env, &r)) return false;
  value proxy = field_or_null(ind.as.rec, "proxy"), source = field_or_null(ind.as.rec, "source");
  value title = field_or_null(ind.as.rec, "title");
  sb_printf(b, "value of %s", ind.as.rec->name ? ind.as.rec->name : "an indicator");
  if (title.tag == V_TEXT) sb_printf(b, " (%s)", title.as.text->s);
  sb_printf(b, ": %s × proxy %s", explain_show(v, q), explain_show(v, proxy));
  if (source.tag == V_TEXT) sb_printf(b, " [source: %s]", source.as.text->s);
  sb_printf(b, " = %s", explain_show(v, r));
  return true;
}

void explain_formula(vm *v, sbuf *b, const node *n, frame *env) {
  static const char *sym[] = {"+", "−", "×", "÷", "mod", "^", "==", "!=", "<", "≤", ">", "≥", "in"};
  if (n->kind == N_BIN || n->kind == N_AND || n->kind == N_OR) {
    /* a long chain (a generated sum) as written: the rewriting below
     * recurses on its left operands, which are not nesting */
    int len = 0;
    for (const node *k = n; (k == n || ast_chain_link(n, k)) && len <= 32; k = k->a) len++;
    if (len > 32) { src_text(b, n); return; }
  }
  switch (n->kind) {
  case N_LIT: case N_QTY: case N_STR:
    src_text(b, n);
    return;
  case N_NAME:
    if (n->refkind == REF_BUILTIN || n->refkind == REF_UNIT) { src_text(b, n); return; }
    sb_puts(b, n->name);
    value_after(v, b, n, env);
    return;
  case N_FIELD: case N_INDEX: case N_DEFAULT:
    src_text(b, n);
    value_after(v, b, n, env);
    return;
  case N_BIN: {
    int p = prec(n);
    operand(v, b, n->a, env, p);
    sb_printf(b, " %s ", n->op <= OP_IN ? sym[n->op] : "?");
    operand(v, b, n->b, env, p + (n->op == OP_POW ? 0 : 1));
    return;
  }
  case N_AND: case N_OR:
    operand(v, b, n->a, env, 3);
    sb_puts(b, n->kind == N_AND ? " and " : " or ");
    operand(v, b, n->b, env, 3);
    return;
  case N_NOT:
    sb_puts(b, "not ");
    operand(v, b, n->a, env, 9);
    return;
  case N_NEG:
    sb_puts(b, "−");
    operand(v, b, n->a, env, 9);
    return;
  case N_BLOCK:
    explain_formula(v, b, n->a, env);
    return;
  case N_IF: {
    value c;
    if (!eval_quiet(v, n->a, env, &c) || (c.tag != V_BOOL && c.tag != V_VERDICT)) break;
    bool yes = c.tag == V_BOOL ? c.b : c.as.verdict->passed;
    sb_puts(b, "since ");
    explain_formula(v, b, n->a, env);
    sb_printf(b, " is %s: ", yes ? "true" : "false");
    explain_formula(v, b, yes ? n->b : n->c, env);
    return;
  }
  case N_RECORD:
    sb_putc(b, '{');
    for (int i = 0; i < n->nkids; i++) {
      if (i) sb_puts(b, ", ");
      sb_printf(b, "%s: ", n->kids[i]->name);
      explain_formula(v, b, n->kids[i]->a, env);
    }
    sb_putc(b, '}');
    return;
  case N_CALL:
    if (n->a->kind == N_NAME && n->a->refkind == REF_BUILTIN) {
      if (!strcmp(n->a->name, "value") && indicator_call(v, b, n, env)) return;
      sb_printf(b, "%s(", n->a->name);
      for (int i = 0; i < n->nkids; i++) {
        if (i) sb_puts(b, ", ");
        const node *k = n->kids[i];
        if (k->kind == N_NAMED) {
          sb_printf(b, "%s: ", k->name);
          k = k->a;
        }
        explain_formula(v, b, k, env);
      }
      sb_putc(b, ')');
      return;
    }
    /* a call of the author's or a library's: it has its own line */
    src_text(b, n);
    value_after(v, b, n, env);
    return;
  default:
    break;
  }
  src_text(b, n);
}
