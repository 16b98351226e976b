#!/bin/bash
# The libraries a host links: libsvl.so exports the svl_* API and nothing
# else (not libbid, linked in statically), with a soname; libsvl.a has no
# global symbol but the API either; every function svl.h declares is
# there; and the svl command compiles against include/ alone.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$tmp" || exit 1
B=${BUILD_DIR:-$root/build}
so=$B/libsvl.so
a=$B/libsvl.a

exports=$(nm -D --defined-only "$so" | awk '{ print $3 }')
others=$(echo "$exports" | grep -v '^svl_')
[ -n "$exports" ] && [ -z "$others" ] && ok "libsvl.so exports only svl_* ($(echo "$exports" | wc -l) symbols)" \
  || not_ok "libsvl.so exports only svl_*" "$(echo "$others" | head -20)"
[ "$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" = libsvl.so.0 ] && ok "libsvl.so has the soname libsvl.so.0" \
  || not_ok "libsvl.so has the soname libsvl.so.0" "$(readelf -d "$so" | grep -i soname)"
nm -D --undefined-only "$so" | grep -q ' U __bid' && not_ok "libbid is linked into libsvl.so" || ok "libbid is linked into libsvl.so"

globals=$(nm -g --defined-only "$a" | awk 'NF == 3 { print $3 }')
others=$(echo "$globals" | grep -v '^svl_')
[ -n "$globals" ] && [ -z "$others" ] && ok "libsvl.a defines no global symbol but svl_*" \
  || not_ok "libsvl.a defines no global symbol but svl_*" "$(echo "$others" | head -20)"
[ "$(echo "$globals" | sort)" = "$(echo "$exports" | sort)" ] && ok "libsvl.a and libsvl.so offer the same API" \
  || not_ok "libsvl.a and libsvl.so offer the same API" "$(diff <(echo "$globals" | sort) <(echo "$exports" | sort) | head)"
nm -u "$a" | grep -q ' U __bid' && not_ok "libbid is inside libsvl.a" || ok "libbid is inside libsvl.a"

declared=$(sed -n 's/^SVL_API[^(]*[ *]\(svl_[a-z0-9_]*\)(.*/\1/p' "$root/include/svl.h" | sort)
missing=$(comm -23 <(echo "$declared") <(echo "$exports" | sort))
undeclared=$(comm -13 <(echo "$declared") <(echo "$exports" | sort))
[ -z "$missing" ] && ok "every function svl.h declares is exported" || not_ok "declared but not exported" "$missing"
[ -z "$undeclared" ] && ok "every export is declared in svl.h" || not_ok "exported but not declared" "$undeclared"

# A host that defines names the library uses inside (read_file, eval, ...)
# links against libsvl.a without a clash.
cat >clash.c <<'C'
#include <svl.h>
#include <stdio.h>
#include <stdlib.h>
int read_file(void) { return 1; }
int eval(void) { return 2; }
int dec_parse(void) { return 3; }
int main(void) {
  svl_vm *vm = svl_new(NULL);
  svl_value *v = NULL;
  if (svl_load_string(vm, "c.svl", "let x = 0.1 + 0.2\n", SVL_NTS) || svl_get(vm, "x", &v)) return 1;
  char *s = svl_format_value(vm, v, SVL_FORMAT_TEXT);
  printf("%s %d\n", s, read_file() + eval() + dec_parse());
  free(s);
  svl_free(vm);
  return 0;
}
C
if ${HOST_CC:-cc} $HOST_CFLAGS -std=c17 -I"$root/include" -o clash clash.c "$a" -lgc -lpthread 2>"$tmp/err"; then
  expect_out "a host's own read_file, eval, dec_parse do not clash with libsvl.a" "0.3 6" ./clash
else
  not_ok "a host's own read_file, eval, dec_parse do not clash with libsvl.a" "$(head -5 "$tmp/err")"
fi

# The CLI is a host like any other: svl.h is all it may include.  Build it
# with include/ as the only include path (no -I. and no generated headers),
# link it against the built libsvl.a alone, and run it.
mkdir cli
built=1
for c in "$root"/cli/*.c; do
  # shellcheck disable=SC2086
  ${HOST_CC:-cc} -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE $HOST_CFLAGS -I"$root/include" -c "$c" \
    -o "cli/$(basename "$c" .c).o" 2>>"$tmp/err" || built=0
done
if [ $built = 1 ]; then
  ok "the svl command compiles with only include/ on its include path"
else
  not_ok "the svl command compiles with only include/ on its include path" "$(head -5 "$tmp/err")"
fi
# shellcheck disable=SC2086
if [ $built = 1 ] && ${HOST_CC:-cc} $HOST_CFLAGS -o cli/svl cli/*.o "$a" -lgc -lpthread -ledit -ljansson 2>"$tmp/err"; then
  ok "... and links against libsvl.a with nothing else of the library"
else
  not_ok "the svl command links against libsvl.a alone" "$(head -5 "$tmp/err")"
fi
printf 'unit FTE\nlet x = 0.1 + 0.2\nprint [x, 3 FTE * £2.50 per FTE]\ntest "t" {\n  assert x == 0.3\n}\n' >cli.svl
want=$("$SVL" run cli.svl; "$SVL" test cli.svl; "$SVL" --version)
expect_out "... and that svl runs, tests and reports its version as the built one does" "$want" \
  sh -c './cli/svl run cli.svl; ./cli/svl test cli.svl; ./cli/svl --version'

# Several VMs may run on different threads (docs/embedding.md, "Threads"):
# the library keeps no writable process-wide data but what pthread_once
# guards (the collector's start-up, the stdlib directory).  A new static
# that is written at run time needs a lock or _Thread_local — and a line
# here saying which.
# stdlib/tz.c: zones (the time zones read so far) under zones_lock, a mutex.
# stdlib/prelude.c: case_locale (C.UTF-8 for upper/lower), set once under pthread_once.
allowed='^(found|once(\.[0-9]+)?|[a-z_]+\.once|zones|zones_lock|case_locale)$' # gcc and clang name a function's static differently
writable=$(objdump -t "$B/obj/libsvl_internal.a" 2>/dev/null | awk '
  NF >= 5 && $(NF-2) ~ /^\.(data|bss)(\.|$)/ && $(NF-2) !~ /rel\.ro/ && $(NF-1) !~ /^0+$/ { print $NF }' |
  grep -v '^_*\(asan\|ubsan\|sancov\|odr_asan\)\|^\.L' | sort -u)
extra=$(echo "$writable" | grep -Ev "$allowed")
case " $HOST_CFLAGS " in
  *-fsanitize=* | *--coverage*) # instrumented: counters and constant tables in .data
    n=$((n + 1))
    echo "ok $n # SKIP the library's writable data, in a sanitizer or coverage build"
    extra=skip ;;
esac
if [ "$extra" = skip ]; then :
elif [ -n "$writable" ] && [ -z "$extra" ]; then
  ok "no writable static data in the library but the pthread_once start-up ($(echo $writable))"
else
  not_ok "no writable static data in the library but the pthread_once start-up" "unexpected: $extra"
fi
# The svl_ prefix is the public API's: no object of the library defines a
# global svl_ symbol that svl.h does not name (internal names take their
# file's prefix, docs/internals.md "Layers").
public=$(grep -o '\bsvl_[a-z0-9_]*' "$root/include/svl.h" | sort -u)
internal=$(nm --defined-only "$B/obj/libsvl_internal.a" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TDBR]$/ && $3 ~ /^svl_/ { print $3 }' | sort -u)
stray=$(comm -23 <(echo "$internal") <(echo "$public"))
[ -n "$internal" ] && [ -z "$stray" ] && ok "every global svl_ symbol of the library's objects is svl.h's ($(echo "$internal" | wc -l))" \
  || not_ok "every global svl_ symbol of the library's objects is svl.h's" "${stray:-no svl_ symbol found}"
done_testing
