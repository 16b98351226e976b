#!/bin/bash
# The svl command hands the collector its heap in 2 MiB-aligned
# reservations (cli/gc_pages.c): where libgc is linked in, every call the
# collector makes of GC_unix_get_mem goes to the wrapper, and a heap that
# needs more than one reservation, or one section larger than a whole
# reservation, still holds what it is given.  (What the pages save is
# timed in make bench, not here.)
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$tmp" || exit 1

if readelf -d "$SVL" 2>/dev/null | grep -q 'NEEDED.*libgc\.so'; then
  n=$((n + 1)); echo "ok $n # SKIP svl links libgc as a shared library (STATIC_LIBS=0): nothing to wrap"
else
  # the collector's call sites (the wrapper's own call of the real one aside)
  sites=$(objdump -d "$SVL" | awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 }
    fn != "<__wrap_GC_unix_get_mem>:" && /(call|jmp).*<(__wrap_)?GC_unix_get_mem>/ { print $NF }')
  calls=$(echo "$sites" | grep -c 'GC_unix_get_mem')
  wrapped=$(echo "$sites" | grep -c '__wrap_GC_unix_get_mem')
  [ "$calls" -gt 0 ] && [ "$wrapped" = "$calls" ] \
    && ok "the collector's $calls calls of GC_unix_get_mem all go to cli/gc_pages.c" \
    || not_ok "the collector's calls of GC_unix_get_mem all go to cli/gc_pages.c" "$wrapped of $calls wrapped"
fi

# one list of 2,200,000 numbers: a 70 MiB object, a heap section larger
# than a 64 MiB reservation
cat >big.svl <<'S'
let xs = [i * 2 for i in 1..2200000]
print "{len(xs)} {sum(xs)} {xs[1]} {xs[-1]}"
S
expect_out "a heap section larger than one reservation" "2200000 4840002200000 2 4400000" "$SVL" run big.svl

# many small growths: records kept to the end, read again after every
# collection they lived through
cat >rows.svl <<'S'
let rs = [{i: i, name: "r{i}", v: i * 1.5} for i in 1..200000]
print "{len(rs)} {sum([r.v for r in rs])} {rs[123456].name}"
S
expect_out "200,000 records across many heap sections" "200000 30000150000 r123456" "$SVL" run rows.svl

done_testing
