/* The protected call: the one place that catches an error.
 *
 * vm_error and every limit unwind with longjmp to the innermost protected
 * call (vm->jmp), which restores what the unwinding skipped: the call
 * depth, the comprehension count, the trace being built.  Everything the
 * evaluation allocated is GC memory, so nothing leaks.  The API boundary
 * (api_protect, api/api.c) adds to it what only the outermost call does;
 * test blocks, assert_error and explain's quiet re-evaluations use it
 * directly. */
#include "eval/eval.h"

bool vm_protect(vm *v, void (*body)(vm *, void *), void *ctx) {
  jmp_buf jb;
  jmp_buf *volatile saved = v->jmp;
  trace *volatile tr = v->tr;
  volatile int depth = v->depth, ncomps = v->ncomps;
  v->jmp = &jb;
  if (setjmp(jb)) {
    v->jmp = saved;
    v->tr = tr;
    v->depth = depth;
    v->ncomps = ncomps;
    return false;
  }
  body(v, ctx);
  v->jmp = saved;
  return true;
}
