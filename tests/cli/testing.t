#!/bin/bash
# svl test: --filter, --coverage, --threshold, numbering across files.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
cat >cov.svl <<'SVL'
fn a(x) = x + 1
fn b(x) = x * 2
rule r(x) {
  require x > 0, "positive"
  warn x > 100, "big"
}
table t(x) hit first {
  | x     || y |
  | < 10  || 1 |
  | -     || 2 |
}
test "a works" {
  assert a(1) == 2
  assert r(5)
  assert t(3) == 1
}
test "other" {
  assert true
}
SVL
cat >two.svl <<'SVL'
test "third" {
  assert 1 + 1 == 2
}
SVL
out=$("$SVL" test cov.svl two.svl)
case $out in *"1..3"*"ok 2 - other"*"ok 3 - third"*) ok "tests numbered across files" ;; *) not_ok "numbering" "$out" ;; esac
out=$("$SVL" test cov.svl --filter other)
case $out in *"1..1"*"ok 1 - other"*) ok "--filter selects by name" ;; *) not_ok "--filter" "$out" ;; esac
out=$("$SVL" test cov.svl --coverage)
case $out in *"not run: cov.svl:2: fn b"*"table t row 2"*"6 of 8 items (75.0%)"*) ok "--coverage lists what never ran" ;; *) not_ok "--coverage" "$out" ;; esac
expect_status "--threshold above the coverage fails" 1 "$SVL" test cov.svl --threshold 80
expect_status "--threshold below the coverage passes" 0 "$SVL" test cov.svl --threshold 75
expect_status "bad --threshold is a usage error" 2 "$SVL" test cov.svl --threshold 101
expect_status "--coverage-json" 0 sh -c "\"$SVL\" test cov.svl --coverage-json c.json >/dev/null && python3 -c 'import json; d = json.load(open(\"c.json\")); assert d[0][\"covered\"] == 6 and d[0][\"total\"] == 8'"
printf 'print "hello from the file"\ntest "x" {\n  assert true\n}\n' >p.svl
out=$("$SVL" test p.svl)
case $out in *"# hello from the file"*) ok "print output becomes a TAP comment" ;; *) not_ok "print in tests" "$out" ;; esac
# Test names are escaped on the TAP line: a '#' cannot become a SKIP/TODO
# directive and a line break cannot start a new test line, so prove counts
# exactly what ran (one failure here, three tests).
cat >names.svl <<'SVL'
test "a # SKIP sneaky" {
  assert 1 == 2
}
test "line\nnot ok 5 - x" {
  assert true
}
test "back\\slash # TODO" {
  assert true
}
SVL
out=$("$SVL" test names.svl)
case $out in *'not ok 1 - a \# SKIP sneaky'*'ok 2 - line\nnot ok 5 - x'*'ok 3 - back\\slash \# TODO'*) ok "TAP test names escaped" ;; *) not_ok "TAP test names escaped" "$out" ;; esac
out=$(prove -e "$SVL test" names.svl 2>&1)
case $out in *"Failed 1/3 subtests"*) ok "prove counts 3 tests, 1 failed, none skipped" ;; *) not_ok "prove count with odd names" "$out" ;; esac
# assert_error: a test asserts that an expression raises an error, any
# error or one whose code or message part is given; a limit is not caught.
cat >errs.svl <<'SVL'
import scoring
fn first(xs) = xs[1]
fn runaway(n) = runaway(n + 1)
test "errors expected" {
  assert_error(scoring.lowest_price([]))
  assert_error(scoring.lowest_price([]), "no prices to take the lowest of")
  assert_error(first([]), "E0404")
  assert_error(1 / 0, "division by zero")
  assert_error({a: 1}.b)
}
test "no error raised" {
  assert_error(1 + 1, "E0501")
}
test "a different error" {
  assert_error(1 / 0, "E0404")
}
test "a limit is not caught" {
  assert_error(runaway(1))
}
SVL
out=$("$SVL" test errs.svl --max-depth 50)
case $out in *"ok 1 - errors expected"*) ok "assert_error passes on the expected errors" ;; *) not_ok "assert_error passes" "$out" ;; esac
case $out in *'not ok 2 - no error raised'*'message: "assert_error: no error was raised"'*'expression: "1 + 1"'*'got: "2"'*'expected: "E0501"'*) ok "assert_error fails when nothing is raised" ;; *) not_ok "assert_error without an error" "$out" ;; esac
case $out in *'not ok 3 - a different error'*'got: "[E0501] division by zero"'*'expected: "E0404"'*) ok "assert_error fails on a different error" ;; *) not_ok "assert_error with another error" "$out" ;; esac
case $out in *'not ok 4 - a limit is not caught'*'call depth limit reached'*) ok "a limit inside assert_error still stops the test" ;; *) not_ok "assert_error and limits" "$out" ;; esac
printf 'let x = assert_error(1 / 0)\n' >ae_value.svl
expect_status "assert_error as a value: exit 2" 2 "$SVL" run ae_value.svl
expect_err "assert_error as a value: says it is a statement" "assert_error is a statement, not a value [E0301]"
done_testing
