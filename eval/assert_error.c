/* assert_error: a test asserts that an expression raises an error
 * (docs/tools.md, "svl test").  The expression runs in a protected region
 * of its own (vm_protect, eval/protect.c), so the error
 * unwinds only to here; a limit reached inside still ends the test, since
 * "ran out of steps" is not the error a rule author meant to test. */
#include "eval/assert_error.h"

#include <string.h>

#include "core/gc.h"

typedef struct job {
  const node *e;
  frame *f;
  assert_eval_fn ev;
  value got;
} job;

static void body(svl_vm *v, void *p) {
  job *j = p;
  j->got = j->ev(v, j->e, j->f);
}

/* An error as a test report shows it: "[E0504] first of an empty list". */
static const char *error_text(const diag *d) {
  sbuf b;
  sb_init(&b);
  if (d->code) sb_printf(&b, "[%s] ", d->code);
  sb_puts(&b, d->msg ? d->msg : "error");
  return b.s;
}

void assert_error(vm *v, const node *st, frame *f, assert_eval_fn ev) {
  job j = {st->a, f, ev, v_null};
  bool raised = !vm_protect(v, body, &j);
  if (raised && v->err.kind == DIAG_LIMIT) longjmp(*v->jmp, 1);
  diag caught = v->err;
  memset(&v->err, 0, sizeof v->err);
  memset(&v->last_test, 0, sizeof v->last_test);
  const char *want = NULL;
  if (st->b) {
    value w = ev(v, st->b, f);
    want = w.tag == V_TEXT ? w.as.text->s : value_display(w, true);
  }
  if (raised && (!want || (caught.code && !strcmp(caught.code, want)) ||
                      (caught.msg && strstr(caught.msg, want))))
    return;
  const source *src = st->a->at.src;
  v->last_test.expr = src ? gc_strndup(src->text + st->a->at.start, st->a->at.end - st->a->at.start) : "";
  v->last_test.expected = want ? gc_strdup(want) : "an error";
  if (!raised) {
    v->last_test.message = "assert_error: no error was raised";
    v->last_test.got = value_display(j.got, false);
  } else {
    v->last_test.message = "assert_error: a different error was raised";
    v->last_test.got = error_text(&caught);
  }
  const char *msg = v->last_test.message, *expr = v->last_test.expr, *got = v->last_test.got,
             *expected = v->last_test.expected;
  vm_error_kind(v, DIAG_ASSERT, st->a->at, "E0605 %s: %s (got %s, expected %s)", msg, expr, got, expected);
}
