#include "explain.h"
const char *trace_render_vs(vm *v, const trace *a, const trace *b, svl_format f, int plain) {
  (void)v; (void)a; (void)b; (void)f; (void)plain;
  return "";
}
