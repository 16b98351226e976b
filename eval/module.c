/* Files and modules: reading rule files (bounded), remembering what was
 * read for audit records (hashed only when asked), parsing a file into a
 * module, and `import` of files and standard modules, with cycles found by
 * canonical path.  Split from eval.c, which keeps evaluation itself. */
#include "eval/eval.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/parse.h"
#include "core/gc.h"
#include "core/sha256.h"

/* Rule files are read whole.  The cap stops a path like /dev/zero or a
 * runaway generated file from filling memory before anything is parsed;
 * 64 MiB is six times the largest file the parse benchmark writes. */
#define MAX_SOURCE_BYTES ((size_t)64 << 20)

FILE *open_regular(const char *path) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  int e = 0;
  if (fstat(fd, &st) != 0) e = errno;
  else if (S_ISDIR(st.st_mode)) e = EISDIR;
  else if (!S_ISREG(st.st_mode)) e = ENODEV;
  if (e) {
    close(fd);
    errno = e;
    return NULL;
  }
  int fl = fcntl(fd, F_GETFL); /* reads of the file itself block as usual */
  if (fl != -1) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  FILE *fp = fdopen(fd, "rb");
  if (!fp) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return fp;
}

static char *read_all(FILE *fp, size_t *len);

char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  return fp ? read_all(fp, len) : NULL;
}

char *read_regular_file(const char *path, size_t *len) {
  FILE *fp = open_regular(path);
  return fp ? read_all(fp, len) : NULL;
}

static char *read_all(FILE *fp, size_t *len) {
  struct stat st;
  bool sized = fstat(fileno(fp), &st) == 0;
  if (sized && S_ISDIR(st.st_mode)) { fclose(fp); errno = EISDIR; return NULL; }
  sbuf b;
  sb_init(&b);
  /* room for a regular file's bytes at once: grown by doubling, a 10 MB
   * file left 16 MB of garbage behind (a file that grows meanwhile still
   * grows the buffer) */
  if (sized && S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size <= MAX_SOURCE_BYTES) {
    b.cap = (size_t)st.st_size + 1;
    b.s = gc_alloc_atomic_uncleared(b.cap);
  }
  char buf[65536];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, fp)) > 0) {
    if (b.len + k > MAX_SOURCE_BYTES) { fclose(fp); errno = EFBIG; return NULL; }
    sb_putn(&b, buf, k);
  }
  int err = ferror(fp) ? (errno ? errno : EIO) : 0;
  fclose(fp);
  if (err) { errno = err; return NULL; }
  if (b.s) b.s[b.len] = 0; /* the sized buffer, if nothing was appended (emptied meanwhile) */
  *len = b.len;
  return b.s ? b.s : gc_strdup("");
}

const char *canonical_path(const char *path) {
  char *r = realpath(path, NULL);
  if (!r) return NULL;
  const char *c = gc_strdup(r);
  free(r);
  return c;
}

void vm_note_file(vm *v, const char *path, const char *data, size_t len) {
  /* Hashing every file read cost 8% of a run that loads a large CSV, for
   * audit records and reports that are rarely asked for: the bytes are
   * kept instead, and hashed by vm_file_hash.  The same path with the same
   * content is noted once, as before (equal bytes, or equal hashes once
   * the earlier one has been worked out). */
  char hex[65] = "";
  int mode = v->cfg.file_hashes;
  /* hashed now, the bytes need not outlive the load (a 5 MB OCDS package
   * held them as long as its tree; docs/ocds.md "Benchmark") */
  if (mode == SVL_FILE_HASH_EAGER) sha256_hex(data, len, hex);
  for (int i = 0; i < v->nread; i++) {
    if (strcmp(v->read_paths[i], path)) continue;
    if (mode == SVL_FILE_HASH_NONE) return;
    if (v->read_data[i]) {
      if (v->read_lens[i] == len && memcmp(v->read_data[i], data, len) == 0) return;
    } else {
      if (!hex[0]) sha256_hex(data, len, hex);
      if (!strcmp(v->read_hashes[i], hex)) return;
    }
  }
  if (v->nread == v->capread) {
    int cap = v->capread ? v->capread * 2 : 8;
    v->read_paths = gc_realloc(v->read_paths, (size_t)cap * sizeof *v->read_paths);
    v->read_hashes = gc_realloc(v->read_hashes, (size_t)cap * sizeof *v->read_hashes);
    v->read_data = gc_realloc(v->read_data, (size_t)cap * sizeof *v->read_data);
    v->read_lens = gc_realloc(v->read_lens, (size_t)cap * sizeof *v->read_lens);
    v->capread = cap;
  }
  char *h = gc_alloc_atomic(sizeof hex); /* "" until worked out */
  if (hex[0]) memcpy(h, hex, sizeof hex);
  v->read_paths[v->nread] = gc_strdup(path);
  v->read_hashes[v->nread] = h;
  v->read_data[v->nread] = hex[0] || mode == SVL_FILE_HASH_NONE ? NULL : data;
  v->read_lens[v->nread] = len;
  v->nread++;
}

const char *vm_file_hash(vm *v, int i) {
  char *h = v->read_hashes[i];
  if (v->cfg.file_hashes == SVL_FILE_HASH_NONE) return NULL;
  if (!h[0]) {
    sha256_hex(v->read_data[i], v->read_lens[i], h);
    v->read_data[i] = NULL; /* the bytes may go now */
  }
  return h;
}

/* The file of standard library module `name`: NAME.svl in the first
 * directory of the ':'-separated stdlib_path that holds it; NULL when
 * none does (or there is no stdlib_path).  Also used by the editor
 * analysis (tools/lsp.c). */
const char *module_stdlib_file(const vm *v, const char *name) {
  const char *path = NULL, *p = v->cfg.stdlib_path;
  while (p && *p && !path) {
    const char *e = strchr(p, ':');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    sbuf b;
    sb_init(&b);
    sb_putn(&b, p, n);
    sb_printf(&b, "/%s.svl", name);
    FILE *fp = n ? fopen(b.s, "rb") : NULL;
    if (fp) { fclose(fp); path = b.s; }
    p += n + (e ? 1 : 0);
  }
  return path;
}

module *module_parse(vm *v, const char *path, const char *text, size_t len, bool repl, globals *into, diag *err) {
  module *m = gc_alloc(sizeof *m);
  m->path = path;
  source *s = gc_alloc(sizeof *s);
  s->name = path;
  const char *slash = strrchr(path, '/');
  s->dir = slash ? gc_strndup(path, (size_t)(slash - path)) : "";
  s->text = gc_strndup(text, len);
  s->len = len;
  m->src = s;
  m->g = into ? into : gc_alloc(sizeof(globals));
  node *prog = parse_module(s, m, err); /* every node knows its module */
  if (!prog) return NULL;
  resolver_opts o = {.repl = repl, .builtins = v->builtins, .nsites = &m->nsites};
  if (!resolve_program(prog, m->g, v->units, o, err)) return NULL;
  m->sites = gc_alloc((size_t)(m->nsites + 1) * sizeof *m->sites);
  m->prog = prog;
  return m;
}

static bool on_stack(const vm *v) {
  for (int i = 0; i < v->nmods; i++)
    if (v->mods[i]->loading) return true;
  return false;
}

/* Why a file could not be read, for E0901: the size cap is ours, not the
 * system's, so it is named. */
const char *read_error(int e) {
  return e == EFBIG    ? "larger than 64 MiB, the limit for a rule file"
         : e == ENODEV ? "not a regular file (a FIFO, device or socket is never read)"
                       : strerror(e);
}

/* "a.svl imports b.svl, which imports a.svl": the modules still loading
 * form the chain, from the one imported again down to the importer. */
static void import_cycle(vm *v, loc at, const module *again) {
  sbuf b;
  sb_init(&b);
  sb_printf(&b, "'%s'", again->path);
  bool on = again == v->main_mod;
  for (int i = 0; i < v->nmods; i++) {
    if (v->mods[i] == again) on = true;
    else if (on && v->mods[i]->loading) sb_printf(&b, " imports '%s', which", v->mods[i]->path);
  }
  bool self = v->nmods == 0 || v->mods[v->nmods - 1] == again || (again == v->main_mod && !on_stack(v));
  vm_error_hint(v, at, self ? NULL : "move what both files need into a third file that imports neither",
                "E0306 import cycle: %s imports '%s'", b.s, again->path);
}

/* An error unwound through these imports: a module that was still loading
 * never finished, so it is forgotten and a later import (the REPL after
 * the file is fixed) reads it afresh instead of calling it a cycle. */
void vm_forget_failed_imports(vm *v) {
  int k = 0;
  for (int i = 0; i < v->nmods; i++)
    if (!v->mods[i]->loading) v->mods[k++] = v->mods[i];
  v->nmods = k;
  if (v->main_mod) v->main_mod->loading = false;
}

value vm_import(vm *v, module *m, const node *d) {
  const char *path;
  if (d->b) {
    if (!vm_allowed(v, PERM_FILES))
      vm_error_kind(v, DIAG_IO, d->at, "E0902 import of files needs file access, which the host has not granted");
    const char *given = d->b->lit.as.text->s;
    /* only SVL source is imported: an error in any other file would show
     * one of its lines (/etc/passwd, a .env secret) */
    size_t gl = strlen(given);
    if (gl < 4 || strcmp(given + gl - 4, ".svl") != 0)
      vm_error_hint(v, d->at, "import reads SVL source files, named NAME.svl; data files are read with load()",
                    "E0306 cannot import '%s': not a .svl file", given);
    path = vm_path(v, d->at, given);
  } else {
    /* stdlib_path is a ':'-separated list of directories, searched in order */
    if (!v->cfg.stdlib_path) vm_error_kind(v, DIAG_IO, d->at, "E0306 no standard library module '%s' is available", d->name);
    path = module_stdlib_file(v, d->name);
    if (!path) vm_error_kind(v, DIAG_IO, d->at, "E0306 no standard library module named '%s'", d->name);
  }
  (void)m;
  /* The same file may be spelt many ways ("./a.svl", "x/../a.svl"): only
   * its canonical path says whether it is loaded already or importing
   * itself. */
  const char *id = canonical_path(path);
  if (!id)
    vm_error_kind(v, DIAG_IO, d->at, d->b ? "E0901 cannot read '%s': %s" : "E0306 no standard library module named '%s' (%s)",
                  d->b ? path : d->name, strerror(errno));
  size_t il = strlen(id);
  if (d->b && (il < 4 || strcmp(id + il - 4, ".svl") != 0))
    vm_error_hint(v, d->at, "import reads SVL source files, named NAME.svl; data files are read with load()",
                  "E0306 cannot import '%s': it links to '%s', not a .svl file", d->b->lit.as.text->s, id);
  if (v->main_mod && v->main_mod->loading && v->main_mod->id && !strcmp(v->main_mod->id, id))
    import_cycle(v, d->at, v->main_mod);
  for (int i = 0; i < v->nmods; i++)
    if (!strcmp(v->mods[i]->id, id)) {
      if (v->mods[i]->loading) import_cycle(v, d->at, v->mods[i]);
      value x = {.tag = V_MODULE};
      x.as.module = v->mods[i];
      return x;
    }
  size_t len;
  char *text = read_regular_file(path, &len);
  if (!text)
    vm_error_kind(v, DIAG_IO, d->at, d->b ? "E0901 cannot read '%s': %s" : "E0306 no standard library module named '%s' (%s)",
                  d->b ? path : d->name, read_error(errno));
  vm_note_file(v, path, text, len);
  diag e = {0};
  memset(&e, 0, sizeof e);
  module *im = module_parse(v, path, text, len, false, NULL, &e);
  if (!im) {
    v->err = e;
    if (v->err.kind == DIAG_INCOMPLETE) v->err.kind = DIAG_SYNTAX;
    v->err.nframes = 0;
    longjmp(*v->jmp, 1);
  }
  GC_GROW(v->mods, v->nmods, v->capmods, 8);
  v->mods[v->nmods++] = im;
  im->id = id;
  im->library = !d->b;
  im->loading = true;
  eval_module(v, im);
  im->loading = false;
  value x = {.tag = V_MODULE};
  x.as.module = im;
  return x;
}

