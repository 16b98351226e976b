/* What a script may read (docs/embedding.md, "What a script may read";
 * issue 17).  SVL_ALLOW_FILES once let load() and `import` read any file
 * the process could: `error(to_json(load("/home/x/.aws/creds.json")))`
 * printed it, and `import "/proc/self/environ"` echoed the environment.
 * Now every path a script names is resolved (symbolic links and ".."
 * followed, realpath) and must lie under one of the VM's roots: the
 * directories the host listed in svl_config.allow_read, and the
 * directory of each rule file given to svl_load_file.  Nothing under
 * /proc, /sys or /dev is ever read, whatever the roots.  The host's own
 * reads (svl_load_file, svl_load_data) are not confined: the host chose
 * those paths.  This is the one place the check is made (vm_path calls
 * it for both load() and import). */
#include "eval/eval.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gc.h"

static void add_root(vm *v, const char *canon) {
  for (int i = 0; i < v->nroots; i++)
    if (!strcmp(v->read_roots[i], canon)) return;
  GC_GROW(v->read_roots, v->nroots, v->caproots, 8);
  v->read_roots[v->nroots++] = gc_strdup(canon);
}

void vm_allow_read(vm *v, const char *path) {
  char *r = realpath(path, NULL);
  if (!r) return; /* a root that does not exist allows nothing */
  add_root(v, r);
  free(r);
}

void vm_allow_dir_of(vm *v, const char *file) {
  char *r = realpath(file, NULL);
  if (!r) return;
  char *slash = strrchr(r, '/');
  if (slash == r) slash[1] = 0;
  else if (slash) *slash = 0;
  add_root(v, r);
  free(r);
}

void vm_confine_init(vm *v) {
  const char *const *dirs = v->cfg.allow_read;
  v->cfg.allow_read = NULL; /* copied: the host may free its list */
  for (int i = 0; dirs && dirs[i]; i++) vm_allow_read(v, dirs[i]);
}

static bool under(const char *path, const char *root) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return true;
  return !strncmp(path, root, n) && (path[n] == 0 || path[n] == '/');
}

/* The canonical form of a path that may not exist yet: its directory
 * resolved, its last name appended.  NULL when even the directory does
 * not resolve (then opening it fails anyway). */
static char *resolve(const char *path) {
  char *r = realpath(path, NULL);
  if (r) return r;
  const char *slash = strrchr(path, '/');
  char dir[PATH_MAX];
  const char *base = slash ? slash + 1 : path;
  size_t dn = slash ? (size_t)(slash - path) : 0;
  if (dn >= sizeof dir) return NULL;
  if (slash) memcpy(dir, path, dn ? dn : 1);
  else dir[0] = '.';
  dir[slash && dn ? dn : 1] = 0;
  char *d = realpath(dir, NULL);
  if (!d) return NULL;
  size_t need = strlen(d) + strlen(base) + 2;
  char *out = malloc(need);
  if (out) snprintf(out, need, "%s/%s", strcmp(d, "/") ? d : "", base);
  free(d);
  return out;
}

const char *vm_confine(vm *v, loc at, const char *shown, const char *full) {
  if (v->host_read) return NULL;
  char *r = resolve(full);
  if (!r) return NULL;
  if (under(r, "/proc") || under(r, "/sys") || under(r, "/dev")) {
    free(r);
    vm_error_hint(v, at, "scripts never read from /proc, /sys or /dev; pass data in with --input or svl_set_global",
                  "E0902 cannot read '%s': it is under /proc, /sys or /dev", shown);
  }
  bool ok = false;
  for (int i = 0; i < v->nroots && !ok; i++) ok = under(r, v->read_roots[i]);
  if (ok) {
    const char *c = gc_strdup(r);
    free(r);
    return c;
  }
  free(r);
  vm_error_hint(v, at,
                "a rule file reads only under its own directory and the directories the host allows "
                "(svl run --allow-read DIR, or svl_config.allow_read)",
                "E0902 cannot read '%s': it is outside the directories this run may read", shown);
}
