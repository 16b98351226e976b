#!/bin/sh
# load() edge cases (tests/data), in the shared conformance runner's format.
run="${SHARED:-../shared}/conformance/run"
[ -f "$run" ] || { echo "1..0 # SKIP no conformance runner at $run"; exit 0; }
SVL_CASES="$(cd "$(dirname "$0")/data" && pwd)" exec bash "$run" "${SVL:-build/svl}"
