/*
** svl.h — the embedding API of SVL, the Social Value Language.
**
** This is the only public header.  The `svl` command is built on it alone,
** so anything the CLI does, a host program can do.
**
** Model: a host creates a VM (svl_new) from a configuration (svl_config),
** loads a rule file or a string into it (svl_load_file, svl_load_string),
** then looks up and calls top-level names (svl_get, svl_call) and reads
** the results.  Every entry point returns an svl_status; on anything other
** than SVL_OK, svl_last_error tells what went wrong and where.  The library
** never prints, exits or aborts: output of `print` goes to the host's
** write callback, errors come back as values.
**
** Values the host receives are *handles* (svl_value *).  SVL's memory is
** garbage-collected and the collector does not scan memory the host got
** from malloc, so a handle pins its value until svl_release.  Handles
** belong to their VM and die with it.
**
** Threads: one VM is used by one thread at a time.  Several VMs may live in
** one process.
*/
#ifndef SVL_H
#define SVL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SVL_API __attribute__((visibility("default")))
#else
#define SVL_API
#endif

#define SVL_VERSION "0.1.0"

typedef struct svl_vm svl_vm;
typedef struct svl_value svl_value;

/* Results of every entry point. */
typedef enum svl_status {
  SVL_OK = 0,
  SVL_ERR_SYNTAX,     /* lexical or syntax error: nothing ran */
  SVL_ERR_RESOLVE,    /* undefined name, wrong argument count, duplicate: nothing ran */
  SVL_ERR_RUNTIME,    /* an error while evaluating (unit mismatch, division by zero...) */
  SVL_ERR_ASSERT,     /* a failed top-level assert */
  SVL_ERR_LIMIT,      /* a step, heap, depth or time limit was hit, or svl_interrupt */
  SVL_ERR_IO,         /* a file could not be read */
  SVL_ERR_INCOMPLETE, /* svl_eval_line: the input needs more lines */
  SVL_ERR_USAGE       /* the host called the API wrongly (unknown name, bad argument) */
} svl_status;

/* Permissions an embedded VM has (SPEC 11): none by default. */
enum {
  SVL_ALLOW_FILES = 1, /* load() and import of files */
  SVL_ALLOW_ENV = 2,
  SVL_ALLOW_CLOCK = 4  /* today() */
};

typedef struct svl_config {
  /* Receives everything `print` writes.  NULL discards it. */
  void (*write)(void *user_data, const char *text, size_t len);
  void *user_data;
  /* Receives TAP output of svl_run_tests; NULL sends it to write. */
  void (*report)(void *user_data, const char *text, size_t len);
  unsigned permissions;      /* SVL_ALLOW_* bits; 0 by default */
  /* Limits; 0 means none (except max_depth: 0 means the default, 200). */
  uint64_t max_steps;        /* evaluation steps */
  size_t max_heap;           /* bytes of collected heap */
  unsigned max_depth;        /* nested calls */
  uint64_t timeout_ms;       /* wall time per entry point */
  size_t stack_bytes;        /* C stack the evaluator may use; 0: 4 MiB */
  const char *stdlib_path;   /* ':'-separated directories of stdlib modules, or NULL */
  int interactive;           /* REPL semantics: loading a name again replaces it */
} svl_config;

/* Fill *config with the defaults: no output, no permissions, no limits,
 * call depth 200, 4 MiB of stack. */
SVL_API void svl_config_init(svl_config *config);

/* Create a VM.  The configuration is copied.  Returns NULL only when the
 * system is out of memory. */
SVL_API svl_vm *svl_new(const svl_config *config);
/* Destroy a VM and every handle it gave out. */
SVL_API void svl_free(svl_vm *vm);

/* Load and run a rule file: declarations, top-level lets, asserts and
 * prints, in order.  Names it defines become visible to svl_get/svl_call.
 * Returns SVL_ERR_SYNTAX / SVL_ERR_RESOLVE when nothing ran. */
SVL_API svl_status svl_load_file(svl_vm *vm, const char *path);
/* The same for source text; `name` is used in error messages. */
SVL_API svl_status svl_load_string(svl_vm *vm, const char *name, const char *source, size_t len);

/* Parse and resolve a rule file without running anything (svl check).
 * Reports lexical, syntax and resolution errors. */
SVL_API svl_status svl_check_file(svl_vm *vm, const char *path);

/* REPL-style: evaluate one chunk (declarations or an expression) in the
 * VM's interactive scope, where redefinition replaces.  *result receives
 * the value of an expression (NULL for a declaration); release it.
 * SVL_ERR_INCOMPLETE when the chunk is an unfinished prefix of valid
 * input (open bracket, trailing operator): read another line and retry
 * with the lines joined. */
SVL_API svl_status svl_eval_line(svl_vm *vm, const char *source, size_t len, svl_value **result);

/* Completion candidates for the end of `text` (a REPL line): keywords,
 * global and builtin names starting with the word being typed, or the
 * fields of a record after `name.` / `name.field.`.  Writes up to `max`
 * pointers (owned by the VM, valid until the next call) and returns how
 * many candidates there are; *word_start receives the offset in text
 * where the completed word begins. */
SVL_API int svl_complete(svl_vm *vm, const char *text, size_t len, const char **out, int max,
                         size_t *word_start);

/* Bind a global name to a value before loading (the CLI's --input). */
SVL_API svl_status svl_set_global(svl_vm *vm, const char *name, svl_value *value);
/* Look up a top-level name of the loaded program. SVL_ERR_USAGE if absent. */
SVL_API svl_status svl_get(svl_vm *vm, const char *name, svl_value **result);
/* Whether a top-level name exists (1) or not (0). */
SVL_API int svl_has(svl_vm *vm, const char *name);
/* Call a callable value with positional arguments. */
SVL_API svl_status svl_call(svl_vm *vm, svl_value *fn, int nargs, svl_value *const *args,
                            svl_value **result);

/* Values.  Constructors return a new handle (NULL when the VM is out of
 * memory or the input is invalid, see svl_last_error). */
SVL_API svl_value *svl_number(svl_vm *vm, const char *decimal_text);
SVL_API svl_value *svl_text(svl_vm *vm, const char *utf8, size_t len);
SVL_API svl_value *svl_bool(svl_vm *vm, int b);
SVL_API svl_value *svl_null(svl_vm *vm);
/* Read a data file (CSV or JSON) as `load(path)` would (needs
 * SVL_ALLOW_FILES). */
SVL_API svl_status svl_load_data(svl_vm *vm, const char *path, svl_value **result);
/* Parse JSON into a value (numbers exact). */
SVL_API svl_status svl_from_json(svl_vm *vm, const char *json, size_t len, svl_value **result);

typedef enum svl_format {
  SVL_FORMAT_TEXT, /* display form (texts raw at top level) */
  SVL_FORMAT_REPL, /* display form with texts quoted, as the REPL echoes */
  SVL_FORMAT_JSON, /* SPEC 9 */
  SVL_FORMAT_CSV,  /* a list of records; units in the headers */
  SVL_FORMAT_MD,   /* a Markdown table for a list of records, else text */
  SVL_FORMAT_PLAIN /* svl_explain: a narrative ("x = 32 because 40 × lowest £100.00 / price £125.00") */
} svl_format;
/* Render a value.  Returns a malloc'ed NUL-terminated string the caller
 * frees with free(), or NULL on error. */
SVL_API char *svl_format_value(svl_vm *vm, svl_value *value, svl_format format);
/* "number", "text", "list", "GBP" ... (static or VM-owned; do not free). */
SVL_API const char *svl_type_name(svl_vm *vm, svl_value *value);

/* Release a handle.  NULL is ignored. */
SVL_API void svl_release(svl_vm *vm, svl_value *value);

/* Tests (SPEC 10.1): run every `test` block loaded so far, writing TAP
 * through the write callback.  `first_number` numbers the first test
 * point (to number across files); *count receives how many ran, *failed
 * how many failed. `header` nonzero writes the "TAP version 13" and plan. */
SVL_API svl_status svl_run_tests(svl_vm *vm, int first_number, int *count, int *failed);
/* Number of test blocks loaded (that the filter selects). */
SVL_API int svl_test_count(svl_vm *vm);
/* Run and count only tests whose name contains `substring` (NULL: all). */
SVL_API void svl_set_test_filter(svl_vm *vm, const char *substring);

/* Coverage (svl test --coverage).  Turn counting on before loading; the
 * cost when off is one branch per call.  svl_coverage_report lists what
 * never ran — functions, rules, each require/warn line, each table row —
 * of the loaded file and its file imports (not the standard library):
 * as text lines, or as JSON with every item and its hit count.
 * *out is malloc'ed; *covered and *total count the items. */
SVL_API void svl_set_coverage(svl_vm *vm, int on);
SVL_API svl_status svl_coverage_report(svl_vm *vm, svl_format format, char **out, int *covered,
                                       int *total);

/* Explain (SPEC 10.2): evaluate NAME of the loaded program with tracing
 * on and render the evaluation tree as text (format SVL_FORMAT_TEXT), JSON
 * (SVL_FORMAT_JSON) or a plain narrative (SVL_FORMAT_PLAIN), at most
 * max_depth levels deep (0: all).
 * *out receives a malloc'ed string the caller frees. */
SVL_API svl_status svl_explain(svl_vm *vm, const char *name, svl_format format, int max_depth,
                               char **out);

/* The last error.  Valid until the next call on the same VM. */
typedef struct svl_error {
  svl_status status;
  const char *code;     /* stable code, e.g. "E0201" */
  const char *message;
  const char *hint;     /* or NULL */
  const char *file;     /* or NULL */
  int line, column;     /* 1-based; 0 when unknown */
  const char *rendered; /* "file:line:col: error: ..." with source line,
                           caret, hint and call stack, ready to print */
} svl_error;
SVL_API const svl_error *svl_last_error(svl_vm *vm);

/* Ask a running evaluation to stop with SVL_ERR_LIMIT.  Safe to call from
 * another thread or a signal handler. */
SVL_API void svl_interrupt(svl_vm *vm);

/* Process-wide start-up for threads other than the one that called
 * svl_new first: call svl_thread_attach() at the start of such a thread
 * before using any VM in it, and svl_thread_detach() before it ends. */
SVL_API void svl_thread_attach(void);
SVL_API void svl_thread_detach(void);

#ifdef __cplusplus
}
#endif
#endif
