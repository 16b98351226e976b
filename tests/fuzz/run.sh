#!/bin/sh
# run.sh BUILD_DIR SECONDS HARNESS... : run each libFuzzer harness for
# SECONDS of wall time, one after another (one core), on a corpus kept in
# BUILD_DIR/corpus/HARNESS and seeds copied fresh from the repository and
# the shared conformance cases.  Findings land in BUILD_DIR/artifacts/.
# Appends one line per harness to BUILD_DIR/fuzz-history.log; exits 1 if
# any harness found a crash, leak, timeout or sanitizer report.
set -u
b=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cases=${SHARED:-$root/../shared}/conformance/cases
# The collector scans the real stack only: keep ASan's fake stacks off
# (docs/internals.md).
export ASAN_OPTIONS="detect_stack_use_after_return=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}"
# one core: no parallel marker threads in the collector
export GC_MARKERS=1
timer=""
[ -x /usr/bin/time ] && timer="/usr/bin/time -f %U+%S -o"
status=0
for h in "$@"; do
  # an _arena variant (gc_arena.c) shares its harness's corpus
  seeds=$b/seeds/$h corpus=$b/corpus/${h%_arena} art=$b/artifacts/$h
  rm -rf "$seeds"
  mkdir -p "$corpus" "$art"
  sh "$here/seed.sh" "$h" "$seeds" "$root" "$cases"
  dict=$here/svl.dict
  case $h in fuzz_load*) dict=$here/data.dict ;; esac
  start=$(date +%s)
  rm -f "$b/$h.time" "$b/$h.time2"
  ${timer:+$timer "$b/$h.time"} "$b/$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -dict="$dict" -artifact_prefix="$art/" -print_final_stats=1 \
    "$corpus" "$seeds" >"$b/$h.log" 2>&1
  rc=$?
  # Replay the corpus with the collector running very often: a GC pointer
  # kept only where the collector cannot see it (malloc memory, say) shows
  # up as corruption only when a collection hits at the wrong moment.
  case $h in *_arena) replay=no ;; *) replay=yes ;; esac # no collector there
  if [ "$rc" = 0 ] && [ $replay = yes ]; then
    GC_FREE_SPACE_DIVISOR=1000 ${timer:+$timer "$b/$h.time2"} "$b/$h" -runs=0 -timeout=60 -rss_limit_mb=2048 \
      -artifact_prefix="$art/gc-" "$corpus" >"$b/$h.replay.log" 2>&1
    rc=$?
    cat "$b/$h.replay.log" >>"$b/$h.log"
    [ -f "$b/$h.time2" ] && tail -1 "$b/$h.time2" >>"$b/$h.time"
  fi
  end=$(date +%s)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$b/$h.log" | tail -1)
  cpu=$(grep -h '^[0-9.]*+[0-9.]*$' "$b/$h.time" 2>/dev/null | tr '+' ' ' | awk '{ s += $1 + $2 } END { if (NR) printf "%.0f", s }')
  line="$(date -u +%Y-%m-%dT%H:%MZ) $h wall=$((end - start))s cpu=${cpu:-?}s runs=${runs:-?} exit=$rc corpus=$(ls "$corpus" | wc -l)"
  echo "$line" | tee -a "$b/fuzz-history.log"
  if [ "$rc" != 0 ]; then
    status=1
    echo "$h: FINDING, see $b/$h.log and $art/" >&2
    grep -m5 -E 'ERROR|SUMMARY|runtime error|Test unit written' "$b/$h.log" >&2
  fi
done
exit $status
