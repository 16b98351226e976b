/* The REPL: read a chunk, let the library say whether it is complete
 * (like lua.c, incompleteness is decided by parsing), evaluate, echo. */
#define _POSIX_C_SOURCE 200809L
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <signal.h>

#include <editline/readline.h>

#include "cli.h"

/* The VM the REPL is driving: Ctrl-C interrupts its evaluation (the
 * library checks the flag at calls and loop heads) and the session goes on. */
static svl_vm *volatile current;

static void on_sigint(int sig) {
  (void)sig;
  if (current) svl_interrupt(current);
}

static char *complete_next(const char *text, int state) {
  static const char *cands[256];
  static int n, i;
  if (state == 0) {
    /* complete the whole line so far: `bid.pri` needs the `bid.` before it */
    const char *line = rl_line_buffer ? rl_line_buffer : text;
    size_t end = (size_t)rl_point;
    size_t ws;
    n = svl_complete(current, line, end, cands, 256, &ws);
    if (n > 256) n = 256;
    i = 0;
  }
  while (i < n) {
    const char *c = cands[i++];
    /* libedit may hand us `bid.pri` as one word: keep what precedes the field */
    const char *dot = strrchr(text, '.');
    size_t keep = dot ? (size_t)(dot - text) + 1 : 0;
    char *dup = malloc(keep + strlen(c) + 1);
    if (dup) {
      memcpy(dup, text, keep);
      strcpy(dup + keep, c);
    }
    return dup;
  }
  return NULL;
}

static char **complete(const char *text, int start, int end) {
  (void)start;
  (void)end;
  rl_attempted_completion_over = 1;
  return rl_completion_matches(text, complete_next);
}

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
  if (tty) return readline(prompt);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) { free(line); return NULL; }
  if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
  return line;
}

static void help(void) {
  puts("Enter declarations (let, fn, rule, table, unit, type...) or expressions.\n"
       "Tab completes names and record fields; Ctrl-C stops a long evaluation.\n"
       ":help  this text\n:load FILE  load a rule file (its names replace earlier ones)\n"
       ":reload  load the last file again\n:explain NAME  explain a name\n"
       ":type EXPR  the type of a value\n"
       ":asof [DATE]  apply dated rules as of DATE (YYYY-MM-DD); alone, clear it\n"
       ":quit  leave (or end of input)");
}

int repl_main(const svl_config *cfg0, const char *file) {
  int tty = isatty(0) && isatty(1);
  svl_config cfg = *cfg0;
  cfg.interactive = 1;
  /* typed at the prompt, load("x.csv") reads from the working directory
   * too (besides the file's own directory and --allow-read) */
  const char *allow[130];
  int na = 0;
  for (int i = 0; cfg0->allow_read && cfg0->allow_read[i] && na < 128; i++) allow[na++] = cfg0->allow_read[i];
  allow[na++] = ".";
  allow[na] = NULL;
  cfg.allow_read = allow;
  svl_vm *vm = svl_new(&cfg);
  if (!vm) return 1;
  current = vm;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  char last_file[4096] = "";
  if (file) snprintf(last_file, sizeof last_file, "%s", file);
  if (tty) {
    /* libedit reads multibyte characters (£, €, café) only under a UTF-8
     * character type; LC_CTYPE alone, so numbers are never formatted or
     * parsed by the locale (the library does its own, exactly) */
    setlocale(LC_CTYPE, "");
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,[+-*/^";
  }
  char hist[4096] = "";
  const char *home = getenv("HOME");
  if (tty && home) {
    snprintf(hist, sizeof hist, "%s/.svl_history", home);
    read_history(hist);
  }
  if (file) {
    svl_status st = svl_load_file(vm, file);
    if (st != SVL_OK) report_error(vm, st);
  }
  if (tty) printf("svl %s — :help for help, :quit to leave\n", SVL_VERSION);
  buf b = {0};
  for (;;) {
    char *line = read_line(tty, b.len ? "... " : "svl> ");
    if (!line) break;
    if (b.len == 0 && line[0] == ':') {
      if (tty) add_history(line);
      char *arg = strchr(line, ' ');
      if (arg) while (*arg == ' ') *arg++ = 0;
      if (!strcmp(line, ":quit") || !strcmp(line, ":q")) { free(line); break; }
      else if (!strcmp(line, ":help")) help();
      else if ((!strcmp(line, ":load") && arg) || !strcmp(line, ":reload")) {
        if (arg && !strcmp(line, ":load")) snprintf(last_file, sizeof last_file, "%s", arg);
        if (!last_file[0]) fprintf(stderr, "nothing to reload: use :load FILE first\n");
        else {
          svl_status st = svl_load_file(vm, last_file);
          if (st != SVL_OK) report_error(vm, st);
          else if (tty) printf("loaded %s\n", last_file);
        }
      } else if (!strcmp(line, ":explain") && arg) {
        char *out;
        svl_status st = svl_explain(vm, arg, SVL_FORMAT_TEXT, 0, &out);
        if (st != SVL_OK) report_error(vm, st);
        else { fputs(out, stdout); free(out); }
      } else if (!strcmp(line, ":asof")) {
        /* as --as-of: the date dated tables and as_of() read from now on */
        if (svl_set_as_of(vm, arg && *arg ? arg : NULL) != SVL_OK)
          fprintf(stderr, "error: '%s' is not a date: write :asof YYYY-MM-DD, such as :asof 2025-06-30\n", arg);
        else if (tty)
          printf(arg && *arg ? "rules apply as of %s\n" : "no as-of date%s\n", arg && *arg ? arg : "");
      } else if (!strcmp(line, ":type") && arg) {
        svl_value *v;
        svl_status st = svl_eval_line(vm, arg, strlen(arg), &v);
        if (st != SVL_OK) report_error(vm, st);
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
    /* the whole entry, all its lines, is one history item: Up recalls
     * `fn f(x) {` ... `}` together, not only its last line */
    if (tty && b.len > 1) {
      b.s[b.len - 1] = 0;
      add_history(b.s);
      b.s[b.len - 1] = '\n';
    }
    if (st != SVL_OK) report_error(vm, st);
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
    if (st != SVL_OK) report_error(vm, st);
  }
  if (tty && hist[0]) write_history(hist);
  free(b.s);
  current = NULL;
  svl_free(vm);
  return 0;
}
