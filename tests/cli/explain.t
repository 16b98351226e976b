#!/bin/bash
# svl explain: golden explanations of one bid's total for every example,
# --vs decompositions that add up, and the command's contract (EXPR, earlier
# values, --plain, --internals, JSON, errors).  Goldens: tests/cli/explain/golden/
# (python3 tests/cli/explain_check.py build/svl --write rewrites them).
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
W=$root/tests/cli/explain/waste/evaluation.svl
if out=$(python3 "$root/tests/cli/explain_check.py" "$SVL" 2>&1); then
  ok "explain goldens and --vs sums on every example"
else
  not_ok "explain goldens and --vs sums on every example" "$(printf '%s\n' "$out" | grep -A12 '^not ok' | head -60)"
fi
# main is built from earlier values: their derivations are shown
out=$("$SVL" explain "$W" main --plain)
case $out in *"ranking = "*"because sort_by("*"valid = "*"because [b for b in bids if eligible(b)]"*) ok "explain main shows how the values it used were made" ;;
  *) not_ok "explain main shows earlier derivations" "$out" ;; esac
out=$("$SVL" explain "$W" main)
case $out in *"total(Clearway Recycling CIC) = 89.44"*) ok "... down to each bid's total in the tree" ;; *) not_ok "main tree" "$out" ;; esac
# any expression, a bare function name needs its argument, did you mean
expect_status "a function without its arguments is a usage error" 2 "$SVL" explain "$W" total
expect_err "... saying how to explain one call" "explain one call of it"
expect_status "an unknown name is an error" 2 "$SVL" explain "$W" winnr
expect_err "... with did you mean" "did you mean 'winner'?"
expect_status "--plain with --format json is a usage error" 2 "$SVL" explain "$W" 'total(winner)' --plain --format json
expect_err "... saying why" "--plain is a narrative for people"
# author level by default, --internals opens the library
out=$("$SVL" explain "$W" 'total(bids[1])')
case $out in *"price score 91.48 = lowest price £2,790,000.00 ÷ this price £3,050,000.00 × 100  (scoring.relative_to_lowest)"*) ok "a library call is one step in words" ;; *) not_ok "library step" "$out" ;; esac
out=$("$SVL" explain "$W" 'total(bids[1])' --internals)
case $out in *"_positive("*) ok "--internals shows the library's own calls" ;; *) not_ok "--internals" "$out" ;; esac
# if: the branch taken, with values
out=$("$SVL" explain "$root/examples/sroi_programme/programme.svl" 'amount(outcomes[1], EMPLOYMENT)' --plain)
case $out in *"since o.change null != null is false: o.quantity 14 × ind.unit 1 person"*) ok "an if shows the branch taken with its values" ;; *) not_ok "if" "$out" ;; esac
# an indicator shows its proxy, unit and source
out=$("$SVL" explain "$root/examples/sroi_programme/programme.svl" 'sroi_outcome(outcomes[1], greenbook.wellby)' --plain)
case $out in *"EMPLOYMENT (proxy £12,000.00/person, source: ILLUSTRATIVE"*) ok "an indicator shows proxy, unit and source" ;; *) not_ok "indicator" "$out" ;; esac
# a loaded value says where it came from
expect_out "a loaded value names file, line and column" "bids[3].price = £3,240,000.00 (from bids.csv line 4, column price)" \
  sh -c "\"$SVL\" explain \"$W\" 'bids[3].price' | head -1"
# --id names records by another field
out=$("$SVL" explain "$W" 'total(bids[3])' --id price)
case $out in *"total(£3,240,000.00) = 89.44"*) ok "--id chooses the identifying field" ;; *) not_ok "--id" "$out" ;; esac
# JSON: exact numbers as strings with the unit apart, locations, the record
expect_status "JSON: numbers exact, units apart, file and line, the record" 0 sh -c "\"$SVL\" explain \"$W\" 'social_value(bids[3])' --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d[\"number\"] == \"561000\" and d[\"unit\"] == \"GBP\" and d[\"record\"] == \"Clearway Recycling CIC\", d
c = [c for c in d[\"calls\"] if c[\"name\"] == \"social_value\"][0]
assert c[\"file\"] == \"evaluation.svl\" and c[\"line\"] == 36 and c[\"kind\"] == \"fn\", c'"
done_testing
