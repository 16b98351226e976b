#!/bin/bash
# svl check through the real binary: decision-table gaps and overlaps with
# their example inputs, unit mismatches found before running, unused names,
# --strict, --format json, exit statuses (SPEC 6, 10).
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# check FILE [options]: run svl check, stderr in $tmp/err, status in $st
check() {
  timeout 120 "$SVL" check "$@" >"$tmp/out" 2>"$tmp/err"
  st=$?
}
# has DESC LINE: the report has this exact line
has() {
  if grep -qxF -- "$2" "$tmp/err"; then ok "$1"; else not_ok "$1" "want: $2; got: $(grep -E 'error|warning|note' "$tmp/err" | head -8)"; fi
}
# lacks DESC FRAGMENT: the report does not contain it
lacks() {
  if grep -qF -- "$2" "$tmp/err"; then not_ok "$1" "unexpected: $(grep -F -- "$2" "$tmp/err" | head -3)"; else ok "$1"; fi
}
status() {
  if [ "$st" = "$2" ]; then ok "$1"; else not_ok "$1" "exit $st, expected $2; stderr: $(head -5 "$tmp/err")"; fi
}

# 1. a gap exactly at a boundary: < 50 and > 50 leave 50 itself
cat >boundary.svl <<'SVL'
# grades
table grade_of(score) hit unique {
  | score || grade  |
  | < 50  || "fail" |
  | > 50  || "pass" |
}
SVL
check boundary.svl
status "a gap is an error: exit 2" 2
has "gap at the boundary, with the table's position" \
  "boundary.svl:2:1: error: table grade_of: no row covers score = 50 (add a row, or a last | - | row under hit first) [E0601]"
has "source line under the finding" "  table grade_of(score) hit unique {"
lacks "no overlap reported for disjoint rows" "overlap"

# 2. a complete, unambiguous table: < 50 and >= 50
cat >complete.svl <<'SVL'
table grade_of(score) {
  | score || grade  |
  | < 50  || "fail" |
  | >= 50 || "pass" |
}
let main = grade_of(72)
SVL
check complete.svl
status "a complete table passes: exit 0" 0
if [ ! -s "$tmp/err" ]; then ok "and nothing is reported"; else not_ok "nothing reported" "$(cat "$tmp/err")"; fi

# 3. overlapping ranges, with an example input and both gaps at the ends
cat >ranges.svl <<'SVL'
table band(score) {
  | score   || band   |
  | 0..70   || "low"  |
  | 60..100 || "high" |
}
let main = band(10)
SVL
check ranges.svl
status "overlap: exit 2" 2
has "overlap of ranges names both rows and an example, at the later row" \
  "ranges.svl:4:3: error: table band: rows 1 and 2 overlap, e.g. score = 60 [E0602]"
has "overlap hint" "  hint: under hit unique each input must match one row: narrow one of them, or use hit first"
has "gap below the first range, as a region with an example" \
  "ranges.svl:1:1: error: table band: no row covers score < 0, e.g. score = -1 (add a row, or a last | - | row under hit first) [E0601]"
has "gap above the last range" \
  "ranges.svl:1:1: error: table band: no row covers score > 100, e.g. score = 101 (add a row, or a last | - | row under hit first) [E0601]"
n_found=$(grep -c 'error: ' "$tmp/err")
[ "$n_found" = 3 ] && ok "every finding is printed, not just the first" || not_ok "three findings" "got $n_found"
lines=$(grep -o '^ranges.svl:[0-9]*' "$tmp/err" | cut -d: -f2 | tr '\n' ' ')
[ "$lines" = "1 1 4 " ] && ok "findings sorted by position" || not_ok "sorted by position" "lines: $lines"

# 4. two inputs with a gap in one corner
cat >corner.svl <<'SVL'
table discount(score, years) {
  | score | years || discount |
  | < 50  | < 5   || 0%       |
  | >= 50 | -     || 10%      |
}
let main = discount(80, 2)
SVL
check corner.svl
status "corner gap: exit 2" 2
has "the corner, described over both inputs, with an example" \
  "corner.svl:1:1: error: table discount: no row covers score < 50 and years >= 5, e.g. score = 49, years = 5 (add a row, or a last | - | row under hit first) [E0601]"

# 5. a text table with a duplicated text; other texts are only a warning
cat >texts.svl <<'SVL'
table quality_points(grade: text) hit unique {
  | grade                  || points |
  | "excellent"            || 100    |
  | "good"                 || 70     |
  | "poor", "good"         || 0      |
}
let main = quality_points("good")
SVL
check texts.svl
status "duplicated text: exit 2" 2
has "the duplicated text is the example" \
  "texts.svl:5:3: error: table quality_points: rows 2 and 3 overlap, e.g. grade = \"good\" [E0602]"
has "texts not listed are a warning" \
  "texts.svl:1:1: warning: table quality_points: no row covers grade other than \"excellent\", \"good\", \"poor\" (if other values can occur, add a last | - | row under hit first) [E0601]"

# 6. money ranges that meet: £10k is in both
cat >money.svl <<'SVL'
table fee_band(value: GBP) {
  | value      || band |
  | < £0       || 0    |
  | £0..£10k   || 1    |
  | £10k..£20k || 2    |
  | > £20k     || 3    |
}
let main = fee_band(£5k)
SVL
check money.svl
status "money overlap: exit 2" 2
has "overlap exactly at £10k, shown as money" \
  "money.svl:5:3: error: table fee_band: rows 2 and 3 overlap, e.g. value = £10,000.00 [E0602]"
lacks "no gap: < £0 and > £20k close the ends" "no row covers"

# 7. dates: < and > the same day leave that day
cat >dates.svl <<'SVL'
table rate(start) {
  | start                || rate |
  | < date("2026-04-01") || 1    |
  | > date("2026-04-01") || 2    |
}
let main = rate(date("2026-01-01"))
SVL
check dates.svl
has "a date gap of one day" \
  "dates.svl:1:1: error: table rate: no row covers start = date(\"2026-04-01\") (add a row, or a last | - | row under hit first) [E0601]"

# units convert before comparing; percentages are numbers
cat >convert.svl <<'SVL'
table span(d) {
  | d          || r   |
  | < 2 weeks  || "a" |
  | >= 14 days || "b" |
}
table share(p) {
  | p     || r   |
  | < 50% || "a" |
  | > 50% || "b" |
}
table mixed(x) {
  | x          || r   |
  | < £5       || "a" |
  | >= 5 hours || "b" |
}
let main = [span(1 week), share(10%), mixed(£1)]
SVL
check convert.svl
lacks "2 weeks and 14 days meet exactly" "table span"
has "a percentage gap" \
  "convert.svl:6:1: error: table share: no row covers p = 50% (add a row, or a last | - | row under hit first) [E0601]"
has "units that cannot be compared in one column" \
  "convert.svl:14:5: error: table mixed: column x compares GBP (row 1) with hour (row 2) [E0401]"

# a | - | row overlaps every row under unique; other policies are not analysed
cat >dash.svl <<'SVL'
table a(x) {
  | x   || r |
  | 5   || 1 |
  | -   || 2 |
}
table b(x) hit first {
  | x   || r |
  | < 5 || 1 |
  | > 5 || 2 |
}
let main = [a(5), b(1)]
SVL
check dash.svl
has "the catch-all row overlaps" "dash.svl:4:3: error: table a: rows 1 and 2 overlap, e.g. x = 5 [E0602]"
has "with a hint to use hit first" \
  "  hint: a | - | row matches every input, so under hit unique it overlaps every other row; use hit first to make it the default"
lacks "hit first tables are not analysed" "table b"

# constants through top-level lets; operands known only when running are not guessed
cat >limits.svl <<'SVL'
let pass_mark = 50
table t(score, limit) {
  | score       || r |
  | < pass_mark || 1 |
  | > pass_mark || 2 |
  | >= limit    || 3 |
}
let main = t(10, 60)
SVL
check limits.svl
has "a non-constant operand is a note, never a guess" \
  "limits.svl:6:5: note: table t: column score is not fully analysed: row 3 compares it with limit, known only when the table runs; only certain gaps and overlaps are reported [E0608]"
lacks "the gap at 50 may be covered by row 3: not reported" "no row covers"
lacks "nor an overlap that depends on limit" "rows"
status "notes alone: exit 0" 0

# not(...) and lists are exact too
cat >nots.svl <<'SVL'
table t(x) {
  | x         || r   |
  | not(1, 2) || "a" |
  | 1, 2      || "b" |
}
table u(x) {
  | x      || r |
  | 10..5  || 1 |
  | -      || 2 |
}
let main = [t(3), u(1)]
SVL
check nots.svl
lacks "not(1, 2) and 1, 2 partition every input" "table t"
has "an empty range is a warning" \
  "nots.svl:8:5: warning: table u: row 1: the range 10..5 is empty, so this test never matches [E0607]"

# unit mismatches visible without running: errors, though nothing runs
cat >units.svl <<'SVL'
let fee = £5
let total = fee + 3 hours
fn charge(price: GBP) = price * 2
let a = charge(3 hours)
let b = date("2026-13-01")
let c = 40 hours as GBP
let same = £5 == 5 hours
let main = [total, a, b, c, same]
print "not printed by check"
assert false, "not evaluated by check"
SVL
check units.svl
status "unit mismatch: exit 2" 2
has "adding money to hours, through a let" "units.svl:2:13: error: cannot add GBP and hour [E0401]"
has "an annotated parameter given the wrong unit" "units.svl:4:16: error: argument 'price' of charge: expected GBP, got hour [E0405]"
has "an impossible date" "units.svl:5:9: error: date: \"2026-13-01\" is not a date in the form YYYY-MM-DD [E0407]"
has "a conversion across dimensions" "units.svl:6:9: error: cannot convert hour to GBP [E0401]"
has "an equality that can never hold" "units.svl:7:12: warning: GBP and hour are never equal, so this is always false [E0408]"
lacks "check runs nothing" "not printed by check"
if [ ! -s "$tmp/out" ]; then ok "nothing on stdout"; else not_ok "nothing on stdout" "$(cat "$tmp/out")"; fi
printf 'print £5 + 3 hours\n' >run_units.svl
expect_status "the same mismatch is a runtime error for run (exit 1)" 1 "$SVL" run run_units.svl

# a comma pasted as a thousands separator silently adds an item: a warning
# (docs/errors.md E0411); a list written without spaces is not flagged
cat >commas.svl <<'SVL'
let cap = max(£1,000, £250)
let ids = [1,2,3]
let scores = [10, 250]
let fine = [1,25]
let n = min(12,500.5, 3)
SVL
check commas.svl
status "a thousands comma is a warning: exit 0" 0
has "money then three digits" "commas.svl:1:15: warning: '£1,000' reads as two items, £1 and 000 [E0411]"
has "a number then three digits and decimals" "commas.svl:5:13: warning: '12,500.5' reads as two items, 12 and 500.5 [E0411]"
lacks "a list without spaces is not flagged" "commas.svl:2:"
lacks "two items with a space are not flagged" "commas.svl:3:"
lacks "two digits after the comma are not flagged" "commas.svl:4:"
check --strict commas.svl
status "an error under --strict" 2

# ... and svl run, svl test and the REPL show the same warning before the
# program runs (svl_config.warn), which still runs: a commissioner who
# never runs check sees why sum([1,000, 2,500]) is 503
cat >commas_run.svl <<'SVL'
let fees = [1,000, 2,500]
print sum(fees)
test "fees" { assert sum(fees) == 503 }
SVL
"$SVL" run commas_run.svl >"$tmp/out" 2>"$tmp/err"; s=$?
[ $s = 0 ] && grep -qx 503 "$tmp/out" && ok "run: the program still runs" || not_ok "run: the program still runs" "exit $s: $(cat "$tmp/out")"
if grep -qF "commas_run.svl:1:13: warning: '1,000' reads as two items, 1 and 000 [E0411]" "$tmp/err" &&
  grep -qF "commas_run.svl:1:20: warning: '2,500' reads as two items, 2 and 500 [E0411]" "$tmp/err" &&
  grep -qF "hint: a rule file has no thousands separators" "$tmp/err"; then ok "run: the warnings on stderr, with the hint"
else not_ok "run: the warnings on stderr, with the hint" "$(cat "$tmp/err")"; fi
if grep -q warning "$tmp/out"; then not_ok "run: stdout holds only the values" "$(cat "$tmp/out")"; else ok "run: stdout holds only the values"; fi
"$SVL" test commas_run.svl >"$tmp/out" 2>"$tmp/err"
grep -q "E0411" "$tmp/err" && ! grep -q "E0411" "$tmp/out" && ok "test: the warning on stderr, TAP clean" || not_ok "test: the warning on stderr" "$(cat "$tmp/err")"
printf 'let x = [1,000]\nx\n' | "$SVL" repl >"$tmp/out" 2>&1
grep -qF "<repl>:1:10: warning: '1,000' reads as two items, 1 and 000 [E0411]" "$tmp/out" && ok "repl: the warning for the line" || not_ok "repl: the warning for the line" "$(cat "$tmp/out")"
printf 'let fees = [1_000, 2_500]\nprint sum(fees)\n' >commas_fixed.svl
"$SVL" run commas_fixed.svl >"$tmp/out" 2>"$tmp/err"
[ ! -s "$tmp/err" ] && grep -qx 3500 "$tmp/out" && ok "run: no warning once fixed" || not_ok "run: no warning once fixed" "$(cat "$tmp/err")"

# unused names are warnings: exit 0, or 2 under --strict
cat >unused.svl <<'SVL'
import scoring
let rate = 5%
let spare = 12
let _kept = 1
fn helper(x, y) = x * 2
fn score(bid, _note) {
  let p = bid.price
  let q = 3
  p * rate
}
fn countdown(n) = if n <= 0 then 0 else countdown(n - 1)
let main = [score({price: £100}, ""), map([1, 2], v => 0)]
test "t" {
  let z = 1
  assert true
}
SVL
check unused.svl
status "warnings alone: exit 0" 0
has "unused import" "unused.svl:1:1: warning: import 'scoring' is never used [E0307]"
lacks "a top-level let is a result, never unused" "'spare'"
has "its hint" "  hint: remove it, or name it _y if it is unused on purpose"
has "unused fn" "unused.svl:5:4: warning: fn 'helper' is never used [E0307]"
has "unused parameter" "unused.svl:5:14: warning: parameter 'y' of helper is never used [E0307]"
has "unused local let" "unused.svl:8:7: warning: 'q' is defined but never used [E0307]"
has "a fn that only calls itself is unused" "unused.svl:11:4: warning: fn 'countdown' is never used [E0307]"
has "unused lambda parameter" "unused.svl:12:51: warning: parameter 'v' is never used [E0307]"
has "unused let in a test" "unused.svl:14:7: warning: 'z' is defined but never used [E0307]"
lacks "names starting with _ are exempt" "_kept"
lacks "_note is exempt" "_note"
lacks "main is exempt" "'main'"
lacks "used names are not reported" "'rate'"
has "a summary line" "0 errors, 7 warnings"
check unused.svl --strict
status "--strict: warnings fail (exit 2)" 2
has "--strict reports them as errors" "unused.svl:8:7: error: 'q' is defined but never used [E0307]"
lacks "--strict does not report top-level lets, which are results" "'spare'"

# --format json for editors, on stdout, one array for all files
check --format json boundary.svl unused.svl missing.svl
status "json: exit 2 with errors" 2
if python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
keys = {"file", "line", "column", "severity", "code", "message", "example"}
assert all(keys <= set(x) for x in d), d
gap = [x for x in d if x["code"] == "E0601"][0]
assert gap["file"] == "boundary.svl" and gap["line"] == 2 and gap["column"] == 1, gap
assert gap["severity"] == "error" and gap["example"] == "score = 50", gap
assert gap["message"].startswith("table grade_of: no row covers score = 50"), gap
w = [x for x in d if x["file"] == "unused.svl"]
assert len(w) == 7 and all(x["severity"] == "warning" and x["example"] is None for x in w), w
io = [x for x in d if x["file"] == "missing.svl"]
assert len(io) == 1 and io[0]["code"] == "E0901" and io[0]["line"] == 0, io
assert [x["file"] for x in d] == ["boundary.svl"] + ["unused.svl"] * 7 + ["missing.svl"], "files in argument order"
PY
then ok "json array of findings with file, line, column, severity, code, message, example"; else not_ok "json findings" "$(head -c 600 "$tmp/out")"; fi
check --format json complete.svl
expect_out "json with nothing found is an empty array" "[]" cat "$tmp/out"
expect_status "check reports as text or json only" 2 "$SVL" check --format csv boundary.svl

# syntax and name errors are findings too; later files are still checked
printf 'let x = (1 + 2\n' >syntax.svl
check syntax.svl boundary.svl
has "a syntax error" "syntax.svl:1:9: error: unclosed bracket [E0105]"
has "the next file is still checked" \
  "boundary.svl:2:1: error: table grade_of: no row covers score = 50 (add a row, or a last | - | row under hit first) [E0601]"

# --input names are globals the file may use
printf 'let main = [b.price for b in bids]\n' >inputs.svl
check inputs.svl
status "an unbound input is an undefined name" 2
check inputs.svl --input bids=bids.csv
status "--input NAME=PATH declares it (the file is not read)" 0

# a table with thousands of cells is analysed quickly, and says what it leaves out
python3 - <<'PY'
nc, nr = 8, 400
names = ["c%d" % i for i in range(nc)]
lines = ["table big(%s) {" % ", ".join(names), "  | " + " | ".join(names) + " || r |"]
for r in range(nr):
    cells = ["-"] * nc
    for k, i in enumerate(sorted({r % nc, (r * 3 + 1) % nc, (r * 5 + 2) % nc})):
        cells[i] = ("< %d" if (r + k) % 2 else "> %d") % ((r * 37 + k * 11) % 200)
    lines.append("  | " + " | ".join(cells) + " || %d |" % r)
lines += ["}", "let main = big"]
open("big.svl", "w").write("\n".join(lines) + "\n")
PY
check big.svl
status "a large table finishes" 2
[ "$(grep -c 'overlap, e.g.' "$tmp/err")" = 20 ] && ok "at most 20 overlapping pairs listed" || not_ok "20 overlaps" "$(grep -c overlap "$tmp/err")"
[ "$(grep -c 'error: table big: no row covers' "$tmp/err")" = 10 ] && ok "at most 10 gaps listed" || not_ok "10 gaps" "$(grep -c 'no row covers' "$tmp/err")"
if grep -q "note: table big: [0-9]* more pairs of overlapping rows are not listed \[E0608\]" "$tmp/err"; then ok "a note counts the overlaps left out"; else not_ok "overlap note"; fi
has "a note says more gaps exist" "big.svl:1:1: note: table big: more inputs that no row covers are not listed [E0608]"
done_testing
