#!/bin/bash
# The OCDS example scores the valid bids of a release, exactly, through the
# ocds module (docs/ocds.md).
. "$(dirname "$0")/lib.sh"
ex="$(cd "$(dirname "$0")/../../examples/ocds" && pwd)"
expect_out "ranking of the valid bids" '| id | supplier | price | score |
| --- | --- | ---: | ---: |
| B3 | Valley Community Buses | £467,250.00 | 90.74 |
| B1 | Riverside Transport CIC | £452,000.00 | 86.55 |
| B2 | Metro Coaches Ltd | £418,500.50 | 79 |' "$SVL" run "$ex/score.svl" --format md
expect_out "amounts stay exact in JSON" '{"amount": 418500.5, "unit": "GBP"}' sh -c "\"$SVL\" run \"$ex/score.svl\" --format json | grep -o '{\"amount\": 418500.5, \"unit\": \"GBP\"}'"
python3 - "$ex/release.json" "$tmp/release.json" <<'PY'
import sys
s = open(sys.argv[1]).read().replace('"amount": 452000.00, "currency": "GBP"', '"amount": 452000.00, "currency": "XYZ"')
open(sys.argv[2], "w").write(s)
PY
cp "$ex/score.svl" "$ex/marks.csv" "$tmp/"
expect_status "an unknown currency stops the run" 1 "$SVL" run "$tmp/score.svl"
expect_err "naming the currency and where the Value is" "the Value (release.json, line 32) has currency \"XYZ\": 'XYZ' is not an ISO 4217 currency code"
python3 - "$ex/release.json" "$tmp/release.json" <<'PY'
import sys
s = open(sys.argv[1]).read().replace('"amount": 452000.00, "currency": "GBP"', '"amount": 452000.00, "currency": "NOK"')
open(sys.argv[2], "w").write(s)
PY
expect_status "a bid in another currency is never converted" 1 "$SVL" run "$tmp/score.svl"
expect_err "the lowest price compares NOK with GBP: an error naming both" "NOK"
done_testing
