/* Where the standard library modules (the .svl files of stdlib/) are.
 *
 * `make install` puts them in PREFIX/share/svl/stdlib, beside PREFIX/bin
 * and PREFIX/lib.  The library finds them relative to the file that holds
 * its own code — libsvl.so, or the program a static libsvl.a is linked
 * into — so an installed `svl`, or any host, finds its stdlib with no
 * environment, and a staged install (DESTDIR) or a moved prefix works too.
 * A build directory mirrors a prefix: the Makefile links B/share/svl/stdlib
 * to the source tree's stdlib/, found the same way from B/svl, B/libsvl.so
 * and B/tests/.  No path of the checkout is compiled in, so an installed
 * library never reads a build tree's stdlib; a static host installed
 * outside the prefix sets stdlib_path from `pkg-config --variable=stdlibdir
 * svl` (docs/embedding.md).
 *
 * This only looks at fixed directories of the installation; it reads no
 * environment (SVL_PATH is the CLI's business) and no user file. */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"

static char found[PATH_MAX];

static bool is_dir(const char *p) {
  struct stat st;
  return p[0] && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The file our code was loaded from, as an absolute path. */
static bool own_file(char *out, size_t cap) {
  Dl_info info;
  const char *p = NULL;
  if (dladdr((void *)&api_default_stdlib, &info) && info.dli_fname && info.dli_fname[0] == '/') p = info.dli_fname;
  /* in the main program dladdr gives argv[0], which may be relative or a
   * bare name found on PATH: the kernel knows the real file */
  char exe[PATH_MAX];
  if (!p) {
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return false;
    exe[n] = 0;
    p = exe;
  }
  char *r = realpath(p, NULL);
  if (!r) return false;
  bool ok = strlen(r) < cap;
  if (ok) strcpy(out, r);
  free(r);
  return ok;
}

static void find(void) {
  char self[PATH_MAX];
  if (own_file(self, sizeof self)) {
    char *slash = strrchr(self, '/');
    if (slash) {
      *slash = 0; /* PREFIX/bin or PREFIX/lib (or a multiarch PREFIX/lib/<triplet>) */
      static const char *const up[] = {"/../share/svl/stdlib", "/../../share/svl/stdlib", "/share/svl/stdlib"};
      for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
        char cand[PATH_MAX + 32];
        snprintf(cand, sizeof cand, "%s%s", self, up[i]);
        char *r = realpath(cand, NULL);
        if (r && is_dir(r) && strlen(r) < sizeof found) {
          strcpy(found, r);
          free(r);
          return;
        }
        free(r);
      }
    }
  }
}

const char *api_default_stdlib(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, find);
  return found[0] ? found : NULL;
}

PUBLIC const char *svl_stdlib_dir(void) { return api_default_stdlib(); }
