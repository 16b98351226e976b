/* libFuzzer harness: the lexer and the parser (lang/parse.h).
 *
 * Any byte string must either parse or give a diagnostic with a location
 * inside the input; never crash, hang or read out of bounds. */
#include <stdint.h>
#include <string.h>

#include "lang/parse.h"
#include "core/gc.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gc_init();
  source *s = fuzz_source(data, size);
  diag err;
  memset(&err, 0, sizeof err);
  node *prog = parse_source(s, &err);
  if (!prog) fuzz_check_diag(&err, s);
  fuzz_done();
  return 0;
}
