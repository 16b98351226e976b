/* Audit records (SPEC 10.3): `svl run FILE --audit OUT.json` writes what a
 * run read (with SHA-256 hashes), its command line, everything it printed,
 * the value and explanation tree of each NAME; `svl audit verify OUT.json`
 * re-runs the same command in the same directory and reports any
 * difference.  The record puts one item per line, so a difference can be
 * shown as the lines that changed. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct buf { char *s; size_t len, cap; } buf;

static void put(buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) { fprintf(stderr, "svl: out of memory\n"); exit(1); }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}
static void puts_b(buf *b, const char *s) { put(b, s, strlen(s)); }

static void json_str(buf *b, const char *s, size_t n) {
  puts_b(b, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"') puts_b(b, "\\\"");
    else if (c == '\\') puts_b(b, "\\\\");
    else if (c == '\n') puts_b(b, "\\n");
    else if (c == '\t') puts_b(b, "\\t");
    else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); puts_b(b, esc); }
    else put(b, (const char *)&s[i], 1);
  }
  puts_b(b, "\"");
}

typedef struct capture { buf out; int on, echo; } capture;

/* what the run prints goes to stdout as in `svl run`, even with --output */
static void tee(void *ud, const char *s, size_t n) {
  capture *c = ud;
  if (c->echo) fwrite(s, 1, n, stdout);
  if (c->on) put(&c->out, s, n);
}

/* Run the command and build its record; NULL when the run failed.  With
 * echo, what the run prints and its values go to `to`, as `svl run` would
 * print them. */
static char *make_record(opts *o, int argc, char **argv, int echo, FILE *to, int *rc) {
  capture c = {{0}, 1, echo};
  o->cfg.write = tee;
  o->cfg.user_data = &c;
  svl_vm *vm = new_vm(o);
  buf values = {0}, expl = {0};
  char *result = NULL;
  *rc = bind_inputs(vm, o);
  if (*rc) goto done;
  svl_status st = svl_load_file(vm, o->files[0]);
  if (st != SVL_OK) {
    fflush(stdout);
    *rc = echo ? report_error(vm, st) : exit_code(st);
    if (!echo) fputs(svl_last_error(vm)->rendered, stderr);
    goto done;
  }
  int n = o->nnames;
  const char *names[256];
  for (int i = 0; i < n; i++) names[i] = o->names[i];
  if (n == 0 && svl_has(vm, "main")) names[n++] = "main";
  for (int i = 0; i < n; i++) {
    svl_value *v;
    st = svl_get(vm, names[i], &v);
    if (st != SVL_OK) { *rc = report_error(vm, st); goto done; }
    char *text = svl_format_value(vm, v, o->format);
    char *json = svl_format_value(vm, v, SVL_FORMAT_JSON);
    svl_release(vm, v);
    if (!text || !json) {
      free(text);
      free(json);
      *rc = report_error(vm, svl_last_error(vm)->status); /* a limit: exit 1 */
      goto done;
    }
    if (echo) {
      fputs(text, to);
      if (!*text || text[strlen(text) - 1] != '\n') fputc('\n', to);
    }
    puts_b(&values, i ? ",\n    " : "    ");
    json_str(&values, names[i], strlen(names[i]));
    puts_b(&values, ": ");
    puts_b(&values, json);
    free(text);
    free(json);
    /* explaining evaluates again: what it prints is not part of the run */
    c.on = 0;
    c.echo = 0;
    char *tree;
    if (svl_explain(vm, names[i], SVL_FORMAT_JSON, 0, &tree) == SVL_OK) {
      size_t tl = strlen(tree);
      while (tl && tree[tl - 1] == '\n') tree[--tl] = 0;
      puts_b(&expl, i ? ",\n    " : "    ");
      json_str(&expl, names[i], strlen(names[i]));
      puts_b(&expl, ": ");
      puts_b(&expl, tree);
      free(tree);
    }
    c.echo = echo;
  }
  buf r = {0};
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, ".");
  puts_b(&r, "{\n  \"svl_audit\": 1,\n  \"svl_version\": \"" SVL_VERSION "\",\n  \"cwd\": ");
  json_str(&r, cwd, strlen(cwd));
  puts_b(&r, ",\n  \"command\": [");
  for (int i = 1; i < argc; i++) {
    if (i > 1) puts_b(&r, ", ");
    json_str(&r, argv[i], strlen(argv[i]));
  }
  /* the date the rules were applied on (--as-of, in the command too):
   * shown for the reader, and compared again by verify like every line */
  if (o->cfg.as_of) {
    puts_b(&r, "],\n  \"as_of\": ");
    json_str(&r, o->cfg.as_of, strlen(o->cfg.as_of));
    puts_b(&r, ",\n  \"files\": [");
  } else {
    puts_b(&r, "],\n  \"files\": [");
  }
  int nf = svl_files_read(vm, 0, NULL, NULL);
  for (int i = 0; i < nf; i++) {
    const char *path, *hash;
    svl_files_read(vm, i, &path, &hash);
    puts_b(&r, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
    json_str(&r, path, strlen(path));
    puts_b(&r, ", \"sha256\": \"");
    puts_b(&r, hash);
    puts_b(&r, "\"}");
  }
  puts_b(&r, nf ? "\n  ],\n  \"printed\": [" : "],\n  \"printed\": [");
  size_t start = 0;
  int k = 0;
  for (size_t i = 0; c.out.s && i <= c.out.len; i++) {
    if (i == c.out.len && i == start) break;
    if (i == c.out.len || c.out.s[i] == '\n') {
      puts_b(&r, k++ ? ",\n    " : "\n    ");
      json_str(&r, c.out.s + start, i - start);
      start = i + 1;
    }
  }
  puts_b(&r, k ? "\n  ],\n  \"values\": {" : "],\n  \"values\": {");
  if (values.len) { puts_b(&r, "\n"); puts_b(&r, values.s); puts_b(&r, "\n  "); }
  puts_b(&r, "},\n  \"explanations\": {");
  if (expl.len) { puts_b(&r, "\n"); puts_b(&r, expl.s); puts_b(&r, "\n  "); }
  puts_b(&r, "}\n}\n");
  *rc = 0;
  result = r.s;
done:
  free(values.s);
  free(expl.s);
  free(c.out.s);
  svl_free(vm);
  return result;
}

int audit_run(opts *o, int argc, char **argv) {
  /* the record holds the command without its own --audit option */
  char **args = calloc((size_t)argc + 1, sizeof *args);
  if (!args) return 1;
  int n = 0;
  for (int i = 0; i < argc; i++) {
    if ((!strcmp(argv[i], "--audit") || !strcmp(argv[i], "--sign")) && i + 1 < argc) { i++; continue; }
    args[n++] = argv[i];
  }
  int rc;
  /* --output: the values are gathered, then written atomically as by
   * `svl run --output` (they once went to stdout, the file never written) */
  char *out = NULL;
  size_t outlen = 0;
  FILE *to = o->output ? open_memstream(&out, &outlen) : stdout;
  if (!to) { free(args); perror("svl"); return 1; }
  char *rec = make_record(o, n, args, 1, to, &rc);
  free(args);
  if (o->output) fclose(to);
  if (rec && o->sign) {
    char *signed_rec = sign_record(rec, o->sign);
    free(rec);
    rec = signed_rec;
    if (!rec) {
      free(out);
      return 1; /* sign_record said why; neither file is written */
    }
  }
  if (rec && o->output && write_atomic(o->output, out, outlen) != 0) {
    write_failed(o->output);
    rc = 1;
  } else if (rec && write_atomic(o->audit, rec, strlen(rec)) != 0) {
    write_failed(o->audit);
    rc = 1;
  }
  free(out);
  free(rec);
  return rc;
}

/* The record's own format: find `  "key": ` at the start of a line. */
static const char *field_line(const char *rec, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\n  \"%s\": ", key);
  const char *p = strstr(rec, pat);
  return p ? p + strlen(pat) : NULL;
}

/* A JSON string at *p (our own escapes); advances *p.  NULL if malformed. */
static char *read_str(const char **pp) {
  const char *p = *pp;
  if (*p != '"') return NULL;
  p++;
  buf b = {0};
  put(&b, "", 0);
  while (*p && *p != '"') {
    if (*p == '\\') {
      /* a record cut after the backslash, or in a \uXXXX, ends here: never
       * read past its terminating NUL (issue 17) */
      p++;
      if (!*p) break;
      char c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
      if (*p == 'u') {
        unsigned v = 0;
        for (int i = 1; i <= 4; i++) {
          char h = p[i];
          if (!isxdigit((unsigned char)h)) { free(b.s); return NULL; }
          v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        p += 5;
        /* json_str writes \u only for control characters; anything else
         * is put back as UTF-8, and a NUL would cut the text short */
        char u[3];
        size_t n = 0;
        if (v == 0 || (v >= 0xd800 && v < 0xe000)) { free(b.s); return NULL; }
        if (v < 0x80) u[n++] = (char)v;
        else if (v < 0x800) u[n++] = (char)(0xc0 | v >> 6), u[n++] = (char)(0x80 | (v & 0x3f));
        else u[n++] = (char)(0xe0 | v >> 12), u[n++] = (char)(0x80 | (v >> 6 & 0x3f)), u[n++] = (char)(0x80 | (v & 0x3f));
        put(&b, u, n);
        continue;
      }
      put(&b, &c, 1);
      p++;
    } else {
      put(&b, p++, 1);
    }
  }
  if (*p != '"') { free(b.s); return NULL; }
  *pp = p + 1;
  return b.s;
}

/* Re-run the recorded command and compare its record with the stored one. */
static int verify_run(const svl_config *cfg, const char *path, const char *rec, const char *cwd, int argc,
                      char **argv) {
  if (argc < 3 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "svl: %s: the recorded command is not `svl run`\n", path);
    return 2;
  }
  if (chdir(cwd) != 0) {
    fprintf(stderr, "svl: cannot enter the recorded directory ");
    put_escaped(stderr, cwd, strlen(cwd));
    fprintf(stderr, ": %s\n", strerror(errno));
    return 1;
  }
  opts *o = calloc(1, sizeof *o);
  if (!o) return 1;
  o->cfg = *cfg;
  o->cmd = "run";
  o->threshold10 = -1;
  int rc = parse_args(argc, argv, o);
  char *now = rc ? NULL : make_record(o, argc, argv, 0, stdout, &rc);
  const char *as_of = o->cfg.as_of; /* points into argv, which outlives o */
  free(o);
  if (!now) {
    if (rc) printf("audit %s: the run now fails (exit %d); it succeeded when recorded\n", path, rc);
    return 1;
  }
  if (!strcmp(now, rec)) {
    if (as_of) printf("audit %s verified: the run reproduces exactly (%s), rules applied as of %s\n", path, cwd, as_of);
    else printf("audit %s verified: the run reproduces exactly (%s)\n", path, cwd);
    free(now);
    return 0;
  }
  /* line-by-line differences, at most 20 */
  printf("audit %s: the run differs from the record\n", path);
  const char *a = rec, *b = now;
  int shown = 0, line = 1;
  while ((*a || *b) && shown < 20) {
    const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
    size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
    if (la != lb || memcmp(a, b, la) != 0) {
      /* a tampered record may hold raw ESC or OSC bytes: escaped */
      printf("line %d\n  recorded: ", line);
      put_escaped(stdout, a, la);
      printf("\n  now:      ");
      put_escaped(stdout, b, lb);
      printf("\n");
      shown++;
    }
    a = ea ? ea + 1 : a + la;
    b = eb ? eb + 1 : b + lb;
    line++;
  }
  free(now);
  return 1;
}

int audit_verify(const svl_config *cfg, const char *path, const char *key) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "svl: cannot read %s: %s\n", path, strerror(errno)); return 1; }
  buf raw = {0};
  char chunk[65536];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) put(&raw, chunk, k);
  fclose(f);
  /* with --key, a record edited after it was signed is refused before
   * anything is re-run; the comparison is always with the unsigned text */
  if (key && raw.s) {
    int src = sign_check(path, raw.s, key);
    if (src) {
      free(raw.s);
      return src;
    }
  }
  const char *sig = NULL;
  buf rec = {0};
  rec.s = raw.s ? record_unsigned(raw.s, &sig) : NULL;
  free(raw.s);
  if (sig && !key) printf("audit %s: signed, but the signature is not checked (give --key KEY.pub)\n", path);
  const char *cwdp = rec.s ? field_line(rec.s, "cwd") : NULL;
  const char *cmdp = rec.s ? field_line(rec.s, "command") : NULL;
  char *cwd = cwdp ? read_str(&cwdp) : NULL;
  if (!cwd || !cmdp || *cmdp != '[' || !strstr(rec.s, "\"svl_audit\": 1")) {
    fprintf(stderr, "svl: %s is not an SVL audit record\n", path);
    free(cwd);
    free(rec.s);
    return 2;
  }
  char *argv[260];
  int argc = 0;
  argv[argc++] = "svl";
  cmdp++;
  while (*cmdp == ' ' || *cmdp == ',') cmdp++;
  while (*cmdp == '"' && argc < 258) {
    argv[argc] = read_str(&cmdp);
    if (!argv[argc]) break;
    argc++;
    while (*cmdp == ' ' || *cmdp == ',') cmdp++;
  }
  argv[argc] = NULL;
  int rc = verify_run(cfg, path, rec.s, cwd, argc, argv);
  for (int i = 1; i < argc; i++) free(argv[i]);
  free(cwd);
  free(rec.s);
  return rc;
}
