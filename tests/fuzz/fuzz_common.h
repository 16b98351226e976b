/* Shared helpers of the libFuzzer harnesses in tests/fuzz/.  Header-only so
 * each harness stays one translation unit plus libsvl.a. */
#ifndef SVL_FUZZ_COMMON_H
#define SVL_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/source.h"
#include "core/diag.h"
#include "core/gc.h"
#include "svl.h"

/* The input as a source the lexer can read: a NUL-terminated GC copy. */
static inline source *fuzz_source(const uint8_t *data, size_t size) {
  source *s = gc_alloc(sizeof *s);
  s->name = "fuzz.svl";
  s->dir = "";
  s->text = gc_strndup((const char *)data, size);
  s->len = size;
  return s;
}

/* A diagnostic must carry a code and a message, and its location must lie
 * inside the source (rendering it walks the text). */
static inline void fuzz_check_diag(const diag *d, const source *s) {
  if (!d->msg || !d->code) abort();
  if (d->at.src && d->at.start > s->len) abort();
  if (d->at.src == s) {
    int line, col;
    loc_line_col(s, d->at.start, &line, &col);
    if (line < 1 || col < 1) abort();
  }
  (void)diag_render(d);
}

/* svl_config.write for harnesses: reads every byte written, so a bad
 * pointer or length shows under ASan. */
static volatile unsigned char fuzz_touched;
static inline void fuzz_sink(void *ud, const char *s, size_t n) {
  (void)ud;
  for (size_t i = 0; i < n; i++) fuzz_touched ^= (unsigned char)s[i];
}

/* An API call failed with st: the error must say so, with a code, a
 * message and its rendered form. */
static inline void fuzz_check_error(svl_vm *vm, svl_status st) {
  const svl_error *e = svl_last_error(vm);
  if (e->status != st || !e->code || !e->message || !e->rendered || e->code[0] != 'E') abort();
}

/* Split the input at its first NUL: the part before is a program, the part
 * after drives the harness (call sequences, modes).  No NUL: all program. */
static inline size_t fuzz_split(const uint8_t *data, size_t size) {
  const uint8_t *z = memchr(data, 0, size);
  return z ? (size_t)(z - data) : size;
}

/* The arena build (tests/fuzz/gc_arena.c) frees every allocation of an
 * input at its end; in the ordinary build the collector does that. */
void fuzz_arena_reset(void) __attribute__((weak));
static inline void fuzz_done(void) {
  if (fuzz_arena_reset) fuzz_arena_reset();
}

#endif
