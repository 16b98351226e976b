/* The REPL: read a chunk, let the library say whether it is complete
 * (like lua.c, incompleteness is decided by parsing), evaluate, echo. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "cli.h"

typedef struct buf { char *s; size_t len, cap; } buf;

static void buf_add(buf *b, const char *s) {
  size_t n = strlen(s);
  if (b->len + n + 2 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + n + 2) cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) { fprintf(stderr, "svl: out of memory\n"); exit(1); }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len++] = '\n';
  b->s[b->len] = 0;
}

static char *read_line(int tty, const char *prompt) {
  if (tty) {
    char *l = readline(prompt);
    if (l && *l) add_history(l);
    return l;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) { free(line); return NULL; }
  if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
  return line;
}

static void help(void) {
  puts("Enter declarations (let, fn, rule, table, unit, type...) or expressions.\n"
       ":help  this text\n:load FILE  load a rule file\n:explain NAME  explain a name\n"
       ":type EXPR  the type of a value\n:quit  leave (or end of input)");
}

int repl_main(const svl_config *cfg, const char *file) {
  int tty = isatty(0) && isatty(1);
  svl_vm *vm = svl_new(cfg);
  if (!vm) return 1;
  char hist[4096] = "";
  const char *home = getenv("HOME");
  if (tty && home) {
    snprintf(hist, sizeof hist, "%s/.svl_history", home);
    read_history(hist);
  }
  if (file) {
    svl_status st = svl_load_file(vm, file);
    if (st != SVL_OK) report(vm, st);
  }
  if (tty) printf("svl %s — :help for help, :quit to leave\n", SVL_VERSION);
  buf b = {0};
  for (;;) {
    char *line = read_line(tty, b.len ? "... " : "svl> ");
    if (!line) break;
    if (b.len == 0 && line[0] == ':') {
      char *arg = strchr(line, ' ');
      if (arg) while (*arg == ' ') *arg++ = 0;
      if (!strcmp(line, ":quit") || !strcmp(line, ":q")) { free(line); break; }
      else if (!strcmp(line, ":help")) help();
      else if (!strcmp(line, ":load") && arg) {
        svl_status st = svl_load_file(vm, arg);
        if (st != SVL_OK) report(vm, st);
      } else if (!strcmp(line, ":explain") && arg) {
        char *out;
        svl_status st = svl_explain(vm, arg, SVL_FORMAT_TEXT, 0, &out);
        if (st != SVL_OK) report(vm, st);
        else { fputs(out, stdout); free(out); }
      } else if (!strcmp(line, ":type") && arg) {
        svl_value *v;
        svl_status st = svl_eval_line(vm, arg, strlen(arg), &v);
        if (st != SVL_OK) report(vm, st);
        else if (v) { puts(svl_type_name(vm, v)); svl_release(vm, v); }
      } else {
        fprintf(stderr, "unknown command %s (try :help)\n", line);
      }
      free(line);
      continue;
    }
    buf_add(&b, line);
    free(line);
    svl_value *v = NULL;
    svl_status st = svl_eval_line(vm, b.s, b.len, &v);
    if (st == SVL_ERR_INCOMPLETE) continue;
    if (st != SVL_OK) report(vm, st);
    else if (v) {
      char *s = svl_format_value(vm, v, SVL_FORMAT_REPL);
      if (s) { puts(s); free(s); }
      svl_release(vm, v);
    }
    fflush(stdout);
    b.len = 0;
    b.s[0] = 0;
  }
  /* a half-typed chunk at end of input is an error worth showing */
  if (b.len) {
    svl_value *v = NULL;
    svl_status st = svl_eval_line(vm, b.s, b.len, &v);
    if (st != SVL_OK) report(vm, st);
  }
  if (tty && hist[0]) write_history(hist);
  free(b.s);
  svl_free(vm);
  return 0;
}
