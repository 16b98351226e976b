/* Private glue between the files that implement include/svl.h:
 * api/api.c (the protected boundary, loading, calls, tests),
 * api/api_values.c (building and reading values), api/api_native.c
 * (host functions callable from SVL), api/api_paths.c (where the
 * installed standard library is), and the tools layer above, which
 * implements the rest of svl.h on these (tools/explain_api.c, the
 * report).  Not part of the public API. */
#ifndef SVL_API_PRIVATE_H
#define SVL_API_PRIVATE_H

#include "eval/eval.h"

#ifndef PUBLIC
#define PUBLIC __attribute__((visibility("default")))
/* A global scope holding only the names the host bound with
 * svl_set_global (not what an earlier svl_load_* defined): a file is
 * checked or analysed on its own (api/api_check.c, tools/lsp.c). */
globals *api_host_inputs(svl_vm *v);
#endif

/* Per-VM state of the embedding layer, allocated on first use. */
typedef struct api_ext {
  /* Released handles, reused oldest first: a stale pointer a host keeps by
   * mistake then stays "released" for as long as possible. */
  struct svl_value *free_head, *free_tail;
  /* Native calls in progress; handles made at depth d > 0 are listed in
   * `scoped` and released when that native returns. */
  int scope;
  struct svl_value **scoped;
  int nscoped, capscoped;
  const char *native_msg;   /* svl_error_set during the current native */
} api_ext;

api_ext *api_ext_of(svl_vm *v);

/* A new handle for x (scoped when inside a native call). */
svl_value *api_handle(svl_vm *v, value x);
/* The value behind a handle; false (with a usage error set) for NULL or a
 * released handle. */
bool api_value(svl_vm *v, svl_value *h, const char *fn, value *out);
/* The error d (copied into v->err) as a status. */
svl_status api_fail(svl_vm *v, const diag *d);
/* The usage error of a call from a thread the collector does not know. */
svl_status api_unattached(svl_vm *v);
/* A malloc'ed copy of s, which the host frees (NULL when out of memory). */
char *api_out(const char *s);

/* The checked arguments of a call from the host, as evaluator values. */
typedef struct host_args {
  value fn;
  int npos, nnamed;
  value *pos, *named;
  const char **names;
  /* pos, named and names of a call with few arguments: host_args lives on
   * the caller's C stack, which the collector scans, and the callee copies
   * its arguments, so the heap arrays a database made per row were only
   * garbage (6% of a row's time inside PostgreSQL). */
  value small[16];
  const char *small_names[4];
} host_args;
/* Check and convert the arguments of a host's call (api names the
 * function for messages): a usage error when a handle is bad. */
svl_status api_take_args(svl_vm *v, const char *api, svl_value *fn, int nargs, svl_value *const *args,
                         int nnamed, const char *const *names, svl_value *const *named, host_args *a);

/* Set a usage error (SVL_ERR_USAGE, no location) and return its status. */
svl_status api_usage(svl_vm *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run body(v, ctx) inside the protected boundary: a runtime error or an
 * allocation failure raised in it comes back as a status. */
svl_status api_protect(svl_vm *v, void (*body)(svl_vm *, void *), void *ctx);

/* The default search path of standard library modules (api/api_paths.c). */
const char *api_default_stdlib(void);

/* A global scope holding only the names the host bound with
 * svl_set_global (not what an earlier svl_load_* defined): a file is
 * checked or analysed on its own (api/api_check.c, tools/lsp.c). */
globals *api_host_inputs(svl_vm *v);
#endif
