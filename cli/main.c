/* svl: the command-line host.  A thin layer over include/svl.h, like lua.c
 * over lua.h: it parses arguments, binds inputs, and prints what the
 * library returns. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "svl.h"
#include "cli.h"

#ifdef __has_feature
#if __has_feature(address_sanitizer)
#define SVL_ASAN 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#define SVL_ASAN 1
#endif

static void write_stdout(void *ud, const char *s, size_t n) {
  (void)ud;
  fwrite(s, 1, n, stdout);
}

/* Warnings found as a file loads (svl_config.warn) are diagnostics:
 * standard error, after whatever the program has printed so far. */
static void write_warning(void *ud, const char *s, size_t n) {
  (void)ud;
  fflush(stdout);
  fwrite(s, 1, n, stderr);
}

/* Prefix print output with "# " while running tests, so TAP stays valid. */
static void write_tap_comment(void *ud, const char *s, size_t n) {
  int *bol = ud;
  for (size_t i = 0; i < n; i++) {
    if (*bol) fputs("# ", stdout);
    fputc(s[i], stdout);
    *bol = s[i] == '\n';
  }
}

int exit_code(svl_status st) {
  switch (st) {
  case SVL_OK: return 0;
  case SVL_ERR_SYNTAX: case SVL_ERR_RESOLVE: case SVL_ERR_INCOMPLETE: case SVL_ERR_USAGE: return 2;
  default: return 1;
  }
}

int report_error(svl_vm *vm, svl_status st) {
  const svl_error *e = svl_last_error(vm);
  const char *r = e->rendered;
  const char *at = strstr(r, "error:");
  /* colour only on a terminal, and never under NO_COLOR (no-color.org) */
  if (at && isatty(2) && !getenv("NO_COLOR")) {
    fwrite(r, 1, (size_t)(at - r), stderr);
    fputs("\033[1;31merror\033[0m", stderr);
    fputs(at + 5, stderr);
  } else {
    fputs(r, stderr);
  }
  return exit_code(st);
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "svl: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nusage: svl run FILE [NAME...] [--input [NAME=]PATH]... [--format text|json|csv|md]\n"
                  "       svl test FILE... | svl explain FILE EXPR [--vs EXPR] | svl check FILE... | svl repl [FILE]\n"
                  "       svl fmt [--check] FILE...\n"
                  "       svl help\n");
  return 2;
}


static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || !*s) return 0;
  *out = v;
  return 1;
}

/* "300M", "1G", "4096": bytes, with a binary K/M/G (or KiB/MiB/GiB). */
static int parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *s == '-') return 0;
  unsigned shift = 0;
  if (*end == 'K' || *end == 'k') shift = 10, end++;
  else if (*end == 'M' || *end == 'm') shift = 20, end++;
  else if (*end == 'G' || *end == 'g') shift = 30, end++;
  if (shift && (!strcmp(end, "iB") || !strcmp(end, "B"))) end += strlen(end);
  if (*end || v > (UINT64_MAX >> shift)) return 0;
  *out = (uint64_t)v << shift;
  return 1;
}

/* "87.5" -> 875: a percentage with at most one decimal, in tenths (no floats). */
static int parse_tenths(const char *s, long *out) {
  long t = 0;
  int digits = 0, frac = -1;
  for (; *s; s++) {
    if (*s == '.' && frac < 0) { frac = 0; continue; }
    if (*s < '0' || *s > '9' || frac >= 1 || digits > 6) return 0;
    t = t * 10 + (*s - '0');
    digits++;
    if (frac >= 0) frac++;
  }
  if (!digits) return 0;
  *out = frac == 1 ? t : t * 10;
  return 1;
}

int parse_args(int argc, char **argv, opts *o) {
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    uint64_t n;
    if (!strcmp(a, "--input") || !strcmp(a, "-i")) {
      if (!val) return usage_error("%s needs a value", a);
      if (o->ninputs == 64) return usage_error("too many %s options", a);
      o->inputs[o->ninputs++] = val;
      i++;
    } else if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
      if (!val) return usage_error("%s needs a value", a);
      if (!strcmp(val, "text")) o->format = SVL_FORMAT_TEXT;
      else if (!strcmp(val, "json")) o->format = SVL_FORMAT_JSON;
      else if (!strcmp(val, "csv")) o->format = SVL_FORMAT_CSV;
      else if (!strcmp(val, "md")) o->format = SVL_FORMAT_MD;
      else return usage_error("unknown format '%s' (text, json, csv, md)", val);
      i++;
    } else if (!strcmp(a, "--depth")) {
      if (!val || !parse_u64(val, &n) || n > 1000) return usage_error("%s needs a number", a);
      o->depth = (int)n;
      i++;
    } else if (!strcmp(a, "--max-steps")) {
      if (!val || !parse_u64(val, &n)) return usage_error("%s needs a number", a);
      o->cfg.max_steps = n;
      i++;
    } else if (!strcmp(a, "--max-heap")) {
      if (!val || !parse_u64(val, &n)) return usage_error("%s needs a number of bytes", a);
      o->cfg.max_heap = (size_t)n;
      i++;
    } else if (!strcmp(a, "--max-load-size")) {
      if (!val || !parse_size(val, &n)) return usage_error("%s needs a size (bytes, or with K, M or G: 1G)", a);
      o->cfg.max_load_bytes = (size_t)n;
      i++;
    } else if (!strcmp(a, "--encoding")) {
      if (!val) return usage_error("%s needs an encoding (utf-8, windows-1252 or latin-1)", a);
      o->cfg.load_encoding = val; /* checked by the first load */
      i++;
    } else if (!strcmp(a, "--timeout")) {
      if (!val || !parse_u64(val, &n)) return usage_error("%s needs milliseconds", a);
      o->cfg.timeout_ms = n;
      i++;
    } else if (!strcmp(a, "--max-depth")) {
      if (!val || !parse_u64(val, &n) || n < 1 || n > 100000) return usage_error("%s needs a number from 1 to 100000", a);
      o->cfg.max_depth = (unsigned)n;
      i++;
    } else if (!strcmp(a, "--filter")) {
      if (!val) return usage_error("%s needs a pattern", a);
      o->filter = val;
      i++;
    } else if (!strcmp(a, "--plain")) {
      o->plain = 1;
    } else if (!strcmp(a, "--internals")) {
      o->internals = 1;
    } else if (!strcmp(a, "--vs") || !strcmp(a, "--id")) {
      if (!val) return usage_error("%s needs a value", a);
      *(a[2] == 'v' ? &o->vs : &o->ids) = val;
      i++;
    } else if (!strcmp(a, "--print-explanations")) {
      o->print_explanations = 1;
    } else if (!strcmp(a, "--summaries")) {
      if (!val) return usage_error("%s needs a directory", a);
      o->summaries = val;
      i++;
    } else if (!strcmp(a, "--strict")) {
      o->strict = 1;
    } else if (!strcmp(a, "--coverage")) {
      o->coverage = 1;
    } else if (!strcmp(a, "--coverage-json")) {
      if (!val) return usage_error("%s needs a path", a);
      o->coverage = 1;
      o->coverage_json = val;
      i++;
    } else if (!strcmp(a, "--threshold")) {
      long t;
      if (!val || !parse_tenths(val, &t) || t > 1000)
        return usage_error("bad --threshold '%s' (a percentage from 0 to 100, such as 90 or 87.5)", val ? val : "");
      o->threshold10 = t;
      o->coverage = 1;
      i++;
    } else if (!strcmp(a, "--audit")) {
      if (!val) return usage_error("%s needs a path", a);
      o->audit = val;
      i++;
    } else if (!strcmp(a, "--sign")) {
      if (!val) return usage_error("%s needs a secret key file (svl audit keygen KEY)", a);
      o->sign = val;
      i++;
    } else if (!strcmp(a, "--as-of")) {
      /* checked here, so a bad date is a usage error before anything runs */
      svl_vm *probe = val ? svl_new(NULL) : NULL;
      int ok = probe && svl_set_as_of(probe, val) == SVL_OK;
      svl_free(probe);
      if (!ok) return usage_error("--as-of needs a date YYYY-MM-DD, such as 2025-06-30 (got '%s')", val ? val : "");
      o->cfg.as_of = val;
      i++;
    } else if (!strcmp(a, "--allow-read")) {
      if (!val) return usage_error("%s needs a directory", a);
      if (o->nallow == 64) return usage_error("too many %s options", a);
      o->allow[o->nallow++] = val;
      i++;
    } else if (!strcmp(a, "--output") || !strcmp(a, "-o")) {
      if (!val) return usage_error("%s needs a path", a);
      o->output = val;
      i++;
    } else if (a[0] == '-' && a[1] == '-') {
      return usage_error("unknown option '%s'", a);
    } else if (o->nfiles == 0 || (!strcmp(o->cmd, "test") || !strcmp(o->cmd, "check"))) {
      if (o->nfiles == 256) return usage_error("too many files%s", "");
      o->files[o->nfiles++] = a;
    } else {
      if (o->nnames == 256) return usage_error("too many names%s", "");
      o->names[o->nnames++] = a;
    }
  }
  /* a data file named with --input may also be load()ed by the script */
  for (int k = 0; k < o->ninputs; k++) {
    const char *eq = strchr(o->inputs[k], '=');
    o->allow[o->nallow++] = eq ? eq + 1 : o->inputs[k];
  }
  o->allow[o->nallow] = NULL;
  o->cfg.allow_read = o->allow;
  return 0;
}

svl_vm *new_vm(opts *o) {
  svl_vm *vm = svl_new(&o->cfg);
  if (!vm) {
    fprintf(stderr, "svl: out of memory\n");
    exit(1);
  }
  return vm;
}

/* --input NAME=PATH binds NAME; --input PATH binds `input`. */
int bind_inputs(svl_vm *vm, opts *o) {
  for (int i = 0; i < o->ninputs; i++) {
    const char *spec = o->inputs[i];
    const char *eq = strchr(spec, '=');
    char name[256] = "input";
    const char *path = spec;
    if (eq) {
      size_t n = (size_t)(eq - spec);
      if (n == 0 || n >= sizeof name) return usage_error("bad --input '%s' (write NAME=PATH)", spec);
      memcpy(name, spec, n);
      name[n] = 0;
      path = eq + 1;
    }
    svl_value *v;
    svl_status st = svl_load_data(vm, path, &v);
    if (st != SVL_OK) return report_error(vm, st);
    svl_set_global(vm, name, v);
    svl_release(vm, v);
  }
  return 0;
}

static int print_value(svl_vm *vm, svl_value *v, svl_format f, FILE *to) {
  char *s = svl_format_value(vm, v, f);
  /* a limit hit while formatting (heap, nesting) exits 1 like any limit */
  if (!s) return report_error(vm, svl_last_error(vm)->status);
  size_t n = strlen(s);
  fputs(s, to);
  if (n == 0 || s[n - 1] != '\n') fputc('\n', to);
  free(s);
  return 0;
}

/* One value as NAME.csv in directory dir, written atomically. */
static int write_named_csv(svl_vm *vm, const char *dir, const char *name, svl_value *v) {
  char *s = svl_format_value(vm, v, SVL_FORMAT_CSV);
  if (!s) return report_error(vm, svl_last_error(vm)->status); /* a limit: exit 1 */
  size_t n = strlen(dir);
  char *path = malloc(n + strlen(name) + 6);
  if (!path) { free(s); fprintf(stderr, "svl: out of memory\n"); return 1; }
  sprintf(path, "%s%s%s.csv", dir, n && dir[n - 1] == '/' ? "" : "/", name);
  int rc = 0;
  if (write_atomic(path, s, strlen(s)) != 0) {
    write_failed(path);
    rc = 1;
  }
  free(path);
  free(s);
  return rc;
}

static int cmd_run(opts *o, int argc, char **argv) {
  if (o->nfiles != 1) return usage_error("run needs a rule file%s", "");
  if (o->sign && !o->audit) return usage_error("--sign signs the audit record: add --audit RECORD.json%s", "");
  /* A CSV file holds one table: several names either go to one NAME.csv
   * each in the --output directory, or are refused before anything runs
   * (two tables one after the other are not CSV; docs/data.md). */
  struct stat dst;
  bool csv_dir = o->format == SVL_FORMAT_CSV && o->output && stat(o->output, &dst) == 0 && S_ISDIR(dst.st_mode);
  if (o->format == SVL_FORMAT_CSV && o->nnames > 1 && !csv_dir)
    return usage_error("--format csv writes one table per file: give one name, or --output an existing directory to write NAME.csv for each name%s", "");
  if (o->audit && csv_dir) return usage_error("--audit writes one output file, not a directory%s", "");
  /* Only an audit record lists the files' hashes: a plain run keeps no
   * file's bytes for it once loaded (docs/ocds.md, "Benchmark") */
  o->cfg.file_hashes = o->audit ? SVL_FILE_HASH_EAGER : SVL_FILE_HASH_NONE;
  if (o->audit) return audit_run(o, argc, argv);
  svl_vm *vm = new_vm(o);
  int rc = bind_inputs(vm, o);
  if (rc) return rc;
  svl_status st = svl_load_file(vm, o->files[0]);
  if (st != SVL_OK) { fflush(stdout); return report_error(vm, st); }
  int n = o->nnames;
  const char *names[256];
  for (int i = 0; i < n; i++) names[i] = o->names[i];
  if (n == 0 && svl_has(vm, "main")) names[n++] = "main";
  if (csv_dir) {
    for (int i = 0; i < n && rc == 0; i++) {
      svl_value *v;
      st = svl_get(vm, names[i], &v);
      if (st != SVL_OK) { rc = report_error(vm, st); break; }
      rc = write_named_csv(vm, o->output, names[i], v);
      svl_release(vm, v);
    }
    svl_free(vm);
    return rc;
  }
  /* with --output the values are gathered, then written in one atomic step */
  char *buf = NULL;
  size_t len = 0;
  FILE *to = o->output ? open_memstream(&buf, &len) : stdout;
  if (!to) { perror("svl"); return 1; }
  for (int i = 0; i < n && rc == 0; i++) {
    svl_value *v;
    st = svl_get(vm, names[i], &v);
    if (st != SVL_OK) { fflush(stdout); rc = report_error(vm, st); break; }
    rc = print_value(vm, v, o->format, to);
    svl_release(vm, v);
  }
  if (o->output) {
    fclose(to);
    if (rc == 0 && write_atomic(o->output, buf, len) != 0) {
      write_failed(o->output);
      rc = 1;
    }
    free(buf);
  }
  svl_free(vm);
  return rc;
}

static int cmd_check(opts *o) {
  if (o->nfiles < 1) return usage_error("check needs a rule file%s", "");
  if (o->format != SVL_FORMAT_TEXT && o->format != SVL_FORMAT_JSON) return usage_error("check reports as text or json%s", "");
  svl_vm *vm = new_vm(o);
  for (int k = 0; k < o->ninputs; k++) {
    /* names only: a check does not read data */
    char name[256] = "input";
    const char *eq = strchr(o->inputs[k], '=');
    if (eq && (size_t)(eq - o->inputs[k]) < sizeof name) {
      memcpy(name, o->inputs[k], (size_t)(eq - o->inputs[k]));
      name[eq - o->inputs[k]] = 0;
    } else if (!eq && !strchr(o->inputs[k], '.') && !strchr(o->inputs[k], '/')) {
      snprintf(name, sizeof name, "%s", o->inputs[k]);
    }
    svl_value *nul = svl_null(vm);
    svl_set_global(vm, name, nul);
    svl_release(vm, nul);
  }
  char *out;
  int nerr = 0, nwarn = 0;
  svl_status st = svl_check(vm, o->files, o->nfiles, o->strict ? SVL_CHECK_STRICT : 0, o->format, &out, &nerr, &nwarn);
  if (st != SVL_OK) return report_error(vm, st);
  /* JSON is for editors and goes to stdout; the text report is diagnostics */
  fputs(out, o->format == SVL_FORMAT_JSON ? stdout : stderr);
  if (o->format == SVL_FORMAT_TEXT && (nerr || nwarn))
    fprintf(stderr, "%d error%s, %d warning%s\n", nerr, nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s");
  free(out);
  svl_free(vm);
  return nerr ? 2 : 0;
}

static int cmd_test(opts *o) {
  if (o->nfiles < 1) return usage_error("test needs at least one rule file%s", "");
  svl_vm *vms[256];
  int total = 0, bol = 1, rc = 0;
  o->cfg.write = write_tap_comment;
  o->cfg.report = write_stdout;
  o->cfg.user_data = &bol;
  printf("TAP version 13\n");
  fflush(stdout);
  for (int i = 0; i < o->nfiles; i++) {
    vms[i] = new_vm(o);
    svl_set_test_filter(vms[i], o->filter);
    svl_set_coverage(vms[i], o->coverage);
    int r = bind_inputs(vms[i], o);
    svl_status st = r ? SVL_ERR_IO : svl_load_file(vms[i], o->files[i]);
    if (st != SVL_OK) {
      if (!r) report_error(vms[i], st);
      svl_free(vms[i]);
      vms[i] = NULL;
      rc = 1;
      total++; /* the file itself becomes one failing test point */
      continue;
    }
    total += svl_test_count(vms[i]);
  }
  printf("1..%d\n", total);
  int num = 1, covered = 0, items = 0;
  /* gathered in memory, then written in one atomic step */
  FILE *cj = NULL;
  char *cj_buf = NULL;
  size_t cj_len = 0;
  if (o->coverage_json && !(cj = open_memstream(&cj_buf, &cj_len))) {
    perror("svl");
    return 1;
  }
  if (cj) fputs("[", cj);
  for (int i = 0; i < o->nfiles; i++) {
    if (!vms[i]) {
      /* escaped as the library escapes test names (api/api.c, tap_name) */
      printf("not ok %d - ", num++);
      for (const char *c = o->files[i]; *c; c++)
        if (*c == '#' || *c == '\\') printf("\\%c", *c);
        else if (*c == '\n' || *c == '\r') fputs(*c == '\n' ? "\\n" : "\\r", stdout);
        else putchar(*c);
      puts(" did not load");
      continue;
    }
    int count = 0, failed = 0;
    svl_run_tests(vms[i], num, &count, &failed);
    num += count;
    if (failed) rc = 1;
    if (o->coverage) {
      char *rep;
      int c = 0, t = 0;
      if (svl_coverage_report(vms[i], SVL_FORMAT_TEXT, &rep, &c, &t) == SVL_OK) {
        /* as TAP comments, so the stream stays valid */
        printf("# coverage of %s: %d of %d\n", o->files[i], c, t);
        for (char *l = strtok(rep, "\n"); l; l = strtok(NULL, "\n")) printf("#%s\n", l);
        free(rep);
        covered += c;
        items += t;
      }
      if (cj && svl_coverage_report(vms[i], SVL_FORMAT_JSON, &rep, NULL, NULL) == SVL_OK) {
        fprintf(cj, "%s%s", i ? "," : "", rep);
        free(rep);
      }
    }
    svl_free(vms[i]);
  }
  if (cj) {
    fputs("]\n", cj);
    fclose(cj);
    if (write_atomic(o->coverage_json, cj_buf, cj_len) != 0) {
      write_failed(o->coverage_json);
      rc = 1;
    }
    free(cj_buf);
  }
  if (o->coverage) {
    long tenths = items ? (long)covered * 1000 / items : 1000;
    printf("# coverage: %d of %d items (%ld.%ld%%)\n", covered, items, tenths / 10, tenths % 10);
    if (o->threshold10 >= 0 && (long)covered * 1000 < o->threshold10 * (long)items) {
      printf("# coverage below the threshold of %ld.%ld%%\n", o->threshold10 / 10, o->threshold10 % 10);
      fprintf(stderr, "svl: coverage %ld.%ld%% is below the threshold %ld.%ld%%\n", tenths / 10, tenths % 10,
              o->threshold10 / 10, o->threshold10 % 10);
      rc = 1;
    }
  }
  return rc;
}

static void write_nothing(void *ud, const char *s, size_t n) {
  (void)ud;
  (void)s;
  (void)n;
}

static int cmd_explain(opts *o) {
  if (o->nfiles != 1 || o->nnames != 1)
    return usage_error("explain needs a rule file and an expression (a top-level name, or e.g. 'total(bids[1])')%s", "");
  if (o->plain && o->format == SVL_FORMAT_JSON)
    return usage_error("--plain is a narrative for people: use --format json without --plain for programs%s", "");
  if (o->format != SVL_FORMAT_TEXT && o->format != SVL_FORMAT_JSON)
    return usage_error("explain writes text or json%s", "");
  /* what the file prints is the run's report, not the explanation */
  o->cfg.write = write_nothing;
  svl_vm *vm = new_vm(o);
  int rc = bind_inputs(vm, o);
  if (rc) return rc;
  svl_status st = svl_load_file(vm, o->files[0]);
  if (st != SVL_OK) return report_error(vm, st);
  svl_explain_options eo;
  svl_explain_options_init(&eo);
  eo.format = o->format;
  eo.plain = o->plain;
  eo.internals = o->internals;
  eo.max_depth = o->depth;
  eo.vs = o->vs;
  eo.ids = o->ids;
  char *out;
  st = svl_explain_expr(vm, o->names[0], &eo, &out);
  if (st != SVL_OK) return report_error(vm, st);
  fputs(out, stdout);
  free(out);
  svl_free(vm);
  return 0;
}

static int cmd_help(int argc, char **argv) {
  /* svl help E0301: the catalogue entry; svl help errors: all codes */
  if (argc > 2 && !strcmp(argv[2], "errors")) {
    fputs(svl_error_help(NULL), stdout);
    return 0;
  }
  if (argc > 2 && (argv[2][0] == 'E' || argv[2][0] == 'e')) {
    const char *h = svl_error_help(argv[2]);
    if (!h) {
      fprintf(stderr, "svl: no error code '%s'; `svl help errors` lists them\n", argv[2]);
      return 2;
    }
    fputs(h, stdout);
    return 0;
  }
  static const struct { const char *cmd, *text; } cmds[] = {
    {"run", "svl run FILE [NAME...] [--input [NAME=]PATH]... [--format text|json|csv|md]\n"
            "        [--output PATH] [--audit RECORD.json [--sign KEY]] [--allow-read DIR]... [--as-of DATE] [limits]\n"
            "Runs FILE (its lets, asserts and prints), then prints each NAME, or `main`.\n"
            "--output writes the values atomically; --audit writes an audit record, signed\n"
            "with --sign.  FILE may read only under its own directory, --input files and\n"
            "each --allow-read DIR.\n"},
    {"test", "svl test FILE... [--filter TEXT] [--coverage] [--threshold N] [--coverage-json PATH]\n"
             "Runs every `test` block; TAP version 13 on standard output; exit 1 on a failure.\n"},
    {"explain", "svl explain FILE EXPR [--vs EXPR] [--input ...] [--plain] [--internals] [--id FIELD,...]\n"
                "        [--depth N] [--format text|json]\n"
                "Why EXPR (any expression of FILE: total(bids[3]), winner) is what it is: each rule,\n"
                "table and function it went through with its values, and how the earlier values it\n"
                "used were made.  --vs splits the difference from a second value into its parts.\n"},
    {"check", "svl check FILE... [--strict] [--format text|json] [--input NAME[=PATH]]... [--timeout MS]\n"
              "Finds problems without running: names, arity, units, table gaps and overlaps.\n"},
    {"fmt", "svl fmt [--check] FILE... | svl fmt -\nRewrites files in the canonical layout, atomically.\n"},
    {"lsp", "svl lsp [--stdio] [--input NAME]... [--debounce MS]\n"
            "A Language Server Protocol server on standard input and output, for editors\n"
            "(docs/editors.md).  --input NAME: a name the rule files get from --input.\n"},
    {"repl", "svl repl [FILE] [--as-of YYYY-MM-DD]\nInteractive: :help :load :reload :explain :type :asof :quit; Tab completes.\n"},
    {"audit", "svl audit verify RECORD.json [--key KEY.pub] | svl audit keygen KEY\n"
              "Re-runs a recorded `svl run` and reports any difference; with --key, first checks\n"
              "the record's Ed25519 signature (svl run --audit R --sign KEY).  keygen writes a\n"
              "secret key KEY (mode 0600) and its public key KEY.pub.\n"},
    {"report", "svl report FILE [--input ...] [--print-explanations] [-o REPORT.html] [--summaries DIR]\n"
               "Writes the evaluation as one self-contained HTML page;\n"
               "--print-explanations prints each bid's explanation in full (else one line per bid);\n"
               "--summaries DIR writes an assessment summary per bid and an index.html into DIR.\n"},
  };
  for (size_t i = 0; argc > 2 && i < sizeof cmds / sizeof cmds[0]; i++)
    if (!strcmp(argv[2], cmds[i].cmd)) {
      fputs(cmds[i].text, stdout);
      return 0;
    }
  if (argc > 2) {
    fprintf(stderr, "svl: no help for '%s'; try `svl help`\n", argv[2]);
    return 2;
  }
  printf("svl %s — the Social Value Language\n\n"
         "  svl run FILE [NAME...] [--input [NAME=]PATH]... [--format text|json|csv|md]\n"
         "  svl test FILE...              run test blocks, TAP on stdout\n"
         "  svl explain FILE EXPR [--vs EXPR] [--plain] [--internals] [--format text|json]\n"
         "  svl audit verify RECORD.json [--key KEY.pub]  re-run an audit record (svl run --audit)\n"
         "  svl audit keygen KEY          a key pair to sign records (svl run --audit R --sign KEY)\n"
         "  svl report FILE [--input ...] [-o REPORT.html]  the evaluation as one HTML page\n"
         "  svl check FILE... [--strict]  find problems without running; --format json\n"
         "  svl fmt [--check] FILE...     canonical layout, in place; - formats standard input\n"
         "  svl repl [FILE]               interactive; also `svl` alone on a terminal\n"
         "  svl lsp                       language server for editors (docs/editors.md)\n"
         "  svl --version | svl help | svl help errors | svl help E0301\n\n"
         "Dates: --as-of YYYY-MM-DD applies dated rules as of that day (run, test, explain, report, repl;\n"
         "without it a dated value is an error, never today's: docs/dating.md)\n"
         "Limits: --max-steps N, --max-heap BYTES, --timeout MS, --max-depth N (none by default; the heap\n"
         "stops at 3/4 of the machine's memory unless --max-heap 0)\n"
         "Data: --max-load-size SIZE (largest file load() reads whole; 256M by default),\n"
         "--encoding utf-8|windows-1252|latin-1 (of data files whose load names none)\n",
         SVL_VERSION);
  return 0;
}

typedef struct job { int argc; char **argv; int rc; } job;

static void *run_job(void *p) {
  job *j = p;
  svl_thread_attach();
  opts *o = calloc(1, sizeof *o);
  if (!o) { j->rc = 1; return NULL; }
  int argc = j->argc;
  char **argv = j->argv;
  svl_config_init(&o->cfg);
  o->cfg.write = write_stdout;
  o->cfg.warn = write_warning;
  o->cfg.permissions = SVL_ALLOW_FILES;
  o->cfg.max_depth = 20000;
  /* SPEC 10: no heap limit unless asked for.  But a script that doubles a
   * text in a loop would fill the machine until the kernel killed the
   * process (SIGKILL, no message): the heap may use three quarters of the
   * machine's memory, which is "no limit" in practice, and past that the
   * run ends with E0802 like any other error.  --max-heap N sets a limit;
   * --max-heap 0 removes even this ceiling. */
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0) o->cfg.max_heap = (size_t)pages / 4 * 3 * (size_t)page;
  o->cfg.stack_bytes = (size_t)900 << 20;
#ifdef SVL_ASAN
  /* ASan cannot unwind a longjmp across more than 64 MiB of stack, so
   * sanitizer builds stop runaway recursion earlier (docs/internals.md). */
  o->cfg.stack_bytes = (size_t)56 << 20;
#endif
  /* SVL_PATH extends the search path; the installed stdlib, which the
   * library finds beside itself (svl_stdlib_dir), comes last */
  const char *path = getenv("SVL_PATH");
  const char *stdlib = o->cfg.stdlib_path ? o->cfg.stdlib_path : "";
  static char search[8192];
  snprintf(search, sizeof search, "%s%s%s", path && *path ? path : "", path && *path && *stdlib ? ":" : "", stdlib);
  o->cfg.stdlib_path = search;
  o->cmd = argc > 1 ? argv[1] : "repl";
  o->threshold10 = -1;
  if (argc <= 1) {
    j->rc = isatty(0) ? repl_main(&o->cfg, NULL) : repl_main(&o->cfg, NULL);
  } else if (!strcmp(o->cmd, "--version") || !strcmp(o->cmd, "version")) {
    printf("svl %s\n", SVL_VERSION);
    j->rc = 0;
  } else if (!strcmp(o->cmd, "help") || !strcmp(o->cmd, "--help") || !strcmp(o->cmd, "-h")) {
    j->rc = cmd_help(argc, argv);
  } else if (!strcmp(o->cmd, "lsp")) {
    j->rc = lsp_main(&o->cfg, argc - 2, argv + 2);
  } else if (!strcmp(o->cmd, "fmt")) {
    j->rc = fmt_main(&o->cfg, argc - 2, argv + 2);
  } else if (!strcmp(o->cmd, "audit")) {
    if (argc == 4 && !strcmp(argv[2], "keygen")) j->rc = sign_keygen(argv[3]);
    else if (argc == 4 && !strcmp(argv[2], "verify")) j->rc = audit_verify(&o->cfg, argv[3], NULL);
    else if (argc == 6 && !strcmp(argv[2], "verify") && !strcmp(argv[4], "--key"))
      j->rc = audit_verify(&o->cfg, argv[3], argv[5]);
    else
      j->rc = usage_error("usage: svl audit verify RECORD.json [--key KEY.pub] | svl audit keygen KEY%s", "");
  } else if ((j->rc = parse_args(argc, argv, o)) != 0) {
  } else if (!strcmp(o->cmd, "run")) j->rc = cmd_run(o, argc, argv);
  else if (!strcmp(o->cmd, "check")) j->rc = cmd_check(o);
  else if (!strcmp(o->cmd, "test")) j->rc = cmd_test(o);
  else if (!strcmp(o->cmd, "explain")) j->rc = cmd_explain(o);
  else if (!strcmp(o->cmd, "report")) j->rc = cmd_report(o);
  else if (!strcmp(o->cmd, "repl")) j->rc = repl_main(&o->cfg, o->nfiles ? o->files[0] : NULL);
  else j->rc = usage_error("unknown command '%s'", o->cmd);
  free(o);
  svl_thread_detach();
  return NULL;
}

int main(int argc, char **argv) {
  /* The evaluator recurses on the C stack; give it a large one in a thread
   * so 10,000 nested calls fit.  The library itself checks its budget
   * (stack_bytes), so runaway recursion is an error, not a crash. */
  job j = {argc, argv, 0};
  /* `svl run ... | head -1`: when the reader goes away, stop at once and
   * quietly, killed by SIGPIPE like cat or grep (status 141 in a shell),
   * even if the parent left SIGPIPE ignored (docs/testing.md). */
  signal(SIGPIPE, SIG_DFL);
  hold_std_fds();
  cli_signals();
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, (size_t)1 << 30);
  pthread_t t;
  svl_config probe;
  svl_config_init(&probe);
  svl_free(svl_new(&probe)); /* initialise the library on the main thread */
  if (pthread_create(&t, &attr, run_job, &j) != 0) {
    run_job(&j);
  } else {
    pthread_join(t, NULL);
  }
  return finish_output(j.rc);
}
