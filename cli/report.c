/* svl report FILE [--input [NAME=]PATH]... [--print-explanations] [-o OUT.html]
 * [--summaries DIR]: the evaluation report of a rule file's `report`
 * declaration, through svl_report_html, and the bidders' assessment
 * summaries, through svl_report_summaries (docs/report.md).  Every page is
 * rendered before any is written, so an error in the rules writes nothing;
 * each page is written atomically, so a failed or interrupted run leaves
 * the previous page whole.  Without -o the report goes to standard output,
 * unless --summaries is given (then only the summaries are written).
 * What the rule file prints goes to standard error, so it never mixes with
 * a page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "svl.h"
#include "cli.h"

static void write_stderr(void *ud, const char *s, size_t n) {
  (void)ud;
  fwrite(s, 1, n, stderr);
}

/* The summaries into dir (made if missing; its parent must exist), the
 * index last so that it links only to pages already written.  Stops at
 * the first page that cannot be written: the directory is unwritable or
 * full, and one message says so. */
static int write_summaries(const char *dir, const svl_report_page *pages, size_t n) {
  struct stat st;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    write_failed(dir);
    return 1;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    if (errno == EEXIST) errno = ENOTDIR; /* mkdir's EEXIST was a file */
    write_failed(dir);
    return 1;
  }
  for (size_t k = 1; k <= n; k++) {
    const svl_report_page *p = &pages[k % n]; /* 1, 2, ..., n-1, then 0: the index */
    size_t len = strlen(dir) + strlen(p->file) + 2;
    char *path = malloc(len);
    if (!path) {
      errno = ENOMEM;
      write_failed(dir);
      return 1;
    }
    snprintf(path, len, "%s/%s", dir, p->file);
    int bad = write_atomic(path, p->html, strlen(p->html)) != 0;
    if (bad) write_failed(path);
    free(path);
    if (bad) return 1;
  }
  return 0;
}

int cmd_report(opts *o) {
  if (o->nfiles != 1 || o->nnames != 0) {
    fprintf(stderr, "svl: report needs one rule file\nusage: svl report FILE [--input [NAME=]PATH]... "
                    "[--print-explanations] [-o REPORT.html] [--summaries DIR]\n");
    return 2;
  }
  o->cfg.write = write_stderr;
  svl_vm *vm = new_vm(o);
  int rc = bind_inputs(vm, o);
  if (rc) { svl_free(vm); return rc; }
  svl_status st = svl_load_file(vm, o->files[0]);
  if (st != SVL_OK) { rc = report_error(vm, st); svl_free(vm); return rc; }
  char *html = NULL;
  svl_report_page *pages = NULL;
  size_t npages = 0;
  if (o->output || !o->summaries)
    st = svl_report_html_with(vm, o->print_explanations ? SVL_REPORT_PRINT_EXPLANATIONS : 0, &html);
  if (st == SVL_OK && o->summaries) st = svl_report_summaries(vm, &pages, &npages);
  if (st == SVL_ERR_USAGE) {
    fprintf(stderr, "svl: %s has no report declaration\n  hint: add report { title: \"...\", ranking: ... } "
                    "(docs/report.md)\n", o->files[0]);
    svl_free(vm);
    return 2;
  }
  if (st != SVL_OK) {
    rc = report_error(vm, st);
    free(html);
    svl_free(vm);
    return rc;
  }
  size_t len = html ? strlen(html) : 0;
  if (pages) rc = write_summaries(o->summaries, pages, npages);
  if (html && o->output) {
    if (write_atomic(o->output, html, len) != 0) {
      write_failed(o->output);
      rc = 1;
    }
  } else if (html && (fwrite(html, 1, len, stdout) != len || fflush(stdout) != 0)) {
    fprintf(stderr, "error: cannot write standard output: %s [E0903]\n", strerror(errno));
    clearerr(stdout); /* reported here, not again at exit */
    rc = 1;
  }
  svl_report_pages_free(pages, npages);
  free(html);
  svl_free(vm);
  return rc;
}
