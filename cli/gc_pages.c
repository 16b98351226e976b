/* The svl command's collected heap on transparent huge pages (Linux).
 *
 * A run that loads 100,000 bids fills a heap of about 55 MB that stays
 * live, and every 4 KB page of it first costs a page fault: on the
 * benchmark machine (a virtual machine) 14,400 faults were a quarter of
 * the tender run's time, system time and the collector building free
 * lists in fresh pages alike (tests/bench/notes.md, "Huge pages").  With
 * the kernel's transparent huge pages in "madvise" mode (Debian's
 * default), a region the process marks MADV_HUGEPAGE is backed by 2 MB
 * pages: 3,100 faults, and fewer TLB misses while marking.
 *
 * The collector maps its heap itself, so the svl command links with
 * `-Wl,--wrap=GC_unix_get_mem` (Makefile, only where libgc is linked from
 * its archive): each heap section the collector maps comes through here,
 * and one of 2 MB or more is marked before anything touches it.  Small
 * sections (the first ones, the collector's own tables) keep small pages,
 * so start-up and small runs are as they were.  The library itself, and
 * every other host, is untouched; where the kernel has huge pages off (or
 * "always") the advice changes nothing, and a refusal is ignored. */
#include <stddef.h>
#include <sys/mman.h>

#if SVL_GC_WRAP
void *__real_GC_unix_get_mem(size_t bytes);
void *__wrap_GC_unix_get_mem(size_t bytes);

void *__wrap_GC_unix_get_mem(size_t bytes) {
  void *p = __real_GC_unix_get_mem(bytes);
#ifdef MADV_HUGEPAGE
  if (p && bytes >= ((size_t)2 << 20)) (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}
#endif
