/* svl report FILE [--input [NAME=]PATH]... [--print-explanations] [-o OUT.html]: the evaluation
 * report of a rule file's `report` declaration, through svl_report_html
 * (docs/report.md).  The page is written atomically, so a failed or
 * interrupted run leaves the previous report whole; without -o it goes to
 * standard output.  What the rule file prints goes to standard error, so
 * it never mixes with the page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"
#include "cli.h"

static void write_stderr(void *ud, const char *s, size_t n) {
  (void)ud;
  fwrite(s, 1, n, stderr);
}

int cmd_report(opts *o) {
  if (o->nfiles != 1 || o->nnames != 0) {
    fprintf(stderr, "svl: report needs one rule file\nusage: svl report FILE [--input [NAME=]PATH]... [--print-explanations] [-o REPORT.html]\n");
    return 2;
  }
  o->cfg.write = write_stderr;
  svl_vm *vm = new_vm(o);
  int rc = bind_inputs(vm, o);
  if (rc) { svl_free(vm); return rc; }
  svl_status st = svl_load_file(vm, o->files[0]);
  if (st != SVL_OK) { rc = report(vm, st); svl_free(vm); return rc; }
  char *html = NULL;
  st = svl_report_html_with(vm, o->print_explanations ? SVL_REPORT_PRINT_EXPLANATIONS : 0, &html);
  if (st == SVL_ERR_USAGE) {
    fprintf(stderr, "svl: %s has no report declaration\n  hint: add report { title: \"...\", ranking: ... } "
                    "(docs/report.md)\n", o->files[0]);
    svl_free(vm);
    return 2;
  }
  if (st != SVL_OK) { rc = report(vm, st); svl_free(vm); return rc; }
  size_t len = strlen(html);
  if (o->output) {
    if (write_atomic(o->output, html, len) != 0) {
      write_failed(o->output);
      rc = 1;
    }
  } else if (fwrite(html, 1, len, stdout) != len || fflush(stdout) != 0) {
    fprintf(stderr, "error: cannot write standard output: %s [E0903]\n", strerror(errno));
    clearerr(stdout); /* reported here, not again at exit */
    rc = 1;
  }
  free(html);
  svl_free(vm);
  return rc;
}
