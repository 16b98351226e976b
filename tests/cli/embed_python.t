#!/bin/bash
# The Python host (examples/embed/python/): svl.py over the C API through
# ctypes, tested by its own TAP script against the libsvl.so of an SVL
# installed into a temporary DESTDIR (SVL_LIBRARY points at it; the stdlib
# is found beside it with no environment).  The script's plan and test
# points are passed through; this file adds the install and the example.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/cli/stage.sh"
cd "$tmp" || exit 1
py=$root/examples/embed/python

if ! command -v python3 >/dev/null; then
  echo "1..0 # SKIP python3 is not installed"
  exit 0
fi
if ! stage_install; then
  done_testing
  exit 1
fi
lib=$P/lib/libsvl.so.0
# ctypes mirrors struct svl_config by hand: its size and every offset must
# be the C compiler's, or svl_config_init writes past the Python struct.
cat >layout.c <<'EOF'
#include <stddef.h>
#include <stdio.h>
#include "svl.h"
#define F(f) printf(" %s=%zu", #f, offsetof(svl_config, f))
int main(void) {
  printf("size=%zu", sizeof(svl_config));
  F(permissions); F(max_steps); F(max_heap); F(timeout_ms); F(stdlib_path); F(allow_read); F(heap_budget);
  F(as_of); F(max_load_bytes); F(load_encoding); F(file_hashes);
  printf("\n");
  return 0;
}
EOF
if ${HOST_CC:-cc} -I"$root/include" -o layout layout.c 2>"$tmp/cc.err"; then
  c_layout=$(./layout)
  py_layout=$(PYTHONPATH=$py python3 -c '
import ctypes, svl
C = svl._Config
names = ["permissions", "max_steps", "max_heap", "timeout_ms", "stdlib_path", "allow_read", "heap_budget",
         "as_of", "max_load_bytes", "load_encoding", "file_hashes"]
print("size=%d" % ctypes.sizeof(C) + "".join(" %s=%d" % (n, getattr(C, n).offset) for n in names))' 2>&1)
  if [ "$py_layout" = "$c_layout" ]; then
    ok "svl.py's svl_config has the C layout (size and offsets)"
  else
    not_ok "svl.py's svl_config has the C layout (size and offsets)" "C:      $c_layout
Python: $py_layout"
  fi
else
  not_ok "svl.py's svl_config has the C layout" "$(cat "$tmp/cc.err")"
fi
# The script prints "TAP version 13", its points and its plan: renumber
# them after ours so the whole is one TAP stream.
# shellcheck disable=SC2046 # the words of sanitizer_env are env arguments
env $(sanitizer_env) SVL_LIBRARY="$lib" PYTHONDONTWRITEBYTECODE=1 timeout 120 python3 "$py/test_svl.py" >py.tap 2>"$tmp/err"
rc=$?
while IFS= read -r line; do
  case $line in
    "ok "*) ok "python: ${line#ok * - }" ;;
    "not ok "*) not_ok "python: ${line#not ok * - }" ;;
    "# "*) echo "$line" ;;
  esac
done <py.tap
points=$(grep -c '^\(not \)\?ok ' py.tap)
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' py.tap)
if [ "$rc" = 0 ] && [ -n "$plan" ] && [ "$plan" = "$points" ] && [ "$points" -gt 50 ]; then
  ok "test_svl.py ran all its $points tests and exited 0"
else
  not_ok "test_svl.py ran all its tests and exited 0" "exit $rc, plan '$plan', $points points; stderr: $(tail -5 "$tmp/err")"
fi

# the example, run as a user would, prints what the C host prints
# shellcheck disable=SC2046 # the words of sanitizer_env are env arguments
(cd "$root" && env $(sanitizer_env) SVL_LIBRARY="$lib" PYTHONDONTWRITEBYTECODE=1 timeout 300 python3 "$py/example.py" \
   examples/embed/c/tender.svl examples/embed/c/bids.csv) >example.out 2>"$tmp/err"
if cmp -s example.out "$root/examples/embed/c/expected.out"; then
  ok "python3 example.py prints exactly what the C host prints"
else
  not_ok "python3 example.py prints what the C host prints" "$(diff "$root/examples/embed/c/expected.out" example.out | head) $(head -3 "$tmp/err")"
fi
# svl.py uses the standard library only
mods=$(sed -n 's/^import \([a-z_.]*\).*/\1/p; s/^from \([a-z_.]*\) import.*/\1/p' "$py/svl.py" | sort -u | tr '\n' ' ')
bad=""
for m in $mods; do
  python3 -c "import sys, $m; f = getattr($m, '__file__', '') or ''; sys.exit('site-packages' in f or 'dist-packages' in f)" 2>/dev/null \
    || bad="$bad $m"
done
[ -z "$bad" ] && ok "svl.py imports only the standard library ($mods)" || not_ok "svl.py imports only the standard library" "$bad"
done_testing
