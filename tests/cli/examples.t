#!/bin/bash
# Every example under examples/ runs and prints exactly its expected
# output.  To add an example, append one line:
#   example DIR EXPECTED_FILE svl-arguments...
# run from the repository root (so paths in the arguments start with
# examples/); EXPECTED_FILE is inside DIR.  Regenerate an expected file only
# after checking the new output by hand.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac

# example DIR EXPECTED ARGS...: `svl ARGS` exits 0 and its stdout equals
# DIR/EXPECTED byte for byte.
example() {
  dir=$1 expected=$2; shift 2
  desc="$dir: svl $* matches $expected"
  (cd "$root" && timeout 300 "$SVL" "$@") >"$tmp/got" 2>"$tmp/err"
  status=$?
  if [ "$status" != 0 ]; then
    not_ok "$desc" "exit $status; stderr: $(head -5 "$tmp/err")"
  elif cmp -s "$tmp/got" "$root/$dir/$expected"; then
    ok "$desc"
  else
    not_ok "$desc" "$(diff "$root/$dir/$expected" "$tmp/got" | head -20)"
  fi
}

example examples/scoring expected.txt run examples/scoring/evaluation.svl
example examples/scoring expected.md run examples/scoring/evaluation.svl --format md
example examples/home_care_sv expected.md run examples/home_care_sv/social_value.svl --format md
example examples/home_care_sv expected.txt run examples/home_care_sv/social_value.svl
example examples/sroi_programme expected.txt run examples/sroi_programme/programme.svl
example examples/sroi_programme expected.md run examples/sroi_programme/programme.svl --format md
example examples/pipeline expected.txt run examples/pipeline/pipeline.svl
example examples/pipeline expected.md run examples/pipeline/pipeline.svl --format md
example examples/moderation expected.txt run examples/moderation/evaluation.svl

done_testing
