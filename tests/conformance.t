#!/bin/sh
# The shared SPEC conformance suite, when ../shared is beside the checkout.
run="${SHARED:-../shared}/conformance/run"
if [ ! -x "$run" ] && [ ! -f "$run" ]; then
  echo "1..0 # SKIP no shared conformance suite at $run"
  exit 0
fi
exec bash "$run" "${SVL:-build/svl}"
