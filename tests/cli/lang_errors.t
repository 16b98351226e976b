#!/bin/bash
# Hostile and malformed source, each with the error it must give: the
# message, its code and the column of the caret (lexer and parser error
# paths, SPEC 2 and 10).  Exit status 2: nothing ran.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
# rejects SOURCE EXPECTED-FIRST-LINE-OF-STDERR (with h.svl as the file)
rejects() {
  printf '%s\n' "$1" >h.svl
  timeout 120 "$SVL" run h.svl >out 2>err
  s=$?
  got=$(head -1 err)
  if [ "$s" = 2 ] && [ "$got" = "$2" ]; then ok "$2"; else not_ok "$(echo "$1" | head -c 60)" "exit $s; got: $got; want: $2"; fi
}
rejects 'print 10%%'            "h.svl:1:10: error: unexpected character '%' [E0101]"
# the character is named, with a hint for what a commissioner most often
# meant: an accented name, a curly quote, a thousands separator
# (docs/errors.md E0101, E0201)
rejects_hint() {
  rejects "$1" "$2"
  if grep -qF -- "hint: $3" err; then ok "hint: $3"; else not_ok "hint for $(echo "$1" | head -c 40)" "$(cat err)"; fi
}
rejects_hint 'let é = 3'        "h.svl:1:5: error: unexpected character 'é' [E0101]" "names are ASCII letters, digits and '_'"
rejects_hint 'let t = “Acme”'   "h.svl:1:9: error: unexpected character '“' [E0101]" 'a curly quote: texts are written in straight double quotes'
rejects_hint 'let fee = £1,250.50' "h.svl:1:13: error: expected end of file before ',' [E0201]" "a number in a rule file has no thousands separators"
rejects_hint 'let n = 1,000'    "h.svl:1:10: error: expected end of file before ',' [E0201]" "a number in a rule file has no thousands separators"
rejects 'print 10%x'            "h.svl:1:10: error: unexpected letter after a percentage [E0104]"
rejects 'print £x'              "h.svl:1:7: error: a currency sign must be followed by a number [E0104]"
rejects 'print £1.2bnx'         "h.svl:1:13: error: unexpected letter after a money amount [E0104]"
rejects 'print 5e99999'         "h.svl:1:7: error: number is too large [E0104]"
rejects 'print 99999999999999999999999999999999999' "h.svl:1:7: error: number has more significant digits than SVL can hold exactly (34) [E0104]"
rejects 'print "\u{12"'         "h.svl:1:8: error: malformed \\u escape [E0103]"
rejects 'print "\u1234"'        "h.svl:1:8: error: malformed \\u escape [E0103]"
rejects 'print "\u{110000}"'    "h.svl:1:8: error: \\u escape is not a Unicode scalar value [E0103]"
rejects 'print "\u{DFFF}"'      "h.svl:1:8: error: \\u escape is not a Unicode scalar value [E0103]"
rejects 'print "\q"'            "h.svl:1:8: error: unknown escape in string [E0103]"
rejects 'print round(2.5, place: 1)' "h.svl:1:18: error: round has no parameter 'place' [E0304]"
rejects $'print 1\rprint 2'     "h.svl:1:8: error: carriage return without a line feed [E0101]"
rejects 'print "open'           "h.svl:1:12: error: line break inside a string [E0102]"
rejects 'print (1'              "h.svl:1:7: error: unclosed bracket [E0105]"
rejects 'print 1)'              "h.svl:1:8: error: unmatched closing bracket [E0105]"
rejects 'print [1}'             "h.svl:1:9: error: closing bracket does not match the open one [E0105]"
rejects "print $(printf '[%.0s' $(seq 250))" "h.svl:1:207: error: brackets nested too deeply [E0105]"
rejects 'print 1 £2'            "h.svl:1:9: error: expected end of file before a money amount [E0201]"
rejects 'print "a" "b"'         "h.svl:1:11: error: expected end of file before a text [E0201]"
rejects 'print [1, 2 3]'        "h.svl:1:13: error: unexpected number, expected ',' or ']' [E0201]"
rejects 'print (1 y z)'         "h.svl:1:12: error: expected ')' before a name [E0201]"
rejects 'let = 3'               "h.svl:1:5: error: expected a name before '=' [E0201]"
rejects 'print 1 +'             "h.svl:1:10: error: unexpected end of file [E0202]"
rejects 'if 3'                  "h.svl:1:5: error: expected 'then' before end of file [E0202]"
rejects 'unit'                  "h.svl:1:5: error: expected a name before end of file [E0202]"
rejects 'fn f(x) { let y = 1 }' "h.svl:1:11: error: a block must end with an expression, its value [E0204]"
rejects 'print 10% FTE'         "h.svl:1:7: error: a percentage cannot carry a unit [E0204]"
rejects 'import "{x}.svl" as m' "h.svl:1:8: error: an import path cannot use interpolation [E0204]"
rejects 'test "t{1}" { assert true }' "h.svl:1:6: error: a test name cannot use interpolation [E0204]"
rejects 'table t(x) hit collect avg {
  | x || y |
  | - || 1 |
}'                              "h.svl:1:12: error: unknown hit policy [E0204]"
rejects 'table t(x) hit rule first {
  | x || y |
  | - || 1 |
}'                              "h.svl:1:21: error: unknown hit policy [E0204]"
rejects "print 2$(printf ' ^ 2%.0s' $(seq 1200))" "h.svl:1:807: error: expression nested too deeply [E0203]"
rejects "print $(printf -- '- %.0s' $(seq 1200))1" "h.svl:1:407: error: expression nested too deeply [E0203]"
done_testing
