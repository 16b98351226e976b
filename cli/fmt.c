/* svl fmt [--check] FILE... | svl fmt - (SPEC 10): the canonical layout,
 * through svl_format_source.  A file is replaced atomically, so an
 * interrupted run leaves it either as it was or wholly formatted. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"
#include "cli.h"

static int fmt_usage(const char *msg, const char *arg) {
  fprintf(stderr, "svl: ");
  fprintf(stderr, msg, arg);
  fprintf(stderr, "\nusage: svl fmt [--check] FILE...   (- for standard input to standard output)\n");
  return 2;
}

char *read_stream(FILE *fp, size_t *len) {
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n == cap) {
      char *b = realloc(buf, cap * 2);
      if (!b) { free(buf); errno = ENOMEM; return NULL; }
      buf = b;
      cap *= 2;
    }
    size_t k = fread(buf + n, 1, cap - n, fp);
    n += k;
    if (k == 0) break;
  }
  if (ferror(fp)) {
    int e = errno ? errno : EIO;
    free(buf);
    errno = e;
    return NULL;
  }
  *len = n;
  return buf;
}

static int worse(int rc, int r) { return r > rc ? r : rc; }

/* Format one input.  Returns 0 when it was already formatted (or has been
 * written), 1 when --check found a difference or writing failed, 2 on a
 * syntax error. */
static int fmt_one(svl_vm *vm, const char *arg, int check) {
  int from_stdin = !strcmp(arg, "-");
  const char *name = from_stdin ? "<stdin>" : arg;
  FILE *fp = from_stdin ? stdin : fopen(arg, "rb");
  if (!fp) {
    fprintf(stderr, "svl: cannot read '%s': %s\n", arg, strerror(errno));
    return 1;
  }
  errno = 0;
  size_t len;
  char *src = read_stream(fp, &len);
  int err = errno;
  if (!from_stdin) fclose(fp);
  if (!src) {
    fprintf(stderr, "svl: cannot read '%s': %s\n", name, strerror(err));
    return 1;
  }
  char *out;
  svl_status st = svl_format_source(vm, name, src, len, &out);
  if (st != SVL_OK) {
    free(src);
    return report_error(vm, st);
  }
  size_t n = strlen(out);
  int changed = n != len || memcmp(out, src, n) != 0;
  free(src);
  int rc = 0;
  if (check) {
    if (changed) {
      printf("%s\n", name);
      rc = 1;
    }
  } else if (from_stdin) {
    fwrite(out, 1, n, stdout);
  } else if (changed) {
    /* through a symbolic link, replace the file it points to */
    char *real = realpath(arg, NULL);
    if (write_atomic(real ? real : arg, out, n) != 0) {
      write_failed(arg);
      rc = 1;
    }
    free(real);
  }
  free(out);
  return rc;
}

int fmt_main(const svl_config *cfg, int argc, char **argv) {
  int check = 0, nfiles = 0, stdin_seen = 0, options = 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (options && !strcmp(a, "--check")) check = 1;
    else if (options && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
      printf("usage: svl fmt [--check] FILE...   (- for standard input to standard output)\n"
             "Rewrites each file in the canonical layout; --check only names the files\n"
             "that would change, and exits 1 if any would.\n");
      return 0;
    } else if (options && !strcmp(a, "--")) options = 0;
    else if (options && a[0] == '-' && a[1]) return fmt_usage("unknown option '%s'", a);
    else if (!strcmp(a, "-") && stdin_seen++) return fmt_usage("standard input (%s) given twice", a);
    else nfiles++;
  }
  if (!nfiles) return fmt_usage("fmt needs a rule file, or - for standard input%s", "");
  svl_vm *vm = svl_new(cfg);
  if (!vm) {
    fprintf(stderr, "svl: out of memory\n");
    return 1;
  }
  int rc = 0;
  options = 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (options && !strcmp(a, "--check")) continue;
    if (options && !strcmp(a, "--")) { options = 0; continue; }
    rc = worse(rc, fmt_one(vm, a, check));
  }
  fflush(stdout);
  svl_free(vm);
  return rc;
}
