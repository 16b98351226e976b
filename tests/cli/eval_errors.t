#!/bin/bash
# Runtime errors of the evaluator (eval/eval.c), each with the exact
# first line it must print: message, caret column and code.  Exit status 1.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
# fails SOURCE EXPECTED-FIRST-LINE (the source is written as e.svl; \n
# in SOURCE separates lines)
fails() {
  printf '%b\n' "$1" >e.svl
  timeout 120 "$SVL" run e.svl >out 2>err
  s=$?
  got=$(head -1 err)
  if [ "$s" = 1 ] && [ "$got" = "$2" ]; then ok "$2"; else not_ok "$1" "exit $s; got: $got; want: $2"; fi
}
fails 'print [1, 2][3]'            "e.svl:1:7: error: index 3 out of range for a list of 2 items [E0404]"
fails 'print [1][0]'               "e.svl:1:7: error: index 0 out of range for a list of 1 item [E0404]"
grep -q "hint: lists are indexed from 1" err && ok "index 0: the hint says lists start at 1" || not_ok "index 0 hint" "$(cat err)"
fails 'print "ab"[5]'              "e.svl:1:7: error: index 5 out of range for a text of 2 characters [E0404]"
fails 'let n = 5\nprint n[1]'      "e.svl:2:7: error: cannot index number [E0402]"
fails 'rule r(x) {\n  require true, "no"\n}\nprint r(1).score' "e.svl:4:12: error: no field 'score' in a verdict [E0404]"
fails 'let n = null\nprint n.x'    "e.svl:2:9: error: cannot read field 'x' of null [E0403]"
fails 'let t = "x"\nprint t.size' "e.svl:2:9: error: cannot read field 'size' of text [E0402]"
fails 'print null < 1'             "e.svl:1:7: error: cannot order null [E0403]"
fails 'print "a" < 1'              "e.svl:1:7: error: cannot order text and number [E0402]"
fails 'print 1 in 5'               "e.svl:1:7: error: 'in' needs a list, range or text on the right, got number [E0402]"
fails 'unit FTE\nprint (3 FTE) ^ 0.5'  "e.svl:2:7: error: a quantity (FTE) can only be raised to a whole power [E0401]"
fails 'print £5 ^ £2'              "e.svl:1:7: error: an exponent must be a plain number, got GBP [E0401]"
fails 'print date("2026-01-01") + 0.5' "e.svl:1:7: error: a date moves by a whole number of days [E0407]"
fails 'fn f(n: number) = n\nprint f(true)'  "e.svl:2:7: error: argument 'n' of f: expected number, got bool [E0405]"
fails 'fn f(xs: [number]) = xs\nprint f(1)' "e.svl:2:7: error: argument 'xs' of f: expected list, got a plain number [E0405]"
fails 'fn f(n: number) = n\nprint f(null)'  "e.svl:2:7: error: argument 'n' of f must not be null [E0405]"
fails 'let f = len\nprint f(1, 2)' "e.svl:2:7: error: len takes 1 argument, got 2 [E0304]"
fails 'fn f(a, b) = a\nlet g = f\nprint g(1, 2, 3)' "e.svl:3:7: error: f takes 2 arguments, got 3 [E0304]"
fails 'fn f(a, b) = a\nlet g = f\nprint g(1, c: 2)' "e.svl:3:7: error: f has no parameter 'c' [E0304]"
fails 'fn f(a, b) = a\nlet g = f\nprint g(1)' "e.svl:3:7: error: f: missing argument 'b' [E0304]"
fails 'let f = 5\nprint f(1)'     "e.svl:2:7: error: cannot call number [E0402]"
fails 'print if 1 then 2 else 3'   "e.svl:1:10: error: an if condition must be a bool, got number [E0402]"
fails 'print -"a"'                 "e.svl:1:7: error: cannot negate text [E0402]"
fails 'print 1 + "a"'              "e.svl:1:7: error: cannot apply + to number and text [E0402]"
fails 'print {a: 1} with 5'        "e.svl:1:7: error: 'with' updates a record with a record, got record with number [E0402]"
fails 'print 1..date("2026-01-01")' "e.svl:1:7: error: a range needs two numbers of one unit, or two dates; got a plain number and date [E0402]"
fails 'print 5 as hours'           "e.svl:1:7: error: cannot convert a plain number to hour [E0401]"
fails 'print [x for x in 1.5..3]'  "e.svl:1:19: error: a range expects a whole number, got 1.5 [E0407]"
printf 'import greenbook\nprint greenbook.nothing\n' >m.svl
timeout 120 "$SVL" run m.svl >out 2>err
[ $? = 1 ] && grep -q "has no name 'nothing' \[E0306\]" err && ok "a module asked for a name it lacks: E0306" \
  || not_ok "module without the name" "$(head -2 err)"
fails 'rule r(x) {\n  require [x > 0, 1]\n}\nprint r(1)' "e.svl:2:11: error: item 2 of the requirement list must be a bool or a verdict, got number [E0402]"
fails 'print [x * y for x in [1, 2] for y in 5]' "e.svl:1:39: error: a comprehension expects a list, got number [E0402]"
done_testing
