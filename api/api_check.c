/* svl_check (include/svl.h): the API over lang/check.c.
 *
 * Every file is parsed and resolved on its own, against a fresh unit
 * registry and a fresh global scope holding only the host's bindings, so
 * checking several files in one VM is the same as checking each alone and
 * leaves the VM as it was.  Problems with a file — unreadable, a syntax or
 * name error — are findings like any other, so one bad file does not hide
 * what the others have. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/gc.h"
#include "lang/check.h"

typedef struct check_job {
  const char *const *paths;
  int npaths;
  unsigned flags;
  svl_format format;
  findings out;
  const char *report;
} check_job;

/* The names the host bound with svl_set_global (no declaration behind
 * them); names an earlier svl_load_* defined are not the file's business. */
globals *api_host_inputs(svl_vm *v) {
  globals *g = gc_alloc(sizeof *g);
  for (int i = 0; i < v->host.n; i++) {
    if (v->host.decls[i]) continue;
    int k = globals_add(g, v->host.names[i]);
    g->vals[k] = v->host.vals[i];
    g->ready[k] = v->host.ready[i];
  }
  return g;
}

static void check_one(svl_vm *v, check_job *j, const char *path) {
  int from = j->out.n;
  size_t len;
  char *text = read_file(path, &len);
  diag e = {0};
  memset(&e, 0, sizeof e);
  if (!text) {
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "cannot read '%s': %s", path, read_error(errno));
    e.kind = DIAG_IO;
    e.code = "E0901";
    e.msg = b.s;
    findings_add(&j->out, CHECK_ERROR, &e, path, NULL);
    return;
  }
  v->units = unit_reg_new();
  module *m = module_parse(v, gc_strdup(path), text, len, false, api_host_inputs(v), &e);
  if (m) {
    check_program(m->prog, &j->out);
  } else {
    if (e.kind == DIAG_INCOMPLETE) e.kind = DIAG_SYNTAX;
    findings_add(&j->out, CHECK_ERROR, &e, path, NULL);
  }
  findings_sort(&j->out, from);
}

static void check_all(svl_vm *v, void *ctx) {
  check_job *j = ctx;
  for (int i = 0; i < j->npaths; i++) {
    check_one(v, j, j->paths[i]);
    /* --timeout: the analyses stop at the deadline; so does the check */
    if (j->out.timed_out || (j->out.deadline_ms && now_ms() > j->out.deadline_ms))
      vm_error_kind(v, DIAG_LIMIT, (loc){0}, "E0803 time limit reached (%llu ms)", (unsigned long long)v->cfg.timeout_ms);
  }
  if (j->flags & SVL_CHECK_STRICT) findings_promote_warnings(&j->out);
  j->report = j->format == SVL_FORMAT_JSON ? findings_json(&j->out) : findings_text(&j->out);
}

PUBLIC svl_status svl_check(svl_vm *v, const char *const *paths, int npaths, unsigned flags,
                            svl_format format, char **report, int *nerrors, int *nwarnings) {
  if (report) *report = NULL;
  if (nerrors) *nerrors = 0;
  if (nwarnings) *nwarnings = 0;
  if (!v) return SVL_ERR_USAGE;
  if (!report || npaths < 0 || (npaths && !paths)) return api_usage(v, "svl_check: bad arguments");
  if (format != SVL_FORMAT_TEXT && format != SVL_FORMAT_JSON)
    return api_usage(v, "svl_check: the report is text or JSON");
  for (int i = 0; i < npaths; i++)
    if (!paths[i]) return api_usage(v, "svl_check: path %d is NULL", i);
  check_job *j = gc_alloc(sizeof *j);
  j->paths = paths;
  j->npaths = npaths;
  j->flags = flags;
  j->format = format;
  j->out.deadline_ms = v->cfg.timeout_ms ? now_ms() + v->cfg.timeout_ms : 0;
  /* each file gets its own registry; the VM keeps the one it had */
  unit_reg *units = v->units;
  svl_status st = api_protect(v, check_all, j);
  v->units = units;
  if (st != SVL_OK) return st;
  findings_count(&j->out, nerrors, nwarnings);
  size_t n = strlen(j->report);
  *report = malloc(n + 1);
  if (!*report) return api_usage(v, "svl_check: out of memory");
  memcpy(*report, j->report, n + 1);
  return SVL_OK;
}
