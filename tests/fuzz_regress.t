#!/bin/sh
# Fuzz findings (tests/fuzz/regress/HARNESS/*) replayed through their
# harness built without libFuzzer (tests/fuzz/replay.c); under
# make check-asan with ASan and UBSan.  A harness aborts on a broken
# invariant, so each input must simply run to its end.
dir=$(cd "$(dirname "$0")/fuzz/regress" && pwd)
bin=${UNIT_DIR:-build/tests}
export ASAN_OPTIONS="detect_stack_use_after_return=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
total=0
for h in "$dir"/*/; do total=$((total + $(ls "$h" | wc -l))); done
echo "1..$total"
n=0 failed=0
for h in "$dir"/*/; do
  name=$(basename "$h")
  for f in "$h"*; do
    n=$((n + 1))
    if timeout 300 "$bin/replay_$name" "$f" >/dev/null 2>"$bin/replay.err"; then
      echo "ok $n - $name $(basename "$f")"
    else
      failed=$((failed + 1))
      echo "not ok $n - $name $(basename "$f")"
      grep -m5 -E 'ERROR|SUMMARY|runtime error' "$bin/replay.err" | sed 's/^/# /'
    fi
  done
done
[ "$failed" = 0 ]
