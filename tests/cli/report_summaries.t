#!/bin/bash
# svl report --summaries DIR without a browser (the browser checks are
# tests/cli/report_summaries_browser.t): a page per bid and an index, each
# whole, self-contained, valid HTML and the same bytes each time; file names
# safe whatever the bidders are called; what each page states; the record's
# clarification log, declarations and sign-off in the report; an unwritable
# or clashing DIR fails cleanly and an error in the rules writes nothing.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
cd "$root" || exit 1
. "$(dirname "$0")/report_lib.sh"

# the page of DIR for the bid whose file name ends in SLUG.html
page() { ls "$1"/[0-9]*-"$2".html 2>/dev/null | head -1; }
# text of an HTML file, tags dropped and entities decoded, on one line
text_of() { python3 -c 'import html, re, sys; print(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?(bdi|strong|span|a|code|time)\b[^>]*>", "", open(sys.argv[1]).read().split("<body>")[-1]))).split()))' "$1"; }
files_are() { # DESC DIR NAMES: the files of DIR, in order, are NAMES
  got=$(cd "$2" && ls | tr '\n' ' ')
  if [ "$got" = "$3 " ]; then ok "$1"; else not_ok "$1" "$got"; fi
}
has() { # DESC FILE FRAGMENT: the text of FILE contains FRAGMENT
  text_of "$2" >"$tmp/text"
  if grep -qF -- "$3" "$tmp/text"; then ok "$1"; else not_ok "$1" "$(head -c 600 "$tmp/text")"; fi
}

m=$tmp/moderation
expect_status "moderation: svl report --summaries exits 0" 0 "$SVL" report examples/moderation/evaluation.svl --summaries "$m"
files_are "moderation: one page per bid, numbered in the order of bids, and an index" "$m" \
  "01-acorn-meals-cic.html 02-bramble-kitchens-ltd.html 03-chestnut-catering.html index.html"
if [ ! -s "$tmp/out" ]; then ok "moderation: without -o, no report on standard output"; else not_ok "moderation: without -o, no report on standard output"; fi
for f in "$m"/*.html; do
  b=$(basename "$f")
  if head -1 "$f" | grep -q '^<!DOCTYPE html>$' && tail -1 "$f" | grep -q '^</html>$'; then ok "$b: a whole page"; else not_ok "$b: a whole page"; fi
  if self_contained "$f"; then ok "$b: no script, URL or external resource"; else not_ok "$b: no script, URL or external resource"; fi
  if grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"" "$f"; then
    ok "$b: a policy forbids scripts and requests"; else not_ok "$b: a policy forbids scripts and requests"; fi
  if [ -z "$validator" ]; then ok "# SKIP $b: valid HTML (python3-html5lib is not installed: make report-deps)"
  elif msg=$(valid_html "$f"); then ok "$b: valid HTML (html5lib, strict)"; else not_ok "$b: valid HTML (html5lib, strict)" "$msg"; fi
done
for b in 01-acorn-meals-cic 02-bramble-kitchens-ltd 03-chestnut-catering; do
  if grep -qF "<a href=\"$b.html\">" "$m/index.html"; then ok "index links to $b.html"; else not_ok "index links to $b.html"; fi
done
"$SVL" report examples/moderation/evaluation.svl --summaries "$tmp/again" -o "$tmp/report.html" 2>/dev/null
if diff -r "$m" "$tmp/again" >/dev/null; then ok "moderation: the same pages each time"; else not_ok "moderation: the same pages each time"; fi
if grep -q 'id="moderation"' "$tmp/report.html"; then ok "with -o, the report is written too"; else not_ok "with -o, the report is written too"; fi

# what a summary states: a bid that lost, beside the winner
p=$(page "$m" bramble-kitchens-ltd)
has "summary: rank, total, the winner and the margin" "$p" \
  "Bramble Kitchens Ltd's tender is ranked 2 of 3 in competition, with a total of 78.75. The winning tender, Acorn Meals CIC, scored 82.72: a margin of 3.97 points."
has "summary: each criterion's score and points beside the winner's, and the difference" "$p" \
  "Safeguarding 25% 50.00 12.50 75.00 18.75 -6.25"
has "summary: the total row, with the difference" "$p" "Total 78.75 82.72 -3.97"
has "summary: the consensus mark and how it was reached" "$p" "Mark 3 (agreed at moderation, from 3 evaluators' marks)"
has "summary: the moderator's note" "$p" "Moderation: Cal Jones marked 1 as no staffing plan was found"
has "summary: the evaluators' reasons" "$p" "Escalation route unclear."
text_of "$p" >"$tmp/text"
if ! grep -qE "Ana Patel|Ben Okafor" "$tmp/text"; then
  ok "summary: the reasons are given without the evaluators' names (but the moderator's note is as written)"
else not_ok "summary: the reasons are given without the evaluators' names"; fi
has "summary: the winner's reasons beside" "$p" "Strongest plan seen; named back-up drivers."
has "summary: the reasons the declaration gives (price)" "$p" "£389,000.00: the lowest price (£389,000.00) scores 100"
has "summary: its clarifications" "$p" "Please confirm that the staffing plan of appendix C is part of your method statement."
if ! grep -qF "rural rounds" "$tmp/text"; then ok "summary: not another bidder's clarifications"; else not_ok "summary: not another bidder's clarifications"; fi
has "summary: the standstill text of the rule file" "$p" "standstill period of 8 working days"
has "summary: the winner's page says it won and by how much" "$(page "$m" acorn-meals-cic)" \
  "Acorn Meals CIC's tender is ranked first of 3 in competition, with a total of 82.72. The runner-up, Bramble Kitchens Ltd, scored 78.75: a margin of 3.97 points."

# the record's own sections in the report
r=$tmp/report.html
has "report: the clarification log" "$r" "Clarifications Every question put to a bidder during the evaluation, its answer and what came of it: 2 clarifications."
has "report: a clarification with its dates and outcome" "$r" "Chestnut Catering 2026-01-08 Please explain how rural rounds are covered"
has "report: the declarations, counted" "$r" "4 declarations; 1 declares an interest (highlighted, with how it was managed)."
if grep -q '<tr class="declared"><th scope="row"><bdi>Ben Okafor</bdi>' "$r"; then ok "report: the declared interest is highlighted"; else not_ok "report: the declared interest is highlighted"; fi
has "report: the sign-off lines" "$r" "Signed by the panel as a true record of the evaluation set out above."
if [ "$(grep -o '<td class="sign"></td>' "$r" | wc -l)" = 8 ]; then ok "report: room to sign and date for each of the 4 members"
else not_ok "report: room to sign and date for each of the 4 members"; fi
# the statement the panel signs: the commissioner's words, isolated, else the default
cat >"$tmp/statement.svl" <<'SVL'
report {
  title: "Community meals"
  ranking: [{supplier: "Bramble Kitchens Ltd", total: 80}]
  sign_off: [{name: "Dee Marsh", role: "Panel chair"}]
  sign_off_statement: "We confirm this record is complete; <b>every</b> interest is declared \u{202E}above."
}
SVL
expect_status "sign_off_statement: exit 0" 0 "$SVL" report "$tmp/statement.svl" -o "$tmp/statement.html"
has "sign_off_statement: the panel signs to the commissioner's words" "$tmp/statement.html" \
  "Sign-off We confirm this record is complete; <b>every</b> interest is declared"
if grep -qF '<p class="statement"><bdi>We confirm this record is complete; &lt;b&gt;every&lt;/b&gt; interest is declared '"$(printf '\u202e')"'above.'"$(printf '\u202c')"'</bdi></p>' "$tmp/statement.html" \
   && ! grep -qF "Signed by the panel as a true record" "$tmp/statement.html"; then
  ok "sign_off_statement: escaped, isolated, its override closed, and instead of the default"
else not_ok "sign_off_statement: escaped, isolated, its override closed, and instead of the default" "$(grep -A1 'id="sign-off"' "$tmp/statement.html")"; fi
printf '%s\n' 'report {' '  title: "t"' '  ranking: [{supplier: "A"}]' '  sign_off_statement: "We confirm."' '}' >"$tmp/lone.svl"
expect_status "sign_off_statement without sign_off: exit 1" 1 "$SVL" report "$tmp/lone.svl" -o "$tmp/lone.html"
expect_err "it says the statement has no one to sign it" \
  "lone.svl:4:3: error: report: 'sign_off_statement' is the sentence above the sign_off lines, and there are none [E0409]"
printf '%s\n' 'report {' '  title: "t"' '  ranking: [{supplier: "A"}]' '  sign_off: [{name: "N", role: "R"}]' '  sign_off_statement: 3' '}' >"$tmp/lone.svl"
expect_status "a sign_off_statement that is not a text: exit 1" 1 "$SVL" report "$tmp/lone.svl" -o "$tmp/lone.html"
expect_err "it says what it must be" "'sign_off_statement' must be a text (what the panel signs to, above the sign_off lines), got number"

# ties: the panel's tie for first, ties lower down, a failed gate, an
# abnormally low tender
t=$tmp/panel
expect_status "panel: summaries exit 0" 0 "$SVL" report tests/report/panel.svl --summaries "$t"
has "tie for first: the runner-up's page says the award rests on the tie-break, and names it" "$(page "$t" alder-care-ltd)" \
  "It has the same total as Birch Homecare: the award rests on the tie-break (the higher quality score), which ranked Birch Homecare first."
has "tie lower down: the tie and the tie-break named" "$(page "$t" damson-services)" \
  "It has the same total as Cedar Support; the tie-break (the higher quality score) placed it at rank 3."
has "tie after the tie-break: the shared rank said" "$(page "$t" fir-co)" "does not separate them: they share rank 5."
has "a failed gate: not ranked, the gate named" "$(page "$t" holly-group)" "Holly Group's tender was not ranked: failed quality minimum."
has "a failed gate: its reason" "$(page "$t" holly-group)" "quality 30 below the minimum of 50"
has "abnormally low: not ranked, and why" "$(page "$t" gorse-direct)" "not ranked: abnormally low; its explanation was not accepted."
has "abnormally low: the screen and the explanation" "$(page "$t" gorse-direct)" \
  "an explanation was requested and not accepted, so the tender was rejected as abnormally low."
has "abnormally low: the explanation request in the clarification log" "$(page "$t" gorse-direct)" "explain how a price of £400,000.00"
has "no standstill text: the page says it is missing" "$(page "$t" gorse-direct)" "The rule file gives no standstill or challenge text"
# a bid not ranked still shows what it scored, beside the winner's, marked
# as not counted: a quality minimum is failed on a score
has "a failed gate: its scores beside the winner's, as not counted" "$(page "$t" holly-group)" \
  "so these scores did not count in the competition"
has "a failed gate: the score the gate failed on, and its points" "$(page "$t" holly-group)" "Quality of care 30% 30.00 9.00 90.00 27.00 -18.00"
has "a failed gate: the weighted total, not counted, against the winner's" "$(page "$t" holly-group)" "Weighted total (not counted) 49.50 83.00 -33.50"
has "abnormally low: the scores it would have had" "$(page "$t" gorse-direct)" "Price 50% 100.00 50.00 80.00 40.00 10.00"
# one the rules cannot score says why rather than failing every page
cat >"$tmp/noscore.svl" <<'SVL'
let bids = [{supplier: "Ash Ltd", scores: {price: 80}}, {supplier: "Beech Ltd"}, {supplier: "Cherry Ltd", scores: {quality: 3}}]
report {
  title: "Unscored bids"
  bids: bids
  ranking: [bids[1] with {total: 80}]
  weights: {price: 100%}
  labels: {price: "Price"}
  scores: b => b.scores
}
SVL
expect_status "bids the rules cannot score: the summaries are still written" 0 "$SVL" report "$tmp/noscore.svl" --summaries "$tmp/ns"
has "scores that stop with an error: not scored, and the error" "$(page "$tmp/ns" beech-ltd)" \
  "The tender was not scored: it was not ranked (see the outcome above), and scoring it stops with an error: no field 'scores' in this record."
has "scores without a criterion: not scored, and which" "$(page "$tmp/ns" cherry-ltd)" \
  "The tender was not scored: it was not ranked (see the outcome above), and it has no Price score."

# hostile names: file names safe and distinct, texts escaped
h=$tmp/hostile
expect_status "hostile names: summaries exit 0" 0 "$SVL" report tests/report/summaries.svl --summaries "$h"
files_are "hostile names: each file a plain name in DIR, distinct even when names clash" "$h" \
  "01-etc-passwd.html 02-script-document-title-pwned-script.html 03-zeta-ltd.html 04-iso-late-d-care.html 05-bid.html 06-bid.html 07-acme-ltd.html 08-acme-ltd.html 09-con.html 10-bid.html index.html"
if [ "$(find "$tmp" -name '*.html' -newer "$h/01-etc-passwd.html" -not -path "$h/*" | wc -l)" = 0 ] && [ ! -e "$tmp/etc" ]; then
  ok "hostile names: nothing written outside DIR"; else not_ok "hostile names: nothing written outside DIR"; fi
markup='<(script|b>|i>)'
if ! cat "$h"/*.html | grep -qiE "$markup"; then ok "hostile names: no markup from the data"
else not_ok "hostile names: no markup from the data" "$(cat "$h"/*.html | grep -oiE "$markup[^>]*" | head -3)"; fi
if grep -qF '&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;' "$h/02-script-document-title-pwned-script.html"; then
  ok "hostile names: a name holding a script is shown as text"; else not_ok "hostile names: a name holding a script is shown as text"; fi
if grep -qF "<h1><bdi>Zeta $(printf '\u202e')Ltd$(printf '\u202c')</bdi></h1>" "$h/03-zeta-ltd.html"; then
  ok "hostile names: an override in a name is isolated and closed"; else not_ok "hostile names: an override in a name is isolated and closed"; fi

# failures: nothing written on an error, an unwritable DIR, DIR a file
cp -r "$m" "$tmp/keep"
broken_rules "$tmp/broken.svl"
expect_status "a gate's runtime error: exit 1" 1 "$SVL" report "$tmp/broken.svl" --summaries "$tmp/keep"
if diff -r "$m" "$tmp/keep" >/dev/null; then ok "an error writes nothing: the previous pages are whole"; else not_ok "an error writes nothing"; fi
expect_status "a DIR whose parent is missing: exit 1" 1 "$SVL" report examples/moderation/evaluation.svl --summaries "$tmp/no/such"
expect_err "it says which directory" "error: cannot write '$tmp/no/such': No such file or directory [E0903]"
: >"$tmp/afile"
expect_status "a DIR that is a file: exit 1" 1 "$SVL" report examples/moderation/evaluation.svl --summaries "$tmp/afile"
expect_err "it says it is not a directory" "error: cannot write '$tmp/afile': Not a directory [E0903]"
if [ "$(id -u)" = 0 ]; then
  ok "# SKIP an unwritable DIR (root writes anywhere)"
  ok "# SKIP an unwritable DIR: it says which file"
else
  mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
  expect_status "an unwritable DIR: exit 1" 1 "$SVL" report examples/moderation/evaluation.svl --summaries "$tmp/ro"
  expect_err "it says which file" "error: cannot write '$tmp/ro/01-acorn-meals-cic.html': Permission denied [E0903]"
  chmod 755 "$tmp/ro"
fi
expect_status "--summaries needs a directory: exit 2" 2 "$SVL" report examples/moderation/evaluation.svl --summaries

# the record's declaration errors
decl() { printf '%s\n' "$@" >"$tmp/d.svl"; }
decl 'report {' '  title: "t"' '  ranking: [{supplier: "A"}]' '  clarifications: [{bid: "B", question: "q"}]' '}'
expect_status "a clarification about no bid: exit 1" 1 "$SVL" report "$tmp/d.svl" --summaries "$tmp/d"
expect_err "it names the bid" "report: clarification 1 is about 'B', which is not a bid of the report [E0409]"
decl 'report {' '  title: "t"' '  ranking: [{supplier: "A"}]' '  declarations: [{person: "P"}]' '}'
expect_status "a declaration without its interest: exit 1" 1 "$SVL" report "$tmp/d.svl" -o "$tmp/d.html"
expect_err "it says what is missing" "report: each declaration needs 'interest' (row 1 has none) [E0409]"
decl 'report {' '  title: "t"' '  ranking: [{supplier: "A"}]' '  standstill: 8' '}'
expect_status "a standstill that is not a text: exit 1" 1 "$SVL" report "$tmp/d.svl" -o "$tmp/d.html"
expect_err "it says what it is" "'standstill' must be a text, or a function of a bid giving one"
expect_status "svl fmt --check: the summaries test file is formatted" 0 "$SVL" fmt --check tests/report/summaries.svl \
  examples/moderation/evaluation.svl

# docs/report.md's examples print what the page says
if out=$(python3 tests/cli/doc_examples.py "$SVL" docs/report.md 2>&1); then ok "docs/report.md examples"
else not_ok "docs/report.md examples" "$(printf '%s\n' "$out" | head -20)"; fi

done_testing
