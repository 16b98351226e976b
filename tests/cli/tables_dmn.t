#!/bin/bash
# Decision tables a DMN author can port (docs/language.md "Decision
# tables"): hit priority and hit output order over an enumerated output,
# half-open and closed ranges as cells, the | else || ... | default row,
# and the null rule.  tests/cli/dmn/ holds tables translated from the DMN
# 1.3 specification's examples and the DMN TCK's priority models (each file
# says which).
. "$(dirname "$0")/lib.sh"
dir=$(cd "$(dirname "$0")/dmn" && pwd)
cd "$tmp" || exit 1

# ---- priority and output order (DMN P and O) ----
expect_out "eligibility (DMN 1.3, P): every case" "[true, true, true, true, true, true]" \
  "$SVL" run "$dir/eligibility_priority.svl"
expect_out "approval (TCK 0004-simpletable-P): the highest-priority output wins" \
  "$(printf 'Approved\nDeclined\nDeclined\nDeclined\nDeclined')" "$SVL" run "$dir/approval_priority.svl"
expect_out "routing (O): every output, highest priority first, rows in order within one value" \
  "$(printf '["ACCEPT"]\n["REFER", "REFER", "ACCEPT"]\n["Applicant too risky", "Applicant bankrupt", "Low credit score", "Debt review"]')" \
  "$SVL" run "$dir/routing_output_order.svl"
expect_status "the DMN files pass svl check" 0 "$SVL" check "$dir/eligibility_priority.svl" "$dir/approval_priority.svl" "$dir/routing_output_order.svl"

# the row order does not matter under priority: the same rows reversed
python3 - "$dir/eligibility_priority.svl" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
rows = [i for i, l in enumerate(lines) if l.startswith("  | ") and "||" in l][1:]
body = [lines[i] for i in rows][::-1]
for i, r in zip(rows, body):
    lines[i] = r
open("reversed.svl", "w").write("\n".join(lines))
PY
expect_out "priority ignores row order" "[true, true, true, true, true, true]" "$SVL" run reversed.svl

cat >two_orders.svl <<'SVL'
type Level = "high" | "low"
type Speed = "fast" | "slow"
table t(x) hit priority {
  | x   || level: Level | speed: Speed |
  | > 0 || "low"        | "fast"       |
  | > 1 || "high"       | "slow"       |
  | > 2 || "high"       | "fast"       |
}
print [t(1).level, t(2).speed, t(3).speed]
SVL
expect_out "two ordered outputs: the first decides, the second breaks ties" '["low", "slow", "fast"]' "$SVL" run two_orders.svl

cat >no_order.svl <<'SVL'
table t(x) hit priority {
  | x || r   |
  | - || "a" |
}
SVL
expect_status "hit priority without an ordered output: exit 2" 2 "$SVL" run no_order.svl
expect_err "it says how to order the outputs" "hit priority needs an output column typed by an enumeration"
expect_status "svl check finds it too" 2 "$SVL" check no_order.svl

cat >outside.svl <<'SVL'
type Rating = "high" | "medium" | "low"
table risk(score) hit priority {
  | score || rating: Rating |
  | > 80  || "high"         |
  | -     || "none"         |
}
print risk(10)
SVL
expect_status "an output outside the order: exit 1" 1 "$SVL" run outside.svl
expect_err "E0609 names the row, the value and the order" \
  'error: table risk: row 2 gives rating = "none", which is not Rating ("high", "medium" or "low") [E0609]'
expect_status "svl check finds it before running: exit 2" 2 "$SVL" check outside.svl
expect_err "at the row's output cell" \
  'outside.svl:5:14: error: table risk: row 2 gives rating = "none", which is not Rating ("high", "medium" or "low") [E0609]'

cat >not_enum.svl <<'SVL'
table t(x) hit priority {
  | x || r: text |
  | - || "a"     |
}
SVL
expect_status "an output typed by a non-enumeration: exit 2" 2 "$SVL" run not_enum.svl
expect_err "it must be an enumeration" "it must be an enumeration [E0604]"

# ---- ranges as cells ----
cat >ranges.svl <<'SVL'
table band(x) {
  | x        || b      |
  | < 0      || "neg"  |
  | [0..10)  || "low"  |
  | [10..20] || "mid"  |
  | (20..30] || "high" |
  | > 30     || "top"  |
}
print [band(-0.5), band(0), band(9.99), band(10), band(20), band(20.01), band(30), band(30.5)]
SVL
expect_out "[a..b) excludes b, (a..b] excludes a, [a..b] includes both" \
  '["neg", "low", "low", "mid", "mid", "high", "high", "top"]' "$SVL" run ranges.svl
expect_status "half-open bands that meet: no gap, no overlap" 0 "$SVL" check ranges.svl
sed 's/| \[0..10)  |/| [0..10]  |/' ranges.svl >ranges_overlap.svl
expect_status "a closed band that shares its end: exit 2" 2 "$SVL" check ranges_overlap.svl
expect_err "the shared end is the overlap" "error: table band: rows 2 and 3 overlap, e.g. x = 10 [E0602]"
sed 's/| (20..30] |/| (21..30] |/' ranges.svl >ranges_gap.svl
"$SVL" check ranges_gap.svl 2>"$tmp/err"
expect_err "a gap between half-open bands" "no row covers 20 < x <= 21, e.g. x = 21"
printf 'table t(x) {\n  | x      || r |\n  | [1, 2) || 1 |\n}\n' >typo.svl
expect_status "[1, 2) is not a range: exit 2" 2 "$SVL" run typo.svl
expect_err "the bracket is reported" "closing bracket does not match the open one [E0105]"
cp ranges.svl fmt.svl
"$SVL" fmt fmt.svl
if cmp -s ranges.svl fmt.svl; then ok "svl fmt keeps half-open ranges"; else not_ok "fmt" "$(diff ranges.svl fmt.svl)"; fi
python3 - <<'PY'
lines = ["table band(x) hit first {", "  | x || b |"]
for i in range(300):
    lines.append("  | [%d..%d) || %d |" % (i * 10, i * 10 + 10, i))
lines.append("  | else || -1 |")
lines += ["}", "print [band(0), band(9.99), band(10), band(2990), band(2999.5), band(3000), band(-1)]"]
open("indexed.svl", "w").write("\n".join(lines) + "\n")
PY
expect_out "a large table (the row index) honours open ends" "[0, 0, 1, 299, 299, -1, -1]" "$SVL" run indexed.svl

# ---- | else || ... | ----
cat >else.svl <<'SVL'
table fee(value: GBP) {
  | value        || band | rate |
  | [£0..£10k)   || 1    | 2%   |
  | [£10k..£50k) || 2    | 3%   |
  | else         || 0    | 0%   |
}
table tags(x) hit collect {
  | x    || tag    |
  | > 5  || "big"  |
  | else || "none" |
}
print [fee(£5k).band, fee(£10k).band, fee(£50k).band, fee(-£1).rate]
print [tags(9), tags(1)]
SVL
expect_out "else gives the output when no row matches" '[1, 2, 0, 0%]
[["big"], ["none"]]' "$SVL" run else.svl
expect_status "svl check treats a table with else as complete" 0 "$SVL" check else.svl
printf 'table t(x) {\n  | x || r |\n  | else || 1 |\n  | 1 || 2 |\n}\n' >else_first.svl
expect_status "else before other rows: exit 2" 2 "$SVL" run else_first.svl
expect_err "else comes last" "the | else || ... | row comes last"
printf 'table t(x) hit collect count {\n  | x || r |\n  | 1 || 2 |\n  | else || 1 |\n}\n' >else_count.svl
expect_status "else under collect count: exit 2" 2 "$SVL" run else_count.svl
printf 'table t(x) {\n  | x || r |\n  | 1 || 2 |\n  | else || 1 | 3 |\n}\n' >else_cells.svl
expect_status "else with the wrong number of outputs: exit 2" 2 "$SVL" run else_cells.svl
expect_err "the else row's cells are counted" "the else row has 2 output cells; the header has 1"
cp else.svl else_fmt.svl
"$SVL" fmt else_fmt.svl
if cmp -s else.svl else_fmt.svl; then ok "svl fmt keeps the else row"; else not_ok "fmt else" "$(diff else.svl else_fmt.svl)"; fi
"$SVL" explain else.svl 'fee(-£1)' >"$tmp/out" 2>&1
if grep -q "none: else" "$tmp/out"; then ok "explain says the else row gave the output"; else not_ok "explain else" "$(cat "$tmp/out")"; fi

# ---- the null rule: the same answer whatever the column order ----
cat >nulls.svl <<'SVL'
table ab(flag, amount, extra) hit first {
  | flag  | amount | extra || r |
  | true  | > 100  | > 5   || 1 |
  | false | > 100  | < 5   || 2 |
  | -     | -      | -     || 3 |
}
table ba(extra, amount, flag) hit first {
  | extra | amount | flag  || r |
  | > 5   | > 100  | true  || 1 |
  | < 5   | > 100  | false || 2 |
  | -     | -      | -     || 3 |
}
print [ab(false, 138, null), ba(null, 138, false)]
table n(x) {
  | x         || r         |
  | < 5       || "small"   |
  | >= 5      || "large"   |
  | null      || "missing" |
}
table m(x) hit collect {
  | x           || r |
  | not(< 5)    || 1 |
  | not(1..3)   || 2 |
  | not(7)      || 3 |
  | != 7        || 4 |
  | -           || 5 |
}
print [n(null), n(3), m(null)]
SVL
expect_out "a null input: no error and one answer in either column order" '[3, 3]
["missing", "small", [3, 4, 5]]' "$SVL" run nulls.svl
expect_status "check: the null row neither overlaps nor leaves a gap" 0 "$SVL" check nulls.svl
cat >null_nomatch.svl <<'SVL'
table t(a, b) {
  | a    | b || r |
  | < 5  | - || 1 |
  | >= 5 | - || 2 |
}
print t(null, 1)
SVL
expect_status "no row for a null input: exit 1" 1 "$SVL" run null_nomatch.svl
expect_err "the message names the input" "error: table t: no row matches (a = null, b = 1) [E0601]"
expect_err "and the hint gives the rule" "a null input matches only - cells, null and != tests"

done_testing
