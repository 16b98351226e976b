/* The evaluator's services for builtins (stdlib/ C files) and the API.
 *
 * Runtime errors unwind with longjmp to the innermost protected call (the
 * API boundary, or a test block); builtins therefore just call vm_error
 * and never return error codes.  Builtins must not keep pointers to GC
 * memory in malloc'ed memory, and must not catch errors. */
#ifndef SVL_VM_H
#define SVL_VM_H

#include <stdarg.h>
#include "core/value.h"
#include "core/diag.h"

/* Raise a runtime error at `at` (exit status 1 in the CLI).  The format
 * starts with the error's catalogue code (docs/errors.md), which is split
 * off into diag.code: vm_error(v, at, "E0501 division by zero"). */
/* A range is listed, or iterated into a list, only up to this many items:
 * past it a typo (1..10^12) would fill memory before failing. */
#define MAX_RANGE_ITEMS 10000000

/* The operands of the error about to be raised (the same value twice for one): when one
 * was read from a loaded row, the error names its file, row and column
 * (eval/provenance.c).  Call just before vm_error. */
void vm_blame(vm *v, value a, value b);
/* A builtin read field i of r (get): noted like a `.` read, for errors. */
void vm_note_read(vm *v, const record *r, size_t i);
_Noreturn void vm_error(vm *v, loc at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
_Noreturn void vm_error_hint(vm *v, loc at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Same, with an error kind (DIAG_IO, DIAG_LIMIT...). */
_Noreturn void vm_error_kind(vm *v, diag_kind kind, loc at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Call any callable value (closure, builtin, table, rule) with positional
 * arguments. */
value vm_call(vm *v, value f, int nargs, value *args, loc at);
/* vm_call, for a caller that reads the result and lets it go (sort_by's
 * keys): when f's body is a list literal of at most cap items, its list
 * is made in lent, which the caller owns (on its C stack), instead of on
 * the heap.  A result that is lent itself must be copied to be kept. */
value vm_call_lent(vm *v, value f, int nargs, value *args, loc at, list *lent, size_t cap);
/* The same with named arguments (names[i] goes with named[i]). */
value vm_call_named(vm *v, value f, int nargs, value *args, int nnamed, const char **names, value *named, loc at);
bool vm_callable(value f);
/* Whether explain or coverage is watching calls: then a function called
 * twice for the same value would show twice. */
bool vm_observed(const vm *v);

/* Unit- and percent-aware arithmetic and ordering, exactly as the
 * operators do it (errors raised at `at`). op: OP_ADD.. from lang/ast.h. */
value vm_arith(vm *v, loc at, int op, value a, value b);
/* <0, 0, >0; error when the values cannot be ordered (SPEC 3). */
int vm_compare(vm *v, loc at, value a, value b);
/* Percent is its own kind (eval/percent.c): true when a and b are a
 * percentage and a plain number other than zero, which +, -, mod and
 * every comparison refuse with vm_pct_mix's error (E0410), saying what to
 * write. */
bool vm_pct_mixed(value a, value b);
_Noreturn void vm_pct_mix(vm *v, loc at, int op, value a, value b);
/* A number operand or an error naming what was expected. */
dec vm_want_num(vm *v, loc at, value x, const char *what);
const text *vm_want_text(vm *v, loc at, value x, const char *what);
const list *vm_want_list(vm *v, loc at, value x, const char *what);
int64_t vm_want_int(vm *v, loc at, value x, const char *what);
/* Raise "division by zero" etc. for a dec_status != DEC_OK. */
void vm_check(vm *v, loc at, dec_status st);

/* Permissions granted by the host (SPEC 11). */
typedef enum { PERM_FILES = 1, PERM_ENV = 2, PERM_CLOCK = 4 } vm_perm;
bool vm_allowed(vm *v, vm_perm p);
/* The as-of date the host gave (svl_config.as_of, svl --as-of): 1 and *d
 * when there is one, 0 when none, -1 when the host's text is not a date
 * (*bad is that text).  Never the clock (eval/dated.c, docs/dating.md). */
int vm_as_of(vm *v, int32_t *d, const char **bad);
/* A path relative to the directory of the file containing `at`, which
 * the script must be allowed to read (an error otherwise). */
const char *vm_path(vm *v, loc at, const char *path);
/* Confinement (eval/confine.c): the canonical path when a script may
 * read `full` (NULL when it does not resolve, or the host is reading),
 * else an E0902 error naming `shown`. */
const char *vm_confine(vm *v, loc at, const char *shown, const char *full);
void vm_confine_init(vm *v);
void vm_allow_read(vm *v, const char *path);
void vm_allow_dir_of(vm *v, const char *file);
/* E0802 when this call has allocated more than svl_config.heap_budget. */
void vm_check_budget(vm *v, loc at, size_t extra);
/* The unit registry in force (for type checks and load). */
unit_reg *vm_units(vm *v);
/* Write text through the host's output callback (print). */
void vm_output(vm *v, const char *s, size_t n);

/* value(ind, qty) of SPEC 8 (eval/eval.c). */
value indicator_value(vm *v, loc at, value ind, value qty);

#endif
