#!/bin/bash
# svl check on decision tables (docs/check.md): the sweep's findings at
# the edges of decimal128, --timeout, tables of many rows, and the domains
# of typed inputs (whole numbers, enumerations).
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

check() {
  timeout 300 "$SVL" check "$@" >"$tmp/out" 2>"$tmp/err"
  st=$?
}
has() {
  if grep -qxF -- "$2" "$tmp/err"; then ok "$1"; else not_ok "$1" "want: $2; got: $(grep -E 'error|warning|note' "$tmp/err" | head -8)"; fi
}
lacks() {
  if grep -qF -- "$2" "$tmp/err"; then not_ok "$1" "unexpected: $(grep -F -- "$2" "$tmp/err" | head -3)"; else ok "$1"; fi
}
status() {
  if [ "$st" = "$2" ]; then ok "$1"; else not_ok "$1" "exit $st, expected $2; stderr: $(head -5 "$tmp/err")"; fi
}
count() { grep -c -- "$1" "$tmp/err"; }

# 1. Boundaries so large that x - 1 and x + 1 round back to x: the gap is
#    the boundary itself, not "no row can match any input".
cat >huge.svl <<'SVL'
table t(x) {
  | x      || out |
  | < 1e40 || 1   |
  | > 1e40 || 2   |
}
SVL
check huge.svl
status "a gap at 1e40: exit 2" 2
has "the gap is x = 1e40" \
  "huge.svl:1:1: error: table t: no row covers x = 10000000000000000000000000000000000000000 (add a row, or a last | - | row under hit first) [E0601]"
lacks "no false 'no row can match'" "no row can match any input"
cat >huge_neg.svl <<'SVL'
table t(x) {
  | x         || out |
  | <= -1e40  || 1   |
  | > -1e40   || 2   |
}
SVL
check huge_neg.svl
status "complete at -1e40: exit 0" 0

# 2. A table of many rows: every band and every region, checked in one go;
#    then one row removed and one duplicated, each found by row number.
python3 - <<'PY'
regions = ["north", "south", "east", "west"]
def table(skip=None, dup=None):
    lines = ["table fee(score, region) {", "  | score | region || fee |"]
    for r in regions:
        lines.append('  | < 0 | "%s" || 0 |' % r)
        for i in range(1000):
            if (r, i) == skip:
                continue
            lines.append('  | not(< %d, >= %d) | "%s" || %d |' % (i * 10, i * 10 + 10, r, i))
            if (r, i) == dup:
                lines.append('  | %d..%d | "%s" || %d |' % (i * 10 + 5, i * 10 + 6, r, i))
        lines.append('  | >= 10000 | "%s" || 9 |' % r)
    lines.append('  | - | not("north", "south", "east", "west") || 0 |')
    lines.append("}")
    return "\n".join(lines) + "\n"
open("many.svl", "w").write(table())
open("many_gap.svl", "w").write(table(skip=("east", 517)))
open("many_overlap.svl", "w").write(table(dup=("west", 998)))
PY
check many.svl
status "4,000 rows, complete and disjoint: exit 0" 0
check many_gap.svl
status "a missing band: exit 2" 2
has "the missing band, with its region" \
  "many_gap.svl:1:1: error: table fee: no row covers 5170 <= score < 5180 and region = \"east\", e.g. score = 5170, region = \"east\" (add a row, or a last | - | row under hit first) [E0601]"
[ "$(count 'error:')" = 1 ] && ok "nothing else reported" || not_ok "one finding" "$(cat "$tmp/err")"
check many_overlap.svl
status "a duplicated band: exit 2" 2
if grep -q "error: table fee: rows 4006 and 4007 overlap, e.g. score = 9985, region = \"west\" \[E0602\]" "$tmp/err"; then
  ok "the overlapping rows, by number"; else not_ok "overlap rows" "$(grep error "$tmp/err")"; fi

# 3. --timeout stops the check: a limit error (exit 1), not a report.
python3 - <<'PY'
lines = ["table slow(a, b, c) {", "  | a | b | c || r |"]
for r in range(3000):
    lines.append("  | < %d | > %d | %d..%d || %d |" % (r, (r * 7) % 3000, r % 50, r % 50 + 3, r))
lines.append("}")
open("slow.svl", "w").write("\n".join(lines) + "\n")
PY
check slow.svl --timeout 1
status "--timeout 1: exit 1" 1
has "the limit is named" "error: time limit reached (1 ms) [E0803]"
check slow.svl --timeout 600000
status "a generous --timeout changes nothing: exit 2" 2

# 4. Whole numbers and enumerations (table inputs annotated int or with an
#    enumerated type): a table is complete when it covers every value the
#    type allows, and a missing value is named.
cat >lots.svl <<'SVL'
type Lot = 1 | 2 | 3

table lot_rules(lot: Lot) {
  | lot || budget | route         |
  | 1   || £100k  | "call-off"    |
  | 2   || £250k  | "mini-tender" |
  | 3   || £400k  | "open tender" |
}
SVL
check lots.svl
status "a lot table keyed 1, 2, 3 over Lot passes" 0
grep -v '| 3 ' lots.svl >lots_missing.svl
check lots_missing.svl
status "lot 3 missing: exit 2" 2
has "the missing lot is named" \
  "lots_missing.svl:3:1: error: table lot_rules: no row covers lot = 3 (add a row, or a last | - | row under hit first) [E0601]"
[ "$(count 'error:')" = 1 ] && ok "nothing else about the lots" || not_ok "one finding" "$(cat "$tmp/err")"
sed 's/(lot: Lot)/(lot)/' lots.svl >lots_untyped.svl
check lots_untyped.svl
status "the same rows over any number leave gaps" 2
has "between the codes" \
  "lots_untyped.svl:3:1: error: table lot_rules: no row covers 1 < lot < 2, e.g. lot = 1.5 (add a row, or a last | - | row under hit first) [E0601]"

cat >marks.svl <<'SVL'
# Quality marks are whole numbers; each band gives the points.
table band(mark: int) {
  | mark || points |
  | <= 0 || 0      |
  | 1    || 20     |
  | 2    || 40     |
  | 3    || 60     |
  | 4    || 80     |
  | >= 5 || 100    |
}
SVL
check marks.svl
status "mark bands 0-5 over int pass" 0
sed 's/(mark: int)/(mark)/' marks.svl >marks_number.svl
check marks_number.svl
[ "$(count 'error: table band: no row covers')" = 5 ] && ok "over any number, the five gaps between marks" || not_ok "5 gaps" "$(cat "$tmp/err")"
grep -v '| 3 ' marks.svl >marks_missing.svl
check marks_missing.svl
status "mark 3 missing: exit 2" 2
has "the missing mark is named" \
  "marks_missing.svl:2:1: error: table band: no row covers mark = 3 (add a row, or a last | - | row under hit first) [E0601]"
cat >marks_open.svl <<'SVL'
table band(mark: int) {
  | mark  || points |
  | 0..2  || 20     |
  | 6..9  || 60     |
  | > 10  || 100    |
}
SVL
check marks_open.svl
has "whole numbers below the first band" \
  "marks_open.svl:1:1: error: table band: no row covers mark <= -1, e.g. mark = -1 (add a row, or a last | - | row under hit first) [E0601]"
has "a run of whole numbers, first to last" \
  "marks_open.svl:1:1: error: table band: no row covers mark in 3..5, e.g. mark = 3 (add a row, or a last | - | row under hit first) [E0601]"
has "one whole number between bands" \
  "marks_open.svl:1:1: error: table band: no row covers mark = 10 (add a row, or a last | - | row under hit first) [E0601]"
cat >int_overlap.svl <<'SVL'
table t(n: int) {
  | n     || out |
  | < 2.5 || 0   |
  | > 2   || 1   |
}
SVL
check int_overlap.svl
status "< 2.5 and > 2 do not overlap over whole numbers" 0

cat >grades.svl <<'SVL'
type Grade = "excellent" | "good" | "adequate" | "poor"
type Lot = 1 | 2 | 3

table points(grade: Grade, lot: Lot) {
  | grade              | lot  || points |
  | "excellent"        | -    || 100    |
  | "good", "adequate" | 1, 2 || 50     |
  | "poor"             | -    || 0      |
}
SVL
check grades.svl
status "a gap in two enumerations: exit 2" 2
has "named by both values (1)" \
  "grades.svl:4:1: error: table points: no row covers grade = \"good\" and lot = 3 (add a row, or a last | - | row under hit first) [E0601]"
has "named by both values (2)" \
  "grades.svl:4:1: error: table points: no row covers grade = \"adequate\" and lot = 3 (add a row, or a last | - | row under hit first) [E0601]"
lacks "no 'other text' warning for an enumeration" "other than"

done_testing
