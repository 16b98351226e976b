#!/bin/bash
# Percent as its own kind of value (issue 15): the analyst's two silent
# mistakes are errors that say what to write, at run time, in svl check
# and in typed loads; percent arithmetic that was right stays right.
. "$(dirname "$0")/lib.sh"
dir=$(cd "$(dirname "$0")/percent" && pwd)
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
cd "$tmp" || exit 1
cp "$dir"/* .

# 1. a 60% threshold against quality marks out of 100
expect_status "a percent threshold against marks out of 100 is an error" 1 "$SVL" run quality_threshold.svl passing
expect_err "it names the comparison with the values" \
  "quality_threshold.svl:7:44: error: cannot compare a number with a percent: 72 >= 60% [E0410]"
expect_err "and says what to write" \
  "hint: write 72% or compare with 60 (if 72 is a score out of 100); 60% as number is 0.6"
expect_out "with marks compared with 60 the right bids pass" '["Acme Care Ltd", "Cedar Support CIC"]' \
  "$SVL" run quality_fixed.svl passing

# 2. a CSV deadweight of 1 meant as 1%
expect_out "the SROI project with 1% written as 1% gives its NPV" "£9,920.31" "$SVL" run sroi_project.svl npv
sed 's/1%,10%/1,10%/' sroi_outcomes.csv >sroi_outcomes.csv.new && mv sroi_outcomes.csv.new sroi_outcomes.csv
expect_status "a bare 1 in a percent column is a load error" 1 "$SVL" run sroi_project.svl npv
expect_err "naming file, row, column and what to write" \
  "sroi_outcomes.csv:2: column 'deadweight': expected a percentage, got \"1\": write 1% if it means 1 per cent, or declare the column 'percent from fraction' if the data holds fractions (0.35 for 35%) [E0703]"
sed 's/deadweight: percent,/deadweight: number,/' sroi_project.svl >untyped.svl
expect_status "read as a plain number, the sroi module refuses it" 1 "$SVL" run untyped.svl npv
expect_err "saying what to write" \
  "deadweight must be a percentage such as 20%, got 1 (write 1% for 1 per cent, or 100% if 1 is a fraction)"
expect_err "... naming the outcome, its row and cell" \
  "sroi_outcomes.csv:2, column deadweight: outcome \"Volunteering hours\": deadweight must be a percentage such as 20%"
printf 'outcome,quantity,proxy,deadweight,attribution,years\nVolunteering hours,400,£14.50,0.01,0.1,2\nReduced isolation,12,£600,0.25,0.2,3\n' >fractions.csv
sed 's/sroi_outcomes.csv/fractions.csv/; s/deadweight: percent, attribution: percent/deadweight: percent from fraction, attribution: percent from fraction/' sroi_project.svl >fractions.svl
expect_out "'percent from fraction' reads 0.01 as 1%: the same NPV" "£9,920.31" "$SVL" run fractions.svl npv

# 3. operators
run() { printf '%s\n' "$1" >e.svl; }
run 'print [40% + 50%, 100% - 25%, 0 + 5%, 5% > 0, 70 * 50%, £200 * 10%, (100% - 20%) * (100% - 10%), mean([10%, 20%]), max([10%, 20%])]'
expect_out "percent with percent, scaling, and zero" "[90%, 75%, 5%, true, 35, £20.00, 0.72, 15%, 20%]" "$SVL" run e.svl
run 'print [60% as number, 0.6 as percent, type_of(60%), type_of(60% as number), 50% == 0.5]'
expect_out "explicit conversions both ways; == compares the numbers held" '[0.6, 60%, "percent", "number", true]' "$SVL" run e.svl
for e in '1 - 25%|cannot subtract a percent from a number: 1 - 25% [E0410]|write 1% if 1 is a percentage, or 100% if it is a fraction' \
         '25% + 0.5|cannot add a number and a percent: 25% + 0.5 [E0410]|write 0.5% if 0.5 is a percentage, or 50% if it is a fraction' \
         'max(40, 60%)|cannot compare a number with a percent: 60% and 40 [E0410]|write 40% or compare with 60' \
         'min([60%, 40])|cannot compare a number with a percent|write 40% or compare with 60' \
         'sum([10%, 5])|cannot add a number and a percent: 10% + 5 [E0410]|write 5% if 5 is a percentage' \
         'sort([10%, 5])|cannot compare a number with a percent|write 5% or compare with 10' \
         '40 < 60%|cannot compare a number with a percent: 40 < 60% [E0410]|write 40% or compare with 60'; do
  IFS='|' read -r src msg hint <<<"$e"
  run "print $src"
  expect_status "$src is an error" 1 "$SVL" run e.svl
  expect_err "$src: the message" "$msg"
  expect_err "$src: what to write" "$hint"
done

# 4. svl check finds mixes whose kinds are known before running
cat >mixed.svl <<'SVL'
let min_quality = 60%
fn passes(score: int) = score >= min_quality
fn net(v, deadweight: percent) = v * (1 - deadweight)
fn fine(v, deadweight: percent) = v * (100% - deadweight)
fn zero(d: percent) = d >= 0
fn loose(n: number) = n >= min_quality
let x = 40 >= min_quality
SVL
timeout 120 "$SVL" check mixed.svl >out 2>err
if [ $? = 2 ]; then ok "check: mixes are errors (exit 2)"; else not_ok "check exit status" "$(cat err)"; fi
expect_err "check: an int parameter against a percent" "mixed.svl:2:25: error: cannot compare a number with a percent: score >= min_quality [E0410]"
expect_err "check: 1 - a percent parameter" "mixed.svl:3:39: error: cannot subtract a percent from a number: 1 - deadweight [E0410]"
expect_err "check: with the hint" "hint: write 1% if 1 is a percentage, or 100% if it is a fraction (1 is 100%)"
expect_err "check: two known constants give the run-time hint" "mixed.svl:7:9: error: cannot compare a number with a percent: 40 >= min_quality [E0410]"
if grep -q "mixed.svl:[456]:.*E0410" err; then not_ok "check: no false finding" "$(grep E0410 err)"; else ok "check: 100% - p, p >= 0 and a number parameter (which may hold a percent) are fine"; fi
if grep -q "3 errors" err; then ok "check: three errors"; else not_ok "check: three errors" "$(tail -1 err)"; fi

# 5. table cells against the column's declared kind
cat >bands.svl <<'SVL'
table band(mark: int) hit first {
  | mark     || band   |
  | >= 60%   || "pass" |
  | 0%..59%  || "fail" |
  | -        || "none" |
}
table share(s: percent) hit first {
  | s      || r |
  | >= 10  || 1 |
  | >= 0   || 2 |
  | -      || 3 |
}
let a = band(70)
let b = share(5%)
SVL
timeout 120 "$SVL" check bands.svl >out 2>err
expect_err "check: a percent cell in an int column" "bands.svl:3:5: error: cannot compare a number with a percent: mark >= 60% [E0410]"
expect_err "check: a percent range in an int column" "bands.svl:4:5: error: cannot compare a number with a percent: mark in 0%..59% [E0410]"
expect_err "check: a plain cell in a percent column" "bands.svl:9:5: error: cannot compare a number with a percent: s >= 10 [E0410]"
if grep -q "bands.svl:10:" err; then not_ok "check: >= 0 in a percent column is fine" "$(cat err)"; else ok "check: >= 0 in a percent column is fine"; fi
expect_status "run: the percent cell against a mark is an error too" 1 "$SVL" run bands.svl
expect_err "run: naming the values" "cannot compare a number with a percent: 70 >= 60% [E0410]"

# 6. the published SROI example still gives its published answers
root=$(cd "$dir/../../.." && pwd)
out=$("$SVL" run "$root/examples/sroi_programme/programme.svl" 2>&1)
for want in "Present value:     £506,135.56" "Net present value: £201,135.56" "SROI ratio:        1.66 : 1" \
            "Payback period:    15.8 months" "  Sustained employment: £168,000.00 → £90,720.00 (deadweight 25%, displacement 10%, attribution 20%); 5 year(s), drop-off 20%" \
            "  year 1: £231,120.00 / 1.035^1 = £223,304.35"; do
  if printf '%s\n' "$out" | grep -qxF -- "$want"; then ok "SROI example: $want"; else not_ok "SROI example: $want" "$(printf '%s\n' "$out" | head -20)"; fi
done

done_testing
