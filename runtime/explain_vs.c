/* svl explain A --vs B (first step: the two explanations one after the
 * other; the decomposition of the difference follows). */
#include "explain.h"
#include "gc.h"
const char *trace_render_vs(vm *v, const trace *a, const trace *b, svl_format f, int plain) {
  sbuf s;
  sb_init(&s);
  sb_puts(&s, trace_render(v, a, f, plain, 0));
  sb_puts(&s, trace_render(v, b, f, plain, 0));
  return s.s;
}
