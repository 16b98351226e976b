#ifndef SVL_CLI_H
#define SVL_CLI_H
#include <stdio.h>

#include "svl.h"
int repl_main(const svl_config *cfg, const char *file);
int report_error(svl_vm *vm, svl_status st);
int exit_code(svl_status st);
/* Write data to path atomically (temp file, fsync, rename); -1 and errno on failure. */
int write_atomic(const char *path, const char *data, size_t len);
/* "error: cannot write 'PATH': reason [E0903]" on stderr, from errno */
void write_failed(const char *path);
/* SIGINT, SIGTERM, SIGHUP remove write_atomic's temporary file, then kill. */
void cli_signals(void);
/* Flush and check stdout and stderr; a failed write makes rc at least 1. */
int finish_output(int rc);
/* Keep descriptors 0-2 occupied when the caller closed them (cli/atomic.c). */
void hold_std_fds(void);
/* svl fmt (cli/fmt.c); argv holds the arguments after "fmt". */
int fmt_main(const svl_config *cfg, int argc, char **argv);
/* The whole stream in malloc'ed memory (NUL-terminated), or NULL with errno set (cli/fmt.c). */
char *read_stream(FILE *fp, size_t *len);
/* svl lsp (cli/lsp.c): a language server on stdin/stdout; argv holds the arguments after "lsp". */
int lsp_main(const svl_config *cfg, int argc, char **argv);

/* Parsed command line of one svl command. */
typedef struct opts {
  const char *cmd;
  const char *files[256];
  int nfiles;
  const char *names[256];
  int nnames;
  const char *inputs[64];
  int ninputs;
  svl_format format;
  int depth;
  svl_config cfg;
  const char *output;
  const char *filter;
  int coverage;            /* --coverage */
  const char *coverage_json;
  long threshold10;        /* --threshold in tenths of a percent; -1 none */
  const char *audit;
  const char *sign;        /* run --audit --sign KEY */
  int plain;               /* explain --plain */
  int internals;           /* explain --internals */
  const char *vs;          /* explain --vs EXPR */
  const char *ids;         /* explain --id FIELD,... */
  int strict;              /* check --strict: warnings are errors */
  int print_explanations;  /* report --print-explanations */
  const char *summaries;   /* report --summaries DIR */
  /* --allow-read DIR and each --input PATH: where scripts may read besides
   * the rule file's directory; NULL-terminated, cfg.allow_read points here */
  const char *allow[64 + 64 + 1];
  int nallow;
} opts;

int parse_args(int argc, char **argv, opts *o);
svl_vm *new_vm(opts *o);
int bind_inputs(svl_vm *vm, opts *o);
/* svl report (cli/report.c). */
int cmd_report(opts *o);
/* svl run --audit and svl audit verify (cli/audit.c). */
int audit_run(opts *o, int argc, char **argv);
int audit_verify(const svl_config *cfg, const char *record, const char *key);
/* Signed records (cli/sign.c): Ed25519 through libsodium. */
int sign_keygen(const char *path);
char *sign_record(const char *rec, const char *keypath);
int sign_check(const char *path, const char *rec, const char *pubpath);
char *record_unsigned(const char *rec, const char **sig);
/* text from a record, control characters and bidi overrides escaped */
void put_escaped(FILE *to, const char *s, size_t n);
#endif
