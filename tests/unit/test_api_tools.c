/* The API functions behind the svl command's tools, called directly as a
 * host would (the CLI tests reach them only through the command): check
 * (svl_check, svl_check_file), the REPL (svl_eval_line, svl_complete),
 * coverage and test filters, the error catalogue, audit records
 * (svl_files_read, svl_sha256), the HTML report, and the stack limit
 * (stack_bytes) — each with its error paths.  Through svl.h alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_tap.h"

static char dir[] = "/tmp/svl_tools_XXXXXX";

/* Write a file in the test's directory; returns its path (static). */
static const char *file(const char *name, const char *text) {
  static char path[4][512];
  static int next;
  char *p = path[next++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
  return p;
}

static void test_check(void) {
  svl_vm *vm = svl_new(NULL);
  const char *good = file("good.svl", "fn double(x) = x * 2\nprint double(2)\n");
  const char *bad = file("bad.svl", "fn f(x) =\n  x *\n");
  const char *undef = file("undef.svl", "let y = nope(1)\n");
  tap_ok(svl_check_file(vm, good) == SVL_OK, "svl_check_file: a good file");
  tap_ok(svl_check_file(vm, bad) == SVL_ERR_SYNTAX, "svl_check_file: a syntax error");
  tap_ok(svl_last_error(vm)->line == 2 && strstr(svl_last_error(vm)->file, "bad.svl"), "... located");
  tap_ok(svl_check_file(vm, undef) == SVL_ERR_RESOLVE, "svl_check_file: an undefined name");
  tap_error(vm, SVL_ERR_RESOLVE, "nope", "... named");
  tap_ok(svl_check_file(vm, "/nonexistent/x.svl") == SVL_ERR_IO, "svl_check_file: a missing file");
  tap_ok(svl_has(vm, "double") == 0, "svl_check_file runs and defines nothing");

  const char *gappy = file("gap.svl",
                           "table band(score: number) hit unique {\n"
                           "  | score     || band   |\n"
                           "  | < 40      || \"low\"  |\n"
                           "  | 50..100   || \"high\" |\n"
                           "}\n"
                           "fn twice(x, unused) = x * 2\n"
                           "let y = twice(1, 2)\n");
  const char *paths[] = {good, gappy, "/nonexistent/y.svl"};
  char *report = NULL;
  int nerr = -1, nwarn = -1;
  tap_ok(svl_check(vm, paths, 3, 0, SVL_FORMAT_TEXT, &report, &nerr, &nwarn) == SVL_OK && report,
         "svl_check of three files: SVL_OK with a report");
  tap_ok(report && strstr(report, "gap.svl:") && strstr(report, "y.svl"), "... naming the table's file and the missing one");
  /* the table leaves two gaps (40..50 and over 100); the parameter `unused`
   * is a warning (a top-level let never is: it is a result) */
  tap_ok(nerr == 3 && nwarn == 1, "... counting two gaps and the unreadable file as errors, one warning");
  if (nerr != 3 || nwarn != 1) printf("# %d errors, %d warnings\n%s", nerr, nwarn, report ? report : "");
  tap_ok(report && strstr(report, "e.g. score = 40"), "... with an example input for a gap");
  free(report);
  report = NULL;
  nerr = nwarn = -1;
  tap_ok(svl_check(vm, paths + 1, 1, SVL_CHECK_STRICT, SVL_FORMAT_JSON, &report, &nerr, &nwarn) == SVL_OK &&
             report && report[0] == '[' && strstr(report, "\"severity\": \"error\"") &&
             strstr(report, "\"code\": \"E0307\""),
         "svl_check as JSON");
  tap_ok(nerr == 3 && nwarn == 0, "SVL_CHECK_STRICT: the warning counts as an error");
  free(report);
  report = NULL;
  tap_ok(svl_check(vm, paths, 1, 0, SVL_FORMAT_TEXT, &report, NULL, NULL) == SVL_OK && report && !report[0],
         "svl_check of a clean file: an empty report");
  free(report);
  report = (char *)1;
  tap_ok(svl_check(vm, NULL, 1, 0, SVL_FORMAT_TEXT, &report, NULL, NULL) == SVL_ERR_USAGE,
         "svl_check with no paths is a usage error");
  svl_free(vm);
}

static void test_repl(void) {
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.interactive = 1;
  svl_vm *vm = svl_new(&cfg);
  svl_value *r = NULL;
  const char *s;
  tap_ok(svl_eval_line(vm, "let price = £100", SVL_NTS, &r) == SVL_OK && r == NULL,
         "svl_eval_line: a declaration gives no value");
  tap_ok(svl_eval_line(vm, "price * 20%", SVL_NTS, &r) == SVL_OK && r && svl_to_number(vm, r, &s) == SVL_OK &&
             !strcmp(s, "20"),
         "svl_eval_line: an expression's value");
  svl_release(vm, r);
  r = NULL;
  tap_ok(svl_eval_line(vm, "let price = £90", SVL_NTS, &r) == SVL_OK, "svl_eval_line: redefinition replaces");
  tap_ok(svl_eval_line(vm, "[price,", SVL_NTS, &r) == SVL_ERR_INCOMPLETE && r == NULL,
         "svl_eval_line: an open bracket is SVL_ERR_INCOMPLETE");
  tap_ok(svl_eval_line(vm, "[price,\n 1 FTE]", SVL_NTS, &r) == SVL_ERR_RESOLVE, "... the joined lines then resolve (FTE unknown)");
  tap_ok(svl_eval_line(vm, "price +", SVL_NTS, &r) == SVL_ERR_INCOMPLETE, "... a trailing operator too");
  tap_ok(svl_eval_line(vm, "price )", SVL_NTS, &r) == SVL_ERR_SYNTAX, "svl_eval_line: a syntax error");
  tap_ok(svl_eval_line(vm, NULL, 0, &r) == SVL_ERR_USAGE, "svl_eval_line: no text is a usage error");
  tap_ok(svl_eval_line(vm, "price / 0", SVL_NTS, &r) == SVL_ERR_RUNTIME, "svl_eval_line: a runtime error");
  tap_ok(svl_eval_line(vm, "[price, 1]", SVL_NTS, &r) == SVL_OK && r, "... and the scope is usable after them");
  svl_release(vm, r);
  r = NULL;
  tap_ok(svl_eval_line(vm, "let bid = {supplier: \"Acme\", price: £1}", SVL_NTS, &r) == SVL_OK, "a record in scope");

  const char *out[16];
  size_t start = 99;
  int n = svl_complete(vm, "pri", 3, out, 16, &start);
  int has_price = 0, has_print = 0;
  for (int i = 0; i < n && i < 16; i++) {
    has_price |= !strcmp(out[i], "price");
    has_print |= !strcmp(out[i], "print");
  }
  tap_ok(n >= 2 && has_price && has_print && start == 0, "svl_complete: a global and a keyword for \"pri\"");
  n = svl_complete(vm, "bid.su", 6, out, 16, &start);
  tap_ok(n == 1 && !strcmp(out[0], "supplier") && start == 4, "svl_complete: a record's field after \"bid.\"");
  tap_ok(svl_eval_line(vm, "let grants = [{name: \"A\"}, {name: \"B\", amount: £7}]", SVL_NTS, &r) == SVL_OK, "a list of records in scope");
  n = svl_complete(vm, "x + grants[2].am", 16, out, 16, &start);
  tap_ok(n == 1 && !strcmp(out[0], "amount") && start == 14, "svl_complete: a field after an index, \"grants[2].\"");
  n = svl_complete(vm, "grants[-1].", 11, out, 16, &start);
  tap_ok(n == 2 && !strcmp(out[0], "name") && !strcmp(out[1], "amount"), "svl_complete: ... and a negative index");
  n = svl_complete(vm, "grants[3].", 10, out, 16, &start);
  tap_ok(n == 0, "svl_complete: nothing past the end of the list");
  n = svl_complete(vm, "zzzq", 4, out, 16, &start);
  tap_ok(n == 0, "svl_complete: nothing for an unknown prefix");
  n = svl_complete(vm, "p", 1, out, 1, &start);
  tap_ok(n >= 2, "svl_complete counts every candidate, writing at most max");
  svl_free(vm);
}

static char tap_text[4096];
static void collect(void *ud, const char *text, size_t len) {
  (void)ud;
  size_t have = strlen(tap_text);
  if (have + len < sizeof tap_text) {
    memcpy(tap_text + have, text, len);
    tap_text[have + len] = 0;
  }
}

static void test_coverage_and_filter(void) {
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.report = collect;
  svl_vm *vm = svl_new(&cfg);
  svl_set_coverage(vm, 1);
  const char *rules = file("cov.svl",
                           "fn used(x) = x + 1\n"
                           "fn unused(x) = x - 1\n"
                           "table grade(p) hit first {\n"
                           "  | p     || g      |\n"
                           "  | >= 70 || \"good\" |\n"
                           "  | -     || \"poor\" |\n"
                           "}\n"
                           "test \"alpha adds\" {\n"
                           "  assert used(1) == 2\n"
                           "  assert grade(80) == \"good\"\n"
                           "}\n"
                           "test \"beta fails\" {\n"
                           "  assert used(1) == 3\n"
                           "}\n");
  tap_ok(svl_load_file(vm, rules) == SVL_OK, "a file with tests loads");
  tap_is_int(svl_test_count(vm), 2, "two tests");
  svl_set_test_filter(vm, "alpha");
  tap_is_int(svl_test_count(vm), 1, "svl_set_test_filter: one selected");
  int count = -1, failed = -1;
  tap_ok(svl_run_tests(vm, 1, &count, &failed) == SVL_OK && count == 1 && failed == 0,
         "... and only it runs, and passes");
  tap_ok(strstr(tap_text, "ok 1 - alpha adds") && !strstr(tap_text, "beta"), "... as its TAP says");
  svl_set_test_filter(vm, NULL);
  tap_is_int(svl_test_count(vm), 2, "svl_set_test_filter(NULL): all again");

  char *rep = NULL;
  int covered = -1, total = -1;
  tap_ok(svl_coverage_report(vm, SVL_FORMAT_TEXT, &rep, &covered, &total) == SVL_OK && rep,
         "svl_coverage_report as text");
  tap_ok(rep && strstr(rep, "unused") && !strstr(rep, "used(") && strstr(rep, "cov.svl"),
         "... lists the function that never ran, with its file");
  tap_ok(total > 0 && covered > 0 && covered < total, "... and counts covered < total");
  printf("# covered %d of %d\n%s", covered, total, rep ? rep : "");
  free(rep);
  rep = NULL;
  tap_ok(svl_coverage_report(vm, SVL_FORMAT_JSON, &rep, NULL, NULL) == SVL_OK && rep && strchr("[{", rep[0]) &&
             strstr(rep, "unused"),
         "svl_coverage_report as JSON, with every item");
  free(rep);
  svl_free(vm);

  vm = svl_new(NULL); /* counting off: nothing was counted */
  svl_load_file(vm, rules);
  rep = NULL;
  covered = total = -1;
  svl_status st = svl_coverage_report(vm, SVL_FORMAT_TEXT, &rep, &covered, &total);
  tap_ok(st != SVL_OK || covered == 0, "with coverage off nothing is counted");
  free(rep);
  svl_free(vm);
}

static void test_catalogue_and_audit(void) {
  const char *h = svl_error_help("E0501");
  tap_ok(h && strstr(h, "division") && h[strlen(h) - 1] == '\n', "svl_error_help(E0501)");
  tap_ok(svl_error_help("e0501") == h || (svl_error_help("e0501") && !strcmp(svl_error_help("e0501"), h)),
         "... in lower case too");
  tap_ok(svl_error_help("E9999") == NULL && svl_error_help("") == NULL && svl_error_help("nonsense") == NULL,
         "svl_error_help of an unknown code is NULL");
  const char *index = svl_error_help(NULL);
  tap_ok(index && strstr(index, "E0501"), "svl_error_help(NULL): the index");

  tap_is(svl_version(), SVL_VERSION, "svl_version() is the library's SVL_VERSION");
  tap_is_int(svl_version_num(), SVL_VERSION_NUM, "svl_version_num() is its SVL_VERSION_NUM");
  {
    /* heap_budget: this VM's own, not shared with another VM */
    svl_config small, none;
    svl_config_init(&small);
    svl_config_init(&none);
    small.heap_budget = (size_t)1 << 20;
    svl_vm *a = svl_new(&small), *b = svl_new(&none);
    const char *big = "let xs = [\"item {i}\" for i in 1..200000]\n";
    tap_ok(svl_load_string(a, "a.svl", big, SVL_NTS) == SVL_ERR_LIMIT, "heap_budget: a call allocating past it stops");
    tap_error(a, SVL_ERR_LIMIT, "heap budget of this VM reached (1048576 bytes)", "... saying so");
    tap_is(svl_last_error(a)->code, "E0802", "... with E0802");
    tap_ok(svl_load_string(b, "b.svl", big, SVL_NTS) == SVL_OK, "... while a VM without a budget runs the same");
    tap_ok(svl_load_string(a, "c.svl", "let small = 1 + 1\n", SVL_NTS) == SVL_OK,
           "... and the next call has a fresh budget");
    svl_free(a);
    svl_free(b);
  }

  char hex[65];
  svl_sha256("abc", 3, hex);
  tap_is(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "svl_sha256(\"abc\")");
  svl_sha256("", 0, hex);
  tap_is(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "svl_sha256 of nothing");

  svl_config cfg;
  svl_config_init(&cfg);
  cfg.permissions = SVL_ALLOW_FILES;
  svl_vm *vm = svl_new(&cfg);
  const char *path, *sum;
  tap_is_int(svl_files_read(vm, 0, &path, &sum), 0, "svl_files_read: none before loading");
  file("data.csv", "a,b\n1,2\n");
  char src[600];
  snprintf(src, sizeof src, "let rows = load(\"%s/data.csv\")\n", dir);
  const char *rules = file("audit.svl", src);
  tap_ok(svl_load_file(vm, rules) == SVL_OK, "a file that loads data");
  int n = svl_files_read(vm, 0, &path, &sum);
  tap_is_int(n, 2, "svl_files_read: the rule file and its data");
  svl_sha256(src, strlen(src), hex);
  tap_ok(n >= 1 && strstr(path, "audit.svl") && !strcmp(sum, hex), "... the rule file first, with its SHA-256");
  tap_ok(n >= 2 && svl_files_read(vm, 1, &path, &sum) == 2 && strstr(path, "data.csv") && strlen(sum) == 64,
         "... then the data file");
  path = "unchanged";
  tap_ok(svl_files_read(vm, 7, &path, &sum) == 2 && !strcmp(path, "unchanged"), "an index past the end fills nothing");
  svl_free(vm);
}

static void test_report(void) {
  svl_vm *vm = svl_new(NULL);
  char *html = (char *)1;
  tap_ok(svl_report_html(vm, &html) == SVL_ERR_USAGE && html == NULL, "svl_report_html with no report declared");
  svl_status st = svl_load_string(vm, "report.svl",
                                  "let bids = [{supplier: \"Acme <&> Ltd\", price: £100, total: 80},\n"
                                  "  {supplier: \"Bee\", price: £90, total: 70}]\n"
                                  "report {\n"
                                  "  title: \"A small tender\"\n"
                                  "  bids: bids\n"
                                  "  ranking: bids\n"
                                  "}\n",
                                  SVL_NTS);
  tap_ok(st == SVL_OK, "a report declaration loads");
  if (st != SVL_OK) printf("# %s\n", svl_last_error(vm)->rendered);
  html = NULL;
  tap_ok(svl_report_html(vm, &html) == SVL_OK && html && strstr(html, "<html") && strstr(html, "A small tender"),
         "svl_report_html: one HTML page");
  tap_ok(html && strstr(html, "Acme &lt;&amp;&gt; Ltd") && !strstr(html, "Acme <&>"), "... with texts escaped");
  tap_ok(html && !strstr(html, "details::details-content"), "... whose explanations print as one line per bid");
  char *full = NULL;
  tap_ok(svl_report_html_with(vm, SVL_REPORT_PRINT_EXPLANATIONS, &full) == SVL_OK && full &&
             strstr(full, "details::details-content") && strstr(full, "A small tender"),
         "svl_report_html_with SVL_REPORT_PRINT_EXPLANATIONS: the page prints the explanations in full");
  free(full);
  free(html);

  svl_report_page *pages = (svl_report_page *)1;
  size_t npages = 9;
  tap_ok(svl_report_summaries(vm, &pages, &npages) == SVL_OK && npages == 3 && pages,
         "svl_report_summaries: an index and a page per bid");
  if (pages && npages == 3) {
    tap_ok(!strcmp(pages[0].file, "index.html") && !strcmp(pages[1].file, "01-acme-ltd.html") &&
               !strcmp(pages[2].file, "02-bee.html"),
           "... the index first, then one safe file name per bid, in the order of bids");
    tap_ok(strstr(pages[1].html, "Assessment summary") && strstr(pages[1].html, "Acme &lt;&amp;&gt; Ltd") &&
               !strstr(pages[1].html, "Acme <&>") && strstr(pages[0].html, "href=\"02-bee.html\""),
           "... each page escaped, the index linking them");
  }
  svl_report_pages_free(pages, npages);
  svl_report_pages_free(NULL, 0);
  svl_free(vm);

  vm = svl_new(NULL);
  pages = (svl_report_page *)1;
  npages = 9;
  tap_ok(svl_report_summaries(vm, &pages, &npages) == SVL_ERR_USAGE && pages == NULL && npages == 0,
         "svl_report_summaries with no report declared");
  svl_free(vm);

  vm = svl_new(NULL);
  st = svl_load_string(vm, "bad_report.svl",
                       "fn boom(x) = x / 0\n"
                       "report {\n"
                       "  title: \"Broken\"\n"
                       "  ranking: [{supplier: \"A\", total: 1}]\n"
                       "  explain: boom\n"
                       "}\n",
                       SVL_NTS);
  html = (char *)1;
  st = st == SVL_OK ? svl_report_html(vm, &html) : st;
  tap_ok(st != SVL_OK && st != SVL_ERR_USAGE, "a report whose explanation fails is an error, not a page");
  svl_free(vm);
}

static void test_stack_limit(void) {
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.max_depth = 1000000;
  cfg.stack_bytes = (size_t)128 << 10;
  svl_vm *vm = svl_new(&cfg);
  svl_value *deep = NULL, *arg = svl_int(vm, 500000), *r = NULL;
  tap_ok(svl_load_string(vm, "deep.svl", "fn deep(n) = if n == 0 then 0 else 1 + deep(n - 1)\n", SVL_NTS) == SVL_OK &&
             svl_get(vm, "deep", &deep) == SVL_OK,
         "a recursive function");
  tap_ok(svl_call(vm, deep, 1, &arg, &r) == SVL_ERR_LIMIT && r == NULL,
         "stack_bytes: 128 KiB of stack runs out before 500,000 calls deep");
  tap_error(vm, SVL_ERR_LIMIT, "stack", "... says the call stack is exhausted");
  svl_release(vm, arg);
  arg = svl_int(vm, 5); /* shallow: a sanitizer's frames are large */
  const char *s;
  tap_ok(svl_call(vm, deep, 1, &arg, &r) == SVL_OK && svl_to_number(vm, r, &s) == SVL_OK && !strcmp(s, "5"),
         "... and the VM is usable after it");
  if (!r) printf("# %s\n", svl_last_error(vm)->message);
  svl_free(vm);
}

int main(void) {
  printf("TAP version 13\n");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_check();
  test_repl();
  test_coverage_and_filter();
  test_catalogue_and_audit();
  test_report();
  test_stack_limit();
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) printf("# could not remove %s\n", dir);
  return tap_done();
}
