#!/bin/bash
# svl report and the `report` declaration without a browser (the browser
# checks are tests/cli/report_browser.t): the examples' pages are written,
# self-contained, valid HTML and the same bytes each time; hostile texts are
# escaped; a failed run leaves the old page; declaration errors.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
cd "$root" || exit 1

. "$(dirname "$0")/report_lib.sh"

for ex in examples/scoring/report.svl examples/home_care_sv/report.svl examples/ocds/report.svl \
          examples/home_care/evaluation.svl tests/report/many.svl; do
  out=$tmp/$(basename "$(dirname "$ex")").html
  inputs=""
  [ "$ex" = examples/home_care/evaluation.svl ] && inputs="--input bids=examples/home_care/bids.csv"
  # shellcheck disable=SC2086
  expect_status "$ex: svl report exits 0" 0 "$SVL" report "$ex" $inputs -o "$out"
  if head -1 "$out" | grep -q '^<!DOCTYPE html>$' && grep -q '</html>' "$out"; then ok "$ex: a whole HTML page"; else not_ok "$ex: a whole HTML page"; fi
  if self_contained "$out"; then ok "$ex: no script, URL or external resource"
  else not_ok "$ex: no script, URL or external resource" "$(grep -oiE '<script|<link|https?://[^ ]*| src=|url\([^#]' "$out" | head -3)"; fi
  if grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"" "$out"; then
    ok "$ex: a policy forbids scripts and requests"; else not_ok "$ex: a policy forbids scripts and requests"; fi
  if [ -z "$validator" ]; then ok "# SKIP $ex: valid HTML (python3-html5lib is not installed: make report-deps)"
  elif msg=$(valid_html "$out"); then ok "$ex: valid HTML (html5lib, strict)"; else not_ok "$ex: valid HTML (html5lib, strict)" "$msg"; fi
  # shellcheck disable=SC2086
  "$SVL" report "$ex" $inputs -o "$tmp/again.html" 2>/dev/null
  if cmp -s "$out" "$tmp/again.html"; then ok "$ex: the same page each time"; else not_ok "$ex: the same page each time"; fi
done

# the validator is not a rubber stamp
if [ -n "$validator" ]; then
  printf '<!DOCTYPE html><title>x</title><p><b>x</p></b>\n' >"$tmp/bad.html"
  if valid_html "$tmp/bad.html" >/dev/null; then not_ok "mis-nested tags are invalid HTML"; else ok "mis-nested tags are invalid HTML"; fi
fi

size=$(wc -c <"$tmp/report.html")
if [ "$size" -lt 1000000 ]; then ok "100 bids: under 1 MB ($size bytes)"; else not_ok "100 bids: under 1 MB ($size bytes)"; fi

# hostile texts from bids and rules stay text
h=$tmp/hostile.html
expect_status "hostile: svl report exits 0" 0 "$SVL" report tests/report/hostile.svl -o "$h"
markup='<(script|img|style[^>]*>body|p id=|b>|em>|a href="h|i>)'
if ! grep -qiE "$markup" "$h"; then ok "hostile: no markup from the data"
else not_ok "hostile: no markup from the data" "$(grep -oiE "$markup[^>]*" "$h" | head -3)"; fi
for frag in '&lt;script&gt;document.documentElement.dataset.pwned = &#39;script&#39;&lt;/script&gt;' \
            '&lt;img src=x onerror=&quot;document.documentElement.dataset.pwned = &#39;img&#39;&quot;&gt;' \
            'Quote &quot;&amp;&#39; Ltd&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;p id=&quot;injected&quot;&gt;' \
            '<title>&lt;/title&gt;&lt;script&gt;' 'quality &lt;b&gt;40&lt;/b&gt; below 50' \
            '&lt;a href=&quot;http://example.invalid/&quot;&gt;not a link&lt;/a&gt;'; do
  if grep -qF -- "$frag" "$h"; then ok "hostile: shown escaped: ${frag:0:40}"; else not_ok "hostile: shown escaped: ${frag:0:40}"; fi
done
if ! grep -qiE '<[a-z][^<>]*\s(src|href)="?[a-z]+:' "$h"; then ok "hostile: no link or source attribute"; else not_ok "hostile: no link or source attribute"; fi

# without -o the page goes to stdout and what the rules print to stderr
"$SVL" report examples/scoring/report.svl >"$tmp/stdout.html" 2>"$tmp/err"
if cmp -s "$tmp/stdout.html" "$tmp/scoring.html" && grep -q '^Winner: Beacon Mobility CIC$' "$tmp/err"; then
  ok "without -o: the page on stdout, print output on stderr"; else not_ok "without -o: the page on stdout, print output on stderr"; fi

# a failed report leaves the old page whole, and no temporary file
cp "$tmp/scoring.html" "$tmp/keep.html"
broken_rules "$tmp/broken.svl"
expect_status "a gate's runtime error: exit 1" 1 "$SVL" report "$tmp/broken.svl" -o "$tmp/keep.html"
expect_err "the error names where it happened" "broken.svl:2:"
if cmp -s "$tmp/keep.html" "$tmp/scoring.html" && [ -z "$(ls "$tmp" | grep 'keep.html.tmp')" ]; then
  ok "the previous page is kept, no temporary file left"; else not_ok "the previous page is kept, no temporary file left"; fi
expect_status "an unwritable output: exit 1" 1 "$SVL" report examples/scoring/report.svl -o "$tmp/no/such/dir/r.html"
expect_err "it says which file" "cannot write '$tmp/no/such/dir/r.html'"

# the declaration
decl() { printf '%s\n' "$@" >"$tmp/d.svl"; }
decl 'report {' '  title: "t"' '  rankng: []' '}'
expect_status "unknown report field: exit 1" 1 "$SVL" report "$tmp/d.svl"
expect_err "it is E0409 and points at the field" "d.svl:3:3: error: report: unknown field 'rankng' [E0409]"
expect_err "with a suggestion" "did you mean 'ranking'?"
decl 'report {' '  title: "t"' '}'
expect_status "no ranking: exit 1" 1 "$SVL" report "$tmp/d.svl"
expect_err "it says what is missing" "report: no 'ranking' [E0409]"
decl 'report {' '  title: 42' '  ranking: []' '}'
expect_status "a title that is not a text: exit 1" 1 "$SVL" report "$tmp/d.svl"
expect_err "it says what a title is" "report: 'title' must be a text, got number [E0409]"
decl 'report {' '  title: "t"' '  ranking: [1, 2]' '}'
expect_status "a ranking of numbers: exit 1" 1 "$SVL" report "$tmp/d.svl"
expect_err "it says what a ranking is" "'ranking' must be a list of records"
decl 'report {' '  title: "t"' '  ranking: [{supplier: "A"}]' '  moderation: [{bid: "A", criterion: "delivery"}]' '}'
expect_status "moderation rows without marks: exit 1" 1 "$SVL" report "$tmp/d.svl"
expect_err "it says what a moderation row needs" "report: each row of moderation needs bid, criterion, marks and consensus (moderation.moderate's result) [E0409]"
decl 'report {' '  title: "t"' '  ranking: [{supplier: "A"}]' '  labels: {price: 5}' '}'
expect_status "labels that are not texts: exit 1" 1 "$SVL" report "$tmp/d.svl"
expect_err "it says what labels are" "'labels' must be a record of criterion: label text"
decl 'report {' '  title: "t"' '  ranking: [{supplier: "A", scores: {price: 5}}]' '  weights: {price: 60%, quality: 40%}' '}'
expect_status "scores missing a criterion: exit 1" 1 "$SVL" report "$tmp/d.svl"
expect_err "it names the bid and the criterion" "the scores of A have no 'quality'"
decl 'report { title: "a", ranking: [] }' 'report { title: "b", ranking: [] }'
expect_status "two report declarations: exit 2" 2 "$SVL" report "$tmp/d.svl"
expect_err "it is a duplicate" "'report' is defined twice [E0303]"
decl 'fn f() {' '  report { title: "t", ranking: [] }' '  1' '}'
expect_status "a report inside a function: exit 2" 2 "$SVL" run "$tmp/d.svl"
decl 'summary { title: "t" }'
expect_status "another NAME { ... }: exit 2" 2 "$SVL" run "$tmp/d.svl"
expect_err "a syntax error with a hint" "the one declaration written NAME { fields } is report"
decl 'let report = {title: 1}' 'print report.title'
expect_out "report is still an ordinary name elsewhere" "1" "$SVL" run "$tmp/d.svl"
expect_status "but not a report declaration: exit 2" 2 "$SVL" report "$tmp/d.svl"
expect_err "svl report says so" "has no report declaration"
decl 'report { title: "Empty", ranking: [] }'
expect_status "an empty ranking still makes a page" 0 "$SVL" report "$tmp/d.svl" -o "$tmp/empty.html"
if grep -q "nothing to award" "$tmp/empty.html"; then ok "and says there is nothing to award"; else not_ok "and says there is nothing to award"; fi
decl 'report { title: "t", ranking: [], sensitivity: null }' 'print report.title'
expect_out "the declaration is the record report; null switches a field off" "t" "$SVL" run "$tmp/d.svl"
decl 'report {' '  title: "t"' '  ranking: [{supplier: "A", scores: {price: 5, quality: 9}}, {supplier: "B", scores: {price: 9, quality: 1}}]' \
  '  weights: {price: 60, quality: 40}' '}'
expect_status "weights as whole numbers: a page" 0 "$SVL" report "$tmp/d.svl" -o "$tmp/w.html"
if grep -q 'id="contributions"' "$tmp/w.html" && ! grep -q 'sensitivity' "$tmp/w.html"; then
  ok "with contributions but no sensitivity ranges, which need weights totalling 100%"
else not_ok "with contributions but no sensitivity ranges, which need weights totalling 100%"; fi
expect_status "svl report with no file: exit 2" 2 "$SVL" report

# fmt and check know the declaration
expect_status "svl fmt --check: the report files are formatted" 0 "$SVL" fmt --check examples/scoring/report.svl \
  examples/home_care_sv/report.svl examples/ocds/report.svl examples/home_care/evaluation.svl tests/report/hostile.svl \
  tests/report/many.svl
printf 'report {\n    title:"t",\n  ranking:   []\n}\n' | "$SVL" fmt - >"$tmp/f.svl"
if [ "$(cat "$tmp/f.svl")" = "$(printf 'report {\n  title: "t",\n  ranking: []\n}')" ]; then ok "svl fmt lays out a report like a record"
else not_ok "svl fmt lays out a report like a record" "$(cat "$tmp/f.svl")"; fi
expect_status "svl check: the examples' report files are clean" 0 "$SVL" check examples/scoring/report.svl \
  examples/home_care_sv/report.svl examples/ocds/report.svl
decl 'fn used() = 1' 'report { title: "t", ranking: [], total: b => b.total + used() }'
"$SVL" check "$tmp/d.svl" 2>"$tmp/err"
if ! grep -q "never used" "$tmp/err"; then ok "svl check: a name used only by the report is used"; else not_ok "svl check: a name used only by the report is used" "$(cat "$tmp/err")"; fi

# What separated the winner from the runner-up, and the per-bid explanations
# at the author's level: no library internals, no path outside the folder.
for f in examples/home_care_sv/report.svl examples/scoring/report.svl examples/ocds/report.svl; do
  "$SVL" report "$f" -o "$tmp/sep.html" >/dev/null 2>&1
  if python3 - "$tmp/sep.html" <<'PY'
import html, re, sys
from decimal import Decimal
s = open(sys.argv[1]).read()
m = re.search(r'<section id="separation">.*?<pre class="narrative">(.*?)</pre>', s, re.S)
assert m, "no separation section"
text = html.unescape(m.group(1))
head = re.match(r"(.+?) scored ([\d.,]+) and (.+?) ([\d.,]+): ([\d.,]+) (more|less)\.", text)
assert head, text
num = lambda x: Decimal(x.replace(",", ""))
diff = num(head.group(5)) * (1 if head.group(6) == "more" else -1)
parts = [num(a) * (1 if w == "more" else -1) for a, w in re.findall(r"^  On .*?: ([\d.,]+) (more|less)\.$", text, re.M)]
parts += [num(a.replace("−", "-").replace("+", "")) for a in re.findall(r"Rounding accounts for ([−+]?[\d.,]+)", text)]
assert parts and sum(parts) == diff, (parts, diff, text)
body = re.sub(r"<footer>.*", "", s, flags=re.S)
expl = "".join(re.findall(r'<pre class="narrative">(.*?)</pre>', body, re.S))
assert not re.search(r"(?<![\w.])_[a-z]", expl), "an internal name in the explanations"
assert not re.search(r"(^|[\s(])/[A-Za-z]", html.unescape(expl)), "a path in the explanations"
PY
  then ok "report $f: winner vs runner-up adds up; explanations at the author's level"
  else not_ok "report $f: winner vs runner-up" "$(head -c 600 "$tmp/sep.html" | tail -c 200)"
  fi
done

done_testing
