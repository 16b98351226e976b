/* svl fmt: the one canonical layout of a rule file.  The layout rules are
 * in docs/language.md ("Formatting"), the method in docs/internals.md. */
#ifndef SVL_FORMAT_H
#define SVL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include "core/source.h"
#include "core/diag.h"

/* Format src.  On success returns true with *out (GC memory,
 * NUL-terminated) and *len.  A lexical or syntax error returns false with
 * *err filled (DIAG_LEX, DIAG_SYNTAX or DIAG_INCOMPLETE) and formats
 * nothing.  The result is checked to hold exactly the input's tokens and
 * comments; if that check ever failed, the result is refused with a
 * DIAG_RUNTIME error rather than returned.  A source over
 * FORMAT_MAX_BYTES is refused with DIAG_LIMIT before it is read. */
bool format_source(const source *src, const char **out, size_t *len, diag *err);

/* Larger sources are refused (E0805): token offsets are 32 bits. */
#define FORMAT_MAX_BYTES ((size_t)1 << 30)

#endif
