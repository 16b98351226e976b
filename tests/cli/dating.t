#!/bin/bash
# Effective dating (issue 22; docs/dating.md): a tender scored --as-of two
# dates picks, for each, the thresholds, social value model and proxy
# values in force then, and the council's own dated weighting
# (tests/cli/dating/tender.svl, written from docs/dating.md alone); no
# as-of date is an error, never today's date; svl check reports gaps and
# overlaps between validity periods; explain, test, repl and audit records
# carry the date; docs/dating.md's examples print what the page says.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
cp "$root"/tests/cli/dating/* "$tmp"/
cd "$tmp" || exit 1

# json DESC WANT NAME DATE EXPR: EXPR (Python, over v) of the JSON value
# of `svl run tender.svl NAME --as-of DATE --format json` prints WANT
json() {
  got=$(timeout 120 "$SVL" run tender.svl "$3" --as-of "$4" --format json 2>"$tmp/err" |
    python3 -c 'import json,sys; v=json.load(sys.stdin); print(json.dumps(eval(sys.argv[1])))' "$5" 2>>"$tmp/err")
  if [ "$got" = "$2" ]; then ok "$1"; else not_ok "$1" "got: $got; stderr: $(head -3 "$tmp/err")"; fi
}

# ---- the tender, as of 30 June 2025 and as of 30 June 2026 ----------------
# Central government threshold (Procurement Act 2023 Sch. 1 as amended):
# £139,688 from 1 Jan 2024 to 31 Dec 2025, £135,018 from 1 Jan 2026
# (SI 2025/1200).  £137,000 is below the first, at or above the second.
json "2025-06-30: the 2024-25 central threshold, £139,688" '{"amount": 139688, "unit": "GBP"}' summary 2025-06-30 'v["threshold"]'
json "... so £137,000 is below it" false summary 2025-06-30 'v["above_threshold"]'
json "2026-06-30: the threshold from 1 Jan 2026, £135,018" '{"amount": 135018, "unit": "GBP"}' summary 2026-06-30 'v["threshold"]'
json "... so £137,000 is above it" true summary 2026-06-30 'v["above_threshold"]'
# PPN 002: transition from 24 Feb 2025, mandatory from 1 Oct 2025
json "2025-06-30: PPN 002, in transition (not yet mandatory)" '["PPN 002", false]' summary 2025-06-30 '[v["model"], v["model_mandatory"]]'
json "2026-06-30: PPN 002, mandatory" '["PPN 002", true]' summary 2026-06-30 '[v["model"], v["model_mandatory"]]'
json "2024-06-30: PPN 06/20" '"PPN 06/20"' summary 2024-06-30 'v["model"]'
# proxies.csv: ECC1 £21,000 per FTE for 2025-26, £22,000 from 1 Apr 2026
json "2025-06-30: the 2025-26 proxy row, £21,000 per FTE" '{"amount": 21000, "unit": "GBP/FTE"}' summary 2025-06-30 'v["proxy_local_job"]'
json "2026-06-30: the 2026-27 proxy row, £22,000 per FTE" '{"amount": 22000, "unit": "GBP/FTE"}' summary 2026-06-30 'v["proxy_local_job"]'
json "2025-06-30: the council's dated weighting, 10%" '0.1' summary 2025-06-30 'v["sv_weight"]'
json "2026-06-30: the council's dated weighting, 15% (from 1 Apr 2026)" '0.15' summary 2026-06-30 'v["sv_weight"]'
# The scores by hand.  2025-06-30: weights 50/40/10; 2026-06-30: 45/40/15.
# Lowest price £128,500 (Beacon); best social value Beacon's 3 FTE.
#   Acme 2025: 50 x 128500/131000 + 0.4 x 72 + 10 x 2/3 = 49.0458 + 28.8 + 6.6667 = 84.51
#   Acme 2026: 45 x 128500/131000 + 0.4 x 72 + 15 x 2/3 = 44.1412 + 28.8 + 10     = 82.94
#   Cedar 2026: 45 x 128500/136000 + 0.4 x 80 + 15 x 1/3 = 42.5184 + 32 + 5       = 79.52
json "2025-06-30: the totals under that day's weights" '[85.6, 84.51, 82.58]' ranking 2025-06-30 '[r["total"] for r in v]'
json "2026-06-30: the totals under that day's weights" '[85.6, 82.94, 79.52]' ranking 2026-06-30 '[r["total"] for r in v]'

# ---- no as-of date: an error naming what needs it, never today's date ------
expect_status "no --as-of: exit 1" 1 "$SVL" run tender.svl summary
expect_err "... E0612, naming the dated table" "sv_weight is dated, and no as-of date was given: which day's values apply? [E0612]"
expect_err "... and saying to pass --as-of" "hint: pass --as-of YYYY-MM-DD"
expect_status "a bad --as-of is a usage error: exit 2" 2 "$SVL" run tender.svl --as-of 2026-02-30
expect_err "... naming the date" "--as-of needs a date YYYY-MM-DD, such as 2025-06-30 (got '2026-02-30')"
expect_out "a file that reads no dated value runs without --as-of" "4" sh -c "printf 'print 2 + 2\n' >plain.svl; $(printf '%q' "$SVL") run plain.svl"

# ---- svl check -------------------------------------------------------------
expect_status "svl check tender.svl: no errors (its periods meet)" 0 "$SVL" check tender.svl
cat >periods.svl <<'SVL'
table central as of {
  | from               | until              || amount   |
  | date("2024-01-01") | date("2025-11-30") || £139_688 |
  | date("2026-01-01") | date("2026-12-31") || £135_018 |
  | date("2026-06-01") | -                  || £135_018 |
}
SVL
expect_status "svl check, a gap and an overlap between periods: exit 2" 2 "$SVL" check periods.svl
expect_err "... the gap, with its days" "periods.svl:1:1: error: table central: the validity periods leave a gap: no row is in force from 2025-12-01 to 2025-12-31 [E0610]"
expect_err "... the overlap, with the rows and a day" "periods.svl:5:3: error: table central: the validity periods of rows 2 and 3 overlap, e.g. on = date(\"2026-06-01\") [E0611]"
grep -q "2023-12-31" "$tmp/err" && not_ok "... and nothing about the days before the first period" \
  || ok "... and nothing about the days before the first period"
cat >bad.svl <<'SVL'
table t as of {
  | kind | from || amount |
  | "a"  | -    || 1      |
}
SVL
expect_status "a dated table whose first column is not from: exit 2" 2 "$SVL" check bad.svl
expect_err "... E0604, saying how to write it" "table t as of: the first input column must be | from |"
printf 'table t as off {\n  | from || x |\n  | - || 1 |\n}\n' >typo.svl
expect_status "table t as off: exit 2" 2 "$SVL" check typo.svl
expect_err "... expected 'as of'" "expected 'as of' after the table's name or parameters"

# ---- explain, test, repl ---------------------------------------------------
expect_status "svl explain --as-of" 0 "$SVL" explain tender.svl summary --as-of 2026-06-30
grep -q 'sv_weight(date("2026-06-30")) = 15%  \[matched row 3: | date("2026-04-01") || 15% |\]' "$tmp/out" \
  && ok "... shows the date each dated table was read for, and the row in force" \
  || not_ok "... shows the date and the row in force" "$(grep sv_weight "$tmp/out" | head -3)"
expect_status "svl test --as-of: the test block passes" 0 "$SVL" test tender.svl --as-of 2026-06-30
expect_status "svl test without --as-of: the file does not load (E0612), exit 1" 1 "$SVL" test tender.svl
expect_out "repl :asof sets the date, :asof alone clears it" 'date("2025-06-30")' \
  sh -c "printf ':asof 2025-06-30\nas_of()\n:asof\n' | $(printf '%q' "$SVL") repl"
expect_out "repl --as-of" 'date("2026-01-01")' sh -c "printf 'as_of()\n' | $(printf '%q' "$SVL") repl --as-of 2026-01-01"
printf ':asof 31/12/2025\n' | timeout 120 "$SVL" repl >"$tmp/out" 2>"$tmp/err"
expect_err "repl :asof with a bad date says so" "'31/12/2025' is not a date"

# ---- audit records carry the as-of date, and verify ------------------------
expect_status "svl run --as-of --audit" 0 "$SVL" run tender.svl ranking --as-of 2026-06-30 --audit award.json
grep -q '^  "as_of": "2026-06-30",$' award.json && ok "... the record has the as-of date on its own line" \
  || not_ok "... the record has the as-of date" "$(head -8 award.json)"
expect_status "audit verify: exit 0" 0 "$SVL" audit verify award.json
grep -q "verified: the run reproduces exactly (.*), rules applied as of 2026-06-30" "$tmp/out" \
  && ok "... and says as of which date" || not_ok "... says as of which date" "$(cat "$tmp/out")"
sed 's/"as_of": "2026-06-30"/"as_of": "2025-06-30"/' award.json >moved.json
expect_status "the as-of line changed in the record: verify fails" 1 "$SVL" audit verify moved.json
sed 's/"--as-of", "2026-06-30"/"--as-of", "2025-06-30"/' award.json >moved2.json
expect_status "the date changed in the recorded command: verify fails" 1 "$SVL" audit verify moved2.json
grep -q '"ranking":' "$tmp/out" && ok "... showing the scores that change" || not_ok "... showing the scores that change" "$(cat "$tmp/out")"
if "$SVL" audit keygen panel.key >/dev/null 2>&1; then
  expect_status "a signed record with the as-of date verifies with the key" 0 \
    sh -c "$(printf '%q' "$SVL") run tender.svl ranking --as-of 2026-06-30 --audit signed.json --sign panel.key >/dev/null && $(printf '%q' "$SVL") audit verify signed.json --key panel.key.pub"
  sed 's/"as_of": "2026-06-30"/"as_of": "2025-06-30"/' signed.json >signed2.json
  expect_status "... and its as-of date cannot be changed" 1 "$SVL" audit verify signed2.json --key panel.key.pub
else
  ok "# SKIP svl built without signing (make SODIUM=0)"
  ok "# SKIP svl built without signing (make SODIUM=0)"
fi
"$SVL" run plain.svl --audit plain.json >/dev/null
grep -q '"as_of"' plain.json && not_ok "a run without --as-of records no as-of line" || ok "a run without --as-of records no as-of line"

# ---- the report page states the as-of date it was scored under -------------
expect_status "svl report --as-of 2025-06-30" 0 "$SVL" report tender.svl --as-of 2025-06-30 -o r2025.html
expect_status "svl report --as-of 2026-06-30" 0 "$SVL" report tender.svl --as-of 2026-06-30 -o r2026.html
grep -q 'Rules applied as of <time datetime="2025-06-30">2025-06-30</time>' r2025.html \
  && ok "... the 2025 page says the rules were applied as of 2025-06-30" || not_ok "... the 2025 page names its as-of date" "$(grep -i 'as of' r2025.html | head -3)"
grep -q 'Rules applied as of <time datetime="2026-06-30">2026-06-30</time>' r2026.html \
  && ok "... the 2026 page, as of 2026-06-30" || not_ok "... the 2026 page names its as-of date" "$(grep -i 'as of' r2026.html | head -3)"
grep -q '84\.51' r2025.html && grep -q '82\.94' r2026.html && ! grep -q '84\.51' r2026.html \
  && ok "... each with the totals of its own day's weights (Acme 84.51, then 82.94)" || not_ok "... each with its own totals"
expect_status "svl report --summaries --as-of 2026-06-30" 0 "$SVL" report tender.svl --as-of 2026-06-30 --summaries sums -o r2026s.html
n_as_of=$(grep -l 'Rules applied as of <time datetime="2026-06-30">' sums/*.html | wc -l)
[ "$n_as_of" = 4 ] && ok "... the index and each bidder's summary state it too" || not_ok "... the summaries state the as-of date" "$n_as_of of 4 pages"
printf 'report {\n  title: "Plain"\n  ranking: [{supplier: "A", total: 80}]\n}\n' >plainreport.svl
expect_status "svl report without --as-of, a file reading no dated value" 0 "$SVL" report plainreport.svl -o plain.html
grep -q 'Rules applied as of: no as-of date given; every dated rule used a date written in the rule file' plain.html \
  && ok "... the page says no as-of date was given" || not_ok "... the page says no as-of date was given" "$(grep -i 'as of' plain.html | head -3)"
expect_status "svl report tender.svl without --as-of: E0612, exit 1" 1 "$SVL" report tender.svl -o none.html
expect_err "... naming the dated table" "sv_weight is dated, and no as-of date was given"

# ---- svm.minimum_weighting checks the model in force on the as-of date -----
# 5% of the total weighting is below the 10% minimum of every model; the
# verdict names the model the as-of date selects (svm.model_in_force).
printf 'import svm\nprint svm.minimum_weighting({price: 65%%, quality: 30%%, social_value: 5%%})\nprint svm.minimum_weighting({price: 60%%, quality: 30%%, social_value: 10%%})\n' >mw.svl
expect_out "as of 2024-06-30: PPN 06/20" 'failed ["social value is 5% of the total weighting; PPN 06/20 requires at least 10%"]
passed' "$SVL" run mw.svl --as-of 2024-06-30
expect_out "as of 2026-06-30: PPN 002" 'failed ["social value is 5% of the total weighting; PPN 002 requires at least 10%"]
passed' "$SVL" run mw.svl --as-of 2026-06-30
expect_status "as of 2020-06-30, before any model: an error, exit 1" 1 "$SVL" run mw.svl --as-of 2020-06-30
expect_err "... saying no model was in force and to name one" "svm.minimum_weighting: no social value model was in force on 2020-06-30 (PPN 06/20 applies from 1 January 2021); name the model to check against"
expect_status "no --as-of and no model: E0612, exit 1" 1 "$SVL" run mw.svl
expect_err "... naming svm.minimum_weighting" "svm.minimum_weighting is dated, and no as-of date was given"

# ---- the page ----------------------------------------------------------------
if out=$(python3 "$root/tests/cli/doc_examples.py" "$SVL" "$root/docs/dating.md" 2>&1); then
  ok "docs/dating.md examples"
else
  not_ok "docs/dating.md examples" "$(printf '%s\n' "$out" | head -20)"
fi
"$SVL" fmt --check "$root/tests/cli/dating/tender.svl" >/dev/null && ok "tender.svl is formatted (dated tables aligned)" \
  || not_ok "tender.svl is formatted"
done_testing
