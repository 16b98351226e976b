/* Data in: load(path[, Type]) for CSV and JSON files, from_json(text)
 * (SPEC 5, 9).
 *
 * Numbers never pass through binary floating point: JSON numbers and CSV
 * cells reach dec_parse as text, and a number with more significant digits
 * than decimal128 holds is an error, never rounded.
 *
 * Every error is raised with vm_error / vm_error_kind (longjmp); nothing is
 * half-loaded.  Against a type, every bad cell is reported, one per line of
 * the error message:  bids.csv:7: column 'price': expected GBP, got "TBC" */
#ifndef SVL_LOAD_H
#define SVL_LOAD_H

#include <stddef.h>

#include "eval/vm.h"

/* Read `path` (as the user wrote it; resolved with vm_path) by extension,
 * .csv or .json.  type NULL: untyped conversion.  A record type or a list
 * of a record type for a CSV file (both give a list of records); any type
 * for a JSON file. Needs PERM_FILES. */
value load_path(vm *v, loc at, const char *path, const vtype *type);

/* Parse JSON text (n bytes, need not be NUL-terminated) into values:
 * objects -> records (key order kept), arrays -> lists, strings -> texts,
 * numbers -> exact decimals, true/false/null. */
value load_json_text(vm *v, loc at, const char *src, size_t n);

/* load(path), load(path, Type), load(path, [Type]), from_json(text). */
extern const builtin data_builtins[];
extern const int data_builtins_count;

#endif
