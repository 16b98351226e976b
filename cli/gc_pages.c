/* The collector's memory in 2 MiB pages, for the svl command only.
 *
 * On the benchmark machine a run spent more time taking page faults than
 * doing decimal arithmetic: sroi (10,000 programmes, an 8 MiB heap) took
 * 1,777 faults at about 10-16 us each under the hypervisor -- a fifth to
 * a third of its wall time, and the part that varied most between runs
 * (docs/performance.md, "Issue 19: the collector's pages").  The
 * collector asks the kernel for each new heap section with an mmap of its
 * own size (64 KiB, 600 KiB, 1.4 MiB ...), placed wherever the kernel
 * likes, so a 2 MiB huge page can never be used even where the system
 * allows them on request (transparent_hugepage "madvise").
 *
 * The svl command links libgc statically, so the link (Makefile,
 * GC_PAGES) routes the collector's one way to the kernel, GC_unix_get_mem,
 * here with ld's --wrap: sections are cut one after the other from a
 * 2 MiB-aligned reservation marked MADV_HUGEPAGE, so a section's first
 * touch brings in a whole huge page where the kernel has one (and 4 KiB
 * pages as before where it has none).  The reservation is address space
 * only (MAP_NORESERVE): what is never touched is never backed.  Memory
 * handed out is fresh from mmap, so zeroed, as the collector expects; the
 * collector never gives sections back.  Without the --wrap (STATIC_LIBS=0,
 * a libgc.so) nothing calls this and the weak reference stays unresolved.
 *
 * Called only with the collector's allocation lock held (heap growth,
 * its scratch space, its mark stack), which guards the two statics. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

void *__real_GC_unix_get_mem(size_t bytes) __attribute__((weak));
void *__wrap_GC_unix_get_mem(size_t bytes);

enum { HUGE_PAGE = 2 << 20, RESERVE = 64 << 20, SMALL_PAGE = 4096 };

static char *next, *end;

/* A new reservation of at least bytes, 2 MiB-aligned at both ends. */
static bool reserve(size_t bytes) {
  size_t size = bytes > RESERVE ? (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1) : RESERVE;
  char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return false;
  char *a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
  if (a > p) (void)munmap(p, (size_t)(a - p));
  if (a + size < p + size + HUGE_PAGE) (void)munmap(a + size, (size_t)(p + size + HUGE_PAGE - (a + size)));
  /* a hint: where the kernel refuses it, the pages are the usual ones */
  (void)madvise(a, size, MADV_HUGEPAGE);
  next = a, end = a + size;
  return true;
}

void *__wrap_GC_unix_get_mem(size_t bytes) {
  bytes = (bytes + SMALL_PAGE - 1) & ~(size_t)(SMALL_PAGE - 1);
  if (bytes == 0 || ((size_t)(end - next) < bytes && !reserve(bytes)))
    return __real_GC_unix_get_mem ? __real_GC_unix_get_mem(bytes) : NULL;
  void *r = next;
  next += bytes;
  return r;
}
