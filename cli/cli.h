#ifndef SVL_CLI_H
#define SVL_CLI_H
#include "svl.h"
int repl_main(const svl_config *cfg, const char *file);
int report(svl_vm *vm, svl_status st);
int exit_code(svl_status st);
/* Write data to path atomically (temp file, fsync, rename); -1 and errno on failure. */
int write_atomic(const char *path, const char *data, size_t len);
#endif
